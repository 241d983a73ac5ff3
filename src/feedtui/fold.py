"""Text folding for matching: case and diacritics ignored (`Šefčovič` = `sefcovic`,
`Tønder` = `tonder`). Shared by the query language, actors and the store's index."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters with no Unicode decomposition that readers still type without their mark.
# Typographic quotes and dashes become their ASCII forms.
_LETTERS = str.maketrans({
    "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae",
    "œ": "oe", "þ": "th", "ŋ": "n", "ſ": "s",
    "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-",
})

# The same mapping as a pattern: str.translate looks every character of a non-ASCII text up
# in the table, a search only finds the few that are there.
_LETTERS_CHARS = {chr(k): v for k, v in _LETTERS.items()}
_LETTERS_RE = re.compile("[" + re.escape("".join(_LETTERS_CHARS)) + "]")


def _letters(match: re.Match) -> str:
    return _LETTERS_CHARS[match.group()]


class _Strip(dict):
    """str.translate table, filled on demand: combining marks dropped, the rest mapped by
    _LETTERS (one pass in C instead of a Python test per character)."""

    def __missing__(self, code: int):
        value = None if unicodedata.combining(chr(code)) else _LETTERS.get(code, code)
        self[code] = value
        return value


_STRIP = _Strip()


def fold(text: str) -> str:
    """Case-folded text without diacritics."""
    if text.isascii():
        return text.lower()
    if len(text) <= 64:  # names and query terms repeat: remember them
        return _fold_short(text)
    return _fold(text)


@lru_cache(maxsize=16384)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    mapped = _LETTERS_RE.sub(_letters, text.casefold())
    if mapped.isascii():  # nothing left to decompose (the common case: dashes, quotes)
        return mapped
    return unicodedata.normalize("NFKD", mapped).translate(_STRIP)


def _fold_reference(text: str) -> str:
    """The definition _fold implements faster (kept for the tests)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)
