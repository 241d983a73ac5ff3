"""The sanitizer's less travelled paths: None, caps that would split a combining sequence,
combining runs in text that also needs control stripping, paragraph totals, and URLs
that urllib refuses to parse."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedtui.sanitize import (COMBINING_RUN, clean_line, clean_paragraphs, clean_text, safe_url)


def test_none_is_empty():
    assert clean_line(None) == ""
    assert clean_text(None) == ""
    assert safe_url(None) == "" and safe_url("") == ""


def test_combining_run_capped_in_text_that_also_needs_stripping():
    zalgo = "a" + "\u0301" * 40 + "\x1b[31mred\x1b[0m"
    line = clean_line(zalgo)
    assert line == unicodedata.normalize("NFC", "a" + "\u0301" * COMBINING_RUN + "red")
    text = clean_text("b" + "\u0300" * 30 + "\x07bell")
    assert text == unicodedata.normalize("NFC", "b" + "\u0300" * COMBINING_RUN + "bell")


def test_cap_never_ends_on_half_a_combining_sequence():
    text = "x" * 9 + "e\u0301\u0301 tail"
    out = clean_line(text, limit=11)  # NFC gives "é" + one accent; the cut falls before it
    assert out == "x" * 9 + "\u00e9…"
    assert clean_line("\u0301\u0301\u0301 abc", limit=2) == "…"  # nothing but marks left


def test_paragraphs_stop_at_the_total_limit():
    paras = ["a" * 40, "", "  ", "b" * 40, "c" * 40]
    assert clean_paragraphs(paras, limit=100) == ("a" * 40, "b" * 40)
    assert clean_paragraphs(["\x1b[2J", "ok"]) == ("ok",)


@pytest.mark.parametrize("url,base,expected", [
    ("https://e.com/a b", "", "https://e.com/a%20b"),                  # spaces escaped
    ("/p?q=1 2", "https://e.com/x", "https://e.com/p?q=1%202"),
    ("x", "http://[::1", ""),                                          # base urljoin refuses
    ("http://[::1/p", "", ""),                                         # urlsplit refuses
    ("//cdn.e.com/i.png", "https://e.com/", "https://cdn.e.com/i.png"),
    ("javascript:alert(1)", "https://e.com/", ""),
    ("https:///nohost", "", ""),
    ("HTTPS://E.com/\x1b[31m", "", "HTTPS://E.com/"),
])
def test_safe_url(url, base, expected):
    assert safe_url(url, base) == expected


_hostile = st.text(alphabet=st.sampled_from(
    list("ab \t\n\r\x1b[]0;\x07\x9b\x9d\x9c\\\u0301\u202e\u200b\u2028\ufeff\U000e0041\ud800é")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(_hostile, st.integers(1, 50))
def test_cleaning_is_idempotent_safe_and_capped(text, limit):
    line = clean_line(text, limit)
    assert clean_line(line, limit) == line
    assert "\n" not in line and "\x1b" not in line and "\u202e" not in line
    assert len(line) <= limit + 1
    line.encode("utf-8")
    block = clean_text(text, limit)
    assert clean_text(block, limit) == block
    assert "\x1b" not in block and "\r" not in block
    block.encode("utf-8")
