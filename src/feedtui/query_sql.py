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
    "starred": "COALESCE(m.starred, 0) = 1",
    "edited": "e.edited = 1",
    "key": "e.key_event = 1",
    "pinned": "e.pinned = 1",
}


def _fts_string(text: str) -> str:
    # An FTS5 string: double quotes doubled; `*` after it makes the last token a prefix.
    return '"' + text.replace('"', '""') + '"*'


def compile_query(node: Node | None) -> tuple[str, list]:
    """(where_sql, params) for Store.entries/count; ("", []) matches everything."""
    if node is None:
        return "", []
    params: list = []
    return _sql(node, params), params


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
