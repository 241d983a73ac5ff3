"""Known publisher markup (Reach, Guardian HTML) and vendor payloads (Guardian JSON,
Sourcefabric Liveblog, Tickaroo), on small synthetic fixtures."""

from __future__ import annotations

from datetime import datetime, timezone

from feedtui.extract import extract_bytes, sites
from feedtui.extract.base import Page
from feedtui.models import Media

URL = "https://www.corkbeo.example/news/live-19056312"
NOW = datetime(2020, 10, 7, tzinfo=timezone.utc)


def page_of(body: str, url: str = URL) -> Page:
    return Page(url=url, source="test", html=f"<html><body>{body}</body></html>", now=NOW)


def reach_entry(post_id: str, ms: int, stamp: str, byline: str, content: str, kind: str = "default") -> str:
    return (f'<div class="live-event-entry" id="{post_id}" data-type="{kind}" data-post-time="{ms}" '
            f'data-last-modified-time="{ms}"><div class="entry-info"><time>{stamp}</time>'
            f'<mark>{byline}</mark></div><div class="entry-content">{content}</div></div>')


REACH = (
    '<div class="live-event-key-events"><h2>Key Events</h2><ul><li><div class="key-bubble">'
    '<a data-id="300">Schools stay open</a><time>18:28</time></div></li></ul></div>'
    '<div class="live-event-entries">'
    + reach_entry("302", 1602015773212, "21:22", "Frances Watkins",
                  '<h3 class="publication-font">Goodnight </h3><p>Goodnight</p><p>We are logging off.</p>'
                  '<p>Follow our live feed on Facebook</p><p>Read more</p>')
    + reach_entry("301", 1602010990573, "20:03", "Frances Watkins",
                  '<h3>Princes Street is quiet</h3><figure class="in-article-image"><img src="https://img.example/p.jpg" '
                  'alt="undefined"><figcaption>Princes Street at 7pm</figcaption></figure>'
                  '<div class="tweet" data-mod="tweet" data-url="https://twitter.com/x/status/1"></div>'
                  '<p><a href="https://www.corkbeo.example/news/other-1">Another story entirely</a></p>')
    + reach_entry("300", 1602005308739, "18:28", "KEY EVENT",
                  '<h3>Schools stay open</h3><p>Minister confirms schools stay open.</p>', kind="key-event")
    + '</div>'
)


def test_reach_entries():
    entries = {e.id: e for e in sites.extract_html(page_of(REACH))}
    assert set(entries) == {f"{URL}#302", f"{URL}#301", f"{URL}#300"}
    night = entries[f"{URL}#302"]
    assert night.title == "Goodnight"
    assert night.body == ("We are logging off.",)
    assert night.time_text == "21:22"
    assert night.published == datetime(2020, 10, 6, 20, 22, 53, 212000, tzinfo=timezone.utc)
    assert night.author == "Frances Watkins"
    assert night.url == f"{URL}#302"
    quiet = entries[f"{URL}#301"]
    assert quiet.body == ()
    assert Media(kind="image", caption="Princes Street at 7pm", url="https://img.example/p.jpg") in quiet.media
    assert Media(kind="embed", url="https://twitter.com/x/status/1") in quiet.media
    assert Media(kind="card", title="Another story entirely",
                 url="https://www.corkbeo.example/news/other-1") in quiet.media
    assert all(m.caption != "undefined" for m in quiet.media)
    key = entries[f"{URL}#300"]
    assert key.key_event and not key.pinned
    assert key.author == ""
    assert not night.key_event


def test_reach_key_event_flag_from_the_key_events_box():
    html = REACH.replace('data-type="key-event"', 'data-type="default"')
    entries = {e.id: e for e in sites.extract_html(page_of(html))}
    assert entries[f"{URL}#300"].key_event


def test_reach_page_through_the_orchestrator_keeps_one_entry_per_update():
    html = f"<html><head><title>Live</title></head><body>{REACH}</body></html>"
    result = extract_bytes(html.encode(), URL, now=NOW)
    assert len(result.entries) == 3
    assert result.strategy.startswith("sites")


GUARDIAN_HTML = """
<div data-gu-name="pinned-post" class="pinned-post">
  <article id="block-65a0f0b2c3d4e5f60718293a" class="block is-key-event">
    <p class="block-time"><time datetime="2024-01-10T10:05:00Z" data-timestamp="1704881100000">10.05 GMT</time></p>
    <h2 class="block-title">Snap verdict</h2>
    <div class="block-elements"><p>A pinned analysis.</p></div>
  </article>
</div>
<div class="blocks">
  <article id="block-65a0f0b2c3d4e5f60718293b" class="block">
    <p class="block-time"><time datetime="2024-01-10T11:00:00Z">11.00 GMT</time></p>
    <div class="block-elements"><p>Untitled update.</p>
      <figure><img src="https://i.example/x.jpg" alt="x"><figcaption>Caption here</figcaption></figure></div>
  </article>
  <article id="block-65a0f0b2c3d4e5f60718293a" class="block is-key-event">
    <p class="block-time"><time datetime="2024-01-10T10:05:00Z">10.05 GMT</time></p>
    <h2 class="block-title">Snap verdict</h2>
    <div class="block-elements"><p>Snap verdict</p><p>A pinned analysis.</p></div>
  </article>
</div>
"""


def test_guardian_html_blocks_with_a_pinned_copy():
    page = page_of(GUARDIAN_HTML, url="https://www.theguardian.example/politics/live/x")
    entries = {e.id: e for e in sites.extract_html(page)}
    assert set(entries) == {"https://www.theguardian.example/politics/live/x#block-65a0f0b2c3d4e5f60718293a",
                            "https://www.theguardian.example/politics/live/x#block-65a0f0b2c3d4e5f60718293b"}
    pinned = entries["https://www.theguardian.example/politics/live/x#block-65a0f0b2c3d4e5f60718293a"]
    assert pinned.pinned and pinned.key_event
    assert pinned.title == "Snap verdict"
    assert pinned.body == ("A pinned analysis.",)
    assert pinned.time_text == "10.05 GMT"
    other = entries["https://www.theguardian.example/politics/live/x#block-65a0f0b2c3d4e5f60718293b"]
    assert other.title == "" and other.body == ("Untitled update.",)
    assert not other.pinned
    assert [m.caption for m in other.media] == ["Caption here"]


def test_unknown_markup_yields_nothing():
    assert sites.extract_html(page_of("<article><h1>Story</h1><time datetime='2024-01-01'>x</time></article>")) == []


# --- JSON payloads ------------------------------------------------------------------------

T = "model.dotcomrendering.pageElements."


def guardian_block(block_id, first, title=None, key=False, pinned=False, elements=None):
    block = {"id": block_id, "attributes": {"pinned": pinned, "keyEvent": key, "summary": False},
             "blockFirstPublished": first, "blockLastUpdated": first + 60_000,
             "blockFirstPublishedDisplay": "10.00\u00a0GMT", "contributors": [{"name": "A Writer"}],
             "elements": elements or [{"_type": T + "TextBlockElement", "html": f"<p>Text {block_id}</p>"}]}
    if title:
        block["title"] = title
    return block


def guardian_payload():
    pinned = guardian_block("p1", 1704880800000, title="Pinned", key=True, pinned=True)
    return {
        "headline": "Politics live", "webURL": "https://www.theguardian.example/politics/live/x",
        "contentType": "LiveBlog", "format": {"design": "LiveBlogDesign"},
        "pinnedPost": pinned,
        "keyEvents": [{"id": "b1"}, {"id": "elsewhere"}],
        "blocks": [
            guardian_block("65a0f0b2c3d4e5f60718293a", 1704884400000, elements=[
                {"_type": T + "TextBlockElement", "html": "<p>Related text.</p>"},
                {"_type": T + "RichLinkBlockElement", "prefix": "Related: ", "text": "Gove eases targets ",
                 "url": "https://www.theguardian.example/politics/gove"},
                {"_type": T + "ImageBlockElement", "data": {"alt": "alt", "caption": "<p>Starmer at PMQs</p>",
                                                            "credit": "Photograph: X"},
                 "media": {"allImages": [{"url": "https://media.example/2000.jpg", "fields": {"width": "2000"}},
                                         {"url": "https://media.example/1000.jpg", "fields": {"width": "1000"}}]}},
            ]),
            guardian_block("b1", 1704882600000, title="Key moment"),
            pinned,
        ],
    }


def test_guardian_json():
    result = sites.extract_json(guardian_payload(), "https://api.example/x.json", "g", NOW)
    assert result is not None and result.kind == "live"
    assert result.title == "Politics live"
    entries = {e.id: e for e in result.entries}
    base = "https://www.theguardian.example/politics/live/x"
    assert set(entries) == {f"{base}#block-65a0f0b2c3d4e5f60718293a", f"{base}#block-b1", f"{base}#block-p1"}
    pinned = entries[f"{base}#block-p1"]
    assert pinned.pinned and pinned.key_event and pinned.title == "Pinned"
    assert entries[f"{base}#block-b1"].key_event
    b2 = entries[f"{base}#block-65a0f0b2c3d4e5f60718293a"]
    assert not b2.key_event and not b2.pinned
    assert b2.url == f"{base}?page=with:block-65a0f0b2c3d4e5f60718293a#block-65a0f0b2c3d4e5f60718293a"
    assert b2.body == ("Related text.",)
    assert Media(kind="card", title="Gove eases targets", url="https://www.theguardian.example/politics/gove") in b2.media
    assert Media(kind="image", caption="Starmer at PMQs", url="https://media.example/1000.jpg") in b2.media
    assert b2.published == datetime(2024, 1, 10, 11, 0, tzinfo=timezone.utc)
    assert b2.updated == datetime(2024, 1, 10, 11, 1, tzinfo=timezone.utc)
    assert b2.time_text == "10.00 GMT"
    assert b2.author == "A Writer"
    assert [e.id for e in result.entries][0] == f"{base}#block-65a0f0b2c3d4e5f60718293a"  # newest first


def sf_post(post_id, text, **extra):
    post = {"_id": post_id, "particular_type": "post", "post_status": "open", "deleted": False,
            "sticky": False, "highlight": False, "published_date": "2016-03-29T10:00:00+00:00",
            "_created": "2016-03-29T10:00:00+00:00", "_updated": "2016-03-29T10:00:00+00:00",
            "groups": [{"id": "root", "refs": [{"idRef": "main"}]},
                       {"id": "main", "refs": [{"item": {"item_type": "text", "text": text}}]}]}
    post.update(extra)
    return post


def test_sourcefabric_flags_and_skips():
    payload = {"_items": [
        sf_post("a", "<p>Normal</p>"),
        sf_post("b", "<p>Pinned</p>", sticky=True),
        sf_post("c", "<p>Highlighted</p>", highlight=True),
        sf_post("d", "<p>Deleted</p>", deleted=True),
        sf_post("e", "<p>Submitted</p>", post_status="submitted"),
        sf_post("f", "<p>Unpublished</p>", unpublished_date="2016-03-29T11:00:00+00:00"),
        sf_post("g", "<p>Edited</p>", _updated="2016-03-29T12:00:00+00:00"),
    ], "_meta": {"total": 7}}
    result = sites.extract_json(payload, "https://lb.example/api/posts", "sf", NOW)
    entries = {e.id: e for e in result.entries}
    assert set(entries) == {"a", "b", "c", "g"}
    assert entries["b"].pinned and not entries["b"].key_event
    assert entries["c"].key_event and not entries["c"].pinned
    assert entries["a"].body == ("Normal",)
    assert entries["g"].updated == datetime(2016, 3, 29, 12, 0, tzinfo=timezone.utc)


def test_sourcefabric_items_quote_image_embed():
    post = sf_post("q", "")
    post["groups"][1]["refs"] = [
        {"item": {"item_type": "quote", "meta": {"quote": "To be or not", "credit": "Hamlet"}}},
        {"item": {"item_type": "image", "meta": {"caption": "The logo", "credit": "dpa",
                                                 "media": {"renditions": {"baseImage": {"href": "https://i.example/b.jpg"}}}}}},
        {"item": {"item_type": "embed", "meta": {"html": "<script>evil()</script><blockquote>Tweet text "
                                                         "<a href='https://twitter.com/a/status/9'>x</a></blockquote>"}}},
    ]
    result = sites.extract_json(post, "https://lb.example/api/post", "sf", NOW)
    (entry,) = result.entries
    assert entry.body == ("To be or not", "— Hamlet")
    assert Media(kind="image", caption="The logo", url="https://i.example/b.jpg") in entry.media
    embed = next(m for m in entry.media if m.kind == "embed")
    assert embed.url == "https://twitter.com/a/status/9"
    assert "evil" not in embed.caption and "Tweet text" in embed.caption


def test_tickaroo_events():
    events = [{"_type": "Tik::Model::Event", "local_id": f"ev{n}", "created_at": 1461842662.0 + n * 60,
               "event_info": {"_type": "Tik::Model::EventInfo::BasicEventInfo",
                              "title": f"Goal number {n}!\n\nScored from a corner."},
               "media": [{"_type": "Tik::Model::Media", "url": "https://t.example/i.jpg", "title": "Celebration"}]}
              for n in (1, 2)]
    result = sites.extract_json({"events": events, "title": "Match"}, "https://t.example/api", "t", NOW)
    assert result.strategy == "sites:tickaroo"
    assert [e.id for e in result.entries] == ["ev2", "ev1"]
    assert result.entries[0].body == ("Goal number 2!", "Scored from a corner.")
    assert result.entries[0].media == (Media(kind="image", caption="Celebration", url="https://t.example/i.jpg"),)


def test_unknown_json_is_not_recognized():
    for payload in ({"items": []}, [], [1, 2], {"blocks": "x"}, {"_items": [{"x": 1}]}, "text", None, 3):
        assert sites.extract_json(payload, "https://x.example/", "x", NOW) is None


def test_malformed_known_payloads_do_not_crash():
    broken = guardian_payload()
    broken["blocks"].append({"id": "zz", "elements": [None, 3, {"_type": None}], "blockFirstPublished": "soon"})
    broken["blocks"].append("not a block")
    result = sites.extract_json(broken, "https://x.example/", "x", NOW)
    assert result is not None and len(result.entries) == 3
