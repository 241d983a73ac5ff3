"""Text folding for matching: case and diacritics ignored (`Šefčovič` = `sefcovic`,
`Tønder` = `tonder`). Shared by the query language, actors and the store's index."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Letters with no Unicode decomposition that readers still type without their mark.
# Typographic quotes and dashes become their ASCII forms.
_LETTERS = str.maketrans({
    "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae",
    "œ": "oe", "þ": "th", "ŋ": "n", "ſ": "s",
    "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-",
})


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
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)
