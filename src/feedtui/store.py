"""The local store: subscriptions, entries with their revisions, read and starred marks,
and a full-text index, in SQLite.

Two files, one connection
-------------------------
``Store.open(path)`` uses two SQLite files side by side:

* ``path`` (``feedtui.db``), the *cache*: entries, their old revisions and the FTS5 index.
  Everything in it can be fetched again; it is written on every poll, so it runs with
  ``synchronous=NORMAL`` (in WAL mode a ``kill -9`` never loses a commit; only a power cut
  may drop the last few, which the next poll fetches again).
* ``<stem>-state<suffix>`` (``feedtui-state.db``), the *state*: subscriptions and read /
  starred marks, the things nobody can fetch again. It is small and written rarely, so it
  runs with ``synchronous=FULL``: a mark is on disk when ``mark_read`` returns.

Keeping them apart means a damaged cache (the big, busy file) is moved aside and rebuilt
without touching subscriptions or marks, and the fsync cost of FULL is paid only for marks.
The state file is ATTACHed to the cache connection as schema ``state``, so one query can
join entries with marks. Marks are keyed by (source id, entry id), not by the cache's
row, so they come back when a rebuilt cache fetches the same entries again. A transaction
that writes both files (``remove_source``) is atomic per file only (SQLite's rule for
attached WAL databases); the open-time clean-up removes what a crash in between leaves.

Both files: WAL mode, a busy timeout, ``BEGIN IMMEDIATE`` for every write (a deferred
transaction that reads and then writes fails with "database is locked" regardless of the
timeout), ``PRAGMA user_version`` migrations applied all-or-nothing in one transaction,
an ``application_id`` of their own, ``quick_check`` at open. A damaged or foreign file is
moved aside together with its ``-wal`` and ``-shm`` and a fresh one created (for the state
file, whatever rows can still be read are copied over first); a file from a newer feedtui
opens read-only. ``Store.notice`` carries the one line to show the user.

``Store.batch()`` puts several writes (the poller: a few polls' entries and health) in one
transaction, each write a savepoint of it (all of it or none), so that they share one sync
of each file.

The FTS5 index and the actor tables are written by the store in the same transaction as the
entries (schema 3; schema 2 used triggers that called Python functions once per row);
deleting an entry removes its rows by trigger.

Threads
-------
One connection (``check_same_thread=False``) guarded by a re-entrant lock: every public
method holds the lock for its whole statement or transaction, so the TUI's worker threads
can share one Store. Calls are short (an ingest is one transaction over one poll's
entries), so serialising them in-process costs little; other processes coordinate through
SQLite's own locks and the busy timeout.

Query hooks
-----------
``entries()`` and ``count()`` accept ``where_sql``/``params``, an SQL condition over these
aliases (for the query language to compile a filter into):

* ``e``: ``entries`` -- ``entry_id, source_id, source`` (the entry's source name),
  ``title``, ``body`` (JSON array of paragraphs), ``published``/``updated``/``first_seen``/
  ``sort_time`` (UTC seconds since the epoch, REAL; ``sort_time`` is published or else
  first_seen), ``time_text, url, author``, ``media`` (JSON), ``actors`` (JSON array of
  canonical names), ``key_event, pinned, edited, revision`` (integers);
* ``m``: ``state.marks`` (LEFT JOINed) -- ``read, starred`` (NULL when never marked, so use
  ``COALESCE(m.read, 0)``);
* ``s``: ``state.sources`` -- ``name, url, kind``;
* full text: ``e.seq IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)``; the
  FTS5 table has columns ``title, body, captions, actors`` and folds case and diacritics
  (``unicode61 remove_diacritics 2``), so ``sefcovic*`` finds ``Šefčovič``.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
import math
import os
import sqlite3
import struct
import threading
import time
import unicodedata
import uuid
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from .fold import fold
from .models import Entry, Media

CACHE_APP_ID = 0x66656564  # "feed"
STATE_APP_ID = 0x66647374  # "fdst"
BUSY_TIMEOUT_S = 10.0
# Published times that move by less than this are the same time: relative stamps
# ("5 min ago") are resolved against a slightly different "now" on every poll.
TIME_SLACK_S = 120.0
_SQLITE_MAGIC = b"SQLite format 3\x00"
_WAL_MAGICS = (0x377F0682, 0x377F0683)


class StoreError(Exception):
    """Any failure of the store; str() is one line fit to show the user."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


# -- value types ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """A subscription and its polling health. Times are aware UTC datetimes or None."""

    id: int
    url: str
    name: str = ""
    kind: str = ""  # "live", "feed" or "" until the first poll says
    interval: int | None = None  # seconds; None: the poller's default for the kind
    added: datetime | None = None
    last_poll: datetime | None = None
    last_status: str = ""
    next_poll: datetime | None = None
    failures: int = 0
    last_error: str = ""
    etag: str = ""
    last_modified: str = ""
    body_hash: str = ""
    disabled: str = ""  # why polling stopped ("coverage ended", ...); "" while active

    @property
    def display_name(self) -> str:
        """The name, else the URL's host (or the URL itself)."""
        return self.name or urlsplit(self.url).hostname or self.url

    @property
    def active(self) -> bool:
        return not self.disabled


@dataclass(frozen=True, slots=True)
class Revision:
    """An earlier text of an edited entry; revision numbers start at 1."""

    revision: int
    title: str
    body: tuple[str, ...]
    media: tuple[Media, ...]
    recorded: datetime | None  # when this text was replaced


@dataclass(slots=True)
class IngestResult:
    """What one ingest did: entries first seen, entries whose text changed (each with its new
    revision, edited set and its read mark kept), how many were left untouched, how many
    had only details refreshed in place (time, link, flags), and how many repeated an id
    already in the same batch (the first one wins)."""

    new: list[Entry] = field(default_factory=list)
    edited: list[Entry] = field(default_factory=list)
    unchanged: int = 0
    refreshed: int = 0
    duplicates: int = 0


EntryKey = str | Entry | tuple[int, str]

# -- schema -----------------------------------------------------------------------------
# Migration i takes a file from user_version i to i + 1. Each is a list of statements
# (not a script: executescript() would commit in the middle of the transaction).

# The FTS row of an entry (for the insert and update triggers).
_FTS_ROW = """
            INSERT INTO entries_fts (rowid, title, body, captions, actors) VALUES (
                new.seq, fold(new.title),
                fold((SELECT group_concat(value, ' ') FROM json_each(new.body))),
                fold((SELECT group_concat(json_extract(value, '$.caption') || ' '
                                          || json_extract(value, '$.title'), ' ')
                      FROM json_each(new.media))),
                fold((SELECT group_concat(value, ' ') FROM json_each(new.actors))));"""

CACHE_MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID""",
        """CREATE TABLE entries (
            seq INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL,
            entry_id TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '[]',
            published REAL,
            time_text TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            media TEXT NOT NULL DEFAULT '[]',
            key_event INTEGER NOT NULL DEFAULT 0,
            pinned INTEGER NOT NULL DEFAULT 0,
            updated REAL,
            actors TEXT NOT NULL DEFAULT '[]',
            revision INTEGER NOT NULL DEFAULT 1,
            edited INTEGER NOT NULL DEFAULT 0,
            first_seen REAL NOT NULL,
            last_changed REAL NOT NULL,
            text_sig TEXT NOT NULL,
            meta_sig TEXT NOT NULL,
            sort_time REAL GENERATED ALWAYS AS (COALESCE(published, first_seen)) VIRTUAL,
            UNIQUE (source_id, entry_id)
        )""",
        "CREATE INDEX entries_order ON entries (sort_time DESC, first_seen DESC, seq)",
        "CREATE INDEX entries_by_source ON entries (source_id, sort_time DESC)",
        "CREATE INDEX entries_by_id ON entries (entry_id)",
        """CREATE TABLE revisions (
            source_id INTEGER NOT NULL,
            entry_id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            media TEXT NOT NULL,
            recorded REAL NOT NULL,
            PRIMARY KEY (source_id, entry_id, revision)
        ) WITHOUT ROWID""",
        """CREATE VIRTUAL TABLE entries_fts USING fts5(
            title, body, captions, actors, tokenize = 'unicode61 remove_diacritics 2')""",
        # The index follows the table through triggers, so no write path can forget it.
        # Its text is folded by feedtui's own fold() (registered on every connection), so
        # it ignores case and diacritics exactly as the in-memory matcher does (ø = o).
        f"""CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
{_FTS_ROW}
        END""",
        """CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
            DELETE FROM entries_fts WHERE rowid = old.seq;
        END""",
        f"""CREATE TRIGGER entries_fts_update AFTER UPDATE OF title, body, media, actors
        ON entries BEGIN
            DELETE FROM entries_fts WHERE rowid = old.seq;
{_FTS_ROW}
        END""",
    ],
]

# Migration 2: actors stored per entry, indexed. entry_actors holds each entry's actors
# (main first) for the sidebar's counts; entry_actor_keys every key an actor is findable
# under (its names, aliases, acronym, surname, groups such as its country) for `actor:`.
# Triggers keep both in step with every write path, like the FTS index.
_ACTOR_ROWS = """
    INSERT OR IGNORE INTO entry_actors (seq, actor, main)
        SELECT new.seq, value, key = 0 FROM json_each(new.actors);
    INSERT OR IGNORE INTO entry_actor_keys (key, seq)
        SELECT value, new.seq FROM json_each(actor_keys_json(new.actors));"""
CACHE_MIGRATIONS.append([
    """CREATE TABLE entry_actors (
        seq INTEGER NOT NULL, actor TEXT NOT NULL, main INTEGER NOT NULL,
        PRIMARY KEY (seq, actor)) WITHOUT ROWID""",
    "CREATE INDEX entry_actors_by_actor ON entry_actors (actor)",
    """CREATE TABLE entry_actor_keys (
        key TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key, seq)) WITHOUT ROWID""",
    "CREATE INDEX entry_actor_keys_by_seq ON entry_actor_keys (seq)",
    f"""CREATE TRIGGER entries_actors_insert AFTER INSERT ON entries BEGIN {_ACTOR_ROWS}
    END""",
    f"""CREATE TRIGGER entries_actors_update AFTER UPDATE OF actors ON entries BEGIN
        DELETE FROM entry_actors WHERE seq = old.seq;
        DELETE FROM entry_actor_keys WHERE seq = old.seq; {_ACTOR_ROWS}
    END""",
    """CREATE TRIGGER entries_actors_delete AFTER DELETE ON entries BEGIN
        DELETE FROM entry_actors WHERE seq = old.seq;
        DELETE FROM entry_actor_keys WHERE seq = old.seq;
    END""",
    """INSERT OR IGNORE INTO entry_actors (seq, actor, main)
        SELECT e.seq, j.value, j.key = 0 FROM entries AS e, json_each(e.actors) AS j""",
    """INSERT OR IGNORE INTO entry_actor_keys (key, seq)
        SELECT j.value, e.seq FROM entries AS e, json_each(actor_keys_json(e.actors)) AS j""",
])


# Migration 3: the FTS rows and actor rows of inserted and updated entries are written by
# the store itself (fts_row and _actor_rows, from the same values the triggers above read),
# with executemany, instead of by triggers that called fold() and actor_keys_json() in Python once
# per row. Deleting an entry still removes its rows by trigger (plain SQL). A file of
# schema 2 is already in step: the step only drops the triggers.
CACHE_MIGRATIONS.append([
    "DROP TRIGGER entries_fts_insert",
    "DROP TRIGGER entries_fts_update",
    "DROP TRIGGER entries_actors_insert",
    "DROP TRIGGER entries_actors_update",
])

_FTS_INSERT = "INSERT INTO entries_fts (rowid, title, body, captions, actors) VALUES (?, ?, ?, ?, ?)"
_ACTORS_INSERT = "INSERT OR IGNORE INTO entry_actors (seq, actor, main) VALUES (?, ?, ?)"
_KEYS_INSERT = "INSERT OR IGNORE INTO entry_actor_keys (key, seq) VALUES (?, ?)"


def _fold_or_none(text: str | None) -> str | None:
    return None if text is None else fold(text)


def fts_row(seq: int, title: str, body: Sequence[str], media: Sequence[Media],
            actors: Sequence[str]) -> tuple:
    """The entries_fts row of an entry: what the schema-2 trigger computed in SQL
    (fold of the title; of the paragraphs, of "caption title" per medium and of the actors,
    each joined by a space; NULL for an empty list)."""
    return (seq, fold(title),
            fold(" ".join(body)) if body else None,
            fold(" ".join(f"{m.caption} {m.title}" for m in media)) if media else None,
            fold(" ".join(actors)) if actors else None)


class _ActorKeys:
    """actor -> its keys (feedtui.actors.actor_keys with the process's configured aliases and
    groups), remembered for one batch."""

    def __init__(self) -> None:
        self._seen: dict[str, frozenset[str]] = {}

    def __call__(self, actor: str) -> frozenset[str]:
        found = self._seen.get(actor)
        if found is None:
            from .actors import actor_keys  # imported once there is an actor to look up

            found = self._seen[actor] = frozenset(actor_keys(actor))
        return found


def _actor_rows(seq: int, actors: Sequence[str], keys_of: _ActorKeys,
                actor_rows: list, key_rows: list) -> None:
    """Append the entry_actors and entry_actor_keys rows of an entry (the schema-2 trigger's:
    every actor with main set for the first; the keys of every non-empty actor)."""
    keys: set[str] = set()
    for i, actor in enumerate(actors):
        actor_rows.append((seq, actor, int(i == 0)))
        if isinstance(actor, str) and actor:
            keys |= keys_of(actor)
    key_rows.extend((key, seq) for key in sorted(keys))


def _write_index(c: sqlite3.Connection, fts_rows: list, actor_rows: list, key_rows: list) -> None:
    if fts_rows:
        c.executemany(_FTS_INSERT, fts_rows)
    if actor_rows:
        c.executemany(_ACTORS_INSERT, actor_rows)
    if key_rows:
        c.executemany(_KEYS_INSERT, key_rows)


def _unindex(c: sqlite3.Connection, seqs: Sequence[int]) -> None:
    """Remove the FTS and actor rows of entries about to be indexed again."""
    for chunk in _chunks(list(seqs)):
        marks = ", ".join("?" * len(chunk))
        c.execute(f"DELETE FROM entries_fts WHERE rowid IN ({marks})", chunk)
        c.execute(f"DELETE FROM entry_actors WHERE seq IN ({marks})", chunk)
        c.execute(f"DELETE FROM entry_actor_keys WHERE seq IN ({marks})", chunk)


def rebuild_index(c: sqlite3.Connection) -> int:
    """Write the FTS and actor rows of every stored entry again from its columns (after rows
    were copied in without them); returns how many entries. Inside the caller's transaction."""
    c.execute("DELETE FROM entries_fts")
    c.execute("DELETE FROM entry_actors")
    c.execute("DELETE FROM entry_actor_keys")
    keys_of = _ActorKeys()
    count = 0
    cursor = c.execute("SELECT seq, title, body, media, actors FROM entries")
    while rows := cursor.fetchmany(2000):
        fts_rows: list = []
        actor_rows: list = []
        key_rows: list = []
        for seq, title, body, media, actors in rows:
            body_list = _json_list(body)
            actor_list = _json_list(actors)
            media_list = [m for m in _json_list(media) if isinstance(m, dict)]
            fts_rows.append((seq, fold(title or ""),
                             _fold_or_none(" ".join(str(p) for p in body_list) if body_list else None),
                             _fold_or_none(" ".join(f"{m.get('caption', '')} {m.get('title', '')}"
                                                    for m in media_list) if media_list else None),
                             _fold_or_none(" ".join(str(a) for a in actor_list)
                                           if actor_list else None)))
            _actor_rows(seq, [a for a in actor_list if isinstance(a, str)], keys_of,
                        actor_rows, key_rows)
            count += 1
        _write_index(c, fts_rows, actor_rows, key_rows)
    return count


def _json_list(raw: str | None) -> list:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def _actor_keys_json(actors_json: str | None) -> str:
    """SQL function: the JSON list of keys under which an entry's actors are found."""
    from .actors import actor_keys

    try:
        actors = json.loads(actors_json or "[]")
    except ValueError:
        return "[]"
    keys: set[str] = set()
    for actor in actors:
        if isinstance(actor, str) and actor:
            keys.update(actor_keys(actor))
    return json.dumps(sorted(keys), ensure_ascii=False)


STATE_MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID""",
        # AUTOINCREMENT: a removed source's id is never reused, so nothing keyed by it
        # (marks, cached entries) can attach itself to a later subscription.
        """CREATE TABLE sources (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT '',
            interval INTEGER,
            added REAL NOT NULL,
            last_poll REAL,
            last_status TEXT NOT NULL DEFAULT '',
            next_poll REAL,
            failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT '',
            etag TEXT NOT NULL DEFAULT '',
            last_modified TEXT NOT NULL DEFAULT '',
            body_hash TEXT NOT NULL DEFAULT '',
            disabled TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE marks (
            source_id INTEGER NOT NULL,
            entry_id TEXT NOT NULL,
            read INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0,
            read_at REAL,
            starred_at REAL,
            PRIMARY KEY (source_id, entry_id)
        ) WITHOUT ROWID""",
    ],
]

# Tables copied out of a damaged file that still had our schema (best effort).
_SALVAGE = {"cache": ("meta", "entries", "revisions"), "state": ("meta", "sources", "marks")}

_SOURCE_COLUMNS = ("id, url, name, kind, interval, added, last_poll, last_status, next_poll, "
                   "failures, last_error, etag, last_modified, body_hash, disabled")
_HEALTH_FIELDS = frozenset({"name", "kind", "interval", "last_poll", "last_status",
                            "next_poll", "failures", "last_error", "etag", "last_modified",
                            "body_hash", "disabled"})
_TIME_FIELDS = frozenset({"added", "last_poll", "next_poll"})

ENTRY_FROM = """FROM entries AS e
LEFT JOIN state.marks AS m ON m.source_id = e.source_id AND m.entry_id = e.entry_id
LEFT JOIN state.sources AS s ON s.id = e.source_id"""
ENTRY_ORDER = "ORDER BY e.sort_time DESC, e.first_seen DESC, e.seq"
_ENTRY_SELECT = ("SELECT e.entry_id, e.source, e.title, e.body, e.published, e.time_text, "
                 "e.url, e.author, e.media, e.key_event, e.pinned, e.updated, e.actors, "
                 "COALESCE(m.read, 0), COALESCE(m.starred, 0), e.edited, e.revision ")


# -- small helpers ----------------------------------------------------------------------


def _ts(moment: datetime | float | int | None) -> float | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        if moment.tzinfo is None:  # naive: taken as UTC, like the rest of the code base
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    return float(moment)


def _dt(value: float | None) -> datetime | None:
    if value is None:
        return None
    return _fromtimestamp(round(value, 6), UTC)


_fromtimestamp = datetime.fromtimestamp


def _norm(text: str) -> str:
    """Text with Unicode composed and whitespace runs collapsed: what counts as content."""
    if not text.isascii():  # (NFC leaves ASCII as it is)
        text = unicodedata.normalize("NFC", text)
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        # nothing to collapse: the only blank a printable text can hold is the space
        # (every other whitespace character is a control or a separator)
        return text
    return " ".join(text.split())


def _sig(value: object) -> str:
    raw = _compact_json(value)
    return hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _sha1(raw: str) -> str:
    return hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _text_signature_value(entry: Entry) -> list:
    return [
        _norm(entry.title),
        _norm(" ".join(entry.body)),
        [[m.kind, _norm(m.caption), _norm(m.title)] for m in entry.media],
    ]


def _meta_signature_value(entry: Entry) -> list:
    return [
        entry.url.strip(), _norm(entry.author), bool(entry.key_event), bool(entry.pinned),
        _ts(entry.updated), [_norm(a) for a in entry.actors], [m.url for m in entry.media],
    ]


def text_signature(entry: Entry) -> str:
    """A hash of what makes an edit: title, body and media captions, whitespace-insensitive
    (paragraph breaks included: re-split paragraphs are not an edit)."""
    title, body, media = entry.title, entry.body, entry.media
    if type(title) is str and all(type(p) is str for p in body) and (not media or all(
            type(m.kind) is str and type(m.caption) is str and type(m.title) is str for m in media)):
        # the JSON of _text_signature_value written out (the same text, without the encoder)
        captions = ",".join([f"[{_jstr(m.kind)},{_jstr(_norm(m.caption))},{_jstr(_norm(m.title))}]"
                             for m in media]) if media else ""
        return _sha1(f"[{_jstr(_norm(title))},{_jstr(_norm(' '.join(body)))},[{captions}]]")
    return _sig(_text_signature_value(entry))


def meta_signature(entry: Entry) -> str:
    """A hash of the details refreshed in place without a new revision. The time is
    compared apart (with slack) and time_text not at all: both drift with relative
    stamps."""
    updated = _ts(entry.updated)
    url, author, actors, media = entry.url, entry.author, entry.actors, entry.media
    if type(url) is str and type(author) is str and (not actors or all(type(a) is str for a in actors)) \
            and (not media or all(type(m.url) is str for m in media)) \
            and (updated is None or math.isfinite(updated)):
        # the JSON of _meta_signature_value written out
        return _sha1(
            f"[{_jstr(url.strip())},{_jstr(_norm(author))},"
            f"{'true' if entry.key_event else 'false'},{'true' if entry.pinned else 'false'},"
            f"{'null' if updated is None else float.__repr__(updated)},"
            f"[{','.join([_jstr(_norm(a)) for a in actors]) if actors else ''}],"
            f"[{','.join([_jstr(m.url) for m in media]) if media else ''}]]")
    return _sig(_meta_signature_value(entry))


_ENTRY_INSERT = (
    "INSERT INTO entries (seq, source_id, entry_id, source, title, body, published, "
    "time_text, url, author, media, key_event, pinned, updated, actors, revision, "
    "edited, first_seen, last_changed, text_sig, meta_sig) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?, ?, ?, ?)")

#: json.dumps(value, ensure_ascii=False), without building an encoder per call.
_json = json.JSONEncoder(ensure_ascii=False).encode
#: json.dumps(value, ensure_ascii=False, separators=(",", ":")) likewise (signatures).
_compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
#: One JSON string, as those encoders write it.
_jstr = json.encoder.encode_basestring


def _media_json(media: Sequence[Media]) -> str:
    if not media:
        return "[]"
    try:  # _json of the list below, written out (the encoder's call costs more than the text)
        return "[" + ", ".join([f'{{"kind": {_jstr(m.kind)}, "caption": {_jstr(m.caption)}, '
                                f'"title": {_jstr(m.title)}, "url": {_jstr(m.url)}}}'
                                for m in media]) + "]"
    except TypeError:  # a field that is not text: the encoder decides
        return _json([{"kind": m.kind, "caption": m.caption, "title": m.title, "url": m.url}
                      for m in media])


def _text_list_json(items: Sequence[str]) -> str:
    """_json(list(items)) for a list of texts, written out."""
    if not items:
        return "[]"
    try:
        return "[" + ", ".join(map(_jstr, items)) + "]"
    except TypeError:  # an item that is not text: the encoder decides
        return _json(list(items))


def _media_from(raw: str) -> tuple[Media, ...]:
    if not raw or raw == "[]":
        return ()
    return tuple(Media(kind=item.get("kind", ""), caption=item.get("caption", ""),
                       title=item.get("title", ""), url=item.get("url", ""))
                 for item in json.loads(raw or "[]"))


def _strings(raw: str) -> tuple[str, ...]:
    if not raw or raw == "[]":
        return ()
    return tuple(json.loads(raw))


def _row_to_entry(row: Sequence) -> Entry:
    (entry_id, source, title, body, published, time_text, url, author, media, key_event,
     pinned, updated, actors, read, starred, edited, revision) = row
    return Entry(id=entry_id, source=source, title=title, body=_strings(body),
                 published=_dt(published), time_text=time_text, url=url, author=author,
                 media=_media_from(media), key_event=bool(key_event), pinned=bool(pinned),
                 updated=_dt(updated), actors=_strings(actors), read=bool(read),
                 starred=bool(starred), edited=bool(edited), revision=revision)


def _row_to_source(row: Sequence) -> Source:
    (sid, url, name, kind, interval, added, last_poll, last_status, next_poll, failures,
     last_error, etag, last_modified, body_hash, disabled) = row
    return Source(id=sid, url=url, name=name, kind=kind, interval=interval, added=_dt(added),
                  last_poll=_dt(last_poll), last_status=last_status, next_poll=_dt(next_poll),
                  failures=failures, last_error=last_error, etag=etag,
                  last_modified=last_modified, body_hash=body_hash, disabled=disabled)


def _chunks(items: Sequence, size: int = 400) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _code(exc: BaseException) -> int:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF


def _is_damage(exc: BaseException) -> bool:
    """True for errors that mean the file itself is damaged or not a database."""
    if _code(exc) in (11, 26):  # SQLITE_CORRUPT, SQLITE_NOTADB
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def _store_error(exc: BaseException, path: Path) -> StoreError:
    """A one-line StoreError for an sqlite3 or OS error."""
    code = _code(exc)
    text = str(exc)
    if code == 13 or "disk is full" in text or getattr(exc, "errno", None) == 28:
        return StoreError(f"disk full: could not save to the store {path}; "
                          "free some space (nothing was changed)")
    if code in (5, 6) or "locked" in text:
        return StoreError(f"the store {path} is busy: another program held it for more "
                          f"than {BUSY_TIMEOUT_S:g} s; try again")
    if code == 8 or "readonly" in text.replace("-", "").replace(" ", ""):
        return StoreError(f"cannot write the store {path}: it is read-only")
    if _is_damage(exc):
        return StoreError(f"the store {path} is damaged ({text}); restart feedtui to move "
                          "it aside and start a fresh one")
    return StoreError(f"store error ({path}): {text}")


# -- file checks, creation, migration ---------------------------------------------------


@dataclass(slots=True)
class _File:
    role: str  # "cache" or "state"
    path: Path
    app_id: int
    migrations: list[list[str]]

    @property
    def version(self) -> int:
        return len(self.migrations)


def _wal_problem(wal: Path, page_size: int) -> str | None:
    """Why a -wal file cannot belong to its database, or None when it may."""
    try:
        size = wal.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return None
    with open(wal, "rb") as fh:
        header = fh.read(32)
    if len(header) < 32:
        return "its write-ahead log is cut short"
    magic, fmt, wal_page, _seq, _s1, _s2, ck1, ck2 = struct.unpack(">8I", header)
    if magic not in _WAL_MAGICS or fmt != 3007000:
        return "its write-ahead log is not one"
    order = ">" if magic & 1 else "<"
    s0 = s1 = 0
    words = struct.unpack(f"{order}6I", header[:24])
    for i in range(0, 6, 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    if (s0, s1) != (ck1, ck2):
        return "its write-ahead log header is damaged"
    if page_size and wal_page != page_size:
        return "its write-ahead log belongs to another database"
    return None


def _header_problem(path: Path) -> str | None:
    """Why the file is not a whole SQLite database, judged from its header, or None."""
    size = path.stat().st_size
    if size == 0:
        return "the file is empty"
    with open(path, "rb") as fh:
        header = fh.read(100)
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        return "not an SQLite database"
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "the database header is damaged"
    wal = Path(f"{path}-wal")
    problem = _wal_problem(wal, page_size)
    if problem:
        return problem
    wal_empty = not wal.exists() or wal.stat().st_size == 0
    pages = struct.unpack(">I", header[28:32])[0]
    counter_ok = header[24:28] == header[92:96]
    # With a non-empty WAL the header may be mid-checkpoint; quick_check judges then.
    if wal_empty and pages and counter_ok and size < pages * page_size:
        return "the file is truncated"
    return None


def _connect(target: str | Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        uri = Path(target).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None,
                               check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    else:
        conn = sqlite3.connect(str(target), isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_S)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    # fold(x): case and diacritics removed, for the query language's source: and actor: terms
    conn.create_function("fold", 1, lambda text: fold(text) if isinstance(text, str) else text,
                         deterministic=True)
    conn.create_function("actor_keys_json", 1, _actor_keys_json)
    return conn


def _inspect(f: _File) -> tuple[str, str]:
    """(verdict, reason): verdict is "missing", "damaged", "foreign", "blank" (an empty
    SQLite file we may adopt), "newer", "older" or "ok". Raises StoreError for
    failures that say nothing about the file (busy, permissions)."""
    if not f.path.exists():
        return "missing", ""
    try:
        problem = _header_problem(f.path)
    except OSError as exc:
        raise StoreError(f"cannot read the store {f.path}: {exc.strerror or exc}") from exc
    if problem:
        return "damaged", problem
    try:
        conn = _connect(f.path, read_only=True)
    except sqlite3.Error as exc:
        if _is_damage(exc):
            return "damaged", str(exc)
        raise _store_error(exc, f.path) from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        if app_id != f.app_id:
            if app_id == 0 and version == 0 and tables == 0:
                return "blank", ""
            return "foreign", "it belongs to another program"
        if version > f.version:
            return "newer", f"schema {version} > {f.version}"
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            return "damaged", str(rows[0][0]).splitlines()[0]
        return ("older" if version < f.version else "ok"), ""
    except sqlite3.Error as exc:
        if _is_damage(exc):
            return "damaged", str(exc)
        raise _store_error(exc, f.path) from exc
    finally:
        conn.close()


def _migrate(conn: sqlite3.Connection, f: _File, schema: str = "main") -> None:
    """Bring the file to the current schema in one transaction: all steps or none."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated meanwhile.
        version = conn.execute(f"PRAGMA {schema}.user_version").fetchone()[0]
        app_id = conn.execute(f"PRAGMA {schema}.application_id").fetchone()[0]
        if version > f.version or app_id not in (0, f.app_id):
            raise StoreError(f"the store {f.path} changed while opening; try again")
        for step in f.migrations[version:]:
            for statement in step:
                conn.execute(statement)
        if version == 0:
            conn.execute(f"PRAGMA {schema}.application_id = {f.app_id}")
            if f.role == "state":
                conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('store_id', ?)",
                             (uuid.uuid4().hex,))
        conn.execute(f"PRAGMA {schema}.user_version = {f.version}")
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            err = _store_error(exc, f.path)
            if str(err).startswith("disk full"):
                raise err from exc
            raise StoreError(f"could not upgrade the store {f.path} to schema {f.version} "
                             f"(nothing was changed): {exc}") from exc
        raise


def _create(f: _File) -> None:
    """Create a fresh, fully initialised file at f.path without ever exposing a half-made
    one: build it under a temporary name, then link it into place (no-clobber, so two
    processes creating it at once end up sharing one)."""
    f.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = f.path.with_name(f".{f.path.name}.init-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        conn = _connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
            _migrate(conn, f)
            conn.execute("PRAGMA journal_mode = WAL")  # persistent, recorded in the header
        finally:
            conn.close()
        try:
            os.link(tmp, f.path)
        except FileExistsError:
            pass  # someone else made it first: use theirs
        except OSError:  # no hard links here: rename (may clobber on POSIX, not on Windows)
            if not f.path.exists():
                os.replace(tmp, f.path)
    except sqlite3.Error as exc:
        raise _store_error(exc, f.path) from exc
    except OSError as exc:
        raise _store_error(exc, f.path) from exc
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            try:
                leftover.unlink()
            except OSError:
                pass


def _aside_path(path: Path, label: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):
        extra = f"-{n}" if n else ""
        candidate = path.with_name(f"{path.stem}.{label}-{stamp}{extra}{path.suffix}")
        if not any(Path(f"{candidate}{s}").exists() for s in ("", "-wal", "-shm")):
            return candidate
    raise StoreError(f"cannot move the store {path} aside: too many old copies")


def _move_aside(path: Path, label: str) -> Path | None:
    """Rename the file and its -wal/-shm to <stem>.<label>-<time><suffix>[-wal|-shm].
    Returns the new path, or None when the file vanished (another process moved it)."""
    target = _aside_path(path, label)
    try:
        os.replace(path, target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"the store {path} is damaged and cannot be moved aside: "
                         f"{exc.strerror or exc}") from exc
    for suffix in ("-wal", "-shm", "-journal"):
        try:
            os.replace(f"{path}{suffix}", f"{target}{suffix}")
        except FileNotFoundError:
            pass
        except OSError:
            try:  # a stale log must never be applied to the fresh file
                os.unlink(f"{path}{suffix}")
            except OSError:
                pass
    return target


def _salvage(aside: Path, f: _File) -> int:
    """Copy whatever rows can still be read from a damaged file of ours into the fresh
    one at f.path; returns how many. Best effort: a table stops at its first unreadable
    row. The aside copy is only read (SQLite would delete the -wal of an empty file, so
    an empty one is not even opened)."""
    try:
        if aside.stat().st_size == 0:
            return 0
        old = _connect(aside, read_only=True)
    except (OSError, sqlite3.Error):
        return 0
    copied = 0
    try:
        if (old.execute("PRAGMA application_id").fetchone()[0] != f.app_id
                or old.execute("PRAGMA user_version").fetchone()[0] != f.version):
            return 0
        new = _connect(f.path)
        try:
            new.execute("BEGIN IMMEDIATE")
            for table in _SALVAGE[f.role]:
                columns = [r[1] for r in new.execute(f"PRAGMA table_info({table})")]
                names = ", ".join(columns)
                insert = (f"INSERT OR REPLACE INTO {table} ({names}) "
                          f"VALUES ({', '.join('?' * len(columns))})")
                try:
                    for row in old.execute(f"SELECT {names} FROM {table}"):
                        new.execute(insert, row)
                        copied += 1
                except sqlite3.DatabaseError:
                    continue
            if f.role == "cache":  # the copied entries' FTS and actor rows
                rebuild_index(new)
            new.execute("COMMIT")
        except sqlite3.Error:
            if new.in_transaction:
                new.execute("ROLLBACK")
            copied = 0
        finally:
            new.close()
    except sqlite3.Error:
        return 0
    finally:
        old.close()
    return copied


def _prepare(f: _File) -> tuple[bool, str | None]:
    """Make f.path a usable file of the current schema. Returns (read_only, notice)."""
    for _attempt in range(3):
        verdict, reason = _inspect(f)
        if verdict == "ok":
            return False, None
        if verdict == "missing":
            _create(f)
            continue
        if verdict == "newer":
            return True, (f"the store {f.path} was written by a newer feedtui ({reason}); "
                          "opened read-only")
        if verdict in ("older", "blank"):
            conn = _connect(f.path)
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                _migrate(conn, f)
            except sqlite3.Error as exc:
                raise _store_error(exc, f.path) from exc
            finally:
                conn.close()
            continue
        # damaged or foreign
        label = "corrupt" if verdict == "damaged" else "foreign"
        aside = _move_aside(f.path, label)
        if aside is None:
            continue
        _create(f)
        what = ("subscriptions and read marks" if f.role == "state" else "cached entries")
        salvaged = _salvage(aside, f) if verdict == "damaged" else 0
        kept = f"; recovered {salvaged} rows of {what}" if salvaged else ""
        lost = "" if salvaged or f.role == "cache" else f" ({what} start empty)"
        return False, (f"the store {f.path} was {'damaged' if label == 'corrupt' else 'not ours'}"
                       f" ({reason}): moved it aside to {aside.name} and started a fresh one"
                       f"{kept}{lost}")
    raise StoreError(f"could not open the store {f.path}: it kept changing while opening")


def state_path_for(path: Path) -> Path:
    """The state file beside the cache file: feedtui.db -> feedtui-state.db."""
    return path.with_name(f"{path.stem}-state{path.suffix or '.db'}")


# -- the store --------------------------------------------------------------------------


class Store:
    """The store: open it with Store.open(path). See the module docstring."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool,
                 notice: str | None):
        self.path = path
        self.state_path = state_path_for(path)
        self.read_only = read_only
        self.notice = notice
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()
        self._batched = False  # inside batch(): writes become savepoints of its transaction

    # - opening and closing -

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """Open (creating as needed) the store at path and its state file beside it.

        Runs the checks and recovery described in the module docstring; .notice holds the
        one line to show the user (None when there is nothing to say) and .read_only
        whether writes are refused. Raises StoreError when the store cannot be used."""
        path = Path(path).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store's folder {path.parent}: "
                             f"{exc.strerror or exc}") from exc
        state = _File("state", state_path_for(path), STATE_APP_ID, STATE_MIGRATIONS)
        cache = _File("cache", path, CACHE_APP_ID, CACHE_MIGRATIONS)
        notices = []
        read_only = False
        for f in (state, cache):
            ro, notice = _prepare(f)
            read_only = read_only or ro
            if notice:
                notices.append(notice)
        try:
            conn = _connect(path, read_only=read_only)
            if read_only:
                conn.execute("ATTACH DATABASE ? AS state",
                             (state.path.resolve().as_uri() + "?mode=ro",))
            else:
                conn.execute("ATTACH DATABASE ? AS state", (str(state.path),))
                conn.execute("PRAGMA main.synchronous = NORMAL")
                conn.execute("PRAGMA state.synchronous = FULL")
                conn.execute("PRAGMA main.journal_size_limit = 33554432")
                # a checkpoint (two syncs, in the writing thread) every 8192 pages of log
                # instead of every 1000: a first poll of many big feeds writes tens of MB
                conn.execute("PRAGMA main.wal_autocheckpoint = 8192")
                conn.execute("PRAGMA state.journal_size_limit = 4194304")
            conn.execute("PRAGMA temp_store = MEMORY")
        except sqlite3.Error as exc:
            raise _store_error(exc, path) from exc
        store = cls(path, conn, read_only, "; ".join(notices) or None)
        if not read_only:
            try:
                store._reconcile()
            except BaseException:
                store.close()
                raise
        return store

    def _reconcile(self) -> None:
        """Keep the cache in step with the state file: a cache built for another state
        file (the state was replaced) is emptied; entries of removed sources go."""
        conn = self._conn
        assert conn is not None
        state_id = conn.execute(
            "SELECT value FROM state.meta WHERE key = 'store_id'").fetchone()
        linked = conn.execute("SELECT value FROM main.meta WHERE key = 'state_id'").fetchone()
        orphans = conn.execute(
            "SELECT 1 FROM (SELECT DISTINCT source_id FROM entries) "
            "WHERE source_id NOT IN (SELECT id FROM state.sources) LIMIT 1").fetchone()
        if linked == state_id and not orphans:
            return
        with self._write() as c:
            state_id = c.execute(
                "SELECT value FROM state.meta WHERE key = 'store_id'").fetchone()
            linked = c.execute("SELECT value FROM main.meta WHERE key = 'state_id'").fetchone()
            if linked != state_id:
                if linked is not None:
                    c.execute("DELETE FROM entries")
                    c.execute("DELETE FROM revisions")
                c.execute("INSERT OR REPLACE INTO main.meta (key, value) VALUES ('state_id', ?)",
                          (state_id[0] if state_id else None,))
            c.execute("DELETE FROM entries WHERE source_id NOT IN (SELECT id FROM state.sources)")
            c.execute("DELETE FROM revisions "
                      "WHERE source_id NOT IN (SELECT id FROM state.sources)")

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # - transactions -

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"the store {self.path} is closed")
        return self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One BEGIN IMMEDIATE transaction; any failure rolls it back and becomes a
        StoreError (disk full included), leaving the store usable."""
        if self.read_only:
            raise StoreError(f"the store {self.path} is read-only (written by a newer "
                             "feedtui): changes are not saved")
        with self._lock:
            conn = self._live()
            if self._batched:
                with self._savepoint(conn) as c:
                    yield c
                return
            with self._bracket(conn, "BEGIN IMMEDIATE", "COMMIT", ("ROLLBACK",)) as c:
                yield c

    @contextmanager
    def _savepoint(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """One write inside batch(): all of it or none of it, without ending the batch."""
        if not conn.in_transaction:  # the batch's transaction is gone (rolled back by SQLite)
            raise StoreError(f"store error ({self.path}): the batch of writes was rolled back")
        with self._bracket(conn, "SAVEPOINT write", "RELEASE write",
                           ("ROLLBACK TO write", "RELEASE write")) as c:
            yield c

    @contextmanager
    def _bracket(self, conn: sqlite3.Connection, begin: str, end: str,
                 undo: tuple[str, ...]) -> Iterator[sqlite3.Connection]:
        """The body between `begin` and `end`; on any failure `undo` (while a transaction
        is still open), and SQLite's errors turned into StoreError."""
        try:
            conn.execute(begin)
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from exc
        try:
            yield conn
            conn.execute(end)
        except BaseException as exc:
            if conn.in_transaction:
                try:
                    for sql in undo:
                        conn.execute(sql)
                except sqlite3.Error:
                    pass
            if isinstance(exc, sqlite3.Error):
                raise _store_error(exc, self.path) from exc
            raise

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run several writes (ingest, update_source_health, marks ...) in one transaction:
        each keeps its own all-or-nothing (a savepoint; a failing one raises and is undone
        alone), and all of them are committed together, with one sync of each file instead
        of one per write. Holds the store for the whole batch, so keep batches short.
        Raises StoreError when the batch's transaction cannot start or commit (then none
        of its writes is kept). A batch inside a batch is one savepoint of it: all of its
        writes or none."""
        with self._lock:
            if self._batched:
                with self._savepoint(self._live()):
                    yield
                return
            with self._write():
                self._batched = True
                try:
                    yield
                finally:
                    self._batched = False

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._live()
            try:
                yield conn
            except sqlite3.Error as exc:
                raise _store_error(exc, self.path) from exc

    # - sources -

    def add_source(self, url: str, name: str | None = None, interval: int | None = None,
                   kind: str | None = None) -> Source:
        """Subscribe to url (idempotent). An existing subscription keeps its id; a name,
        interval or kind given here replaces the stored one. Returns the Source."""
        url = url.strip()
        if not url:
            raise StoreError("a source needs a URL or path")
        with self._write() as c:
            c.execute("INSERT OR IGNORE INTO state.sources (url, added) VALUES (?, ?)",
                      (url, time.time()))
            for column, value in (("name", name), ("interval", interval), ("kind", kind)):
                if value is not None:
                    c.execute(f"UPDATE state.sources SET {column} = ? WHERE url = ?",
                              (value, url))
            row = c.execute(f"SELECT {_SOURCE_COLUMNS} FROM state.sources WHERE url = ?",
                            (url,)).fetchone()
        return _row_to_source(row)

    def _source_id(self, c: sqlite3.Connection, source: int | str | Source) -> int | None:
        """The id of a source given as Source, id, URL or name (URL first, then name
        case-insensitively)."""
        if isinstance(source, Source):
            source = source.id
        if isinstance(source, int):
            row = c.execute("SELECT id FROM state.sources WHERE id = ?", (source,)).fetchone()
            return row[0] if row else None
        text = str(source).strip()
        row = c.execute("SELECT id FROM state.sources WHERE url = ?", (text,)).fetchone()
        if row is None:
            row = c.execute("SELECT id FROM state.sources WHERE name = ? COLLATE NOCASE "
                            "ORDER BY id LIMIT 1", (text,)).fetchone()
        if row is None and text.isdigit():
            row = c.execute("SELECT id FROM state.sources WHERE id = ?", (int(text),)).fetchone()
        return row[0] if row else None

    def source(self, source: int | str | Source) -> Source | None:
        """One subscription by id, URL or name, or None."""
        with self._read() as c:
            sid = self._source_id(c, source)
            if sid is None:
                return None
            row = c.execute(f"SELECT {_SOURCE_COLUMNS} FROM state.sources WHERE id = ?",
                            (sid,)).fetchone()
        return _row_to_source(row)

    def sources(self) -> list[Source]:
        """All subscriptions in the order they were added."""
        with self._read() as c:
            rows = c.execute(f"SELECT {_SOURCE_COLUMNS} FROM state.sources ORDER BY id")
            return [_row_to_source(r) for r in rows.fetchall()]

    def remove_source(self, name_or_url: int | str | Source) -> bool:
        """Unsubscribe: the source, its marks and its cached entries go. False when no
        source matches."""
        with self._write() as c:
            sid = self._source_id(c, name_or_url)
            if sid is None:
                return False
            c.execute("DELETE FROM state.sources WHERE id = ?", (sid,))
            c.execute("DELETE FROM state.marks WHERE source_id = ?", (sid,))
            c.execute("DELETE FROM entries WHERE source_id = ?", (sid,))
            c.execute("DELETE FROM revisions WHERE source_id = ?", (sid,))
        return True

    def update_source_health(self, source: int | str | Source, **fields) -> Source:
        """Set some of: name, kind, interval, last_poll, last_status, next_poll, failures,
        last_error, etag, last_modified, body_hash, disabled (datetimes for the times).
        Returns the updated Source."""
        unknown = set(fields) - _HEALTH_FIELDS
        if unknown:
            raise TypeError(f"unknown source fields: {', '.join(sorted(unknown))}")
        with self._write() as c:
            sid = self._source_id(c, source)
            if sid is None:
                raise StoreError(f"no such source: {source}")
            if fields:
                values = [self._health_value(k, v) for k, v in fields.items()]
                assignments = ", ".join(f"{k} = ?" for k in fields)
                c.execute(f"UPDATE state.sources SET {assignments} WHERE id = ?",
                          (*values, sid))
            row = c.execute(f"SELECT {_SOURCE_COLUMNS} FROM state.sources WHERE id = ?",
                            (sid,)).fetchone()
        return _row_to_source(row)

    @staticmethod
    def _health_value(name: str, value):
        if name in _TIME_FIELDS:
            return _ts(value)
        if name == "interval":
            return None if value is None else int(value)
        if name == "failures":
            return int(value or 0)
        return "" if value is None else str(value)

    def set_validators(self, source: int | str | Source, etag: str | None,
                       last_modified: str | None, body_hash: str | None = None) -> Source:
        """Store the HTTP validators for the next conditional GET (None clears one), and
        the body's hash when given (None keeps the stored one)."""
        fields = {"etag": etag or "", "last_modified": last_modified or ""}
        if body_hash is not None:
            fields["body_hash"] = body_hash
        return self.update_source_health(source, **fields)

    # - entries -

    def ingest(self, source: int | str | Source, entries: Iterable[Entry],
               now: datetime | None = None) -> IngestResult:
        """Upsert one poll's entries by id in one transaction.

        New ids are inserted. An entry whose title, body or captions changed (whitespace
        aside) gets revision + 1 and edited set, its old text kept in revisions. An entry
        whose text is the same is not rewritten, except that changed details (time beyond
        a small slack, link, author, flags, actors, media links) are refreshed in place.
        Entries missing from the batch stay; marks are never touched. Raises StoreError
        for an unknown source.

        The FTS and actor rows of every inserted or rewritten entry are written in the same
        transaction (batched; see migration 3)."""
        batch: list[Entry] = []
        result = IngestResult()
        seen: set[str] = set()
        for entry in entries:
            if entry.id in seen:
                result.duplicates += 1
                continue
            seen.add(entry.id)
            batch.append(entry)
        moment = _ts(now) if now is not None else time.time()
        # Signatures and row values need no lock: compute them before taking it.
        sigs = [(text_signature(e), meta_signature(e)) for e in batch]
        keys_of = _ActorKeys()
        with self._write() as c:
            sid = self._source_id(c, source)
            if sid is None:
                raise StoreError(f"no such source: {source}")
            stored: dict[str, tuple] = {}
            for chunk in _chunks([e.id for e in batch]):
                rows = c.execute(
                    "SELECT entry_id, seq, text_sig, meta_sig, published, revision, title, "
                    f"body, media FROM entries WHERE source_id = ? AND entry_id IN "
                    f"({', '.join('?' * len(chunk))})", (sid, *chunk))
                for row in rows:
                    stored[row[0]] = row
            touched: list[tuple[Entry, str]] = []
            inserts: list[tuple] = []
            fts_rows: list[tuple] = []
            actor_rows: list[tuple] = []
            key_rows: list[tuple] = []
            reindexed: list[int] = []
            next_seq = 0
            if len(stored) < len(batch):
                # explicit row keys (what SQLite would pick: max + 1) so that the batch's
                # rows and index rows go in with executemany
                next_seq = c.execute("SELECT COALESCE(max(seq), 0) FROM entries").fetchone()[0] + 1
            for entry, (tsig, msig) in zip(batch, sigs):
                old = stored.get(entry.id)
                if old is None:
                    seq = next_seq
                    next_seq += 1
                    inserts.append(self._insert_row(seq, sid, entry, tsig, msig, moment))
                    fts_rows.append(fts_row(seq, entry.title, entry.body, entry.media, entry.actors))
                    _actor_rows(seq, entry.actors, keys_of, actor_rows, key_rows)
                    touched.append((entry, "new"))
                elif old[2] != tsig:
                    revision = old[5] + 1
                    c.execute("INSERT OR REPLACE INTO revisions (source_id, entry_id, revision, "
                              "title, body, media, recorded) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              (sid, entry.id, old[5], old[6], old[7], old[8], moment))
                    published = _ts(entry.published)
                    c.execute(
                        "UPDATE entries SET source = ?, title = ?, body = ?, published = ?, "
                        "time_text = ?, url = ?, author = ?, media = ?, key_event = ?, "
                        "pinned = ?, updated = ?, actors = ?, revision = ?, edited = 1, "
                        "last_changed = ?, text_sig = ?, meta_sig = ? WHERE seq = ?",
                        (entry.source, entry.title, _text_list_json(entry.body),
                         published if published is not None else old[4], entry.time_text,
                         entry.url, entry.author, _media_json(entry.media),
                         int(entry.key_event), int(entry.pinned), _ts(entry.updated),
                         _text_list_json(entry.actors), revision,
                         moment, tsig, msig, old[1]))
                    reindexed.append(old[1])
                    fts_rows.append(fts_row(old[1], entry.title, entry.body, entry.media, entry.actors))
                    _actor_rows(old[1], entry.actors, keys_of, actor_rows, key_rows)
                    touched.append((entry.with_(revision=revision, edited=True), "edited"))
                elif old[3] != msig or self._time_moved(old[4], entry.published):
                    published = _ts(entry.published)
                    media_json = self._merge_media_urls(old[8], entry.media)
                    c.execute(
                        "UPDATE entries SET published = ?, time_text = ?, url = ?, "
                        "author = ?, key_event = ?, pinned = ?, updated = ?, actors = ?, "
                        "media = ?, meta_sig = ?, last_changed = ? WHERE seq = ?",
                        (published if published is not None else old[4], entry.time_text,
                         entry.url, entry.author, int(entry.key_event), int(entry.pinned),
                         _ts(entry.updated), _text_list_json(entry.actors),
                         media_json, msig, moment, old[1]))
                    # the stored title and body with the new media and actors
                    reindexed.append(old[1])
                    fts_rows.append(fts_row(old[1], old[6], _strings(old[7]), _media_from(media_json),
                                            entry.actors))
                    _actor_rows(old[1], entry.actors, keys_of, actor_rows, key_rows)
                    result.refreshed += 1
                else:
                    result.unchanged += 1
            if inserts:
                c.executemany(_ENTRY_INSERT, inserts)
            if reindexed:
                _unindex(c, reindexed)
            _write_index(c, fts_rows, actor_rows, key_rows)
            marks = self._marks_for(c, sid, [e.id for e, _ in touched]) if touched else {}
            for entry, kind in touched:
                read, starred = marks.get(entry.id, (False, False))
                if kind == "new" and (entry.revision != 1 or entry.edited or entry.read != read
                                      or entry.starred != starred):
                    entry = entry.with_(revision=1, edited=False, read=read, starred=starred)
                elif kind == "edited" and (entry.read != read or entry.starred != starred):
                    entry = entry.with_(read=read, starred=starred)
                (result.new if kind == "new" else result.edited).append(entry)
        return result

    @staticmethod
    def _time_moved(stored: float | None, new: datetime | None) -> bool:
        if new is None:
            return False  # a time that went missing keeps the one we know
        if stored is None:
            return True
        return abs(_ts(new) - stored) > TIME_SLACK_S

    @staticmethod
    def _merge_media_urls(stored_json: str, media: Sequence[Media]) -> str:
        """The stored media (its text unchanged by definition) with the new links."""
        old = _media_from(stored_json)
        if len(old) != len(media):
            return _media_json(media)
        return _media_json([o.__class__(o.kind, o.caption, o.title, n.url)
                            for o, n in zip(old, media)])

    @staticmethod
    def _insert_row(seq: int, sid: int, entry: Entry, tsig: str, msig: str,
                    moment: float) -> tuple:
        return (seq, sid, entry.id, entry.source, entry.title, _text_list_json(entry.body),
                _ts(entry.published), entry.time_text, entry.url, entry.author,
                _media_json(entry.media), int(entry.key_event), int(entry.pinned),
                _ts(entry.updated), _text_list_json(entry.actors), moment, moment, tsig, msig)

    @staticmethod
    def _marks_for(c: sqlite3.Connection, sid: int,
                   ids: Sequence[str]) -> dict[str, tuple[bool, bool]]:
        marks: dict[str, tuple[bool, bool]] = {}
        for chunk in _chunks(list(ids)):
            rows = c.execute("SELECT entry_id, read, starred FROM state.marks WHERE "
                             f"source_id = ? AND entry_id IN ({', '.join('?' * len(chunk))})",
                             (sid, *chunk))
            for entry_id, read, starred in rows:
                marks[entry_id] = (bool(read), bool(starred))
        return marks

    def _filters(self, c: sqlite3.Connection, unread: bool, source, match: str | None,
                 where_sql: str | None, params: Sequence) -> tuple[str, list]:
        clauses: list[str] = []
        args: list = []
        if unread:
            clauses.append("COALESCE(m.read, 0) = 0")
        if source is not None:
            sid = self._source_id(c, source)
            clauses.append("e.source_id = ?")
            args.append(sid if sid is not None else -1)
        if match:
            clauses.append("e.seq IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)")
            args.append(match)
        if where_sql:
            clauses.append(f"({where_sql})")
            args.extend(params)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def entries(self, limit: int | None = None, unread: bool = False,
                source: int | str | Source | None = None, where_sql: str | None = None,
                params: Sequence = (), match: str | None = None, offset: int = 0) -> list[Entry]:
        """Entries newest first (published, else first seen), with read, starred, edited
        and revision filled in. where_sql/params: see the module docstring; match: an
        FTS5 query over title, body, captions and actors."""
        with self._read() as c:
            where, args = self._filters(c, unread, source, match, where_sql, params)
            sql = f"{_ENTRY_SELECT}{ENTRY_FROM}{where} {ENTRY_ORDER}"
            if limit is not None or offset:
                sql += " LIMIT ? OFFSET ?"
                args += [-1 if limit is None else int(limit), int(offset)]
            return [_row_to_entry(r) for r in c.execute(sql, args).fetchall()]

    def entry(self, entry_id: str, source: int | str | Source | None = None) -> Entry | None:
        """One entry by id (and source, when ids may repeat across sources), or None."""
        found = self.entries(limit=1, source=source, where_sql="e.entry_id = ?",
                             params=(entry_id,))
        return found[0] if found else None

    def count(self, unread: bool = False, source: int | str | Source | None = None,
              where_sql: str | None = None, params: Sequence = (),
              match: str | None = None) -> int:
        """How many entries entries() would return with the same filters."""
        with self._read() as c:
            where, args = self._filters(c, unread, source, match, where_sql, params)
            return c.execute(f"SELECT count(*) {ENTRY_FROM}{where}", args).fetchone()[0]

    # - views: what the reader's list needs (keys in display order, windows by key) -

    def keys(self, where_sql: str | None = None, params: Sequence = (),
             limit: int | None = None) -> array:
        """The row keys (``seq``) of the entries entries() would return, in its order:
        8 bytes per entry, so a list can hold a 200,000-entry view and load windows."""
        with self._read() as c:
            where, args = self._filters(c, False, None, None, where_sql, params)
            tail = ""
            if limit is not None:
                tail, args = " LIMIT ?", [*args, int(limit)]
            cursor = c.execute(f"SELECT e.seq {ENTRY_FROM}{where} {ENTRY_ORDER}{tail}", args)
            keys = array("q")
            while rows := cursor.fetchmany(20000):
                keys.extend(r[0] for r in rows)
            return keys

    def entries_by_key(self, keys: Iterable[int]) -> dict[int, Entry]:
        """key -> Entry for the given row keys (keys no longer stored are left out)."""
        found: dict[int, Entry] = {}
        with self._read() as c:
            for chunk in _chunks(list(keys)):
                rows = c.execute(f"SELECT e.seq, {_ENTRY_SELECT[len('SELECT '):]}{ENTRY_FROM} "
                                 f"WHERE e.seq IN ({', '.join('?' * len(chunk))})", list(chunk))
                for row in rows.fetchall():
                    found[row[0]] = _row_to_entry(row[1:])
        return found

    def entry_refs(self, keys: Iterable[int]) -> list[tuple[int, str]]:
        """(source id, entry id) for row keys: what mark_read and set_starred take."""
        out: list[tuple[int, str]] = []
        with self._read() as c:
            for chunk in _chunks(list(keys)):
                out.extend(c.execute(f"SELECT source_id, entry_id FROM entries WHERE seq IN "
                                     f"({', '.join('?' * len(chunk))})", list(chunk)).fetchall())
        return out

    def arrived_since(self, moment: datetime | float, limit: int = 5000) -> set[int]:
        """Row keys of entries first seen after moment: what is new since a last visit."""
        with self._read() as c:
            rows = c.execute("SELECT seq FROM entries WHERE first_seen > ? LIMIT ?",
                             (_ts(moment), limit)).fetchall()
        return {r[0] for r in rows}

    def actor_counts(self, where_sql: str | None = None, params: Sequence = (),
                     unread: bool = False, limit: int = 100,
                     newest: int | None = None) -> list[tuple[str, int]]:
        """(actor, entries) for the entries that entries() would return with the same
        filters (only the newest `newest` of them when given, which bounds the cost on a
        huge view), most frequent first: the actors sidebar of the current view."""
        with self._read() as c:
            where, args = self._filters(c, unread, None, None, where_sql, params)
            view = f"SELECT e.seq {ENTRY_FROM}{where} {ENTRY_ORDER}"
            if newest is not None:
                view += " LIMIT ?"
                args = [*args, int(newest)]
            rows = c.execute(
                f"SELECT a.actor, count(*) AS n FROM entry_actors AS a WHERE a.seq IN ({view}) "
                f"GROUP BY a.actor ORDER BY n DESC, a.actor LIMIT ?", [*args, int(limit)])
            return [(actor, n) for actor, n in rows.fetchall()]

    def hourly_counts(self, now: datetime | float, hours: int = 24) -> dict[int, list[int]]:
        """source id -> entries per hour over the last `hours` hours, oldest hour first
        (the sources sidebar's sparkline)."""
        end = _ts(now)
        start = end - hours * 3600
        out: dict[int, list[int]] = {}
        with self._read() as c:
            rows = c.execute(
                "SELECT source_id, CAST((sort_time - ?) / 3600 AS INTEGER) AS h, count(*) "
                "FROM entries WHERE sort_time >= ? AND sort_time < ? GROUP BY source_id, h",
                (start, start, end + 1)).fetchall()
        for sid, hour, n in rows:
            if 0 <= hour < hours:
                out.setdefault(sid, [0] * hours)[hour] = n
        return out

    def source_counts(self) -> dict[int, tuple[int, int]]:
        """source id -> (entries, unread entries), for the sources sidebar."""
        with self._read() as c:
            rows = c.execute(f"SELECT e.source_id, count(*), "
                             f"sum(COALESCE(m.read, 0) = 0) {ENTRY_FROM} GROUP BY e.source_id")
            return {sid: (total, unread) for sid, total, unread in rows.fetchall()}

    def revisions(self, entry_id: str,
                  source: int | str | Source | None = None) -> list[Revision]:
        """The earlier texts of an entry, oldest first (the current text is the entry)."""
        with self._read() as c:
            sql = ("SELECT revision, title, body, media, recorded FROM revisions "
                   "WHERE entry_id = ?")
            args: list = [entry_id]
            if source is not None:
                sql += " AND source_id = ?"
                sid = self._source_id(c, source)
                args.append(sid if sid is not None else -1)
            rows = c.execute(sql + " ORDER BY source_id, revision", args).fetchall()
        return [Revision(revision=r, title=t, body=_strings(b), media=_media_from(m),
                         recorded=_dt(when)) for r, t, b, m, when in rows]

    # - marks -

    def _keys(self, c: sqlite3.Connection, ids: Iterable[EntryKey]) -> list[tuple[int, str]]:
        """(source id, entry id) pairs for entry ids, Entries or such pairs. A bare id
        matches that id in every source; an Entry prefers its own source's."""
        keys: list[tuple[int, str]] = []
        for item in ids:
            if isinstance(item, tuple):
                keys.append((int(item[0]), str(item[1])))
                continue
            if isinstance(item, Entry):
                rows = c.execute("SELECT source_id FROM entries WHERE entry_id = ? AND "
                                 "source = ?", (item.id, item.source)).fetchall()
                entry_id = item.id
            else:
                rows, entry_id = [], str(item)
            if not rows:
                rows = c.execute("SELECT source_id FROM entries WHERE entry_id = ?",
                                 (entry_id,)).fetchall()
            keys.extend((sid, entry_id) for (sid,) in rows)
        return keys

    def mark_read(self, ids: Iterable[EntryKey] | EntryKey, read: bool = True) -> int:
        """Set (or clear) the read mark of entries, durably, in one transaction. Returns
        how many entries were matched."""
        if isinstance(ids, (str, Entry)) or (isinstance(ids, tuple) and len(ids) == 2
                                             and isinstance(ids[0], int)):
            ids = [ids]
        with self._write() as c:
            keys = self._keys(c, ids)
            c.executemany(
                "INSERT INTO state.marks (source_id, entry_id, read, read_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (source_id, entry_id) DO UPDATE "
                "SET read = excluded.read, read_at = excluded.read_at",
                [(sid, eid, int(read), time.time()) for sid, eid in keys])
        return len(keys)

    def mark_all_read(self, ids: Iterable[EntryKey] | None = None,
                      source: int | str | Source | None = None) -> int:
        """Mark the given entries read, or with ids=None every entry (of source, when
        given), in one transaction. Returns how many entries were matched."""
        if ids is not None:
            return self.mark_read(ids, True)
        with self._write() as c:
            args: list = [time.time()]
            where = "WHERE true"
            if source is not None:
                sid = self._source_id(c, source)
                where += " AND e.source_id = ?"
                args.append(sid if sid is not None else -1)
            cur = c.execute(
                "INSERT INTO state.marks (source_id, entry_id, read, read_at) "
                f"SELECT e.source_id, e.entry_id, 1, ? FROM entries AS e {where} "
                "ON CONFLICT (source_id, entry_id) DO UPDATE "
                "SET read = 1, read_at = excluded.read_at WHERE read = 0", args)
            return cur.rowcount

    def set_starred(self, entry: EntryKey, starred: bool = True) -> int:
        """Star or unstar an entry. Returns how many entries were matched."""
        with self._write() as c:
            keys = self._keys(c, [entry])
            c.executemany(
                "INSERT INTO state.marks (source_id, entry_id, starred, starred_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (source_id, entry_id) DO UPDATE "
                "SET starred = excluded.starred, starred_at = excluded.starred_at",
                [(sid, eid, int(starred), time.time()) for sid, eid in keys])
        return len(keys)

    # - maintenance -

    def integrity_check(self) -> list[str]:
        """Full integrity check of both files; ["ok"] when sound."""
        with self._read() as c:
            out = [r[0] for r in c.execute("PRAGMA main.integrity_check").fetchall()]
            out += [r[0] for r in c.execute("PRAGMA state.integrity_check").fetchall()]
        problems = [line for line in out if line != "ok"]
        return problems or ["ok"]


__all__ = ["Store", "StoreError", "Source", "Revision", "IngestResult", "CACHE_APP_ID",
           "STATE_APP_ID", "state_path_for", "text_signature", "meta_signature",
           "ENTRY_FROM", "ENTRY_ORDER"]
