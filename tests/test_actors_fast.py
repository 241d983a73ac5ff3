"""The shortcuts in actors.py equal the patterns they stand for: _titled_names is
_TITLED_NAME.finditer, _clean_abbrev the two substitutions, _quotes the translate table,
_token_spans the tokens' finditer, the paragraph scan's cue tokens the tokens its loop acts
on, _HEAD_VERBS the headline rule's verbs and _may_have_dateline a test _DATELINE needs."""

from __future__ import annotations

import random
import re

from feedtui import actors as A


def _clean_abbrev_reference(text: str) -> str:
    if "." not in text:
        return text
    return A._TITLE_ABBREV.sub(r"\1", A._ABBREV_DOTS.sub(lambda m: "".join(g for g in m.groups() if g), text))


PIECES = sorted(A._TITLED_HEADS) + [
    "Smith", "Olaf Scholz", "von", "der", "Leyen", "ex-", "-", " ", "  ", "\t", "\n", ",", ".", "_", "9",
    "é", "É", "Émile", "x", "said", "vice-", "(", ")", "'", "Dr.", "Mr.", "U.S.", "U.N.", "US", "No.",
    "“", "”", "’", "\u00a0", "‐", "St.", "WHO", "Gen.", "Sen.", "a.m.", "A.B.C.", "president's"]


def _texts(n: int, seed: int):
    rng = random.Random(seed)
    for _ in range(n):
        yield "".join(rng.choice(PIECES) + rng.choice(("", " ", " ", "\t", "-", ". "))
                      for _ in range(rng.randint(1, 14)))


def test_titled_names_equal_the_pattern():
    found = 0
    for text in _texts(60000, 1):
        fast = [(m.span(), m.group(0)) for m in A._titled_names(text)]
        assert fast == [(m.span(), m.group(0)) for m in A._TITLED_NAME.finditer(text)], text
        found += bool(fast)
    assert found > 1000  # the texts do hold titled names


def test_titled_names_cases():
    text = ("ex-president Joe Biden met Secretary-General António Guterres; vice-president  Kamala "
            "Harris and Prime\tMinister Keir Starmer")
    assert [m.group(0) for m in A._titled_names(text)] == [
        "president Joe Biden", "General António Guterres", "vice-president  Kamala Harris",
        "Minister Keir Starmer"] == [m.group(0) for m in A._TITLED_NAME.finditer(text)]


def test_clean_abbrev_and_quotes_equal_their_definitions():
    for text in _texts(30000, 2):
        assert A._clean_abbrev(text) == _clean_abbrev_reference(text), text
        assert A._quotes(text) == text.translate(A._QUOTES), text
    assert A._clean_abbrev("The U.S. envoy met Dr. Who.") == "The US envoy met Dr Who."


def test_cue_tokens_cover_the_scan_loop():
    # _scan_para acts on verbs and on "according"/"According" only
    assert A._CUE_TOKENS == A.VERBS | {"according", "According"}
    assert A._PAREN_ACR_HINT.pattern in A._PAREN_ACRONYM.pattern
    for text in _texts(5000, 3):
        if A._ACR_PAREN.search(text) or A._PAREN_ACRONYM.search(text):
            assert A._PAREN_ACR_HINT.search(text)
    assert re.search(A._PAREN_ACR_HINT, "Health Organization (WHO) said")


def test_dateline_needs_a_dash():
    # _scan_para only tries _DATELINE on paragraphs with a dash in them
    for text in _texts(20000, 4):
        if not any(d in text for d in "-–—"):
            assert A._DATELINE.sub("", text, count=1) == text, text
    assert A._DATELINE.sub("", "KYIV, March 14 (Reuters) - Ukraine said", count=1) == "Ukraine said"


def test_caps_words_need_two_capitals_in_a_row():
    for text in _texts(20000, 5):
        if A._CAPS_WORD.search(text):
            assert A._TWO_CAPS.search(text), text
    assert not A._TWO_CAPS.search("Minister talks as border ceasefire & council (1-3)")


MORE_PIECES = PIECES + [
    "KYIV", "NUUK", ", March 14", "(Reuters)", "(AP)", " - ", " — ", " – ", "O'Brien", "Kyiv's",
    "rock-'n'-roll", "AT&T", "&", "'", "x'", "İstanbul", "ß", "Ǆ", "said", "Says", "warns", "urges",
    "told", "pledge", "according", "to", "Prof.", "Maj.", "Adm.", "Capt.", "Sgt.", "Col.", "Mrs.",
    "e.g.", "Nr.", "No.5", "\u2028", "\r", "\x0b"]


def _more_texts(n: int, seed: int):
    rng = random.Random(seed)
    for _ in range(n):
        yield "".join(rng.choice(MORE_PIECES) + rng.choice(("", " ", " ", "\t", "-", ". ", ", "))
                      for _ in range(rng.randint(1, 16)))


def test_token_spans_equal_finditer():
    for text in _more_texts(30000, 6):
        want = [(m.group(), m.start(), m.end()) for m in A._TOKEN.finditer(text)]
        parts = A._TOKEN_SPLIT.split(text)
        assert parts[1::2] == A._TOKEN.findall(text), text
        assert A._token_spans(parts) == want, text


def test_head_verbs_are_the_headline_rules_verbs():
    # _headline_subject acts on toks[i] for 0 < i < 10 with these lowercased forms only
    assert A._HEAD_VERBS == {v for v in A.VERBS if not v.endswith("ed") and v not in A._PAST}
    for text in _more_texts(20000, 7):
        toks = A._TOKEN.findall(text)
        acted = any(low in A.VERBS and not low.endswith("ed") and low not in A._PAST
                    for low in (t.lower() for t in toks[1:10]))
        assert acted == (not A._HEAD_VERBS.isdisjoint(map(str.lower, toks[1:10]))), text


def test_dateline_guard():
    for text in _more_texts(40000, 8):
        if not A._may_have_dateline(text):
            assert A._DATELINE.sub("", text, count=1) == text, text
    for text in ("KYIV, March 14 (Reuters) - Ukraine said", "PARIS — Macron said", "Kyiv (AP) – x",
                 "  ST. PETERSBURG - y"):
        assert A._may_have_dateline(text) and A._DATELINE.sub("", text, count=1) != text


def test_clean_abbrev_with_every_abbreviation():
    for text in _more_texts(30000, 9):
        assert A._clean_abbrev(text) == _clean_abbrev_reference(text), text
    for abbrev in A._TITLE_ABBREVS:
        text = f"Then {abbrev}. Smith and x{abbrev}. y said."
        assert A._clean_abbrev(text) == _clean_abbrev_reference(text) == f"Then {abbrev} Smith and x{abbrev}. y said."


def test_has_two_caps_equals_the_pattern():
    pieces = ["A", "Z", "AB", "a", "z", "É", "Éé", "ÀÉ", "ŁÓ", "\ud800", "ＡＢ", "1", " ", "-", "W", "HO",
              "@", "[", "`", "{", "\u0100", "\U0001f600", "Ω"]
    rng = random.Random(7)
    hits = 0
    for _ in range(30000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        expected = A._TWO_CAPS.search(text) is not None
        assert A._has_two_caps(text) == expected, repr(text)
        hits += expected
    assert 1000 < hits < 29000
