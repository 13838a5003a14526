"""``cspo-viewer serve``: share the record in a browser through Datasette, read-only.

Datasette is an optional extra (``pip install 'cspo-viewer[serve]'``): the desktop app
never needs it. The database is opened *immutable*, so Datasette never writes, locks or
journals it, with the descriptions, labels, search and canned ``search`` query of the
``metadata.json`` shipped beside the bundled database. The socket is bound here, before
Datasette starts, so a port in use is one sentence and ``--port 0`` picks a free one.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import socket
import types
from pathlib import Path
from typing import Any

from cspo_viewer import paths
from cspo_viewer.commands.common import add_db_argument, db_path
from cspo_viewer.data.store import open_store
from cspo_viewer.errors import UserError

log = logging.getLogger(__name__)

INSTALL_LINE = "pip install 'cspo-viewer[serve]'"
METADATA_NAME = "metadata.json"
METADATA_DATABASE = "cspo"
"""The database name ``metadata.json`` describes: Datasette names a file by its stem."""


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="browse and search the database in a web browser (Datasette, read-only)",
        description="Serve the database read-only with Datasette, with the table and column "
        "descriptions and the searches of the shipped metadata. Needs the serve extra: "
        f"{INSTALL_LINE}",
    )
    add_db_argument(serve, suppress=True)
    serve.add_argument("--port", type=int, default=8001, help="default: 8001 (0: any free port)")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this computer only; 0.0.0.0 shares "
        "it with your network)",
    )
    serve.set_defaults(func=run_serve)


def metadata_path() -> Path:
    return paths.db_dir() / METADATA_NAME


def metadata_for(database: Path) -> dict[str, Any]:
    """The shipped metadata, describing ``database`` under the name Datasette gives it."""
    with metadata_path().open(encoding="utf-8") as fh:
        metadata = json.load(fh)
    databases = metadata.get("databases", {})
    name = Path(database).stem
    if name != METADATA_DATABASE and METADATA_DATABASE in databases:
        databases[name] = copy.deepcopy(databases.pop(METADATA_DATABASE))
    return metadata


READ_ONLY_METHODS = frozenset({"GET", "HEAD"})
REFUSAL = b"This record is served read-only: only GET and HEAD requests are answered.\n"
PLUGIN_NAME = "cspo_viewer_read_only"


def make_datasette(database: Path) -> Any:
    """A Datasette over ``database``, immutable, with our metadata (what tests also use),
    that answers only GET and HEAD (see ``refuse_writes``)."""
    from datasette.app import Datasette

    _register_read_only()

    class ReadOnlyDatasette(Datasette):
        cspo_read_only = True  # known while Datasette builds its app and test client

    return ReadOnlyDatasette(immutables=[str(database)], metadata=metadata_for(database))


def refuse_writes(app: Any) -> Any:
    """Our ASGI app in front of Datasette's: any other method gets 405 with one sentence.

    Nothing here is written, and Datasette 0.65 answers a POST to a canned query that is
    not a write query with HTTP 500 and a traceback on the server's stderr (its table view
    hands the query view's data tuple to the server as if it were a response), for any
    read-only canned query, ours included."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in READ_ONLY_METHODS:
            await app(scope, receive, send)
            return
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"allow", b"GET, HEAD"),
            (b"content-length", str(len(REFUSAL)).encode()),
        ]
        await send({"type": "http.response.start", "status": 405, "headers": headers})
        await send({"type": "http.response.body", "body": REFUSAL})

    return wrapped


def _register_read_only() -> None:
    """Wrap the app of every Datasette made by ``make_datasette`` (Datasette's own
    ``asgi_wrapper`` hook, so its test client goes through the wrapper too)."""
    from datasette import hookimpl
    from datasette.plugins import pm

    if pm.get_plugin(PLUGIN_NAME) is not None:
        return

    def asgi_wrapper(datasette: Any) -> Any:
        return refuse_writes if getattr(datasette, "cspo_read_only", False) else None

    plugin = types.ModuleType(PLUGIN_NAME)  # Datasette lists its plugins by module name
    plugin.asgi_wrapper = hookimpl(asgi_wrapper)  # type: ignore[attr-defined]
    pm.register(plugin, name=PLUGIN_NAME)


def _import_server() -> Any:
    """Datasette and its server, or the sentence that says how to install them."""
    try:
        import datasette.app  # noqa: F401
        import uvicorn
    except ModuleNotFoundError as exc:
        raise UserError(
            f"cspo-viewer serve needs Datasette, which is not installed; run: {INSTALL_LINE}"
        ) from exc
    return uvicorn


def _bind(host: str, port: int) -> socket.socket:
    if not 0 <= port <= 65535:
        raise UserError(f"--port {port} is not a port number (0 to 65535)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UserError(f"--host {host} is not an address of this computer") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise UserError(f"cannot listen on {host} port {port} ({exc.strerror})") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def run_serve(args: argparse.Namespace) -> int:
    uvicorn = _import_server()
    database = db_path(args).resolve()
    open_store(database).close()  # a missing, damaged or foreign file is one sentence
    ds = make_datasette(database)
    log.info("Datasette over %s, immutable, metadata %s", database, metadata_path())
    sock = _bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(
        f"Serving {paths.display_path(database)} read-only at "
        f"http://{shown}:{port}/{Path(database).stem} (Ctrl+C stops)",
        flush=True,
    )
    try:
        uvicorn.run(ds.app(), fd=sock.fileno(), log_level="warning", lifespan="on")
    finally:
        sock.close()
    return 0
