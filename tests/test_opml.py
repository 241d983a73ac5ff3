"""OPML import (http(s) only, nothing local read) and export round trip."""

import pytest

from feedtui.opml import OpmlError, export_opml, parse_opml

OPML = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><head><title>mine</title></head><body>
<outline text="News">
  <outline text="Wire &amp; more" type="rss" xmlUrl="https://example.com/rss"/>
  <outline text="Live" xmlUrl="http://example.org/live"/>
  <outline text="Dup" xmlUrl="https://example.com/rss"/>
</outline>
<outline text="Local" xmlUrl="file:///etc/passwd"/>
<outline text="Script" xmlUrl="javascript:alert(1)"/>
<outline text="&x;" xmlUrl="/relative/feed"/>
</body></opml>"""


def test_http_outlines_are_kept_and_others_rejected():
    outlines = parse_opml(OPML)
    kept = [(o.url, o.title) for o in outlines if not o.rejected]
    assert kept == [("https://example.com/rss", "Wire & more"), ("http://example.org/live", "Live")]
    rejected = [o.url for o in outlines if o.rejected]
    assert rejected == ["file:///etc/passwd", "javascript:alert(1)", "/relative/feed"]
    assert all("root:" not in o.title for o in outlines)


def test_not_opml():
    with pytest.raises(OpmlError, match="not an OPML file"):
        parse_opml(b"<rss/>", "x.opml")
    with pytest.raises(OpmlError, match="x.opml: not"):
        parse_opml(b"", "x.opml")


def test_export_round_trips_hostile_titles():
    text = export_opml([("https://e.com/a?x=1&y=2", 'Quotes " and <tags>'), ("https://e.com/b", "")])
    back = parse_opml(text.encode())
    assert [(o.url, o.title) for o in back] == [("https://e.com/a?x=1&y=2", 'Quotes " and <tags>'),
                                              ("https://e.com/b", "https://e.com/b")]
