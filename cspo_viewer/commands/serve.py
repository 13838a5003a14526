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
import socket
from pathlib import Path
from typing import Any

from cspo_viewer import paths
from cspo_viewer.commands.common import add_db_argument, db_path
from cspo_viewer.data.store import open_store
from cspo_viewer.errors import UserError

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


def make_datasette(database: Path) -> Any:
    """A Datasette over ``database``, immutable, with our metadata (what tests also use)."""
    from datasette.app import Datasette

    return Datasette(immutables=[str(database)], metadata=metadata_for(database))


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
