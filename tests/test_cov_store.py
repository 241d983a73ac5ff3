"""The store's recovery and error paths: damaged headers and write-ahead logs, foreign and
newer files, failures while migrating or creating, moving aside, salvage, errors mapped
to one line, a closed store, and small helpers."""

from __future__ import annotations

import errno
import os
import sqlite3
import struct
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from feedtui import store as store_module
from feedtui.models import Entry, Media
from feedtui.store import (STATE_APP_ID, Store, StoreError, _actor_keys_json, _aside_path, _File,
                           _header_problem, _inspect, _is_damage, _migrate, _move_aside, _salvage,
                           _store_error, _ts, _wal_problem, state_path_for)

T0 = datetime(2030, 3, 1, 8, 0, tzinfo=timezone.utc)


def _entry(i: int, **kw) -> Entry:
    return Entry(id=f"e{i}", source="S", title=f"Title {i}", body=(f"Body {i}.",), published=T0, **kw)


def _make(path: Path, entries: int = 3) -> tuple[int, list[Entry]]:
    with Store.open(path) as s:
        sid = s.add_source("https://s.example/live", name="S").id
        batch = [_entry(i) for i in range(entries)]
        s.ingest(sid, batch)
        s.mark_read((sid, "e0"))
        s.set_starred((sid, "e1"))
    return sid, batch


class _Err(sqlite3.OperationalError):
    def __init__(self, text: str, code: int = 0):
        super().__init__(text)
        self.sqlite_errorcode = code


# -- helpers --------------------------------------------------------------------------------


def test_small_helpers():
    assert _ts(datetime(2030, 1, 1)) == datetime(2030, 1, 1, tzinfo=timezone.utc).timestamp()
    assert _ts(12) == 12.0 and _ts(None) is None
    assert _actor_keys_json("not json") == "[]"
    assert _actor_keys_json('["", 3]') == "[]"
    assert "moscow" in _actor_keys_json('["Moscow"]').lower()


@pytest.mark.parametrize("exc,words", [
    (_Err("database or disk is full", 13), "disk full"),
    (OSError(errno.ENOSPC, "No space left on device"), "disk full"),
    (_Err("database is locked", 5), "busy"),
    (_Err("attempt to write a readonly database", 8), "read-only"),
    (_Err("database disk image is malformed", 11), "damaged"),
    (_Err("file is not a database", 26), "damaged"),
    (_Err("something else"), "store error"),
])
def test_errors_become_one_line(exc, words):
    message = str(_store_error(exc, Path("/x/feedtui.db")))
    assert words in message and "\n" not in message


def test_damage_detection_by_text():
    assert _is_damage(sqlite3.DatabaseError("database disk image is malformed"))
    assert not _is_damage(sqlite3.DatabaseError("no such table"))


# -- file checks ----------------------------------------------------------------------------


def _wal_header(page_size=4096, magic=0x377F0682, fmt=3007000, good_checksum=True) -> bytes:
    head = struct.pack(">6I", magic, fmt, page_size, 0, 1, 2)
    order = ">" if magic & 1 else "<"
    words = struct.unpack(f"{order}6I", head)
    s0 = s1 = 0
    for i in range(0, 6, 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    if not good_checksum:
        s0 ^= 1
    return head + struct.pack(">2I", s0, s1)


def test_wal_problems(tmp_path):
    wal = tmp_path / "x.db-wal"
    assert _wal_problem(wal, 4096) is None                       # none
    wal.write_bytes(b"")
    assert _wal_problem(wal, 4096) is None                       # empty
    wal.write_bytes(b"short")
    assert "cut short" in _wal_problem(wal, 4096)
    wal.write_bytes(_wal_header(magic=0x12345678))
    assert "not one" in _wal_problem(wal, 4096)
    wal.write_bytes(_wal_header(good_checksum=False))
    assert "header is damaged" in _wal_problem(wal, 4096)
    wal.write_bytes(_wal_header(page_size=1024))
    assert "another database" in _wal_problem(wal, 4096)
    wal.write_bytes(_wal_header(magic=0x377F0683))                # the other byte order
    assert _wal_problem(wal, 4096) is None


def test_header_problems(tmp_path):
    db = tmp_path / "x.db"
    _make(db)
    data = bytearray(db.read_bytes())
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"")
    assert _header_problem(bad) == "the file is empty"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 10)
    assert _header_problem(bad) == "not an SQLite database"
    broken = bytearray(data)
    broken[16:18] = struct.pack(">H", 1000)                       # not a power of two
    bad.write_bytes(bytes(broken))
    assert _header_problem(bad) == "the database header is damaged"
    cut = data[: len(data) // 2]
    bad.write_bytes(bytes(cut))
    assert _header_problem(bad) == "the file is truncated"
    big = bytearray(data)
    big[16:18] = struct.pack(">H", 1)                             # 1 means 65536
    bad.write_bytes(bytes(big))
    assert _header_problem(bad) == "the file is truncated"
    bad.write_bytes(bytes(data))
    Path(f"{bad}-wal").write_bytes(b"junk")
    assert "write-ahead log" in _header_problem(bad)


def test_inspect_unreadable_file(tmp_path, monkeypatch):
    db = tmp_path / "x.db"
    _make(db)

    def refuse(path):
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(store_module, "_header_problem", refuse)
    f = _File("cache", db, store_module.CACHE_APP_ID, store_module.CACHE_MIGRATIONS)
    with pytest.raises(StoreError, match="cannot read the store .*Permission denied"):
        _inspect(f)


def test_inspect_connect_and_query_failures(tmp_path, monkeypatch):
    db = tmp_path / "x.db"
    _make(db)
    f = _File("cache", db, store_module.CACHE_APP_ID, store_module.CACHE_MIGRATIONS)
    real = store_module._connect

    def damaged(*args, **kwargs):
        raise _Err("file is not a database", 26)
    monkeypatch.setattr(store_module, "_connect", damaged)
    assert _inspect(f)[0] == "damaged"

    def busy(*args, **kwargs):
        raise _Err("database is locked", 5)
    monkeypatch.setattr(store_module, "_connect", busy)
    with pytest.raises(StoreError, match="busy"):
        _inspect(f)

    class Failing:
        def __init__(self, error):
            self.error = error

        def execute(self, *args):
            raise self.error

        def close(self):
            pass
    monkeypatch.setattr(store_module, "_connect", lambda *a, **k: Failing(_Err("disk image is malformed", 11)))
    assert _inspect(f) == ("damaged", "disk image is malformed")
    monkeypatch.setattr(store_module, "_connect", lambda *a, **k: Failing(_Err("database is locked", 5)))
    with pytest.raises(StoreError, match="busy"):
        _inspect(f)
    monkeypatch.setattr(store_module, "_connect", real)
    assert _inspect(f) == ("ok", "")


# -- opening: damaged, foreign, newer, older ------------------------------------------------


def test_corrupt_page_in_the_state_file_salvages_marks(tmp_path):
    db = tmp_path / "feedtui.db"
    sid, _ = _make(db)
    state = state_path_for(db)
    # damage the end of the file (the marks table's pages stay readable or not: either
    # way the store opens, says so, and keeps what it can)
    conn = sqlite3.connect(state)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(state, "r+b") as fh:
        fh.seek((pages - 1) * size)
        fh.write(b"\xff" * size)
    with Store.open(db) as s:
        assert s.notice is None or "damaged" in s.notice
        assert s.integrity_check() == ["ok"]


def test_foreign_file_is_moved_aside(tmp_path):
    db = tmp_path / "feedtui.db"
    other = sqlite3.connect(db)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.commit()
    other.close()
    with Store.open(db) as s:
        assert "not ours" in s.notice and "it belongs to another program" in s.notice
    assert list(tmp_path.glob("feedtui.foreign-*.db"))


def test_blank_and_older_files_are_adopted(tmp_path):
    db = tmp_path / "feedtui.db"
    for path in (db, state_path_for(db)):                        # SQLite files with no tables
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x)")
        conn.execute("DROP TABLE t")
        conn.commit()
        conn.close()
    with Store.open(db) as s:
        assert s.notice is None and s.add_source("https://a.example/").id == 1


def test_newer_file_opens_read_only(tmp_path):
    db = tmp_path / "feedtui.db"
    _make(db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {len(store_module.CACHE_MIGRATIONS) + 1}")
    conn.close()
    with Store.open(db) as s:
        assert s.read_only and "newer feedtui" in s.notice
        assert s.count() == 3
        with pytest.raises(StoreError, match="read-only"):
            s.add_source("https://b.example/")


def test_migration_failure_changes_nothing(tmp_path, monkeypatch):
    conn = sqlite3.connect(tmp_path / "x.db")
    f = _File("cache", tmp_path / "x.db", 0x1234, [["CREATE TABLE a (x)"], ["CREATE TABLE a (y)"]])
    with pytest.raises(StoreError, match="nothing was changed"):
        _migrate(conn, f)
    assert conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0
    conn.execute("PRAGMA user_version = 5")
    with pytest.raises(StoreError, match="changed while opening"):
        _migrate(conn, _File("cache", tmp_path / "x.db", 0x1234, [["CREATE TABLE b (x)"]]))
    full = _File("cache", tmp_path / "y.db", 0x1234, [["CREATE TABLE b (x)"]])
    conn2 = sqlite3.connect(tmp_path / "y.db")

    class DiskFull:
        in_transaction = False

        def execute(self, sql, *args):
            if sql.startswith("CREATE"):
                raise _Err("database or disk is full", 13)
            return conn2.execute(sql, *args)
    with pytest.raises(StoreError, match="disk full"):
        _migrate(DiskFull(), full)
    conn.close()
    conn2.close()


def test_older_file_that_cannot_be_migrated(tmp_path, monkeypatch):
    db = tmp_path / "feedtui.db"
    _make(db)
    for path in (db, state_path_for(db)):
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version = 0")
        conn.close()

    def fail(conn, f, schema="main"):
        raise _Err("database is locked", 5)
    monkeypatch.setattr(store_module, "_migrate", fail)
    with pytest.raises(StoreError, match="busy"):
        Store.open(db)


def test_creation_failures(tmp_path, monkeypatch):
    db = tmp_path / "feedtui.db"

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")
    monkeypatch.setattr(os, "link", no_links)
    with Store.open(db) as s:                                    # falls back to rename
        assert s.notice is None
    monkeypatch.undo()
    fresh = tmp_path / "fresh" / "feedtui.db"

    def broken_connect(*args, **kwargs):
        raise _Err("unable to open database file")
    monkeypatch.setattr(store_module, "_connect", broken_connect)
    with pytest.raises(StoreError, match="unable to open"):
        Store.open(fresh)
    monkeypatch.undo()

    def replace_fails(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")
    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(os, "replace", replace_fails)
    with pytest.raises(StoreError):
        Store.open(tmp_path / "third" / "feedtui.db")


def test_folder_that_cannot_be_made(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="cannot create the store's folder"):
        Store.open(tmp_path / "file" / "sub" / "feedtui.db")


def test_attach_failure_is_one_line(tmp_path, monkeypatch):
    db = tmp_path / "feedtui.db"
    _make(db)
    real = store_module._connect

    class NoAttach:
        def __init__(self, conn):
            self.conn = conn

        def execute(self, sql, *args):
            if sql.startswith("ATTACH"):
                raise _Err("too many attached databases")
            return self.conn.execute(sql, *args)

        def close(self):
            self.conn.close()
    monkeypatch.setattr(store_module, "_connect", lambda *a, **k: NoAttach(real(*a, **k)))
    with pytest.raises(StoreError, match="too many attached"):
        Store.open(db)


def test_reconcile_failure_closes_the_store(tmp_path, monkeypatch):
    db = tmp_path / "feedtui.db"
    _make(db)

    def boom(self):
        raise StoreError("boom")
    monkeypatch.setattr(Store, "_reconcile", boom)
    with pytest.raises(StoreError, match="boom"):
        Store.open(db)


def test_a_replaced_state_file_empties_the_cache(tmp_path):
    db = tmp_path / "feedtui.db"
    _make(db)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{state_path_for(db)}{suffix}").unlink(missing_ok=True)
    with Store.open(db) as s:
        assert s.count() == 0 and s.sources() == []


# -- moving aside and salvage ---------------------------------------------------------------


def test_aside_paths_and_moves(tmp_path, monkeypatch):
    db = tmp_path / "feedtui.db"
    db.write_bytes(b"x")
    first = _aside_path(db, "corrupt")
    first.write_bytes(b"taken")
    second = _aside_path(db, "corrupt")
    assert second != first and second.name.endswith("-1.db")
    monkeypatch.setattr(Path, "exists", lambda self: True)
    with pytest.raises(StoreError, match="too many old copies"):
        _aside_path(db, "corrupt")
    monkeypatch.undo()
    assert _move_aside(tmp_path / "gone.db", "corrupt") is None
    Path(f"{db}-wal").write_bytes(b"w")
    real_replace = os.replace

    def picky(src, dst):
        if str(src).endswith("-wal"):
            raise OSError(errno.EXDEV, "cross-device")
        return real_replace(src, dst)
    monkeypatch.setattr(os, "replace", picky)
    target = _move_aside(db, "corrupt")
    assert target.exists() and not Path(f"{db}-wal").exists()  # a stale log is never kept

    def unlink_fails(path):
        raise OSError(errno.EACCES, "denied")
    db.write_bytes(b"x")
    Path(f"{db}-wal").write_bytes(b"w")
    monkeypatch.setattr(os, "unlink", unlink_fails)
    assert _move_aside(db, "corrupt") is not None

    def replace_denied(src, dst):
        raise OSError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(os, "replace", replace_denied)
    db.write_bytes(b"x")
    with pytest.raises(StoreError, match="cannot be moved aside"):
        _move_aside(db, "corrupt")


def test_salvage_edge_cases(tmp_path):
    f = _File("state", tmp_path / "new-state.db", STATE_APP_ID, store_module.STATE_MIGRATIONS)
    store_module._create(f)
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert _salvage(empty, f) == 0
    assert _salvage(tmp_path / "missing.db", f) == 0
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert _salvage(other, f) == 0                               # not ours: nothing copied
    db = tmp_path / "feedtui.db"
    _make(db)
    state = state_path_for(db)
    assert _salvage(state, f) >= 3                               # meta, the source, marks
    # a table whose rows cannot go in is skipped; the others are kept
    conn = sqlite3.connect(f.path)
    conn.execute("CREATE TRIGGER no_marks BEFORE INSERT ON marks BEGIN SELECT RAISE(ABORT, 'no'); END")
    conn.commit()
    conn.close()
    assert _salvage(state, f) == 2                               # meta and the source


def test_kept_changing_while_opening(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "_inspect", lambda f: ("missing", ""))
    monkeypatch.setattr(store_module, "_create", lambda f: None)
    with pytest.raises(StoreError, match="kept changing"):
        Store.open(tmp_path / "feedtui.db")


def test_file_moved_by_someone_else_is_retried(tmp_path, monkeypatch):
    db = tmp_path / "feedtui.db"
    _make(db)
    with open(db, "r+b") as fh:
        fh.write(b"garbage" * 20)
    calls = []
    real = store_module._move_aside

    def first_vanishes(path, label):
        calls.append(path)
        if len(calls) == 1:
            return None                                           # another process won
        return real(path, label)
    monkeypatch.setattr(store_module, "_move_aside", first_vanishes)
    with Store.open(db) as s:
        assert s.notice and "damaged" in s.notice
    assert len(calls) == 2


# -- a store in use -------------------------------------------------------------------------


def test_closed_store_says_so(tmp_path):
    s = Store.open(tmp_path / "feedtui.db")
    s.close()
    s.close()
    with pytest.raises(StoreError, match="is closed"):
        s.sources()
    with pytest.raises(StoreError, match="is closed"):
        s.add_source("https://a.example/")


def test_write_and_read_failures_leave_the_store_usable(tmp_path):
    with Store.open(tmp_path / "feedtui.db") as s:
        sid = s.add_source("https://a.example/", name="A").id
        with pytest.raises(StoreError, match="store error"):
            with s._write() as c:
                c.execute("INSERT INTO no_such_table VALUES (1)")
        with pytest.raises(StoreError, match="store error"):
            with s._read() as c:
                c.execute("SELECT * FROM no_such_table")
        with pytest.raises(ValueError):
            with s._write() as c:
                c.execute("INSERT INTO state.marks (source_id, entry_id) VALUES (?, 'x')", (sid,))
                raise ValueError("rolled back")
        assert s._conn.execute("SELECT count(*) FROM state.marks").fetchone()[0] == 0
        # a write that cannot even begin
        other = sqlite3.connect(tmp_path / "feedtui.db", timeout=0)
        other.execute("BEGIN IMMEDIATE")
        old = store_module.BUSY_TIMEOUT_S
        s._conn.execute("PRAGMA busy_timeout = 50")
        try:
            with pytest.raises(StoreError, match="busy"):
                s.add_source("https://b.example/")
        finally:
            other.rollback()
            other.close()
            store_module.BUSY_TIMEOUT_S = old
        assert s.add_source("https://b.example/").id == 2


def test_sources_by_name_id_and_digits(tmp_path):
    with Store.open(tmp_path / "feedtui.db") as s:
        a = s.add_source("https://a.example/", name="Alpha", interval=30, kind="live")
        assert s.source("alpha").id == a.id and s.source(str(a.id)).id == a.id
        assert s.source(a).interval == 30 and s.source("nothing") is None
        with pytest.raises(StoreError, match="needs a URL"):
            s.add_source("   ")
        with pytest.raises(TypeError, match="unknown source fields"):
            s.update_source_health(a, colour="red")
        with pytest.raises(StoreError, match="no such source"):
            s.update_source_health("nothing", failures=1)
        assert s.update_source_health(a).id == a.id               # nothing to change
        updated = s.update_source_health(a, interval=None, failures=None, last_error=None,
                                         next_poll=T0)
        assert updated.interval is None and updated.failures == 0 and updated.next_poll == T0
        assert s.remove_source("nothing") is False
        with pytest.raises(StoreError, match="no such source"):
            s.ingest("nothing", [_entry(1)])


def test_ingest_refreshes_details_in_place(tmp_path):
    with Store.open(tmp_path / "feedtui.db") as s:
        sid = s.add_source("https://a.example/").id
        undated = Entry(id="u", source="S", title="T", media=(Media("image", caption="c", url="https://a/1.jpg"),))
        s.ingest(sid, [undated])
        dated = undated.with_(published=T0)                      # a time where there was none
        assert s.ingest(sid, [dated]).refreshed == 1
        two = dated.with_(media=(Media("image", caption="c", url="https://a/2.jpg"),))
        assert s.ingest(sid, [two]).refreshed == 1               # a new link for the same media
        assert s.entry("u").media[0].url == "https://a/2.jpg"
        more = two.with_(media=two.media + (Media("video", url="https://a/v"),))
        assert len(s.ingest(sid, [more]).edited) == 1           # new media is new content
        relinked = more.with_(media=(more.media[0], Media("video", url="https://a/v2")))
        assert s.ingest(sid, [relinked]).refreshed == 1
        moved = relinked.with_(published=T0 + timedelta(hours=1))
        assert s.ingest(sid, [moved]).refreshed == 1
        assert s.ingest(sid, [moved.with_(published=None)]).unchanged == 1
        assert s.entry("u").published == T0 + timedelta(hours=1)
        assert [r.revision for r in s.revisions("u", source=sid)] == [1]
        assert s.revisions("u", source="nothing") == []
