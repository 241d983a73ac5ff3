"""Following sources through the real `feedtui` command and a real server on 127.0.0.1:
refresh with conditional GET, edits as revisions, tail on a growing page, failures, OPML."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feedtui.store import Store

from livepage import LivePage  # noqa: E402  (tests/ is on sys.path under pytest)

FEEDTUI = str(Path(sys.executable).with_name("feedtui"))
UPDATES = [
    ("u1", "2022-03-14T08:15:00+00:00", "River rises overnight", "Levels rose by two metres."),
    ("u2", "2022-03-14T09:05:00+00:00", "Evacuations begin", "Buses are waiting."),
    ("u3", "2022-03-14T09:40:00+00:00", "Dam holds, engineers say", "The dam is holding."),
]


def run(db, *args, timeout=60):
    env = dict(os.environ, TZ="UTC", FEEDTUI_HOME=str(Path(db).parent))
    return subprocess.run([FEEDTUI, "--db", str(db), *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.fixture
def page():
    live = LivePage()
    live.updates = list(UPDATES)
    yield live
    live.close()


@pytest.mark.timeout(120)
def test_refresh_then_304_then_edit_becomes_a_revision(tmp_path, page):
    db = tmp_path / "f.db"
    assert run(db, "add", page.url, "--name", "flood").returncode == 0
    first = run(db, "refresh")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "flood: 3 new, 0 edited, 0 unchanged"
    second = run(db, "refresh")
    assert second.stdout.strip() == "flood: no change (not modified)"
    assert page.not_modified == 1 and page.if_none_match[-1] is not None

    page.updates[1] = ("u2", UPDATES[1][1], "Evacuations begin", "Buses are waiting at the school.")
    third = run(db, "refresh", "--json")
    report = json.loads(third.stdout)
    assert (report["state"], report["new"], report["edited"]) == ("ok", 0, 1)

    rows = [json.loads(line) for line in run(db, "dump", "--json").stdout.splitlines()]
    assert [r["title"] for r in rows] == ["Dam holds, engineers say", "Evacuations begin", "River rises overnight"]
    edited = rows[1]
    assert edited["edited"] is True and edited["revision"] == 2
    assert edited["body"] == "Buses are waiting at the school."
    with Store.open(db) as store:
        old = store.revisions(edited["id"])
        assert [r.body for r in old] == [("Buses are waiting.",)]


@pytest.mark.timeout(120)
def test_read_marks_survive_refreshes_and_dump_unread(tmp_path, page):
    db = tmp_path / "f.db"
    run(db, "add", page.url)
    run(db, "refresh")
    with Store.open(db) as store:
        first = store.entries()[0]
        store.mark_read(first)
    page.updates.append(("u4", "2022-03-14T10:00:00+00:00", "Rain stops", "Finally."))
    run(db, "refresh")
    unread = [json.loads(l)["title"] for l in run(db, "dump", "--unread", "--json").stdout.splitlines()]
    assert unread == ["Rain stops", "Evacuations begin", "River rises overnight"]
    filtered = run(db, "dump", "--json", "--filter", "is:read OR rain")
    assert [json.loads(l)["title"] for l in filtered.stdout.splitlines()] == ["Rain stops", "Dam holds, engineers say"]


@pytest.mark.timeout(120)
def test_one_failing_source_does_not_stop_the_others(tmp_path, page):
    db = tmp_path / "f.db"
    broken = LivePage()
    broken.status = 500
    try:
        run(db, "add", page.url, "--name", "good")
        run(db, "add", broken.url, "--name", "broken")
        result = run(db, "refresh")
        assert result.returncode == 1
        assert result.stdout.strip() == "good: 3 new, 0 edited, 0 unchanged"
        errors = result.stderr.strip().splitlines()
        assert len(errors) == 1 and errors[0].startswith("feedtui: broken: http_error:") and "500" in errors[0]
        health = {s["name"]: s for s in map(json.loads, run(db, "sources", "--json").stdout.splitlines())}
        assert health["broken"]["failures"] == 1 and "500" in health["broken"]["last_error"]
        assert health["good"]["failures"] == 0 and health["good"]["entries"] == 3
        assert health["broken"]["next_poll"] is not None
    finally:
        broken.close()


def _read_json_line(process, deadline):
    line = b""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line:
            return json.loads(line)
    raise AssertionError("tail printed nothing in time")


@pytest.mark.timeout(120)
def test_tail_follows_a_growing_page_and_stops_on_ctrl_c(tmp_path, page):
    db = tmp_path / "f.db"
    run(db, "add", page.url, "--interval", "1")
    env = dict(os.environ, TZ="UTC")
    # its own process group, which Ctrl-C signals as a whole (parse workers included)
    process = subprocess.Popen([FEEDTUI, "--db", str(db), "tail", "--json"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        initial = [_read_json_line(process, deadline)["title"] for _ in range(3)]
        assert initial == ["River rises overnight", "Evacuations begin", "Dam holds, engineers say"]
        page.updates.append(("u4", "2022-03-14T10:00:00+00:00", "Rain stops", "Finally."))
        arrived = _read_json_line(process, time.monotonic() + 15)
        assert arrived["title"] == "Rain stops" and arrived["edited"] is False
        page.updates[0] = ("u1", UPDATES[0][1], "River rises overnight", "Levels rose by three metres.")
        edited = _read_json_line(process, time.monotonic() + 15)
        assert (edited["title"], edited["edited"], edited["revision"]) == ("River rises overnight", True, 2)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        assert process.wait(timeout=10) == 0
        errors = process.stderr.read()
        assert b"Traceback" not in errors and b"KeyboardInterrupt" not in errors, errors.decode()
    finally:
        if process.poll() is None:
            process.kill()


def test_opml_round_trip_through_the_command(tmp_path):
    db = tmp_path / "f.db"
    opml = tmp_path / "in.opml"
    opml.write_text('<opml version="2.0"><body><outline text="Wire" xmlUrl="https://wire.example/rss"/>'
                    '<outline text="Local" xmlUrl="file:///etc/passwd"/></body></opml>')
    result = run(db, "import-opml", str(opml))
    assert result.returncode == 1
    assert result.stdout.strip() == f"Imported 1 subscription from {opml}; 1 rejected"
    assert "file:///etc/passwd" in result.stderr and "only http and https" in result.stderr
    exported = run(db, "export-opml")
    assert 'xmlUrl="https://wire.example/rss"' in exported.stdout and "passwd" not in exported.stdout
    assert run(db, "remove", "Wire").returncode == 0
    assert run(db, "remove", "Wire").returncode == 2


@pytest.mark.timeout(60)
def test_a_source_that_is_neither_a_url_nor_a_file_is_refused(tmp_path):
    # a mistyped command ("feedtui refesh") or path must not become a subscription that fails
    # for ever: one line naming it, exit status 2, nothing stored, no app started
    db = tmp_path / "f.db"
    typo = run(db, "refesh", timeout=30)
    assert typo.returncode == 2
    assert typo.stderr.strip() == "feedtui: refesh: no such file, and not a command (see feedtui --help)"
    missing = run(db, "add", str(tmp_path / "nope.xml"))
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"feedtui: add: {tmp_path / 'nope.xml'}: no such file"
    gone = run(db, "add", (tmp_path / "gone.xml").as_uri())
    assert gone.returncode == 2 and "no such file" in gone.stderr
    assert run(db, "sources", "--json").stdout.strip() == ""
    feed = tmp_path / "feed.xml"
    feed.write_text('<rss version="2.0"><channel><title>t</title><item><title>a</title></item></channel></rss>')
    assert run(db, "add", str(feed)).returncode == 0


def test_help_tells_what_feedtui_alone_does(tmp_path):
    shown = run(tmp_path / "f.db", "--help")
    assert shown.returncode == 0
    assert shown.stdout.startswith("usage: feedtui [--db PATH] [--config PATH] [SOURCE ...]\n")
    assert "Without a COMMAND feedtui opens the reader" in shown.stdout
    for command in ("dump", "add", "remove", "sources", "refresh", "tail", "import-opml", "export-opml", "demo"):
        assert f"    {command} " in shown.stdout
