"""The sanitizer: every escape, control and invisible-formatting character goes."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedtui.sanitize import clean_line, clean_paragraphs, clean_text, safe_url

FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"
    "\U000e0000-\U000e007f\ud800-\udfff]"
)

PAYLOADS = {
    "osc title bel": "a\x1b]0;pwned\x07b",
    "osc title st": "a\x1b]2;pwned\x1b\\b",
    "osc 8 link": "a\x1b]8;;http://evil/\x1b\\b\x1b]8;;\x1b\\",
    "osc 52 clipboard": "a\x1b]52;c;cm0gLXJmIH4=\x07b",
    "csi clear": "a\x1b[2J\x1b[Hb",
    "csi colour": "a\x1b[31;1mb\x1b[0m",
    "dcs": "a\x1bPq#0;2;0;0;0\x1b\\b",
    "apc": "a\x1b_Gf=100;AAAA\x1b\\b",
    "8-bit csi": "a\x9b2Jb",
    "8-bit osc": "a\x9d0;pwned\x9cb",
    "nul bel bs": "a\x00\x07\x08b",
    "rlo": "a\u202eb",
    "isolates": "a\u2066\u2067\u2068\u2069b",
    "tags": "a\U000e0041\U000e0042b",
    "zero width": "a\u200b\ufeffb",
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_payloads_leave_only_visible_text(payload):
    cleaned = clean_line(payload)
    assert FORBIDDEN.search(cleaned) is None
    assert "pwned" not in cleaned and "evil" not in cleaned
    assert cleaned.startswith("a")
    assert cleaned.replace(" ", "").endswith("b")


def test_keeps_joiners_for_emoji_and_indic_scripts():
    family = "👩\u200d👩\u200d👧"
    hindi = "क्\u200dष"
    assert clean_line(family) == family
    assert clean_line(hindi) == hindi
    assert clean_line("a\u200cb") == "a\u200cb"


def test_caps_combining_runs_and_length():
    zalgo = "e" + "\u0301" * 100
    assert clean_line(zalgo) == "\u00e9" + "\u0301" * 3  # 4 marks kept, then NFC composes one
    assert len(clean_line("x" * 10_000)) <= 2_001


def test_output_is_nfc():
    assert clean_line("Cafe\u0301") == "Caf\u00e9" == clean_text("Cafe\u0301")


def test_bare_carriage_return_cannot_overwrite_a_line():
    assert clean_line("safe\rEVIL") == "safe EVIL"
    assert clean_text("one\r\ntwo") == "one\ntwo"


def test_text_keeps_paragraphs():
    assert clean_text("  p1 \n\n\n\n p2\x1b[2J  ") == "p1\n\np2"
    assert clean_paragraphs(["", " a ", "\x07", "b"]) == ("a", "b")


def test_safe_url_only_http():
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url("data:text/html,x") == ""
    assert safe_url("file:///etc/passwd") == ""
    assert safe_url("/live#post-1", "https://e.com/a") == "https://e.com/live#post-1"
    assert safe_url("https://e.com/\x1b]0;x\x07y") == "https://e.com/y"
    assert safe_url("http://[bad") == ""


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60))
def test_property_clean_and_idempotent(text):
    for clean in (clean_line, clean_text):
        once = clean(text)
        assert FORBIDDEN.search(once) is None
        assert clean(once) == once
        once.encode("utf-8")
