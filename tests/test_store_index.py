"""The store's FTS and actor rows written by the store itself (schema 3) instead of by
triggers that called fold() and actor_keys_json() per row (schema 2): the same rows as the
old SQL path, kept in step on insert, edit, refresh, delete and salvage; the migration of a
schema-2 file; write batches; and the fast fold equal to its definition."""

from __future__ import annotations

import json
import random
import sqlite3
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest

from feedtui import store as store_mod
from feedtui.fold import _fold, _fold_reference, fold
from feedtui.models import Entry, Media
from feedtui.store import Store, StoreError

T0 = datetime(2024, 3, 14, 8, 0, tzinfo=UTC)
URL = "https://news.example/live"

# The schema-2 statement that inserted an entry (the triggers then wrote its index rows).
_OLD_INSERT = (
    "INSERT INTO entries (source_id, entry_id, source, title, body, published, time_text, url, "
    "author, media, key_event, pinned, updated, actors, revision, edited, first_seen, "
    "last_changed, text_sig, meta_sig) VALUES (?, ?, ?, ?, ?, ?, '', '', '', ?, 0, 0, NULL, ?, 1, 0, "
    "?, ?, 'x', 'y')")

TEXTS = ["Maroš Šefčovič in Brussels", "Zürich – weather", "Crowds in Kraków", "Tønder’s “mayor”",
         "Ærø ÆRØ œuvre", "İstanbul ıI", "ﬁnancial ½ ①", "plain ascii `tick`", "", "  spaced   out  ",
         "Ελληνικά Κυβέρνηση", "Москва заявила", "日本 政府", "e\u0301 combining", "straße STRASSE",
         "Đorđe Đoković", "Łódź", "Þór ŋ ſ", "—dash–es‐‑‒"]
ACTORS = [(), ("Volodymyr Zelensky",), ("Kyiv", "Defence Ministry (Ukraine)"), ("UN", "", "UN"),
          ("Maroš Šefčovič", "European Commission (EC)"), ("Tønder",)]


def make_entries(n: int, seed: int = 1) -> list[Entry]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        body = tuple(rng.choice(TEXTS) for _ in range(rng.randint(0, 3)))
        media = tuple(Media(rng.choice(("image", "card")), rng.choice(TEXTS), rng.choice(TEXTS),
                            f"https://img.example/{i}") for _ in range(rng.randint(0, 2)))
        out.append(Entry(id=f"e{i}", source="Example", title=rng.choice(TEXTS), body=body,
                         media=media, actors=rng.choice(ACTORS),
                         published=T0 + timedelta(minutes=i)))
    return out


def index_rows(conn: sqlite3.Connection) -> tuple[list, list, list]:
    """The index rows keyed by entry id (row keys differ between stores)."""
    fts = conn.execute("SELECT e.entry_id, f.title, f.body, f.captions, f.actors FROM entries_fts AS f "
                       "JOIN entries AS e ON e.seq = f.rowid ORDER BY e.entry_id").fetchall()
    actors = conn.execute("SELECT e.entry_id, a.actor, a.main FROM entry_actors AS a JOIN entries AS e "
                          "ON e.seq = a.seq ORDER BY 1, 2").fetchall()
    keys = conn.execute("SELECT e.entry_id, k.key FROM entry_actor_keys AS k JOIN entries AS e "
                        "ON e.seq = k.seq ORDER BY 1, 2").fetchall()
    return fts, actors, keys


def counts(conn: sqlite3.Connection) -> tuple[int, int, int]:
    return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("entries_fts", "entry_actors", "entry_actor_keys"))


def old_store(path, entries: list[Entry]) -> None:
    """A schema-2 cache file (and its state file) whose index rows the old triggers wrote."""
    state = store_mod._File("state", store_mod.state_path_for(path), store_mod.STATE_APP_ID,
                            store_mod.STATE_MIGRATIONS)
    cache = store_mod._File("cache", path, store_mod.CACHE_APP_ID, store_mod.CACHE_MIGRATIONS[:2])
    store_mod._create(state)
    store_mod._create(cache)
    conn = store_mod._connect(path)
    conn.execute("ATTACH DATABASE ? AS state", (str(state.path),))
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO state.sources (url, name, added) VALUES (?, 'Example', 0)", (URL,))
    sid = conn.execute("SELECT id FROM state.sources").fetchone()[0]
    store_id = conn.execute("SELECT value FROM state.meta WHERE key = 'store_id'").fetchone()[0]
    conn.execute("INSERT INTO main.meta (key, value) VALUES ('state_id', ?)", (store_id,))
    for e in entries:
        conn.execute(_OLD_INSERT, (sid, e.id, e.source, e.title, json.dumps(list(e.body), ensure_ascii=False),
                                   e.published.timestamp(), store_mod._media_json(e.media),
                                   json.dumps(list(e.actors), ensure_ascii=False), 1.0, 1.0))
    conn.execute("COMMIT")
    assert conn.execute("PRAGMA main.user_version").fetchone()[0] == 2
    conn.close()


# -- the rows equal the old SQL path's ----------------------------------------------------


def test_index_rows_equal_the_schema_2_triggers(tmp_path):
    entries = make_entries(300)
    old_store(tmp_path / "old.db", entries)
    with sqlite3.connect(tmp_path / "old.db") as conn:
        expected = index_rows(conn)
        assert len(expected[0]) == 300 and expected[1] and expected[2]  # the triggers did write
    with Store.open(tmp_path / "new.db") as st:
        st.ingest(st.add_source(URL, name="Example"), entries)
        assert index_rows(st._conn) == expected
        # and rebuild_index (salvage) gives them again
        with st._write() as c:
            store_mod.rebuild_index(c)
        assert index_rows(st._conn) == expected


def test_migration_from_schema_2_keeps_the_index_and_drops_the_triggers(tmp_path):
    db = tmp_path / "feedtui.db"
    entries = make_entries(50, seed=2)
    old_store(db, entries)
    with sqlite3.connect(db) as conn:
        before = index_rows(conn)
    with Store.open(db) as st:
        assert st.notice is None
        c = st._conn
        assert c.execute("PRAGMA main.user_version").fetchone()[0] == len(store_mod.CACHE_MIGRATIONS) == 3
        triggers = {r[0] for r in c.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'")}
        assert triggers == {"entries_fts_delete", "entries_actors_delete"}
        assert index_rows(c) == before
        assert st.count() == 50
        # an edit, a refresh (new actors) and a new entry after the migration
        e0 = entries[0]
        st.ingest(URL, [e0.with_(title="Quarterly harvest report"),
                        entries[1].with_(actors=("Kraków",)),
                        Entry(id="fresh", source="Example", title="Ljubljana floods")])
        ids = lambda q: sorted(e.id for e in st.entries(match=q))  # noqa: E731
        assert ids("harvest") == ["e0"] and ids("ljubljana") == ["fresh"] and "e1" in ids("krakow")
        assert [a for (eid, a, _m) in index_rows(c)[1] if eid == "e1"] == ["Kraków"]
        c.execute("INSERT INTO entries_fts(entries_fts) VALUES ('integrity-check')")
        fresh = index_rows(c)
        with st._write() as w:
            store_mod.rebuild_index(w)
        assert index_rows(c) == fresh


def test_a_failed_migration_leaves_the_schema_2_file_as_it_was(tmp_path, monkeypatch):
    db = tmp_path / "feedtui.db"
    old_store(db, make_entries(5))
    broken = store_mod.CACHE_MIGRATIONS[:2] + [store_mod.CACHE_MIGRATIONS[2] + ["DROP TRIGGER no_such"]]
    monkeypatch.setattr(store_mod, "CACHE_MIGRATIONS", broken)
    with pytest.raises(StoreError, match="nothing was changed"):
        Store.open(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'").fetchone()[0] == 6


# -- in step with every write path --------------------------------------------------------


def test_index_follows_insert_edit_refresh_and_delete(tmp_path):
    with Store.open(tmp_path / "f.db") as st:
        src = st.add_source(URL, name="Example")
        entries = make_entries(40, seed=3)
        st.ingest(src, entries)
        edited = [e.with_(title=e.title + " again", body=e.body + ("Ljubljana",)) for e in entries[:10]]
        refreshed = [e.with_(actors=("Moscow",), media=tuple(m.__class__(m.kind, m.caption, m.title, "https://x/")
                                                             for m in e.media))
                     for e in entries[10:20]]
        result = st.ingest(src, edited + refreshed + entries[20:])
        assert len(result.edited) == 10 and result.unchanged >= 15
        rows = index_rows(st._conn)
        with st._write() as c:
            store_mod.rebuild_index(c)
        assert index_rows(st._conn) == rows  # what the stored columns give
        assert counts(st._conn)[0] == 40
        assert sorted(e.id for e in st.entries(match="ljubljana")) == sorted(e.id for e in edited)
        assert {e.id for e in st.entries(where_sql="e.seq IN (SELECT seq FROM entry_actor_keys WHERE key = ?)",
                                         params=("russia",))} >= {e.id for e in refreshed}
        st.remove_source(src)
        assert counts(st._conn) == (0, 0, 0)


def test_row_keys_follow_deletes_without_reusing_index_rows(tmp_path):
    with Store.open(tmp_path / "f.db") as st:
        a = st.add_source(URL)
        b = st.add_source("https://other.example/")
        st.ingest(a, make_entries(5, seed=4))
        st.ingest(b, [Entry(id="b1", source="Other", title="Zagreb")])
        st.remove_source(b)  # the highest row keys go: the next insert reuses them
        st.ingest(a, [Entry(id="n1", source="Example", title="Sarajevo", actors=("Kyiv",))])
        assert [e.id for e in st.entries(match="sarajevo")] == ["n1"]
        assert st.entries(match="zagreb") == []
        assert counts(st._conn)[0] == 6
        st._conn.execute("INSERT INTO entries_fts(entries_fts) VALUES ('integrity-check')")


def test_salvaged_cache_gets_its_index_back(tmp_path):
    db = tmp_path / "feedtui.db"
    with Store.open(db) as st:
        st.ingest(st.add_source(URL), make_entries(30, seed=5))
        before = index_rows(st._conn)
    aside = tmp_path / "aside.db"
    db.rename(aside)
    for suffix in ("-wal", "-shm"):
        if (tmp_path / f"feedtui.db{suffix}").exists():
            (tmp_path / f"feedtui.db{suffix}").rename(tmp_path / f"aside.db{suffix}")
    f = store_mod._File("cache", db, store_mod.CACHE_APP_ID, store_mod.CACHE_MIGRATIONS)
    store_mod._create(f)
    assert store_mod._salvage(aside, f) > 30
    with Store.open(db) as st:
        assert index_rows(st._conn) == before


# -- batches ------------------------------------------------------------------------------


def test_batch_commits_together_and_undoes_a_failing_write_alone(tmp_path):
    with Store.open(tmp_path / "f.db") as st:
        src = st.add_source(URL)
        st.ingest(src, [Entry(id="a", source="x", title="Alpha")])
        with st.batch():
            st.ingest(src, [Entry(id="b", source="x", title="Beta")])
            with pytest.raises(StoreError):
                with st._write() as c:  # a write failing half-way: only its part is undone
                    c.execute("UPDATE entries SET title = 'changed' WHERE entry_id = 'a'")
                    c.execute("INSERT INTO no_such_table VALUES (1)")
            st.update_source_health(src, last_status="ok")
            assert st._conn.in_transaction
        assert not st._conn.in_transaction
        assert {e.id: e.title for e in st.entries()} == {"a": "Alpha", "b": "Beta"}
        assert st.source(src.id).last_status == "ok"
        with pytest.raises(RuntimeError):
            with st.batch():
                st.ingest(src, [Entry(id="c", source="x", title="Gamma")])
                raise RuntimeError("boom")
        assert st.entry("c") is None  # the whole batch was rolled back


# -- fold ---------------------------------------------------------------------------------


def test_fast_fold_equals_its_definition_for_every_code_point():
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        text = f"a{chr(code)}B–"
        assert _fold(text) == _fold_reference(text), hex(code)


def test_fast_fold_equals_its_definition_on_mixed_text():
    rng = random.Random(7)
    pool = [chr(c) for c in range(0x20, 0x2100)] + list("øæœ–—’`ŁıİßǅÅ\u0301\u0308") * 20
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 80)))
        assert _fold(text) == _fold_reference(text), text
        assert fold(text) == (text.lower() if text.isascii() else _fold_reference(text))
    assert fold("Šefčovič Tønder ÆRØ") == "sefcovic tonder aero"
    assert unicodedata.combining(fold("e\u0301")[-1]) == 0


# -- signatures ---------------------------------------------------------------------------


def test_signatures_are_those_stored_by_earlier_versions():
    # stored text_sig/meta_sig must not change: a changed one would turn every stored entry
    # into an edit (values computed with the json.dumps-based code of schema 2)
    e1 = Entry(id="a", source="s", title="  Maroš  Šefčovič\tsays “no” ",
               body=("Zürich – weather.", "", "Line\u00a0two"), url=" https://x.example/a ",
               author="Jane  Doe", media=(Media("image", "Crowds in Kraków", "t", "https://img/1"),),
               key_event=True, updated=datetime(2024, 3, 14, 8, 0, 0, 500000, tzinfo=UTC),
               actors=("Kyiv", "UN  (x)"))
    e2 = Entry(id="b", source="s", title="plain")
    assert store_mod.text_signature(e1) == "d8337bd88d0096fce5794b21818f4962b614b4b7"
    assert store_mod.meta_signature(e1) == "4b0e516a6ff61782fbcb2e5c2cac75afe85f9d57"
    assert store_mod.text_signature(e2) == "74bef7cf885ec6b08ac3804aad2fcc0732dc7ac9"
    assert store_mod.meta_signature(e2) == "4a0871af60e53d3b03d21230a301d0c315668e3b"


def test_written_out_signatures_equal_the_json_encoder():
    rng = random.Random(11)
    pool = list("ab \t\n\u00a0\u2009\"\\/\x00\x1f\x7fé😀–’") + ["word", "  ", "x"]

    def text() -> str:
        return "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))

    for _ in range(5000):
        media = tuple(Media(text(), text(), text(), text()) for _ in range(rng.randint(0, 2)))
        updated = rng.choice([None, T0 + timedelta(seconds=rng.random() * 1e7)])
        e = Entry(id="x", source="s", title=text(), body=tuple(text() for _ in range(rng.randint(0, 3))),
                  url=text(), author=text(), media=media, key_event=rng.random() < 0.5,
                  pinned=rng.random() < 0.5, updated=updated,
                  actors=tuple(text() for _ in range(rng.randint(0, 2))))
        assert store_mod.text_signature(e) == store_mod._sig(store_mod._text_signature_value(e))
        assert store_mod.meta_signature(e) == store_mod._sig(store_mod._meta_signature_value(e))


def _norm_reference(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_norm_shortcut_equals_its_definition():
    # the shortcut returns a printable text without double, leading or trailing spaces as it
    # is: it relies on every whitespace character but the space being unprintable
    import sys

    assert not [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c != " " and c.isprintable()]
    rng = random.Random(5)
    pool = list("ab .,\t\n\r\x0b\x0c\x1c\x1f\x85\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"
                "\u200b\u00ad\ufeffe\u0301éÅ\u212b–’") + ["word", "  ", "x"]
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 10)))
        assert store_mod._norm(text) == _norm_reference(text), repr(text)


def test_written_out_lists_equal_the_json_encoder():
    rng = random.Random(13)
    pool = list("ab \t\n\u00a0\"\\/\x00\x1f\x7fé😀–’\ud800") + ["word", "  "]

    def text() -> str:
        return "".join(rng.choice(pool) for _ in range(rng.randint(0, 8)))

    for _ in range(5000):
        items = tuple(text() for _ in range(rng.randint(0, 3)))
        assert store_mod._text_list_json(items) == json.dumps(list(items), ensure_ascii=False)
        media = tuple(Media(text(), text(), text(), text()) for _ in range(rng.randint(0, 3)))
        assert store_mod._media_json(media) == json.dumps(
            [{"kind": m.kind, "caption": m.caption, "title": m.title, "url": m.url} for m in media],
            ensure_ascii=False) if media else store_mod._media_json(media) == "[]"
    # items that are not text go through the encoder as before
    assert store_mod._text_list_json(("a", 1, None)) == '["a", 1, null]'
    assert store_mod._media_json((Media("image", None, "t", "u"),)) == (
        '[{"kind": "image", "caption": null, "title": "t", "url": "u"}]')
