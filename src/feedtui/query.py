"""The filter language of the filter bar, `dump --filter` and `tail --filter`.

Terms are ANDed; `OR` between two terms joins them; a leading `-` negates a term:

    word  "two words"  actor:NAME  actor:"Multi Word"  source:NAME
    is:unread|read|starred|edited|key|pinned  since:30m|2h|3d|1w|2020-10-01  until:...

`parse` turns text into an immutable tree (or raises QueryError saying what is wrong and
where); the tree matches entries in memory (`Query.matches`) and compiles to SQL over the
store (`sql.compile_query`). str(tree) is the canonical text and parses back to the same tree.
Matching ignores case and diacritics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Union

from .fold import fold
from .models import Entry

FIELDS = ("actor", "source", "is", "since", "until")
FLAGS = ("unread", "read", "starred", "edited", "key", "pinned")
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_WORD = re.compile(r"\w+", re.UNICODE)


class QueryError(ValueError):
    """A malformed query; `position` is the 0-based column where the problem starts."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at column {position + 1})")
        self.message = message
        self.position = position


def _quote(text: str) -> str:
    if text and re.fullmatch(r"[^\s\"()]+", text) and text != "OR" and not text.startswith("-"):
        return text
    return '"' + text.replace('"', "") + '"'


# ---- the tree -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Word:
    text: str  # folded

    def __str__(self) -> str:
        return _quote(self.text) if ":" not in self.text else f'"{self.text}"'


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str  # folded, single spaces

    def __str__(self) -> str:
        return f'"{self.text}"'


@dataclass(frozen=True, slots=True)
class Actor:
    name: str  # folded

    def __str__(self) -> str:
        return f"actor:{_quote(self.name)}"


@dataclass(frozen=True, slots=True)
class Source:
    text: str  # folded

    def __str__(self) -> str:
        return f"source:{_quote(self.text)}"


@dataclass(frozen=True, slots=True)
class Flag:
    name: str

    def __str__(self) -> str:
        return f"is:{self.name}"


@dataclass(frozen=True, slots=True)
class Since:
    moment: datetime
    text: str

    def __str__(self) -> str:
        return f"since:{self.text}"


@dataclass(frozen=True, slots=True)
class Until:
    moment: datetime
    text: str

    def __str__(self) -> str:
        return f"until:{self.text}"


@dataclass(frozen=True, slots=True)
class Not:
    term: "Node"

    def __str__(self) -> str:
        return f"-{self.term}"


@dataclass(frozen=True, slots=True)
class Or:
    terms: tuple["Node", ...]

    def __str__(self) -> str:
        return " OR ".join(str(t) for t in self.terms)


@dataclass(frozen=True, slots=True)
class And:
    terms: tuple["Node", ...]

    def __str__(self) -> str:
        return " ".join(str(t) for t in self.terms)


Node = Union[Word, Phrase, Actor, Source, Flag, Since, Until, Not, Or, And]


# ---- parsing --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "term", "or"
    start: int
    negated: bool = False
    field: str = ""
    value: str = ""
    quoted: bool = False


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = False
        if text[i] == "-":
            negated = True
            i += 1
            if i >= n or text[i].isspace():
                raise QueryError("'-' must be followed by a term to exclude", start)
        field = ""
        m = re.match(r"([A-Za-z]+):(?=[^\s])", text[i:])
        if m is None and re.match(r"(?:actor|source|is|since|until):", text[i:], re.IGNORECASE):
            raise QueryError(f"'{text[i:].split(':')[0].lower()}:' needs a value", start)
        if m:
            name = m.group(1).lower()
            if name not in FIELDS:
                raise QueryError(f"unknown field '{m.group(1)}:' (fields: actor:, source:, is:, since:, until:)", i)
            field = name
            i += m.end()
            if i >= n or text[i].isspace():
                raise QueryError(f"'{field}:' needs a value", start)
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError("unterminated quote", i)
            value = text[i + 1:end]
            i = end + 1
            if not value.strip():
                raise QueryError("empty quotes", start)
            tokens.append(_Token("term", start, negated, field, value, True))
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        value = text[i:j]
        i = j
        if value == "OR" and not field and not negated:
            tokens.append(_Token("or", start))
        else:
            tokens.append(_Token("term", start, negated, field, value, False))
    return tokens


def _duration(value: str, start: int) -> timedelta | None:
    m = re.fullmatch(r"(\d{1,6})\s*(m|min|h|d|w)", value.lower())
    if not m:
        return None
    return timedelta(seconds=int(m.group(1)) * _UNITS[m.group(2)])


def _moment(field: str, value: str, start: int, now: datetime) -> datetime:
    delta = _duration(value, start)
    if delta is not None:
        return now - delta
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"):
        try:
            moment = datetime.strptime(value, fmt)
        except ValueError:
            continue
        local = moment.astimezone()  # a typed date means the user's own clock
        return local.astimezone(timezone.utc)
    raise QueryError(f"'{field}:{value}' is not a time: use 30m, 2h, 3d, 1w or a date like 2020-10-01", start)


def _term(token: _Token, now: datetime) -> Node:
    value = token.value
    if token.field == "":
        folded = " ".join(fold(value).split())
        if token.quoted and " " in folded:
            node: Node = Phrase(folded)
        else:
            words = _WORD.findall(folded)
            if not words:
                raise QueryError(f"'{value}' has no letters or digits to search for", token.start)
            node = Phrase(" ".join(words)) if len(words) > 1 else Word(words[0])
    elif token.field == "actor":
        node = Actor(" ".join(fold(value).split()))
    elif token.field == "source":
        node = Source(fold(value).strip())
    elif token.field == "is":
        flag = value.lower()
        if flag not in FLAGS:
            raise QueryError(f"unknown 'is:{value}' (use is:{', is:'.join(FLAGS)})", token.start)
        node = Flag(flag)
    else:
        moment = _moment(token.field, value, token.start, now)
        node = Since(moment, value) if token.field == "since" else Until(moment, value)
    return Not(node) if token.negated else node


def parse(text: str, now: datetime | None = None) -> Node | None:
    """The tree of a query, None for an empty one; QueryError when malformed."""
    now = now or datetime.now(timezone.utc)
    tokens = _tokens(text)
    groups: list[list[Node]] = []
    expect_term_after_or = False
    or_position = 0
    for index, token in enumerate(tokens):
        if token.kind == "or":
            if not groups or expect_term_after_or:
                raise QueryError("'OR' needs a term on its left", token.start)
            expect_term_after_or = True
            or_position = token.start
            continue
        node = _term(token, now)
        if expect_term_after_or:
            groups[-1].append(node)
            expect_term_after_or = False
        else:
            groups.append([node])
    if expect_term_after_or:
        raise QueryError("'OR' needs a term on its right", or_position)
    nodes = [group[0] if len(group) == 1 else Or(tuple(group)) for group in groups]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


# ---- matching in memory ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Subject:
    """What a query looks at for one entry: the entry, its source's name and URL."""

    entry: Entry
    source_name: str = ""
    source_url: str = ""


def _text_of(entry: Entry) -> str:
    parts = [entry.title, *entry.body, *(m.caption for m in entry.media), *(m.title for m in entry.media),
             *entry.actors]
    return fold(" \n ".join(parts))


def matches(node: Node | None, subject: Subject | Entry, _cache: dict | None = None) -> bool:
    """True when the entry satisfies the query (None matches everything)."""
    if node is None:
        return True
    if isinstance(subject, Entry):
        subject = Subject(subject, subject.source, subject.source)
    cache = {} if _cache is None else _cache
    return _match(node, subject, cache)


def _words(subject: Subject, cache: dict) -> tuple[str, list[str]]:
    if "text" not in cache:
        text = _text_of(subject.entry)
        cache["text"] = (" ".join(_WORD.findall(text)), _WORD.findall(text))
    return cache["text"]


def _match(node: Node, subject: Subject, cache: dict) -> bool:
    entry = subject.entry
    if isinstance(node, And):
        return all(_match(t, subject, cache) for t in node.terms)
    if isinstance(node, Or):
        return any(_match(t, subject, cache) for t in node.terms)
    if isinstance(node, Not):
        return not _match(node.term, subject, cache)
    if isinstance(node, Word):
        return any(w.startswith(node.text) for w in _words(subject, cache)[1])
    if isinstance(node, Phrase):
        joined = " " + _words(subject, cache)[0] + " "
        return (" " + node.text) in joined
    if isinstance(node, Actor):
        from .actors import actor_matches

        return actor_matches(node.name, entry.actors)
    if isinstance(node, Source):
        return node.text in fold(subject.source_name) or node.text in fold(subject.source_url)
    if isinstance(node, Flag):
        return {
            "unread": not entry.read, "read": entry.read, "starred": entry.starred,
            "edited": entry.edited, "key": entry.key_event, "pinned": entry.pinned,
        }[node.name]
    if isinstance(node, Since):
        return entry.published is not None and entry.published >= node.moment
    if isinstance(node, Until):
        return entry.published is not None and entry.published <= node.moment
    raise TypeError(node)


def filter_entries(node: Node | None, entries: Iterable[Entry]) -> list[Entry]:
    """The entries that match, in their order."""
    return [e for e in entries if matches(node, e)]
