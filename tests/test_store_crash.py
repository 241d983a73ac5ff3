"""The store under kill -9 and under two writing processes.

A child process ingests and marks entries read in a loop, printing each read mark's id
only after mark_read returned (the commit is acknowledged). The parent kills it with
SIGKILL at a random moment -- while opening, creating, migrating, ingesting, marking or
checkpointing -- then opens the store itself and checks that it is sound and that every
acknowledged mark is there. The same store is reused across all iterations, so each
open also recovers from the previous kill.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feedtui.store import Store, state_path_for

SRC = str(Path(__file__).resolve().parents[1] / "src")
ITERATIONS = 120

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

CHILD = """
import sys
sys.path.insert(0, {src!r})
from feedtui.store import Store
from feedtui.models import Entry
run = sys.argv[1]
s = Store.open({db!r})
src = s.add_source("https://crash.example/live", name="crash")
i = 0
while True:
    batch = [Entry(id=f"{{run}}-{{i}}-{{k}}", source="crash", title=f"update {{run}} {{i}} {{k}}",
                   body=("Paragraph " * 40,)) for k in range(3)]
    if i:  # edit the previous batch too: revisions and FTS updates in the same transaction
        batch.append(Entry(id=f"{{run}}-{{i - 1}}-1", source="crash", title=f"edited {{i}}"))
    s.ingest(src, batch)
    s.mark_read([f"{{run}}-{{i}}-0"])
    sys.stdout.write(f"{{run}}-{{i}}-0\\n")
    sys.stdout.flush()
    i += 1
"""


def _first_write(child: subprocess.Popen, timeout: float = 20.0) -> bytes:
    """Wait for the child's first acknowledged line; the bytes read so far (raw reads from the
    pipe, so communicate() later picks up exactly where this stopped)."""
    fd = child.stdout.fileno()
    got = b""
    deadline = time.monotonic() + timeout
    while b"\n" not in got and (left := deadline - time.monotonic()) > 0:
        if not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        got += chunk
    return got


def _read_marks(db: Path) -> set[str]:
    conn = sqlite3.connect(state_path_for(db))
    try:
        return {r[0] for r in conn.execute("SELECT entry_id FROM marks WHERE read = 1")}
    finally:
        conn.close()


def test_kill_9_never_loses_an_acknowledged_read_mark(tmp_path):
    db = tmp_path / "feedtui.db"
    code = CHILD.format(src=SRC, db=str(db))
    rng = random.Random(1234)
    acknowledged: set[str] = set()
    killed_writing = 0  # runs killed after at least one acknowledged write
    started = time.monotonic()
    for run in range(ITERATIONS):
        child = subprocess.Popen([sys.executable, "-c", code, str(run)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # A third of the kills land in start-up, a third in open (creation, recovery) or the
        # first writes, a third among the writes: timed from the child's first acknowledged
        # write, not from its start, which a loaded machine can stretch past any fixed delay.
        head = b""
        phase = run % 3
        if phase < 2:
            time.sleep(rng.uniform(0.0, 0.06) if phase == 0 else rng.uniform(0.06, 0.2))
        else:
            head = _first_write(child)
            time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, err.decode(errors="replace")
        # Only whole lines count: a line is printed after its commit returned.
        lines = (head + out).decode().split("\n")
        killed_writing += len(lines) > 1
        acknowledged.update(line for line in lines[:-1] if line)
        with Store.open(db) as s:
            assert s.notice is None, s.notice
            assert s.integrity_check() == ["ok"]
        assert acknowledged <= _read_marks(db), sorted(acknowledged - _read_marks(db))[:5]
    elapsed = time.monotonic() - started
    assert killed_writing >= ITERATIONS // 3, f"only {killed_writing} kills landed among the writes"
    with Store.open(db) as s:
        assert s.count() >= 3 * len(acknowledged)
        # The full-text index stayed in step with every committed upsert.
        s._conn.execute("INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')")
        assert s.count(match="update OR edited") == s.count()
    print(f"\n{ITERATIONS} kill -9 iterations, {killed_writing} among writes, "
          f"{len(acknowledged)} acknowledged marks, "
          f"{elapsed:.1f} s")
    assert not list(tmp_path.glob("*.corrupt-*"))


WRITER = """
import sys
sys.path.insert(0, {src!r})
from feedtui.store import Store
from feedtui.models import Entry
who = sys.argv[1]
s = Store.open({db!r})
src = s.add_source("https://shared.example/", name="shared")
for i in range(60):
    s.ingest(src, [Entry(id=f"{{who}}-{{i}}-{{k}}", source="shared", title=f"{{who}} {{i}} {{k}}")
                   for k in range(5)])
    s.mark_read([f"{{who}}-{{i}}-0"])
    s.set_starred(f"{{who}}-{{i}}-1", True)
    s.entries(limit=20)
s.close()
print("done")
"""


def test_two_processes_writing_at_once_never_see_locked(tmp_path):
    db = tmp_path / "fresh" / "feedtui.db"  # both start on a store that does not exist yet
    code = WRITER.format(src=SRC, db=str(db))
    procs = [subprocess.Popen([sys.executable, "-c", code, who], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for who in ("a", "b", "c")]
    results = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, results):
        text = err.decode(errors="replace")
        assert "locked" not in text and "busy" not in text, text
        assert proc.returncode == 0 and out.strip() == b"done", text
    with Store.open(db) as s:
        assert s.notice is None and len(s.sources()) == 1
        assert s.count() == 3 * 60 * 5
        assert s.count(unread=True) == 3 * 60 * 4
        assert s.count(where_sql="m.starred = 1") == 3 * 60
    assert not [p for p in os.listdir(db.parent) if ".init-" in p]
