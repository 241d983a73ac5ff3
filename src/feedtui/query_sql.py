"""Compile a query tree (feedtui.query) into an SQL condition over the store.

The condition uses the aliases of Store.entries(where_sql=...): `e` entries, `m` marks,
`s` sources; words and phrases go through the FTS5 index (title, body, captions, actors),
actor terms through the per-entry actor keys. Every leaf yields 0 or 1, never NULL, so
negation means exactly what it means in memory (`query.matches`); a test checks the two
agree on random queries.
"""

from __future__ import annotations

from .query import And, Actor, Flag, Node, Not, Or, Phrase, Since, Source, Until, Word

_FTS = "e.seq IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)"
_FLAGS = {
    "unread": "COALESCE(m.read, 0) = 0",
    "read": "COALESCE(m.read, 0) = 1",
    # few entries are starred: look them up instead of testing every entry's mark
    "starred": "(e.source_id, e.entry_id) IN (SELECT source_id, entry_id FROM state.marks WHERE starred = 1)",
    "edited": "e.edited = 1",
    "key": "e.key_event = 1",
    "pinned": "e.pinned = 1",
}


def _fts_string(text: str) -> str:
    # An FTS5 string: double quotes doubled; `*` after it makes the last token a prefix.
    return '"' + text.replace('"', '""') + '"*'


#: Above this many matches, a page is found by walking the time-ordered index and testing
#: membership (stops after one page); below it, by sorting the few matches.
WALK_ORDER_ABOVE = 100


def compile_query(node: Node | None, walk_order: bool = False) -> tuple[str, list]:
    """(where_sql, params) for Store.entries/count; ("", []) matches everything.

    walk_order: let SQLite walk the entries in time order and test each against the
    indexed term lists (`+e.seq IN`), instead of collecting every match and sorting: much
    faster for a page of a large result, slower for a count or a rare term.
    """
    if node is None:
        return "", []
    params: list = []
    sql = _sql(node, params)
    if walk_order:
        sql = sql.replace("e.seq IN (", "+e.seq IN (")
    return sql, params


def select(store, node: Node | None, limit: int = 100, offset: int = 0, unread: bool = False):
    """(total matches, one page of entries newest first) for a query, each part by its
    fastest plan."""
    where, params = compile_query(node)
    total = store.count(unread=unread, where_sql=where or None, params=params)
    if total > max(WALK_ORDER_ABOVE, limit):
        where, params = compile_query(node, walk_order=True)
    page = store.entries(limit=limit, offset=offset, unread=unread, where_sql=where or None, params=params)
    return total, page


def _sql(node: Node, params: list) -> str:
    if isinstance(node, And):
        return "(" + " AND ".join(_sql(t, params) for t in node.terms) + ")"
    if isinstance(node, Or):
        return "(" + " OR ".join(_sql(t, params) for t in node.terms) + ")"
    if isinstance(node, Not):
        return f"(NOT {_sql(node.term, params)})"
    if isinstance(node, (Word, Phrase)):
        params.append(_fts_string(node.text))
        return _FTS
    if isinstance(node, Actor):
        from .actors import query_key

        params.append(query_key(node.name))
        return "e.seq IN (SELECT seq FROM entry_actor_keys WHERE key = ?)"
    if isinstance(node, Source):
        params.extend([node.text, node.text])
        return "(instr(fold(COALESCE(s.name, '')), ?) > 0 OR instr(fold(COALESCE(s.url, '')), ?) > 0)"
    if isinstance(node, Flag):
        return _FLAGS[node.name]
    if isinstance(node, Since):
        params.append(node.moment.timestamp())
        return "(e.published IS NOT NULL AND e.published >= ?)"
    if isinstance(node, Until):
        params.append(node.moment.timestamp())
        return "(e.published IS NOT NULL AND e.published <= ?)"
    raise TypeError(node)
