"""Datasette over the shipped database, through Datasette's own test client, and `serve`."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cspo_viewer.cli import main
from cspo_viewer.commands import serve
from cspo_viewer.data import schema
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.store import open_store
from tests.conftest import sha256

datasette = pytest.importorskip("datasette", reason="Datasette is the serve extra")


@pytest.fixture(scope="module")
def ds():
    from cspo_viewer import paths

    return serve.make_datasette(paths.bundled_db_path())


def get(ds, path: str):
    response = asyncio.run(ds.client.get(path))
    return response


def get_json(ds, path: str):
    response = get(ds, path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def test_metadata_describes_every_table_and_column_of_the_schema(bundled_db):
    tables = serve.metadata_for(bundled_db)["databases"]["cspo"]["tables"]
    conn = sqlite3.connect(bundled_db)
    for table in schema.REQUIRED_TABLES:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]
        assert tables[table]["description"], table
        assert list(tables[table]["columns"]) == columns, table
        assert all(tables[table]["columns"].values()), table
    conn.close()


def test_foreign_keys_show_labels_not_slugs(ds):
    mou = "2014-09-22-mou-signed-ottawa"
    [event] = get_json(ds, f"/cspo/events.json?_labels=on&_shape=array&id={mou}")
    assert event["kind"] == {"value": "founding", "label": "Founding"}
    tags = get_json(
        ds, "/cspo/event_themes.json?_labels=on&_shape=array&event_id=2014-09-22-mou-signed-ottawa"
    )
    theme_labels = {t["theme_id"]["label"] for t in tags}
    with open_store(serve.paths.bundled_db_path()) as store:
        detail = store.event_detail("2014-09-22-mou-signed-ottawa")
        expected = {store.vocabulary.themes[t] for t in detail.row.themes}
        source_titles = {s.title for s in detail.sources}
    assert theme_labels == expected and not theme_labels & set(detail.row.themes)
    [aus] = get_json(ds, "/cspo/memberships.json?_labels=on&_shape=array&nation_code=AUS")
    assert aus["nation_code"]["label"] == "Australia"
    cited = get_json(
        ds, "/cspo/event_sources.json?_labels=on&_shape=array&event_id=2014-09-22-mou-signed-ottawa"
    )
    assert {c["source_id"]["label"] for c in cited} == source_titles
    # and in the page a person reads: the kind is a link named by its label
    page = get(ds, "/cspo/events?id=2014-09-22-mou-signed-ottawa").text
    assert re.search(r'<a href="/cspo/kinds/founding">Founding</a>', page)


def test_descriptions_and_links_are_shown(ds):
    page = get(ds, "/cspo/sources").text
    assert "Every cited source." in page
    assert "What the source says about its date when that is not a date" in page
    assert re.search(r'<a href="https://[^"]+">https://', page)  # url cells are links
    events = get(ds, "/cspo/events").text
    assert "How much of the date is known: day, month or year." in events


def test_table_search_finds_whole_words_in_event_text(ds):
    data = get_json(ds, "/cspo/events.json?_search=Florence&_shape=objects")
    conn = sqlite3.connect(serve.paths.bundled_db_path())
    expected = conn.execute(
        "SELECT COUNT(*) FROM events_fts WHERE events_fts MATCH '\"Florence\"'"
    ).fetchone()[0]
    conn.close()
    assert data["filtered_table_rows_count"] == expected > 0
    # whole words: a prefix finds nothing here, unlike the app's search
    assert get_json(ds, "/cspo/events.json?_search=Floren")["filtered_table_rows_count"] == 0
    quotes = get_json(ds, "/cspo/quotes.json?_search=Haney&_shape=objects")
    assert quotes["filtered_table_rows_count"] >= 1


@pytest.mark.parametrize(
    "text",
    [
        "space",
        "Floren",
        "japan norway",
        '"outer space treaty"',
        "U.S.",
        "space-based",
        "Principals' Board",
        "haney",
        "",
    ],
)
def test_the_search_query_finds_what_the_app_finds(ds, text):
    from urllib.parse import quote

    rows = get_json(ds, f"/cspo/search.json?_shape=array&q={quote(text)}")
    with open_store(serve.paths.bundled_db_path()) as store:
        assert [r["id"] for r in rows] == store.event_ids(EventFilter(text=text or None))


def test_served_read_only_and_the_file_never_changes(ds, bundled_db):
    before = sha256(bundled_db)
    assert ds.get_database("cspo").is_mutable is False
    response = get(ds, "/cspo.json?sql=delete+from+events")
    assert response.status_code == 400 and "Statement must be a SELECT" in response.text
    response = get(ds, "/cspo.json?sql=update+sources+set+title+%3D+%27x%27")
    assert response.status_code == 400
    assert get_json(ds, "/cspo/events.json")["filtered_table_rows_count"] == 31
    assert sha256(bundled_db) == before


def test_metadata_follows_a_database_of_another_name(tmp_path, bundled_db):
    mine = tmp_path / "mine.db"
    mine.write_bytes(bundled_db.read_bytes())
    other = serve.make_datasette(mine)
    [event] = get_json(other, "/mine/events.json?_labels=on&_shape=array&_size=1")
    assert event["kind"]["label"]
    assert get_json(other, "/mine/search.json?q=space&_shape=array")


def test_a_bad_database_or_busy_port_is_one_sentence(tmp_path, capsys):
    assert main(["serve", "--db", str(tmp_path / "nope.db")]) == 2
    assert "No database at" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"cannot listen on 127.0.0.1 port {port}" in err


@pytest.mark.timeout(60)
def test_serve_prints_its_url_on_loopback_and_serves_the_record(tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cspo_viewer", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline()
        match = re.fullmatch(
            r"Serving db/cspo.db \(bundled\) read-only at (http://127\.0\.0\.1:\d+/cspo) "
            r"\(Ctrl\+C stops\)\n",
            line,
        )
        assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
        url = match.group(1)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/events.json?_shape=array", timeout=5) as r:
                    events = json.load(r)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert len(events) == 31
        with urllib.request.urlopen(url, timeout=5) as r:
            page = r.read().decode()
        assert "Events of the Combined Space Operations (CSpO) Initiative" in page
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def test_shipped_metadata_is_valid_json_beside_the_database(bundled_db):
    path = serve.metadata_path()
    assert path.parent == Path(bundled_db).parent
    json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", ["/cspo/search", "/cspo/events", "/cspo"])
def test_a_post_is_refused_cleanly(ds, capsys, path):
    """Datasette 0.65 answered a POST to the canned search with HTTP 500 and a traceback
    (issue 22, item 6); nothing here may be written, so any POST gets 405 and a sentence."""
    response = asyncio.run(ds.client.post(path, data={"q": "Florence"}))
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert "served read-only" in response.text
    assert "Traceback" not in capsys.readouterr().err
    assert get(ds, "/cspo/search.json?q=Florence&_shape=array").status_code == 200


# --- issue 22, item 11: labels and nations, as a team browses the record ------------------


def test_events_labelled_gives_kind_nations_and_themes_by_name(ds):
    rows = get_json(ds, "/cspo/events_labelled.json?_shape=array&_size=max")
    assert len(rows) == 31
    [board] = [r for r in rows if r["id"] == "2024-12-03-florence-principals-board"]
    assert board["kind"] == "Principals' meeting"
    assert json.loads(board["nations"])[:3] == ["Australia", "Canada", "France"]
    assert "Interoperability" in json.loads(board["themes"])
    assert list(board) == [
        "id", "date", "precision", "end_date", "title", "kind", "nations", "themes",
        "location", "summary",
    ]  # fmt: skip


def test_events_labelled_facets_by_nation_and_theme(ds):
    data = get_json(ds, "/cspo/events_labelled.json?_size=0")
    facets = data["facet_results"]
    nations = {f["value"]: f["count"] for f in facets["nations"]["results"]}
    assert nations["Japan"] == 6 and nations["United States"] == 22
    themes = {f["value"]: f["count"] for f in facets["themes"]["results"]}
    assert themes["Sanctions & accountability"] == 1
    japan = get_json(ds, "/cspo/events_labelled.json?_shape=array&nations__arraycontains=Japan")
    with open_store(serve.paths.bundled_db_path()) as store:
        expected = store.event_ids(EventFilter(nations=("JPN",)))
    assert [r["id"] for r in japan] == expected


def test_the_search_query_gives_kind_labels_and_nations(ds):
    rows = get_json(ds, "/cspo/search.json?_shape=array&q=Berlin")
    [board] = [r for r in rows if r["id"] == "2023-12-05-berlin-principals-board"]
    assert board["kind"] == "Principals' meeting"
    assert board["nations"].startswith("Australia, Canada, France, Germany, Italy, Japan")
    assert all(r["kind"] != r["kind"].lower() for r in rows)  # labels, never slugs


def test_a_database_made_by_db_init_has_the_view(tmp_path):
    from cspo_viewer.data.build import init_database

    mine = tmp_path / "mine.db"
    init_database(serve.paths.data_src_dir(), mine)
    with sqlite3.connect(mine) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events_labelled").fetchone() == (0,)
