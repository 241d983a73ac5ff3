"""Generic DOM blocks with ids and time attributes; and pages that are not liveblogs."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from feedtui.extract import dom, jsonld, microdata, sites
from feedtui.extract.base import Page
from feedtui.models import Media

URL = "https://paper.example/live/floods"
NOW = datetime(2024, 2, 1, 12, 0, tzinfo=timezone.utc)


def page_of(body: str, head: str = "") -> Page:
    return Page(url=URL, source="test", html=f"<html><head>{head}</head><body>{body}</body></html>", now=NOW)


def post(pid: str, iso: str, stamp: str, inner: str, cls: str = "post") -> str:
    return (f'<div class="{cls}" id="{pid}"><span class="post-time"><time datetime="{iso}">{stamp}</time></span>'
            f'{inner}</div>')


LIVE = (
    '<div class="stream">'
    + post("p3", "2024-02-01T11:40:00Z", "11:40",
           '<h2>River peaks in York</h2><p>River peaks in York</p><p>The Ouse reached 5m.</p>'
           '<figure><img src="/r.jpg" alt="river"><figcaption>The Ouse at noon</figcaption></figure>'
           '<div class="read-also"><a href="/other"><img src="/o.jpg"><h3>Earlier floods explained</h3></a></div>'
           '<p>Read more</p><div class="share">Share on Facebook</div>')
    + post("p2", "2024-02-01T10:05:00+01:00", "10:05 CET",
           '<p>Untitled short update.</p><p class="byline">By Sam</p>')
    + post("p1", "2024-02-01T08:00:00Z", "08:00", "<h3>Flood warnings issued</h3><p>Seven warnings.</p>",
           cls="post post--key-event")
    + '</div>'
)


def test_repeated_blocks_become_entries():
    entries = {e.id: e for e in dom.extract(page_of(LIVE))}
    assert set(entries) == {f"{URL}#p1", f"{URL}#p2", f"{URL}#p3"}
    river = entries[f"{URL}#p3"]
    assert river.title == "River peaks in York"
    assert river.body == ("The Ouse reached 5m.",)
    assert river.time_text == "11:40"
    assert river.published == datetime(2024, 2, 1, 11, 40, tzinfo=timezone.utc)
    assert river.url == f"{URL}#p3"
    assert Media(kind="image", caption="The Ouse at noon", url="https://paper.example/r.jpg") in river.media
    card = next(m for m in river.media if m.kind == "card")
    assert card.title == "Earlier floods explained" and card.url == "https://paper.example/other"
    untitled = entries[f"{URL}#p2"]
    assert untitled.title == ""
    assert untitled.body == ("Untitled short update.",)
    assert untitled.published == datetime(2024, 2, 1, 9, 5, tzinfo=timezone.utc)
    assert entries[f"{URL}#p1"].key_event
    assert not river.key_event


def test_epoch_attributes_and_data_ids():
    body = "".join(
        f'<li class="entry" data-entry-id="e{n}" data-timestamp="{stamp}"><h4>Headline {n}</h4><p>Text {n}.</p></li>'
        for n, stamp in ((1, "1706781600"), (2, "1706785200000")))
    entries = {e.id: e for e in dom.extract(page_of(f"<ul>{body}</ul>"))}
    assert set(entries) == {f"{URL}#e1", f"{URL}#e2"}
    assert entries[f"{URL}#e1"].published == datetime(2024, 2, 1, 10, 0, tzinfo=timezone.utc)
    assert entries[f"{URL}#e2"].published == datetime(2024, 2, 1, 11, 0, tzinfo=timezone.utc)
    assert entries[f"{URL}#e1"].time_text == "1706781600"  # no visible stamp: the attribute


def test_a_single_timed_block_is_not_a_liveblog():
    article = post("story", "2024-02-01T08:00:00Z", "08:00", "<h1>A story</h1><p>Text.</p>")
    assert dom.extract(page_of(article)) == []


def test_pinned_copy_of_an_entry_is_one_flagged_entry():
    pinned = '<div class="pinned-post">' + post("p1", "2024-02-01T08:00:00Z", "08:00",
                                                "<h3>Flood warnings issued</h3><p>Seven warnings.</p>") + "</div>"
    stream = '<div class="stream">' + "".join(
        post(f"p{n}", f"2024-02-01T{n + 7:02d}:00:00Z", f"{n + 7:02d}:00", f"<h3>Update {n}</h3><p>Text {n}.</p>")
        for n in (2, 3)) + post("p1", "2024-02-01T08:00:00Z", "08:00",
                                "<h3>Flood warnings issued</h3><p>Seven warnings.</p>") + "</div>"
    entries = {e.id: e for e in dom.extract(page_of(pinned + stream))}
    assert set(entries) == {f"{URL}#p1", f"{URL}#p2", f"{URL}#p3"}
    assert entries[f"{URL}#p1"].pinned
    assert not entries[f"{URL}#p2"].pinned


def test_comment_threads_and_teaser_lists_are_not_entries():
    comments = '<section id="comments"><ol>' + "".join(
        f'<li class="comment" id="comment-{n}"><time datetime="2024-02-01T0{n}:00:00Z">{n}h</time>'
        f'<p>I disagree {n}</p></li>' for n in (1, 2, 3)) + "</ol></section>"
    teasers = '<div class="latest">' + "".join(
        f'<div class="item" id="story-{n}"><a href="/story-{n}"><h3>Story {n}</h3></a>'
        f'<time datetime="2024-02-01T0{n}:00:00Z">{n}h ago</time></div>' for n in (1, 2, 3)) + "</div>"
    article = "<article><h1>Plain article</h1><time datetime='2024-02-01T08:00:00Z'>8am</time><p>Text.</p></article>"
    assert dom.extract(page_of(article + comments)) == []
    assert dom.extract(page_of(article + teasers)) == []


def test_live_commentary_container_is_not_mistaken_for_comments():
    body = '<section class="live-commentary" id="commentary">' + "".join(
        post(f"c{n}", f"2024-02-01T0{n}:00:00Z", f"{n}'", f"<p>Minute {n}: corner.</p>", cls="commentary-item")
        for n in (1, 2)) + "</section>"
    assert len(dom.extract(page_of(body))) == 2


def test_furniture_only_blocks_are_dropped():
    body = "".join(post(f"f{n}", f"2024-02-01T0{n}:00:00Z", f"0{n}:00", text)
                   for n, text in ((1, "<p>Sign in to comment</p>"), (2, "<p>Follow our live feed</p>"),
                                   (3, "<h3>Real update</h3><p>Real text.</p>"), (4, "<p>Real text two.</p>")))
    entries = dom.extract(page_of(body))
    assert sorted(e.body[0] for e in entries) == ["Real text two.", "Real text."]


PLAIN_ARTICLE = """
<html><head><title>How the council works</title>
<style>.liveblog-entry { color: red } .live-blog__update { margin: 0 } .liveBlogUpdate {}</style>
<script>window.liveblog = {enabled: false, liveBlogUpdate: []}; var LiveBlogPosting = 1;</script>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "How the council works", "datePublished": "2024-02-01T08:00:00Z",
 "articleBody": "Not a liveblog, though the template says liveblog."}</script>
</head><body>
<header><nav><a href="/live">Live</a></nav></header>
<div id="block-system-main" class="block block-system"><time datetime="2024-02-01T08:00:00Z">1 Feb</time></div>
<article id="main-article" class="article liveblog-disabled">
  <h1>How the council works</h1>
  <p class="byline">By A. Writer</p>
  <time datetime="2024-02-01T08:00:00Z">1 February 2024</time>
  <p>The council meets monthly.</p>
  <figure><img src="/c.jpg" alt="Council"><figcaption>The chamber</figcaption></figure>
  <p>Read more: our liveblog archive</p>
</article>
<aside class="related">
  <div class="teaser" id="t1"><a href="/a"><h3>Another</h3></a><time datetime="2024-01-31T08:00:00Z">yesterday</time></div>
  <div class="teaser" id="t2"><a href="/b"><h3>And another</h3></a><time datetime="2024-01-30T08:00:00Z">2 days ago</time></div>
</aside>
<footer>Cookie settings</footer>
</body></html>
"""


@pytest.mark.parametrize("strategy", [sites.extract_html, jsonld.extract, microdata.extract, dom.extract])
def test_plain_article_mentioning_liveblog_yields_nothing(strategy):
    page = Page(url="https://paper.example/council", source="test", html=PLAIN_ARTICLE, now=NOW)
    assert strategy(page) == []
    assert jsonld.coverage_end(page) is None


@pytest.mark.parametrize("depth", [300, 5000])
def test_deep_nesting_does_not_crash(depth):
    deep = "<div>" * depth + "deep text" + "</div>" * depth
    body = "".join(post(f"d{n}", f"2024-02-01T0{n}:00:00Z", "t", deep) for n in (1, 2))
    entries = dom.extract(page_of(body))
    assert len(entries) <= 2
    if depth == 300:
        assert [e.body for e in entries] == [("deep text",), ("deep text",)]
