"""Corners of the structured extractors that the main suites leave out: publisher markup
with missing pieces (Reach, Guardian), vendor JSON with odd items (Guardian, Sourcefabric,
Tickaroo), microdata values from links, images and data elements, and DOM blocks whose
ids, stamps and flags come from unusual places. Every input is a small synthetic page or
payload written here."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from feedtui.extract import dom, jsonld, microdata, sites, stamps
from feedtui.extract.base import Page
from feedtui.extract.clock import (Stamp, detect_newest_first, match_stamp, parse_day_heading, resolve,
                                   stated_zone)
from feedtui.extract.htmlguard import parse, tame
from feedtui.extract.jsonld import loads_lenient
from feedtui.models import Media

NOW = datetime(2024, 7, 5, 12, 0, tzinfo=timezone.utc)
URL = "https://news.example/live/story"


def page_of(body: str, url: str = URL, head: str = "") -> Page:
    html = f"<html><head><title>Live</title>{head}</head><body>{body}</body></html>"
    return Page(url=url, source="test", html=html, now=NOW)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# -- sites: Reach HTML ---------------------------------------------------------------------


def test_reach_entry_without_post_time_uses_its_time_element_and_pinned_box():
    body = (
        '<div class="live-event-key-events"><a href="#">Key events</a><a href="#r2">Vote</a></div>'
        '<div class="pinned-box"><span data-id="r1">pinned copy</span></div>'
        '<div class="live-event-entry" id="r1"><div class="entry-info">'
        '<time datetime="2024-07-05T09:00:00Z">10:00</time></div>'
        '<h3>Polls open</h3><p>Stations opened at seven.</p></div>'
        '<div class="live-event-entry" id="r2" data-post-time="1720173600000">'
        '<div class="entry-content"><p>Turnout is high.</p></div></div>'
        '<div class="live-event-entry" id="  " data-post-time="1720173600000"><p>No anchor</p></div>'
        '<div class="live-event-entry" id="r3" data-post-time="1720173600000"><div class="entry-info">'
        '<time>11:00</time><mark>Key event</mark></div></div>'
    )
    entries = sites.extract_html(page_of(body))
    by_id = {e.id.rsplit("#", 1)[1]: e for e in entries}
    # the blank id and the empty r3 (only a stamp and a label) give nothing
    assert set(by_id) == {"r1", "r2"}
    first = by_id["r1"]
    assert first.title == "Polls open"
    assert first.published == utc(2024, 7, 5, 9)
    assert first.time_text == "10:00"
    assert first.body_text == "Stations opened at seven."
    assert first.pinned and not first.key_event
    assert first.author == ""
    second = by_id["r2"]
    assert second.published == utc(2024, 7, 5, 10)
    assert second.key_event and not second.pinned
    assert second.url == f"{URL}#r2"


# -- sites: Guardian HTML ------------------------------------------------------------------

GID = "5f2b9c0e8f08c3a1b2c3d4e5"


def test_guardian_html_block_id_from_data_attribute_and_skips():
    nested = "".join("<div>" for _ in range(7)) + (
        f'<article data-block-id="{GID}"><time datetime="2024-07-05T08:00:00Z">09:00</time>'
        '<h2 class="block-title">Deep block</h2><div class="block-elements"><p>Nested deep.</p></div>'
        '<p class="byline">Ann Writer</p></article>') + "".join("</div>" for _ in range(7))
    body = (
        '<div class="pinned">' + nested + '</div>'
        '<span id="block-aaaaaaaaaaaaaaaa"><time datetime="2024-07-05T08:00:00Z">x</time></span>'
        '<div id="block-bbbbbbbbbbbbbbbb" class="block"><p>No time here</p></div>'
        '<article id="block-system-main"><time datetime="2024-07-05T08:00:00Z">09:00</time><p>Drupal</p></article>'
        '<div id="block-cccccccccccccccc" class="block"><time datetime="2024-07-05T07:00:00Z">08:00</time></div>'
    )
    entries = sites.extract_html(page_of(body))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.id == f"{URL}#block-{GID}"
    assert entry.title == "Deep block"
    assert entry.body_text == "Nested deep."
    assert entry.author == "Ann Writer"
    assert entry.published == utc(2024, 7, 5, 8)
    # the pinned box is more than six levels up: the block is not flagged
    assert not entry.pinned


# -- sites: Guardian JSON ------------------------------------------------------------------


def test_guardian_json_elements_images_and_links():
    payload = {
        "contentType": "LiveBlog",
        "webURL": "javascript:alert(1)",
        "canonicalUrl": "https://www.theguardian.example/live/2024/jul/05/x",
        "headline": "Results <b>live</b>",
        "blocks": [
            {"id": "b2", "blockFirstPublished": 1720170000000, "elements": [
                {"_type": "model.TextBlockElement", "text": "Plain &amp; simple"},
                {"_type": "model.LinkElement", "url": "https://x.example/embed"},
                {"_type": "model.ImageBlockElement", "data": {"alt": "A map"},
                 "media": {"allImages": ["junk", {"url": "https://i.example/big.jpg", "fields": {"width": "2000"}},
                                         {"url": "https://i.example/odd.jpg", "fields": {"width": "wide"}}]}},
                {"_type": "model.ImageBlockElement", "data": {"alt": "Huge"},
                 "media": {"allImages": [{"url": "https://i.example/huge.jpg", "fields": {"width": 4000}}]}},
            ]},
            {"title": "no id", "elements": []},
        ],
    }
    result = sites.extract_json(payload, "https://fallback.example/p", "g", NOW)
    assert result is not None and result.strategy == "sites:guardian"
    assert result.title == "Results live"
    assert len(result.entries) == 1
    entry = result.entries[0]
    assert entry.url.startswith("https://www.theguardian.example/live/2024/jul/05/x?page=with:block-b2")
    assert entry.body_text == "Plain & simple"
    urls = [(m.kind, m.url, m.caption) for m in entry.media]
    assert ("embed", "https://x.example/embed", "") in urls
    # width "wide" counts as 0 and wins over an image wider than 1000 px
    assert ("image", "https://i.example/odd.jpg", "A map") in urls
    # only over-wide images: the first one is taken
    assert ("image", "https://i.example/huge.jpg", "Huge") in urls


def test_guardian_json_without_valid_urls_uses_the_request_url():
    payload = {"pageType": {"isLiveblog": True},
               "blocks": [{"id": "b1", "elements": [{"_type": "model.TextBlockElement", "text": "Hi"}]}]}
    result = sites.extract_json(payload, "https://req.example/live?x=1#frag", "g", NOW)
    assert result.entries[0].url == "https://req.example/live?page=with:block-b1#block-b1"


def test_guardian_json_lookalike_without_blocks_is_not_guardian():
    assert sites.extract_json({"contentType": "LiveBlog", "blocks": [{"title": "x"}]}, URL, "g", NOW) is None


def test_recognizer_errors_are_treated_as_not_recognized():
    # "format" that is not a mapping makes the Guardian check raise AttributeError
    payload = {"format": "LiveBlogDesign", "blocks": [{"id": "1", "elements": []}]}
    assert sites.extract_json(payload, URL, "g", NOW) is None


# -- sites: Sourcefabric -------------------------------------------------------------------


def test_sourcefabric_empty_list_needs_meta():
    assert sites.extract_json({"_items": []}, URL, "s", NOW) is None
    result = sites.extract_json({"_items": [], "_meta": {"total": 0}}, URL, "s", NOW)
    assert result is not None and result.entries == []


def test_sourcefabric_odd_items():
    def post(pid, items, **extra):
        return {"_id": pid, "particular_type": "post", "published_date": "2024-07-05T09:00:00+00:00",
                "groups": [{"id": "root"}, {"id": "main", "refs": ["junk"] + [{"item": i} for i in items]}],
                **extra}

    payload = {"_items": [
        {"note": "not a post"},
        post("p1", [
            {"item_type": "text", "headline": "<b>Headline</b>", "text": "<p>Body text.</p>"},
            {"item_type": "text", "headline": "Second headline", "text": "<p>More.</p>"},
            {"item_type": "quote", "meta": {"quote": "To be or not"}},
            {"item_type": "quote", "text": "<p>Quote from text</p>", "meta": {}},
            {"item_type": "image", "meta": {"media": {"renditions": {"baseImage": "bad", "viewImage": {}}},
                                            "caption": "Cap"}},
            {"item_type": "poll", "meta": {}},
        ]),
        post("p2", [{"item_type": "poll"}]),
    ]}
    result = sites.extract_json(payload, URL, "s", NOW)
    assert [e.id for e in result.entries] == ["p1"]
    entry = result.entries[0]
    assert entry.title == "Headline"
    assert entry.body == ("Body text.", "More.", "To be or not", "Quote from text")
    # an image without any usable rendition keeps its caption
    assert [(m.kind, m.caption, m.url) for m in entry.media] == [("image", "Cap", "")]


# -- sites: Tickaroo -----------------------------------------------------------------------


def test_tickaroo_list_payload_skips_deleted_and_empty_events():
    payload = [
        {"_type": "Tik::Model::Event", "local_id": "e1", "created_at": 1720170000,
         "event_info": {"text": "Kick-off\n\nHome side attack", "web_embed_urls": [42, "https://v.example/1"]},
         "media": ["junk", {"subtype": "v", "url": "https://v.example/clip.mp4", "title": "Clip"}]},
        {"_type": "Tik::Model::Event", "local_id": "e2", "deleted": True, "event_info": {"text": "gone"}},
        {"_type": "Tik::Model::Event", "local_id": "e3", "event_info": {}},
    ]
    result = sites.extract_json(payload, URL, "t", NOW)
    assert result.strategy == "sites:tickaroo"
    assert result.title == ""
    assert [e.id for e in result.entries] == ["e1"]
    entry = result.entries[0]
    assert entry.body == ("Kick-off", "Home side attack")
    assert entry.published == utc(2024, 7, 5, 9)
    assert [(m.kind, m.url) for m in entry.media] == [("video", "https://v.example/clip.mp4"),
                                                      ("embed", "https://v.example/1")]


# -- microdata -----------------------------------------------------------------------------


def test_microdata_values_from_links_images_and_data_elements():
    body = """
    <div itemprop="liveBlogUpdate" itemscope itemid="https://news.example/u#upd-7">
      <h3 itemprop="headline">Count begins</h3>
      <data itemprop="datePublished" value="2024-07-05T22:00:00Z">ten o'clock</data>
      <a itemprop="author" href="https://news.example/staff/jo">Jo</a>
      <img itemprop="image" src="https://img.example/count.jpg" alt="Ballot boxes">
      <p>Ballot boxes arrive.</p>
    </div>
    <div itemprop="liveBlogUpdate" itemscope itemid="urn:update:8">
      <h3 itemprop="headline">Exit poll</h3>
      <time itemprop="datePublished" datetime="2024-07-05T21:00:00Z">22:00</time>
      <span itemprop="author">Sam</span>
      <p>Exit poll published.</p>
    </div>
    <div itemprop="liveBlogUpdate" itemscope>
      <h3 itemprop="headline">Linked</h3>
      <link itemprop="url" href="https://news.example/live/story#upd-9">
      <time itemprop="datePublished" datetime="2024-07-05T20:00:00Z">21:00</time>
      <p>Has an anchor from its url.</p>
    </div>
    """
    entries = {e.title: e for e in microdata.extract(page_of(body))}
    count = entries["Count begins"]
    assert count.id == f"{URL}#upd-7"
    assert count.published == utc(2024, 7, 5, 22)
    assert count.time_text == "ten o'clock"
    assert count.author == "https://news.example/staff/jo"
    assert count.body_text == "Ballot boxes arrive."
    assert [(m.kind, m.caption, m.url) for m in count.media] == [
        ("image", "Ballot boxes", "https://img.example/count.jpg")]
    exit_poll = entries["Exit poll"]
    assert exit_poll.id == "urn:update:8"
    assert exit_poll.url == URL
    assert exit_poll.author == "Sam"
    linked = entries["Linked"]
    assert linked.id == f"{URL}#upd-9"
    assert linked.url == f"{URL}#upd-9"


def test_microdata_copied_headline_replaced_by_the_visible_heading():
    # every update repeats the page headline in its metadata: the visible heading is used
    body = """
    <div itemscope itemtype="https://schema.org/LiveBlogPosting">
      <meta itemprop="headline" content="Election live">
      <div itemprop="liveBlogUpdate" itemscope id="a">
        <meta itemprop="headline" content="Election live">
        <meta itemprop="datePublished" content="2024-07-05T09:00:00Z">
        <h4>Polls open</h4><p>First voters.</p>
      </div>
      <div itemprop="liveBlogUpdate" itemscope id="b">
        <meta itemprop="headline" content="Election live">
        <meta itemprop="datePublished" content="2024-07-05T10:00:00Z">
        <h4>Election live</h4><p>Turnout up.</p>
      </div>
    </div>
    """
    entries = {e.id.rsplit("#", 1)[1]: e for e in microdata.extract(page_of(body))}
    assert entries["a"].title == "Polls open"
    assert entries["a"].body_text == "First voters."
    assert entries["b"].title == ""
    assert entries["b"].body_text == "Turnout up."


# -- dom -----------------------------------------------------------------------------------


def test_dom_time_from_generic_data_attribute_and_modified_stamp():
    body = """
    <div class="stream">
      <div class="post" id="p2" data-entry-timestamp="2024-07-05T10:00:00Z" data-edited-on="2024-07-05T10:30:00Z">
        <h2>Second</h2><p>Later news.</p></div>
      <div class="post" id="p1" data-display-date="2024-07-05T09:00:00Z"><h2>First</h2><p>Early news.</p></div>
    </div>
    """
    entries = {e.title: e for e in dom.extract(page_of(body))}
    assert entries["Second"].published == utc(2024, 7, 5, 10)
    assert entries["Second"].time_text == "2024-07-05T10:00:00Z"
    assert entries["Second"].updated == utc(2024, 7, 5, 10, 30)
    assert entries["First"].published == utc(2024, 7, 5, 9)
    assert entries["First"].updated is None


def test_dom_time_in_a_card_is_not_the_blocks_time():
    body = """
    <div class="stream">
      <article class="u" id="u1"><aside><time datetime="2020-01-01T00:00:00Z">old</time></aside>
        <span data-time="2024-07-05T09:00:00Z"></span><h2>A</h2><p>Alpha.</p></article>
      <article class="u" id="u2"><span data-time="2024-07-05T10:00:00Z"></span><h2>B</h2><p>Beta.</p></article>
    </div>
    """
    entries = {e.title: e for e in dom.extract(page_of(body))}
    assert entries["A"].published == utc(2024, 7, 5, 9)
    assert entries["B"].published == utc(2024, 7, 5, 10)


def test_dom_title_class_heading_and_card_headings():
    body = """
    <div class="stream">
      <div class="u" id="u1"><time datetime="2024-07-05T09:00:00Z">09:00</time>
        <div class="related"><h3>Read more: other story</h3></div>
        <div class="post-title"><div>not a title</div></div>
        <span class="entry-title">Real title</span><p>Body one.</p></div>
      <div class="u" id="u2"><time datetime="2024-07-05T10:00:00Z">10:00</time>
        <h2></h2><p>Body two.</p></div>
    </div>
    """
    entries = {e.id.rsplit("#", 1)[1]: e for e in dom.extract(page_of(body))}
    assert entries["u1"].title == "Real title"
    assert "Body one." in entries["u1"].body
    assert entries["u2"].title == ""
    assert entries["u2"].body_text == "Body two."


def test_dom_rejects_teasers_and_comment_threads():
    teasers = """
    <div class="stream">
      <div class="t" id="t1"><time datetime="2024-07-05T09:00:00Z">09:00</time>
        <a href="https://news.example/other-1">Another story entirely</a></div>
      <div class="t" id="t2"><time datetime="2024-07-05T10:00:00Z">10:00</time>
        <a href="https://news.example/other-2">Yet another story here</a></div>
    </div>
    """
    assert dom.extract(page_of(teasers)) == []
    comments = """
    <section id="comments"><div>
      <div class="c" id="c1"><time datetime="2024-07-05T09:00:00Z">09:00</time><p>First!</p></div>
      <div class="c" id="c2"><time datetime="2024-07-05T10:00:00Z">10:00</time><p>Second!</p></div>
    </div></section>
    """
    assert dom.extract(page_of(comments)) == []


def test_dom_in_page_links_do_not_make_a_block_a_teaser():
    body = """
    <div class="stream">
      <div class="u" id="u1"><time datetime="2024-07-05T09:00:00Z">09:00</time>
        <a href="#u2">See below</a> <a href="">x</a></div>
      <div class="u" id="u2"><time datetime="2024-07-05T10:00:00Z">10:00</time>
        <a href="https://news.example/live/story#u1">See above</a></div>
    </div>
    """
    entries = dom.extract(page_of(body))
    assert sorted(e.body_text for e in entries) == ["See above", "See below x"]


def test_dom_lone_link_paragraphs_become_cards():
    body = """
    <div class="stream">
      <div class="u" id="u1"><time datetime="2024-07-05T09:00:00Z">09:00</time><h2>One</h2>
        <p>Text of one.</p><p><a href="https://news.example/related">Read: the background</a></p>
        <p><a href="mailto:x@example.com">mail us</a></p>
        <p><a href="/x">short</a> and more words</p></div>
      <div class="u" id="u2"><time datetime="2024-07-05T10:00:00Z">10:00</time><h2>Two</h2>
        <p><a href="https://news.example/live/story#u1">back to one</a></p></div>
    </div>
    """
    entries = {e.title: e for e in dom.extract(page_of(body))}
    one = entries["One"]
    assert [(m.kind, m.title, m.url) for m in one.media] == [
        ("card", "Read: the background", "https://news.example/related")]
    assert one.body == ("Text of one.", "mail us", "short and more words")
    # a link back into the page itself stays text
    assert entries["Two"].body_text == "back to one"
    assert entries["Two"].media == ()


def test_dom_flags_from_a_key_events_list_elsewhere():
    body = """
    <ul class="key-events"><li id="ke1"><a href="#post-1">Polls open</a></li></ul>
    <div class="pinned-post"><div data-post-id="2">copy</div></div>
    <div class="stream">
      <div class="u" id="post-1"><time datetime="2024-07-05T09:00:00Z">09:00</time><h2>One</h2><p>a</p></div>
      <div class="u" id="post-2"><time datetime="2024-07-05T10:00:00Z">10:00</time><h2>Two</h2><p>b</p></div>
      <div class="u" id="post-3"><time datetime="2024-07-05T11:00:00Z">11:00</time><h2>Three</h2><p>c</p></div>
    </div>
    """
    entries = {e.title: e for e in dom.extract(page_of(body))}
    assert entries["One"].key_event and not entries["One"].pinned
    assert entries["Two"].pinned and not entries["Two"].key_event
    assert not entries["Three"].key_event and not entries["Three"].pinned


def test_dom_find_by_anchor_prefixes_and_blank():
    page = page_of('<div id="block-abc">A</div><div data-entry-id="42">B</div>'
                   '<a id="link-1">skip</a>')
    assert dom.find_by_anchor(page, "  ") is None
    assert dom.text_of(dom.find_by_anchor(page, "abc")) == "A"
    assert dom.text_of(dom.find_by_anchor(page, "42")) == "B"
    assert dom.find_by_anchor(page, "link-1") is None
    assert dom.find_by_anchor(page, "missing") is None


def test_dom_html_content_of_plain_text_and_empty():
    assert dom.html_content("").paragraphs == []
    content = dom.html_content("Just words, no markup")
    assert list(content.paragraphs) == ["Just words, no markup"]
    content = dom.html_content("<p>One</p><p>https://video.example/v/1</p>")
    assert list(content.paragraphs) == ["One"]
    assert [(m.kind, m.url) for m in content.media] == [("embed", "https://video.example/v/1")]


def test_dom_clean_media_drops_junk_and_duplicates():
    media = [Media(kind="image", caption="undefined", url="blob:x"),
             Media(kind="image", caption="A dog", url="https://i.example/d.jpg"),
             Media(kind="image", caption="A dog", url="https://i.example/d.jpg"),
             Media(kind="image", caption="image", url="data:image/png;base64,AA")]
    assert [(m.caption, m.url) for m in dom.clean_media(media)] == [("A dog", "https://i.example/d.jpg")]


# -- stamps (generic fallback) --------------------------------------------------------------

STAMPS_URL = "https://n.example/live"
STAMPS_NOW = datetime(2022, 3, 14, 12, 0, tzinfo=timezone.utc)


def stamped(body: str):
    html = f"<!doctype html><html><head><title>Live</title></head><body><div class='s'>{body}</div></body></html>"
    return stamps.extract(Page(url=STAMPS_URL, source="x", html=html, now=STAMPS_NOW))


def test_stamps_blocks_timed_only_by_an_epoch_attribute():
    entries = stamped(
        '<div class="u" data-timestamp="1647252000"><h3>Alpha</h3><p>Body a.</p></div>'
        '<div class="u" data-timestamp="1647248400"><h3>Beta</h3><p>Body b.</p></div>'
        '<div class="u" data-timestamp="12"><h3>Gamma</h3><p>Body c.</p></div>')  # 12: no plausible epoch
    assert [(e.title, e.published, e.time_text) for e in entries] == [
        ("Alpha", utc(2022, 3, 14, 10), "1647252000"),
        ("Beta", utc(2022, 3, 14, 9), "1647248400")]
    assert entries[0].body == ("Body a.",)


def test_stamps_blocks_timed_only_by_a_local_attribute():
    entries = stamped(
        '<div class="u" data-time="2022-03-14 09:30"><h3>Alpha</h3><p>Body a.</p></div>'
        '<div class="u" data-time="2022-03-14 08:15"><h3>Beta</h3><p>Body b.</p></div>'
        '<div class="u" data-time="99:99 what"><h3>Gamma</h3><p>Body c.</p></div>')
    assert [(e.title, e.published, e.time_text) for e in entries] == [
        ("Alpha", utc(2022, 3, 14, 9, 30), "2022-03-14 09:30"),
        ("Beta", utc(2022, 3, 14, 8, 15), "2022-03-14 08:15")]


def test_stamps_visible_clock_dated_by_a_date_attribute():
    entries = stamped(
        '<div class="u" data-date="2022-03-10" data-id="d1"><span>09:30</span><h3>Alpha</h3><p>Body a.</p></div>'
        '<div class="u" data-date="2022-03-09" data-id="d2"><span>08:15</span><h3>Beta</h3><p>Body b.</p></div>'
        '<div class="u" data-date="2022-13-45"><span>07:15</span><h3>Gamma</h3><p>Body c.</p></div>')
    assert [(e.id, e.published, e.time_text) for e in entries[:2]] == [
        (f"{STAMPS_URL}#d1", utc(2022, 3, 10, 9, 30), "09:30"),
        (f"{STAMPS_URL}#d2", utc(2022, 3, 9, 8, 15), "08:15")]
    # an impossible date attribute is ignored: the clock follows the day above it
    assert entries[2].title == "Gamma" and entries[2].published == utc(2022, 3, 9, 7, 15)
    assert entries[2].id.startswith("h:")


def test_stamps_visible_clock_timed_by_a_local_datetime_attribute():
    entries = stamped(
        '<div class="u" data-time="2022-03-10T09:30:00"><span>9.30am</span><h3>Alpha</h3><p>a</p></div>'
        '<div class="u" data-time="2022-03-09T08:15:00"><span>8.15am</span><h3>Beta</h3><p>b</p></div>')
    assert [(e.published, e.time_text) for e in entries] == [
        (utc(2022, 3, 10, 9, 30), "9.30am"), (utc(2022, 3, 9, 8, 15), "8.15am")]


def test_stamps_date_line_before_the_clock():
    entries = stamped(
        '<div class="u" id="x1"><p>Monday 14 March</p><p>09:30</p><h3>Alpha</h3><p>Body a.</p></div>'
        '<div class="u" id="x2"><p>Monday 14 March</p><p>08:15</p><h3>Beta</h3><p>Body b.</p></div>')
    assert [(e.id, e.title, e.published, e.time_text, e.body) for e in entries] == [
        (f"{STAMPS_URL}#x1", "Alpha", utc(2022, 3, 14, 9, 30), "Monday 14 March 09:30", ("Body a.",)),
        (f"{STAMPS_URL}#x2", "Beta", utc(2022, 3, 14, 8, 15), "Monday 14 March 08:15", ("Body b.",))]


def test_stamps_labels_after_the_stamp_and_repeated_heads():
    entries = stamped(
        '<div class="u"><p>09:30 Breaking: Alpha happens</p><p>Body a.</p></div>'
        '<div class="u"><p>08:15</p><p>Pinned</p><h3>Beta</h3><p>Body b.</p></div>'
        '<div class="u"><p>07:15</p><h3>Gamma</h3><p>07:15 Gamma extra words</p></div>')
    got = [(e.title, e.body, e.key_event, e.pinned) for e in entries]
    assert got == [("Alpha happens", ("Body a.",), True, False),
                   ("Beta", ("Body b.",), False, True),
                   # the body line repeating stamp and headline keeps only what is new
                   ("Gamma", ("extra words",), False, False)]


# -- JSON-LD ---------------------------------------------------------------------------------

LD_URL = "https://news.example/live/storm"


def ld_page(*scripts: str, body: str = "") -> Page:
    blocks = "".join(f'<script type="application/ld+json">{s}</script>' for s in scripts)
    html = f"<html><head><title>Storm</title>{blocks}</head><body>{body}</body></html>"
    return Page(url=LD_URL, source="test", html=html, now=NOW)


def test_jsonld_lenient_repairs_strings_and_commas():
    text = '{"a": "x\\"y\\u0041 \\\' line\n2\r\t\x01 end",, "b": [1, 2, /* c */ ]}'
    assert loads_lenient(text) == [{"a": "x\"yA ' line\n2\r\t  end", "b": [1, 2]}]
    assert loads_lenient("<!-- -->") == []
    assert loads_lenient('{"a":1};{"b":2}') == [{"a": 1}, {"b": 2}]
    assert loads_lenient('{"a": "unterminated \\') == []


def test_jsonld_updates_media_ids_and_visible_blocks():
    posting = '''{"@type": ["Thing", 5, "LiveBlogPosting"], "headline": "Storm", "url": "%s",
     "image": {"url": "https://i.example/page.jpg"},
     "liveBlogUpdate": [
      {"headline": "Linked", "url": "https://other.example/story/1", "articleBody": "Body one.",
       "image": [{"url": "https://i.example/one.jpg"}, {"@id": "https://i.example/two.jpg"}, {"caption": "no url"}],
       "video": ["junk", {"@type": "VideoObject", "contentUrl": "https://i.example/page.jpg"},
                 {"@type": "VideoObject", "embedUrl": "https://v.example/e", "name": "Clip", "description": "A clip"}]},
      {"@id": "upd-2", "articleBody": "", "datePublished": {"@value": "2024-03-01T09:00:00Z"}},
      {"@id": "upd-3", "headline": "Three", "datePublished": "2024-03-01T08:00:00Z", "articleBody": []},
      {"@id": "upd-4", "headline": "Four", "datePublished": "2024-03-01T07:00:00Z", "articleBody": "Four body."},
      {"@id": "upd-5", "articleBody": ""}
     ]}''' % LD_URL
    body = ('<div id="upd-2"><h2>Two visible</h2><p>Two body.</p></div>'
            '<div data-id="upd-3"><h2>Three</h2><p>Three body.</p></div>'
            '<div id="upd-4"><h2>Four</h2><span>no stamp</span></div>')
    entries = {e.id: e for e in jsonld.extract(ld_page(posting, body=body))}
    linked = entries["https://other.example/story/1"]
    assert linked.url == "https://other.example/story/1"
    assert linked.body == ("Body one.",)
    # the page's own image is not repeated; an image without a URL is dropped
    assert [(m.kind, m.caption, m.url) for m in linked.media] == [
        ("image", "", "https://i.example/one.jpg"), ("image", "", "https://i.example/two.jpg"),
        ("video", "A clip", "https://v.example/e")]
    two = entries[f"{LD_URL}#upd-2"]
    assert (two.title, two.body, two.published) == ("Two visible", ("Two body.",), utc(2024, 3, 1, 9))
    three = entries[f"{LD_URL}#upd-3"]
    assert three.body == ("Three body.",) and three.url == f"{LD_URL}#upd-3"
    four = entries[f"{LD_URL}#upd-4"]
    assert four.body == ("Four body.",) and four.time_text == "2024-03-01T07:00:00Z"
    # upd-5 has neither text nor a visible block
    assert f"{LD_URL}#upd-5" not in entries and len(entries) == 4


def test_jsonld_postings_too_deep_or_scalar_are_ignored():
    deep = "[" * 20 + '{"@type":"LiveBlogPosting","liveBlogUpdate":[{"headline":"deep"}]}' + "]" * 20
    page = ld_page(deep, '"just a string"')
    assert jsonld.live_postings(page) == []
    assert jsonld.extract(page) == []
    assert jsonld.coverage_end(page) is None


# -- clock -----------------------------------------------------------------------------------


def test_clock_rejects_impossible_stamps():
    for text in ("13:00 pm", "13pm", "2022-03-14 25:61", "2022-02-30T10:00", "08:157", "5 pmx",
                 "today at 99:00", "9 o'clock"):
        assert match_stamp(text) is None, text


def test_clock_stamp_shapes():
    local = match_stamp("2022-03-14T10:00:00")
    assert (local.kind, local.year, local.month, local.day, local.hour) == ("date", 2022, 3, 14, 10)
    today = match_stamp("today at 09:15 GMT")
    assert (today.kind, today.hour, today.minute, today.zone, today.shift) == ("day", 9, 15, "GMT", 0)
    dmy = match_stamp("14/03/2022 9am")
    assert (dmy.kind, dmy.day, dmy.month, dmy.hour) == ("date", 14, 3, 9)
    time_first = match_stamp("09:15 14 March 2022")
    assert (time_first.kind, time_first.day, time_first.hour, time_first.minute) == ("date", 14, 9, 15)


def test_clock_day_headings():
    now = datetime(2022, 3, 14, 12, 0, tzinfo=timezone.utc)
    assert parse_day_heading("", now) is None
    assert parse_day_heading("Yesterday", now) == date(2022, 3, 13)
    assert parse_day_heading("Yesterday") is None  # relative words need a reference time
    assert parse_day_heading("30 February 2022", now) is None
    assert parse_day_heading("29 February", now) == date(2020, 2, 29)  # the latest leap year
    assert parse_day_heading("31 April", now) is None
    assert parse_day_heading("Monday", now) is None


def test_clock_stated_zone():
    assert stated_zone("") == ""
    assert stated_zone("nothing here") == ""
    assert stated_zone("All times in XYZ") == ""
    assert stated_zone("All times in GMT") == "GMT"


# -- htmlguard -------------------------------------------------------------------------------

@pytest.mark.parametrize("html, tag, count", [
    ("<table>" + "<tr><td>x" * 600 + "</table>", "td", 600),                      # a row closes the row
    ("<table>" + "<tbody><tr><td>x" * 600 + "</table>", "tbody", 600),            # a section closes rows
    ("<table>" + "<tr><td>x</tr>" * 600 + "</table>", "tr", 600),                 # </tr> over an open cell
    ("<h1>a" + "<h2>b<h3>c" * 300, "h3", 300),                                    # a heading closes a heading
    ("<div>" + "<a href='/x'>x" * 600 + "</div>", "a", 600),                      # a link closes a link
    ("<select>" + "<optgroup label=g><option>x" * 600 + "</select>", "optgroup", 600),
    ("<div>" + "<b><span>x</b></span>" * 600 + "</div>", "b", 600),              # misnested formatting
    ("<div>" + "<p>x<hr>" * 600 + "</div>", "hr", 600),
    ("<q>" + "<span>" * 70 + "</q>", "span", 70),                                # an end tag out of reach
])
def test_htmlguard_flat_markup_is_left_alone(html, tag, count):
    # unclosed but flat markup: the model must not mistake it for deep nesting
    assert tame(html) is html
    assert len(parse(html).css(tag)) == count


def test_htmlguard_raw_text_too_deep_is_dropped_with_its_element():
    html = "<div>" * 600 + "<script>var secret = 1</script><p>after</p>" + "</div>" * 600
    tamed = tame(html)
    # start tags past the depth limit go, their text stays; a script's text goes with it
    assert "secret" not in tamed and "<script" not in tamed
    assert "after" in tamed
    assert tamed.count("<div>") < 600
    assert "secret" not in parse(html).body.text()


# -- more DOM blocks and stamps ---------------------------------------------------------------


def test_dom_unreadable_time_attributes_are_skipped():
    long_stamp = "Friday the fifth of July in the year two thousand and twenty four, nine in the morning"
    body = f"""
    <div class="stream">
      <div class="u" id="u1" datetime="soon" data-display-date="tbd" data-modified="never"
           data-updated="2024-07-05T09:30:00Z">
        <time></time> <time datetime="later">not a time</time>
        <span data-time="2024-07-05T09:00:00Z">{long_stamp}</span><h2>One</h2><p>First words.</p></div>
      <div class="u" id="u2"><time datetime="2024-07-05T10:00:00Z">10:00</time><h2>Two</h2><p>Second words.</p></div>
    </div>
    """
    entries = {e.title: e for e in dom.extract(page_of(body))}
    one = entries["One"]
    assert one.published == utc(2024, 7, 5, 9)
    # a visible stamp longer than 80 characters is not a stamp: the attribute is shown
    assert one.time_text == "2024-07-05T09:00:00Z"
    assert one.updated == utc(2024, 7, 5, 9, 30)
    assert one.body[-1] == "First words."
    assert entries["Two"].updated is None


def test_dom_group_nested_in_a_larger_group_is_not_taken_twice():
    body = """
    <div class="stream">
      <article class="a" id="a1"><time datetime="2024-07-05T09:00:00Z">09:00</time><h2>A1</h2>
        <div class="n" id="n1"><time datetime="2024-07-05T09:01:00Z">09:01</time><p>Inner one.</p></div>
        <div class="n" id="n2"><time datetime="2024-07-05T09:02:00Z">09:02</time><p>Inner two.</p></div></article>
      <article class="a" id="a2"><time datetime="2024-07-05T10:00:00Z">10:00</time><h2>A2</h2><p>Words two.</p></article>
      <article class="a" id="a3"><time datetime="2024-07-05T11:00:00Z">11:00</time><h2>A3</h2><p>Words three.</p></article>
    </div>
    <div class="other">
      <div class="e" id="e1"><time datetime="2024-07-05T09:00:00Z"></time></div>
      <div class="e" id="e2"><time datetime="2024-07-05T10:00:00Z"></time></div>
    </div>
    """
    entries = dom.extract(page_of(body))
    assert [e.title for e in entries] == ["A1", "A2", "A3"]
    assert "Inner one." in entries[0].body and "Inner two." in entries[0].body
    # the empty e-blocks (a stamp and nothing else) give no entries


def test_dom_blocks_with_blank_ids():
    body = """
    <div class="stream">
      <div class="b" id=" "><time datetime="2024-07-05T09:00:00Z">09:00</time><h2>B1</h2><p>Words one.</p></div>
      <div class="b" id="  " data-id="d2"><time datetime="2024-07-05T10:00:00Z">10:00</time><h2>B2</h2>
        <p>Words two.</p></div>
    </div>
    """
    first, second = dom.extract(page_of(body))
    assert first.id.startswith("h:") and first.url == URL
    assert second.id == f"{URL}#d2"
    assert second.url == URL  # a data-id is no anchor in the page


def test_dom_blocks_inside_an_aside_are_rejected():
    body = """
    <aside>
      <div class="b" id="b1"><time datetime="2024-07-05T09:00:00Z">09:00</time><h2>B1</h2><p>Words.</p></div>
      <div class="b" id="b2"><time datetime="2024-07-05T10:00:00Z">10:00</time><h2>B2</h2><p>Words.</p></div>
    </aside>
    """
    assert dom.extract(page_of(body)) == []


def test_microdata_key_event_from_a_key_events_box():
    body = """
    <div class="key-events"><div><div>
      <div itemprop="liveBlogUpdate" itemscope id="k1">
        <h3 itemprop="headline">Key moment</h3>
        <meta itemprop="datePublished" content="2024-07-05T09:00:00Z"><p>It happened.</p>
      </div></div></div></div>
    <div class="stream"><div><div><div><div>
      <div itemprop="liveBlogUpdate" itemscope id="k2">
        <h3 itemprop="headline">Ordinary</h3>
        <meta itemprop="datePublished" content="2024-07-05T10:00:00Z"><p>Nothing much.</p>
      </div></div></div></div></div></div>
    """
    entries = {e.title: e for e in microdata.extract(page_of(body))}
    assert entries["Key moment"].key_event
    assert not entries["Ordinary"].key_event


def test_stamps_br_separated_lines_and_hidden_text():
    entries = stamped(
        '<div class="u">09:30<span hidden>secret</span><br>Alpha title<br>Body a line<br>more</div>'
        '<div class="u">08:15<br><br>Beta title<span aria-hidden="true">icon</span><br>Body b line</div>')
    assert [(e.published, e.body) for e in entries] == [
        (utc(2022, 3, 14, 9, 30), ("Alpha title", "Body a line", "more")),
        (utc(2022, 3, 14, 8, 15), ("Beta title", "Body b line"))]


def test_stamps_date_attribute_alone_is_no_stamp():
    entries = stamped(
        '<div class="u" data-date="2022-03-10"><h3>Alpha</h3><p>a</p></div>'
        '<div class="u" data-date="2022-03-09"><h3>Beta</h3><p>b</p></div>'
        '<div class="u" data-date="2022-03-09"><span>Yesterday at 10:00</span><h3>Gamma</h3><p>c</p></div>'
        '<div class="u" data-date="2022-03-09"><span>Today at 09:00</span><h3>Delta</h3><p>d</p></div>')
    # a bare date cannot time an update; a relative day word keeps its own meaning
    assert [(e.title, e.published) for e in entries] == [
        ("Gamma", utc(2022, 3, 13, 10)), ("Delta", utc(2022, 3, 14, 9))]


def test_stamps_furniture_only_updates_are_dropped():
    entries = stamped(
        '<div class="u"><p>09:30</p><p>Read more</p></div>'
        '<div class="u"><p>08:15 Beta</p><p>Body b.</p></div>'
        '<div class="u"><p>07:15 Gamma</p><p>07:15 Gamma</p><p>Body c.</p></div>'
        '<div class="u"><p>06:15</p><p>Share this</p></div>')
    assert [(e.title, e.body) for e in entries] == [("Beta", ("Body b.",)), ("Gamma", ("Body c.",))]


def test_clock_leap_day_without_a_year_in_recent_years():
    # 2023, 2022 and 2021 have no 29 February: nothing recent enough to be meant
    assert parse_day_heading("29 February", datetime(2023, 1, 1, tzinfo=timezone.utc)) is None


def test_clock_oldest_first_pages_and_noise_between_events():
    now = datetime(2022, 3, 14, 12, 0, tzinfo=timezone.utc)
    events = [date(2022, 3, 12), match_stamp("09:00"), "noise", date(2022, 3, 13), match_stamp("10:00")]
    assert detect_newest_first(events) is False
    assert resolve(events, now) == [utc(2022, 3, 12, 9), utc(2022, 3, 13, 10)]
    dated = [match_stamp("12 March 2022 09:00"), match_stamp("13 March 2022 10:00"), match_stamp("14 March 2022 08:00")]
    assert detect_newest_first(dated) is False
    assert resolve(dated, now) == [utc(2022, 3, 12, 9), utc(2022, 3, 13, 10), utc(2022, 3, 14, 8)]


def test_clock_stamps_at_the_end_of_time_stay_undated():
    now = datetime(2022, 3, 14, 12, 0, tzinfo=timezone.utc)
    last = Stamp(text="31.12.9999 23:00 IST", end=20, kind="date", hour=23, minute=0, year=9999, month=12,
                 day=31, zone="IST")
    # the far-future stamp and heading are set aside; the clock below is dated on now's date
    assert resolve([last, match_stamp("10:00"), date(9999, 12, 31)], now) == [None, utc(2022, 3, 14, 10)]
