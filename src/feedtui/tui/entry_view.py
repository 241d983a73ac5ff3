"""What the entry list shows, as plain data: the store's row keys for a filter and order,
and the entries of a window of those keys. No Textual here, so it has plain unit tests.

The list never loads every Entry: it holds the keys (the cache's ``seq`` integers, 8 bytes
each in an ``array``) of the filtered view and fetches entries a window at a time by key.
A filter compiles to SQL (``query_sql.compile_query``) and runs in the store; when the SQL
cannot run (a term whose SQL support has not landed), it falls back to matching in memory,
which is only fit for small stores.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..fold import fold
from ..models import Entry
from ..query import Actor, And, Node, Not, Or, Subject
from ..query import matches as query_matches
from ..store import ENTRY_FROM, ENTRY_ORDER, Store, StoreError

#: How many entries one window fetch loads around a missing row.
WINDOW = 120


@dataclass(frozen=True)
class ViewSpec:
    """The view's filter (parsed tree, or None for everything) and its order."""

    tree: Node | None = None
    oldest_first: bool = False


@dataclass
class ViewKeys:
    """The keys of a view, in display order, and how they were found."""

    keys: array = field(default_factory=lambda: array("q"))
    in_memory: bool = False  # True when the filter ran in memory (SQL fallback)

    def __len__(self) -> int:
        return len(self.keys)


def _compile(tree: Node | None) -> tuple[str, list]:
    if tree is None:
        return "", []
    from ..query_sql import compile_query

    where, params = compile_query(tree)
    return where, list(params)


def _actor_match(name: str, actors: Sequence[str]) -> bool:
    """Actor matching for the memory fallback: the real rules live in feedtui.actors."""
    try:
        from ..actors import actor_matches
    except ImportError:
        needle = fold(name)
        return any(needle in fold(actor) for actor in actors)
    return actor_matches(name, actors)


def matches(tree: Node | None, entry: Entry) -> bool:
    """True when entry satisfies tree, in memory."""
    if tree is None:
        return True
    if isinstance(tree, And):
        return all(matches(t, entry) for t in tree.terms)
    if isinstance(tree, Or):
        return any(matches(t, entry) for t in tree.terms)
    if isinstance(tree, Not):
        return not matches(tree.term, entry)
    if isinstance(tree, Actor):
        return _actor_match(tree.name, entry.actors)
    return query_matches(tree, Subject(entry, entry.source, entry.source))


def load_keys(store: Store, spec: ViewSpec) -> ViewKeys:
    """The keys of every entry in the view, in display order."""
    try:
        where, params = _compile(spec.tree)
        keys = _sql_keys(store, where, params)
        in_memory = False
    except (StoreError, sqlite3.Error, ImportError):
        keys = _memory_keys(store, spec.tree)
        in_memory = True
    if spec.oldest_first:
        keys.reverse()
    return ViewKeys(keys, in_memory)


def _sql_keys(store: Store, where: str, params: Sequence) -> array:
    clause = f" WHERE {where}" if where else ""
    with store._read() as c:  # noqa: SLF001 (the store has no public key listing yet)
        cursor = c.execute(f"SELECT e.seq {ENTRY_FROM}{clause} {ENTRY_ORDER}", list(params))
        keys = array("q")
        while rows := cursor.fetchmany(20000):
            keys.extend(r[0] for r in rows)
    return keys


def _memory_keys(store: Store, tree: Node | None) -> array:
    keys = array("q")
    total = store.count()
    for start in range(0, total, 5000):
        for seq, entry in _with_keys(store, "", [], limit=5000, offset=start):
            if matches(tree, entry):
                keys.append(seq)
    return keys


def _with_keys(store: Store, where: str, params: Sequence, limit: int | None = None,
               offset: int = 0) -> list[tuple[int, Entry]]:
    """(seq, Entry) pairs: the keys and the entries come from two queries in the same
    order, run under the store's lock so nothing changes between them."""
    clause = f" WHERE {where}" if where else ""
    tail = ""
    args = list(params)
    if limit is not None:
        tail = " LIMIT ? OFFSET ?"
        args += [limit, offset]
    with store._lock:  # noqa: SLF001
        with store._read() as c:  # noqa: SLF001
            seqs = [r[0] for r in c.execute(
                f"SELECT e.seq {ENTRY_FROM}{clause} {ENTRY_ORDER}{tail}", args).fetchall()]
        entries = store.entries(limit=limit, offset=offset, where_sql=where or None,
                                params=list(params))
    return list(zip(seqs, entries))


def fetch_entries(store: Store, keys: Sequence[int]) -> dict[int, Entry]:
    """seq -> Entry for the given keys (missing keys are left out)."""
    found: dict[int, Entry] = {}
    keys = list(keys)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        where = f"e.seq IN ({', '.join('?' * len(chunk))})"
        found.update(_with_keys(store, where, chunk))
    return found


def source_keys(store: Store, keys: Sequence[int]) -> list[tuple[int, str]]:
    """(source id, entry id) for keys: what the store's marks are keyed by."""
    out: list[tuple[int, str]] = []
    keys = list(keys)
    with store._read() as c:  # noqa: SLF001
        for start in range(0, len(keys), 900):
            chunk = keys[start:start + 900]
            out.extend(c.execute(
                f"SELECT source_id, entry_id FROM entries WHERE seq IN "
                f"({', '.join('?' * len(chunk))})", chunk).fetchall())
    return out


def arrived_since(store: Store, moment: float, limit: int = 5000) -> set[int]:
    """Keys of entries first seen after moment (POSIX seconds): the last-visit divider."""
    with store._read() as c:  # noqa: SLF001
        rows = c.execute("SELECT seq FROM entries WHERE first_seen > ? LIMIT ?",
                         (moment, limit)).fetchall()
    return {r[0] for r in rows}


#: Actor counts look at the newest this many entries of a view: exact for any view a
#: person reads through, and bounded (a few ms) at 200,000 entries.
ACTOR_SCAN = 20000


def actor_counts(store: Store, spec: ViewSpec, keys: ViewKeys,
                 limit: int = 40) -> list[tuple[str, int]]:
    """(actor, entries) over the view's newest ACTOR_SCAN entries, most frequent first."""
    try:
        if keys.in_memory:
            raise ImportError
        where, params = _compile(spec.tree)
        clause = f" WHERE {where}" if where else ""
        with store._read() as c:  # noqa: SLF001
            rows = c.execute(
                f"SELECT j.value, count(*) AS n FROM (SELECT e.actors {ENTRY_FROM}{clause} "
                f"{ENTRY_ORDER} LIMIT ?) AS v, json_each(v.actors) AS j "
                "GROUP BY j.value ORDER BY n DESC, j.value LIMIT ?",
                [*params, ACTOR_SCAN, limit]).fetchall()
        return [(str(name), int(n)) for name, n in rows]
    except (StoreError, sqlite3.Error, ImportError):
        counts: dict[str, int] = {}
        for entry in fetch_entries(store, keys.keys[:ACTOR_SCAN]).values():
            for actor in entry.actors:
                counts[actor] = counts.get(actor, 0) + 1
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def hourly_counts(store: Store, now: float, hours: int = 24) -> dict[int, list[int]]:
    """source id -> entries per hour over the last `hours` hours, oldest hour first."""
    start = now - hours * 3600
    out: dict[int, list[int]] = {}
    with store._read() as c:  # noqa: SLF001
        rows = c.execute(
            "SELECT source_id, CAST((sort_time - ?) / 3600 AS INTEGER) AS h, count(*) "
            "FROM entries WHERE sort_time >= ? AND sort_time < ? GROUP BY source_id, h",
            (start, start, now + 1)).fetchall()
    for sid, hour, n in rows:
        if 0 <= hour < hours:
            out.setdefault(sid, [0] * hours)[hour] = n
    return out


SPARKS = " ▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """Block characters scaled to the largest value (blank for zero)."""
    top = max(values, default=0)
    if top <= 0:
        return "·" * len(values)
    return "".join(SPARKS[0 if v <= 0 else max(1, round(v / top * 8))] for v in values)
