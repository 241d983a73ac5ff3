"""What the entry list shows, as plain data: the store's row keys for a filter and order,
and the entries of a window of those keys. No Textual here, so it has plain unit tests.

The list never loads every Entry: it holds the keys (the cache's ``seq`` integers, 8 bytes
each in an ``array``) of the filtered view and fetches entries a window at a time by key.
A filter compiles to SQL (``query_sql.compile_query``) and runs in the store.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from ..query import Node
from ..query_sql import compile_query
from ..store import Store

#: How many entries one window fetch loads around a missing row.
WINDOW = 120
#: Actor counts look at the newest this many entries of a view: exact for any view a
#: person reads through, and bounded (about 10 ms) at 200,000 entries.
ACTOR_SCAN = 2000


@dataclass(frozen=True)
class ViewSpec:
    """The view's filter (parsed tree, or None for everything) and its order."""

    tree: Node | None = None
    oldest_first: bool = False


#: How many keys the first, quick load of a new filter shows (a few screens).
FIRST_PAGE = 300


def load_keys(store: Store, spec: ViewSpec) -> array:
    """The keys of every entry in the view, in display order."""
    where, params = compile_query(spec.tree)
    keys = store.keys(where or None, params)
    if spec.oldest_first:
        keys.reverse()
    return keys


def first_keys(store: Store, spec: ViewSpec) -> array:
    """The newest FIRST_PAGE keys of the view, found by walking the time index (a few ms
    even at 200,000 entries), so a new filter paints before the whole view is counted."""
    where, params = compile_query(spec.tree, walk_order=True)
    return store.keys(where or None, params, limit=FIRST_PAGE)


def actor_counts(store: Store, spec: ViewSpec, limit: int = 40) -> list[tuple[str, int]]:
    """(actor, entries) over the view's newest ACTOR_SCAN entries, most frequent first."""
    where, params = compile_query(spec.tree, walk_order=True)
    return store.actor_counts(where or None, params, limit=limit, newest=ACTOR_SCAN)


SPARKS = " ▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """Block characters scaled to the largest value (blank for zero)."""
    top = max(values, default=0)
    if top <= 0:
        return "·" * len(values)
    return "".join(SPARKS[0 if v <= 0 else max(1, round(v / top * 8))] for v in values)
