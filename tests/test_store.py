"""The store on real SQLite files: upserts with revisions, read marks, FTS, migrations,
and recovery from damaged, foreign and newer files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from feedtui import store as store_mod
from feedtui.models import Entry, Media
from feedtui.store import CACHE_APP_ID, Store, StoreError, state_path_for

SRC = str(Path(__file__).resolve().parents[1] / "src")
T0 = datetime(2024, 3, 14, 8, 0, tzinfo=UTC)
URL = "https://news.example/live"


def entry(n: int | str, title: str | None = None, body=("Body text.",), **kw) -> Entry:
    kw.setdefault("published", T0 + timedelta(minutes=int(n) if str(n).isdigit() else 0))
    return Entry(id=f"e{n}", source="Example", title=title or f"Update {n}", body=tuple(body),
                 **kw)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "data" / "feedtui.db"


@pytest.fixture
def st(db):
    s = Store.open(db)
    yield s
    s.close()


@pytest.fixture
def src(st):
    return st.add_source(URL, name="Example")


def changes(st: Store) -> int:
    return st._conn.total_changes


def row(st: Store, entry_id: str) -> tuple:
    return st._conn.execute("SELECT seq, last_changed, revision, edited FROM entries "
                            "WHERE entry_id = ?", (entry_id,)).fetchone()


# -- opening --------------------------------------------------------------------------


def test_open_creates_both_files_with_wal_and_ids(db):
    with Store.open(db) as s:
        assert s.notice is None and not s.read_only
        assert db.exists() and state_path_for(db).exists()
        c = s._conn
        assert c.execute("PRAGMA main.journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA state.journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA main.application_id").fetchone()[0] == CACHE_APP_ID
        assert c.execute("PRAGMA state.application_id").fetchone()[0] == store_mod.STATE_APP_ID
        assert c.execute("PRAGMA state.synchronous").fetchone()[0] == 2  # FULL
        assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    with Store.open(db) as s:
        assert s.notice is None
    assert not list(db.parent.glob(".*init*"))


# -- upserts --------------------------------------------------------------------------


def test_new_then_unchanged_is_not_rewritten(st, src):
    first = st.ingest(src, [entry(1), entry(2)])
    assert [e.id for e in first.new] == ["e1", "e2"] and not first.edited
    before, rows = changes(st), (row(st, "e1"), row(st, "e2"))
    again = st.ingest(src, [entry(1), entry(2)])
    assert again.new == [] and again.edited == [] and again.unchanged == 2
    assert changes(st) == before  # not one row written
    assert (row(st, "e1"), row(st, "e2")) == rows


def test_whitespace_only_changes_are_unchanged(st, src):
    st.ingest(src, [entry(1, "Šefčovič meets  Sunak", body=("One two.", "Three"))])
    before = changes(st)
    decomposed = "S\u030cefc\u030covic\u030c meets Sunak"  # the same letters, NFD
    result = st.ingest(src, [entry(1, f"  {decomposed} ", body=("One   two. Three",))])
    assert result.unchanged == 1 and changes(st) == before
    assert st.entries()[0].title == "Šefčovič meets  Sunak"


def test_edit_makes_revision_two_and_keeps_old_text_and_read_mark(st, src):
    st.ingest(src, [entry(1, "Blast reported", body=("First report.",))])
    assert st.mark_read(["e1"]) == 1
    result = st.ingest(src, [entry(1, "Blast reported near port", body=("Update.",))])
    assert [e.id for e in result.edited] == ["e1"]
    edited = result.edited[0]
    assert edited.revision == 2 and edited.edited and edited.read
    [stored] = st.entries()
    assert (stored.title, stored.revision, stored.edited, stored.read) == (
        "Blast reported near port", 2, True, True)
    [old] = st.revisions("e1")
    assert (old.revision, old.title, old.body) == (1, "Blast reported", ("First report.",))
    st.ingest(src, [entry(1, "Third text")])
    assert [r.revision for r in st.revisions("e1")] == [1, 2]
    assert st.entry("e1").revision == 3


def test_entries_leaving_the_page_stay_and_order_does_not_matter(st, src):
    st.ingest(src, [entry(i) for i in range(1, 6)])
    st.mark_read(["e2", "e4"])
    before = changes(st)
    result = st.ingest(src, [entry(5), entry(3), entry(4), entry(1), entry(2)])
    assert result.unchanged == 5 and changes(st) == before
    st.ingest(src, [entry(6), entry(5)])  # the page rolled off e1..e4
    assert [e.id for e in st.entries()] == ["e6", "e5", "e4", "e3", "e2", "e1"]
    assert {e.id for e in st.entries() if e.read} == {"e2", "e4"}


def test_duplicated_ids_in_one_batch(st, src):
    result = st.ingest(src, [entry(1, "first copy"), entry(1, "second copy"), entry(2)])
    assert result.duplicates == 1 and [e.id for e in result.new] == ["e1", "e2"]
    assert st.count() == 2 and st.entry("e1").title == "first copy"
    before = changes(st)
    again = st.ingest(src, [entry(1, "first copy"), entry(1, "second copy"), entry(2)])
    assert again.unchanged == 2 and changes(st) == before


def test_read_marks_never_flip_back(st, src):
    page = [entry(i) for i in range(1, 5)]
    st.ingest(src, page)
    st.mark_read(["e1", "e2", "e3", "e4"])
    st.set_starred("e3", True)
    polls = [
        list(reversed(page)),                                      # reordered
        [e.with_(title=f"  {e.title}  ") for e in page],           # whitespace
        [entry(1, "Edited title")] + page[1:],                     # an edit
        page[2:],                                                  # items missing
        page + page,                                               # duplicated guids
        [],                                                        # an empty poll
        [e.with_(published=None) for e in page],                   # times gone
    ]
    for batch in polls:
        st.ingest(src, batch)
        assert all(e.read for e in st.entries()), batch
    assert st.count(unread=True) == 0
    assert st.entry("e3").starred
    st.close()
    with Store.open(st.path) as again:
        assert again.count(unread=True) == 0 and again.count() == 4


def test_time_slack_and_detail_refresh(st, src):
    st.ingest(src, [entry(1, time_text="5 min ago")])
    before = changes(st)
    drift = st.ingest(src, [entry(1, time_text="6 min ago",
                                  published=T0 + timedelta(minutes=1, seconds=40))])
    assert drift.unchanged == 1 and changes(st) == before
    moved = st.ingest(src, [entry(1, published=T0 + timedelta(hours=2), url=URL + "#e1")])
    assert moved.refreshed == 1 and not moved.edited
    e = st.entry("e1")
    assert e.published == T0 + timedelta(hours=2) and e.url == URL + "#e1"
    assert e.revision == 1 and not e.edited


def test_round_trip_of_every_field(st, src):
    e = Entry(id="x", source="Example", title="T", body=("a", "b"),
              published=datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), time_text="03:04",
              url=URL + "#x", author="Ann", media=(Media("image", "cap", "", "https://i/1"),
                                                   Media("card", "", "Read also", "https://r")),
              key_event=True, pinned=True, updated=datetime(2024, 1, 2, 4, tzinfo=UTC),
              actors=("Ukraine", "UN"))
    st.ingest(src, [e])
    assert st.entry("x") == e
    assert st.entry("x").to_json()["published"] == "2024-01-02T03:04:05Z"


def test_newest_first_and_undated_by_first_seen(st, src):
    st.ingest(src, [entry(1), entry(3), entry(2)], now=T0 + timedelta(days=1))
    st.ingest(src, [Entry(id="u", source="Example", title="undated")],
              now=T0 + timedelta(minutes=2, seconds=30))
    assert [e.id for e in st.entries()] == ["e3", "u", "e2", "e1"]
    assert [e.id for e in st.entries(limit=2, offset=1)] == ["u", "e2"]


def test_ingest_is_one_transaction(st, src, monkeypatch):
    st.ingest(src, [entry(1)])
    calls = []
    real = Store._insert_row

    def failing(seq, sid, e, *rest):
        # the edit of e1 is already written when the second new entry fails
        calls.append(e.id)
        if len(calls) == 2:
            raise sqlite3.OperationalError("boom")
        return real(seq, sid, e, *rest)

    monkeypatch.setattr(Store, "_insert_row", staticmethod(failing))
    with pytest.raises(StoreError):
        st.ingest(src, [entry(1, "edited now"), entry(2), entry(3)])
    assert st.count() == 1 and st.entry("e1").title == "Update 1" and not st.revisions("e1")


def test_unknown_source_is_an_error(st):
    with pytest.raises(StoreError, match="no such source"):
        st.ingest("https://nowhere.example/", [entry(1)])


# -- sources and marks ------------------------------------------------------------------


def test_sources_add_remove_health(st):
    a = st.add_source(URL)
    assert st.add_source(URL).id == a.id and a.display_name == "news.example"
    b = st.add_source("https://feed.example/rss", name="Feed", interval=900)
    assert [s.name for s in st.sources()] == ["", "Feed"] and b.interval == 900
    when = datetime(2024, 5, 1, 12, tzinfo=UTC)
    h = st.update_source_health(b, last_poll=when, last_status="200", failures=0,
                                next_poll=when + timedelta(minutes=15), kind="feed")
    assert h.last_poll == when and h.kind == "feed" and h.last_status == "200"
    v = st.set_validators("feed", '"abc"', "Wed, 01 May 2024 12:00:00 GMT")
    assert (v.etag, v.last_modified) == ('"abc"', "Wed, 01 May 2024 12:00:00 GMT")
    v = st.set_validators(b.id, None, None, "h1")
    assert (v.etag, v.last_modified, v.body_hash) == ("", "", "h1")
    assert st.set_validators(b.id, "x", None).body_hash == "h1"
    assert st.update_source_health(b, next_poll=None).next_poll is None
    st.update_source_health(b.id, disabled="coverage ended", last_error="")
    assert not st.source(b.id).active
    st.ingest(b, [entry(1)])
    st.mark_read(["e1"])
    assert st.remove_source("FEED") is True and st.remove_source("FEED") is False
    assert st.count() == 0 and [s.url for s in st.sources()] == [URL]
    again = st.add_source("https://feed.example/rss")
    assert again.id != b.id  # ids are never reused
    st.ingest(again, [entry(1)])
    assert not st.entry("e1").read  # the old mark did not come back with the old id


def test_marks_by_entry_pair_and_all(st, src):
    other = st.add_source("https://other.example/")
    st.ingest(src, [entry(1), entry(2)])
    st.ingest(other, [entry(1)])
    assert st.mark_read((other.id, "e1")) == 1
    assert st.count(unread=True) == 2
    assert st.mark_read([st.entry("e2")]) == 1
    assert st.count(unread=True, source=src) == 1
    assert st.mark_all_read(source=src.id) == 1 and st.count(unread=True) == 0
    assert st.mark_read("e1", read=False) == 2 and st.count(unread=True) == 2
    assert st.mark_all_read() == 2
    assert st.source_counts() == {src.id: (2, 0), other.id: (1, 0)}


def test_threads_share_one_store(st, src):
    errors = []

    def work(k):
        try:
            for i in range(20):
                st.ingest(src, [entry(f"{k}{i:02d}")])
                st.mark_read([f"e{k}{i:02d}"])
                st.entries(limit=5)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and st.count() == 80 and st.count(unread=True) == 0


# -- full text ----------------------------------------------------------------------------


def test_fts_ignores_case_and_diacritics_and_follows_edits(st, src):
    st.ingest(src, [entry(1, "Maroš Šefčovič in Brussels"),
                    entry(2, "Weather", body=("Storm over Zürich",)),
                    entry(3, "Photo", media=(Media("image", "Crowds in Kraków"),)),
                    entry(4, "Speech", actors=("Volodymyr Zelensky",))])
    ids = lambda q: sorted(e.id for e in st.entries(match=q))  # noqa: E731
    assert ids("sefcovic") == ["e1"] and ids("SEFČOVIČ") == ["e1"]
    assert ids("sefc*") == ["e1"] and ids("zurich") == ["e2"]
    assert ids("krakow") == ["e3"] and ids("zelensk*") == ["e4"]
    assert st.count(match="brussels OR zurich") == 2
    st.ingest(src, [entry(1, "Maroš Šefčovič in Luxembourg")])
    assert ids("brussels") == [] and ids("luxembourg") == ["e1"]
    assert ids("title:weather") == ["e2"]
    st.remove_source(src)
    assert ids("luxembourg") == []
    assert st._conn.execute(
        "INSERT INTO entries_fts(entries_fts) VALUES ('integrity-check')") is not None


def test_where_sql_hook_joins_marks_sources_and_fts(st, src):
    st.ingest(src, [entry(1, "Alpha"), entry(2, "Beta"), entry(3, "Alpha beta")])
    st.mark_read(["e3"])
    found = st.entries(where_sql="COALESCE(m.read, 0) = 0 AND s.name LIKE ? AND e.seq IN "
                       "(SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)",
                       params=("%examp%", "alpha"))
    assert [e.id for e in found] == ["e1"]
    assert st.count(where_sql="e.published >= ?",
                    params=((T0 + timedelta(minutes=2)).timestamp(),)) == 2


# -- migrations ------------------------------------------------------------------------


def test_failing_migration_changes_nothing(db, monkeypatch):
    Store.open(db).close()
    base = store_mod.CACHE_MIGRATIONS
    monkeypatch.setattr(store_mod, "CACHE_MIGRATIONS", base + [
        ["CREATE TABLE extra (x)", "ALTER TABLE entries ADD COLUMN flavour TEXT"],
        ["CREATE TABLE extra2 (x)", "INSERT INTO no_such_table VALUES (1)"],
    ])
    with pytest.raises(StoreError, match="nothing was changed"):
        Store.open(db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(base)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
    columns = {r[1] for r in conn.execute("PRAGMA table_info(entries)")}
    conn.close()
    assert "extra" not in names and "extra2" not in names and "flavour" not in columns
    monkeypatch.setattr(store_mod, "CACHE_MIGRATIONS", base + [["CREATE TABLE extra (x)"]])
    with Store.open(db) as s:
        assert s._conn.execute("PRAGMA main.user_version").fetchone()[0] == len(base) + 1
        assert s.notice is None


def test_newer_store_opens_read_only(db):
    with Store.open(db) as s:
        s.ingest(s.add_source(URL), [entry(1)])
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with Store.open(db) as s:
        assert s.read_only and "newer feedtui" in s.notice and "\n" not in s.notice
        assert [e.id for e in s.entries()] == ["e1"]
        with pytest.raises(StoreError, match="read-only"):
            s.mark_read(["e1"])


# -- damaged and foreign files ------------------------------------------------------------

LEAVE_WAL = """
import os, sys
sys.path.insert(0, {src!r})
from feedtui.store import Store
from feedtui.models import Entry
s = Store.open({db!r})
s._conn.execute("PRAGMA main.wal_autocheckpoint = 0")
s._conn.execute("PRAGMA state.wal_autocheckpoint = 0")
src = s.add_source("https://leave.example/")
s.ingest(src, [Entry(id=f"w{{i}}", source="w", title=f"wal {{i}}") for i in range(50)])
s.mark_read(["w1"])
os._exit(0)  # no close: -wal and -shm stay behind
"""


def populated(db: Path, n: int = 300) -> None:
    """A store with a source, n entries, one read mark, checkpointed and closed, then a
    killed writer's -wal and -shm beside both files."""
    with Store.open(db) as s:
        src = s.add_source(URL, name="Example")
        s.ingest(src, [entry(i, body=("x" * 300,)) for i in range(n)])
        s.mark_read(["e7"])
    subprocess.run([sys.executable, "-c", LEAVE_WAL.format(src=SRC, db=str(db))], check=True)
    assert Path(f"{db}-wal").stat().st_size > 0 and Path(f"{db}-shm").exists()


def overwrite_header(p: Path) -> None:
    with open(p, "r+b") as fh:
        fh.write(b"\xde\xad\xbe\xef" * 25)


def truncate(p: Path) -> None:
    os.truncate(p, p.stat().st_size // 2 + 100)
    os.unlink(f"{p}-wal")  # without its log, the half file is all there is


def zero_length(p: Path) -> None:
    os.truncate(p, 0)


def text_file(p: Path) -> None:
    p.write_text("this is a shopping list, not a database\n" * 50)


def garbage_wal(p: Path) -> None:
    Path(f"{p}-wal").write_bytes(os.urandom(8192))


def foreign_wal(p: Path) -> None:
    other = p.with_name("other.db")
    conn = sqlite3.connect(other, isolation_level=None)
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (randomblob(3000))")
    Path(f"{p}-wal").write_bytes(Path(f"{other}-wal").read_bytes())
    conn.close()


DAMAGE = {"overwritten-header": overwrite_header, "truncated": truncate,
          "zero-length": zero_length, "text-file": text_file, "garbage-wal": garbage_wal,
          "mismatched-wal": foreign_wal}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_cache_is_moved_aside_and_marks_survive(db, damage):
    populated(db)
    DAMAGE[damage](db)
    had_wal = Path(f"{db}-wal").exists()
    with Store.open(db) as s:
        assert s.notice and "moved it aside" in s.notice and "\n" not in s.notice
        assert not s.read_only
        assert s.integrity_check() == ["ok"]
        asides = sorted(p.name for p in db.parent.glob("feedtui.corrupt-*"))
        assert len([n for n in asides if n.endswith(".db")]) == 1, asides
        assert any(n.endswith(".db-shm") for n in asides)
        assert any(n.endswith(".db-wal") for n in asides) or not had_wal
        assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size < 5000
        # The state file was untouched: subscriptions and marks are all there.
        src = s.source("Example")
        assert src is not None and len(s.sources()) == 2
        # Whatever rows were still readable may have been copied over; none are damaged.
        assert s.count() in (0, 300, 350)
        s.ingest(src, [entry(7, body=("x" * 300,)), entry(8, body=("x" * 300,))])
        assert s.entry("e7").read and not s.entry("e8").read
    with Store.open(db) as s:
        assert s.notice is None


@pytest.mark.parametrize("damage", ["overwritten-header", "zero-length", "text-file"])
def test_damaged_state_is_moved_aside_with_a_notice(db, damage):
    populated(db)
    state = state_path_for(db)
    DAMAGE[damage](state)
    with Store.open(db) as s:
        assert s.notice and "feedtui-state.db" in s.notice and "moved it aside" in s.notice
        assert "start empty" in s.notice and "\n" not in s.notice
        assert list(db.parent.glob("feedtui-state.corrupt-*.db-wal"))
        assert s.sources() == [] and s.count() == 0  # a cache of the old state is dropped
        s.ingest(s.add_source(URL), [entry(1)])
        assert s.integrity_check() == ["ok"]


def test_state_rows_are_salvaged_from_a_damaged_index(db):
    with Store.open(db) as s:
        src = s.add_source(URL, name="Example")
        s.ingest(src, [entry(i) for i in range(5)])
        s.mark_read(["e1", "e3"])
    state = state_path_for(db)
    conn = sqlite3.connect(state)
    root, size = conn.execute("SELECT rootpage, (SELECT page_size FROM pragma_page_size) "
                              "FROM sqlite_schema WHERE name = 'sqlite_autoindex_sources_1'"
                              ).fetchone()
    conn.close()
    with open(state, "r+b") as fh:  # wreck the URL index; the rows themselves stay readable
        fh.seek((root - 1) * size)
        fh.write(b"\x0d" + b"\xff" * (size - 1))
    with Store.open(db) as s:
        assert s.notice and "recovered" in s.notice
        assert [x.url for x in s.sources()] == [URL]
        assert sorted(e.id for e in s.entries() if e.read) == ["e1", "e3"]
        assert s.integrity_check() == ["ok"]


def test_foreign_database_is_moved_aside(db):
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE contacts (name)")
    conn.commit()
    conn.close()
    with Store.open(db) as s:
        assert s.notice and "not ours" in s.notice and "\n" not in s.notice
        assert s._conn.execute("PRAGMA main.application_id").fetchone()[0] == CACHE_APP_ID
    [aside] = db.parent.glob("feedtui.foreign-*.db")
    assert sqlite3.connect(aside).execute("SELECT count(*) FROM contacts").fetchone() == (0,)


def test_blank_sqlite_file_is_adopted_quietly(db):
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE scratch (x)")
    conn.execute("DROP TABLE scratch")  # a valid SQLite file with nothing in it
    conn.close()
    assert db.stat().st_size > 0
    with Store.open(db) as s:
        assert s.notice is None
        assert s._conn.execute("PRAGMA main.application_id").fetchone()[0] == CACHE_APP_ID
        assert s._conn.execute("PRAGMA main.journal_mode").fetchone()[0] == "wal"


# -- disk full -----------------------------------------------------------------------------


def test_disk_full_is_a_one_line_error_and_the_store_keeps_working(st, src):
    st.ingest(src, [entry(1)])
    pages = st._conn.execute("PRAGMA main.page_count").fetchone()[0]
    st._conn.execute(f"PRAGMA main.max_page_count = {pages}")
    big = [entry(i, body=("y" * 4000,)) for i in range(2, 60)]
    with pytest.raises(StoreError) as info:
        st.ingest(src, big)
    assert str(info.value).startswith("disk full") and "\n" not in str(info.value)
    assert st.count() == 1
    assert st.mark_read(["e1"]) == 1 and st.entry("e1").read
    st._conn.execute("PRAGMA main.max_page_count = 1073741823")
    assert len(st.ingest(src, big).new) == 58
