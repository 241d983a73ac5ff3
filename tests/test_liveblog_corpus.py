"""Real liveblog material from ../shared/corpus/liveblogs (read in place, never copied).

Counts below were checked by reading the files: Cork Beo has 26 `div.live-event-entry`
and 26 JSON-LD `liveBlogUpdate`s; the Guardian "Live" fixture 13 blocks (one, the summary,
listed in keyEvents) and no pinned post; "LiveBlogSingleContributor" 11 blocks plus a
pinned post that is not among them (5 blocks with keyEvent, plus the summary listed in
keyEvents, plus the pinned post, itself a key event); Sourcefabric posts.json 15 posts, none
deleted, one still "submitted" (not published).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from feedtui.extract import dom, extract_bytes, extract_html, jsonld, microdata, sites
from feedtui.extract.base import Page
from feedtui.models import Media

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "liveblogs"
NOW = datetime(2024, 1, 1, tzinfo=timezone.utc)
CORK_URL = "https://www.corkbeo.ie/news/local-news/level-3-live-cork-ireland-19056312"


def corpus(*parts: str) -> Path:
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path} (tests read ../shared/corpus in place)")
    return path


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# --- Reach plc: Cork Beo -------------------------------------------------------------------


@pytest.fixture(scope="module")
def cork_bytes() -> bytes:
    return corpus("reach-corkbeo", "corkbeo.ie.level.html").read_bytes()


@pytest.fixture
def cork_page(cork_bytes) -> Page:
    return Page(url=CORK_URL, source="corkbeo", html=cork_bytes.decode("utf-8"), now=NOW)


def cork_ids(cork_bytes) -> list[str]:
    return re.findall(r'class="live-event-entry" id="(\d+)"', cork_bytes.decode("utf-8"))


def test_cork_sites_yields_the_26_visible_updates(cork_page, cork_bytes):
    entries = sites.extract_html(cork_page)
    assert len(entries) == 26
    assert [e.id for e in entries] == [f"{CORK_URL}#{i}" for i in cork_ids(cork_bytes)]
    by_id = {e.id.rsplit("#", 1)[1]: e for e in entries}

    night = by_id["2259242"]
    assert night.title == "Goodnight"
    assert night.time_text == "21:22"
    assert night.published == utc(2020, 10, 6, 20, 22, 53, 212000)
    assert night.author == "Frances Watkins"
    assert night.body == ("We are logging off for the night but we will be back from 7am with all your latest news.",
                          "Thanks for following our live blog throughout the day.",
                          "Goodnight and stay safe.")
    assert night.url == f"{CORK_URL}#2259242"

    key = by_id["2258956"]
    assert key.title == "Coronavirus Ireland: One death and 432 new cases"
    assert key.key_event and key.time_text == "18:28" and key.author == ""
    assert key.body == ()
    assert key.updated == utc(2020, 10, 6, 17, 40, 39, 689000)
    assert [e.id for e in entries if e.key_event] == [key.id]

    first = by_id["2258190"]
    assert first.title == "'Circuit breaker' plan - NPHET vs Government"
    assert first.time_text == "08:44"
    assert first.published == utc(2020, 10, 6, 7, 44, 43, 784000)
    assert first.author == "Gavin O'Callaghan"

    quiet = by_id["2259057"]
    assert quiet.body == ()
    assert [m.kind for m in quiet.media] == ["image"]
    assert quiet.media[0].url.endswith("120924079_1397416583800032_4606066003041123161_n.jpg")

    tweet = by_id["2258591"]
    assert tweet.media == (Media(kind="embed", url="https://twitter.com/blairscove/status/1313412635854077952"),)

    letter = by_id["2258270"]
    assert letter.title == "NPHET's letter"
    assert "The backlash" in letter.body and "Accountability" in letter.body
    assert all(m.caption != "undefined" for m in letter.media)


def test_cork_entries_hold_no_page_furniture(cork_page):
    for entry in sites.extract_html(cork_page):
        text = " ".join((entry.title,) + entry.body).lower()
        assert "you can contact corkbeo" not in text  # the page intro, not an update
        assert "key events" not in text
        assert not re.search(r"\b(cookie|sign in|newsletter|share this)\b", text)
        assert entry.title and entry.title == entry.title.strip()
        assert entry.title not in entry.body


def test_cork_jsonld_yields_the_same_26_updates(cork_page):
    from_sites = {e.id: e for e in sites.extract_html(cork_page)}
    from_jsonld = jsonld.extract(cork_page)
    assert len(from_jsonld) == 26
    assert {e.id for e in from_jsonld} == set(from_sites)
    for entry in from_jsonld:
        assert entry.published == from_sites[entry.id].published
        assert entry.title == from_sites[entry.id].title
        assert entry.author == ""  # the JSON-LD byline is a page-level copy
    assert jsonld.coverage_end(cork_page) is None


def test_cork_dom_fallback_alone_finds_the_26_updates(cork_page):
    entries = dom.extract(cork_page)
    assert len(entries) == 26
    assert microdata.extract(cork_page) == []


def test_cork_through_the_orchestrator_is_26_entries(cork_bytes):
    result = extract_bytes(cork_bytes, CORK_URL, source="corkbeo", content_type="text/html; charset=utf-8",
                           now=NOW)
    assert result.kind == "live"
    assert len(result.entries) == 26
    assert len({e.id for e in result.entries}) == 26
    assert result.strategy.startswith("sites+jsonld")
    assert result.entries[0].title == "Goodnight"  # newest first
    assert result.entries[0].author == "Frances Watkins"  # the visible byline wins
    html_result = extract_html(cork_bytes.decode("utf-8"), CORK_URL, now=NOW)
    assert [e.id for e in html_result.entries] == [e.id for e in result.entries]


# --- The Guardian ------------------------------------------------------------------------


def guardian(name: str) -> dict:
    return json.loads(corpus("guardian", name).read_text(encoding="utf-8"))


def test_guardian_live_fixture():
    payload = guardian("fe-articles-Live.json")
    result = sites.extract_json(payload, "https://www.theguardian.com/x.json", "guardian", NOW)
    assert result is not None and result.kind == "live"
    assert result.title.startswith("Nasa scientists release new images of Perseverance")
    assert len(result.entries) == 13
    base = payload["webURL"]
    assert {e.id for e in result.entries} == {f"{base}#block-{b['id']}" for b in payload["blocks"]}
    assert [e.id for e in result.entries if e.key_event] == [f"{base}#block-60300f5f8f08ad21ea60071e"]
    assert not any(e.pinned for e in result.entries)
    summary = result.entries[0]
    assert summary.title == "Summary"
    assert summary.published == utc(2021, 2, 19, 19, 30, 3)
    assert summary.time_text == "19.30 GMT"
    assert summary.url == f"{base}?page=with:block-60300f5f8f08ad21ea60071e#block-60300f5f8f08ad21ea60071e"
    untitled = next(e for e in result.entries if e.id.endswith("60300aa38f08ad21ea6006e5"))
    assert untitled.title == "" and untitled.body[0].startswith("Now that Perseverance persevered")
    assert untitled.author == "Natalie Grover"
    image_only = next(e for e in result.entries if e.id.endswith("6030066b8f08bdbed283be4b"))
    assert image_only.body == ()
    assert image_only.media[0].kind == "image"
    assert image_only.media[0].caption.startswith("This NASA photo released on February 19, 2021")
    tweets = next(e for e in result.entries if e.id.endswith("60300d5a8f08bdbed283be98"))
    assert [m.kind for m in tweets.media] == ["embed", "embed"]
    assert tweets.media[0].url == "https://twitter.com/NASAPersevere/status/1362831783444717568"


def test_guardian_single_contributor_fixture_with_pinned_post():
    payload = guardian("fe-articles-LiveBlogSingleContributor.json")
    result = extract_bytes(json.dumps(payload).encode(), "https://www.theguardian.com/x.json", now=NOW)
    assert result.strategy == "sites:guardian"
    assert len(result.entries) == 12
    assert len({e.id for e in result.entries}) == 12
    pinned = [e for e in result.entries if e.pinned]
    assert len(pinned) == 1
    assert pinned[0].title == "PMQs – snap verdict"
    assert pinned[0].key_event
    assert sum(e.key_event for e in result.entries) == 7
    gove = next(e for e in result.entries if e.title.startswith("Michael Gove to ease"))
    card = next(m for m in gove.media if m.kind == "card")
    assert card.title == "Michael Gove to ease housebuilding targets for councils in England"
    assert card.url.endswith("/michael-gove-to-ease-housebuilding-targets-for-councils-in-england")
    assert all(card.title not in p for p in gove.body)
    summary = next(e for e in result.entries if e.title == "Afternoon summary")
    assert summary.key_event and not summary.pinned
    assert any(m.caption == "Keir Starmer at PMQs." for m in summary.media)


def test_guardian_pinned_post_repeated_in_blocks_is_one_entry():
    payload = guardian("fe-articles-LiveBlogSingleContributor.json")
    payload["blocks"].append(payload["pinnedPost"])
    result = sites.extract_json(payload, "https://www.theguardian.com/x.json", "g", NOW)
    assert len(result.entries) == 12
    assert sum(e.pinned for e in result.entries) == 1


# --- JSON-LD snippets ----------------------------------------------------------------------

SNIPPETS = {
    # name: (entries, first title, first published UTC, coverage end)
    "json-metadata-15.html": 1,  # non-schema.org @context: the LiveBlogPosting is still read
    "json-metadata-16.html": 1,
    "json-metadata-17.html": 1,
    "json-metadata-4.html": 1,  # liveBlogUpdate is one object, not a list
    "json-metadata-3-c.html": 1,
    "json-metadata-5-b.html": 0,  # no liveBlogUpdate at all
    "json-metadata-5.html": 2,  # updates with only a headline and an image / a video
}
HBO = "Coming this April, HBO NOW will be available exclusively in the U.S. on Apple TV and the App Store."


def snippet_page(name: str, text: str | None = None) -> Page:
    html = text if text is not None else corpus("jsonld-snippets", name).read_text(encoding="utf-8")
    return Page(url="https://techcrunch.example/live", source="s", html=html, now=NOW)


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_jsonld_snippets(name):
    page = snippet_page(name)
    entries = jsonld.extract(page)
    assert len(entries) == SNIPPETS[name]
    if name in ("json-metadata-15.html", "json-metadata-16.html", "json-metadata-17.html", "json-metadata-4.html"):
        (entry,) = entries
        assert entry.title == HBO
        assert entry.published == utc(2015, 3, 9, 20, 8)
        assert entry.body == ("It's $14.99 a month.", "And for a limited time, …")
        assert jsonld.coverage_end(page) == utc(2015, 3, 9, 23, 0)
    elif name == "json-metadata-3-c.html":
        (entry,) = entries
        assert entry.title == "Breaking News: Example Article"
        assert entry.body == ("This is the content of the example article.",)
        assert entry.published == utc(2023, 6, 14, 10, 0)
        assert entry.updated == utc(2023, 6, 14, 10, 15)
        assert entry.author == "John Doe"
        assert jsonld.coverage_end(page) is None
    elif name == "json-metadata-5-b.html":
        assert jsonld.coverage_end(page) == utc(2015, 3, 9, 23, 0)
    elif name == "json-metadata-5.html":
        by_title = {e.title: e for e in entries}
        iphone = by_title["iPhone is growing at nearly twice the rate of the rest of the smartphone market."]
        assert iphone.body == ()
        assert iphone.media == (Media(kind="image",
                                      url="http://images.apple.com/live/2015-mar-event/images/573cb_xlarge_2x.jpg"),)
        store = by_title["See the new flagship Apple Retail Store in West Lake, China."]
        assert [m.kind for m in store.media] == ["video"]
        assert store.published == utc(2015, 3, 9, 20, 17)


def test_jsonld_snippet_made_invalid_is_read_leniently():
    text = corpus("jsonld-snippets", "json-metadata-17.html").read_text(encoding="utf-8")
    broken = text.replace('"articleBody": "It\'s $14.99 a month.<br> And for a limited time, …"',
                          '"articleBody": "It\'s $14.99 a month.<br> And for a limited time, …", // note\n')
    broken = broken.replace("}\n            ]", "},\n            ],")
    assert broken != text
    entries = jsonld.extract(snippet_page("x", broken))
    assert [e.title for e in entries] == [HBO]
    hopeless = text.replace('"liveBlogUpdate": [', '"liveBlogUpdate": [[[{')
    assert jsonld.extract(snippet_page("x", hopeless)) == []


# --- Sourcefabric Liveblog and Tickaroo ---------------------------------------------------------


def test_sourcefabric_posts():
    payload = json.loads(corpus("sourcefabric", "posts.json").read_text(encoding="utf-8"))
    result = sites.extract_json(payload, "https://lb.example/posts", "sf", NOW)
    assert result.strategy == "sites:sourcefabric"
    published = [p for p in payload["_items"] if not p["deleted"] and p["post_status"] == "open"]
    assert len(published) == 14
    assert {e.id for e in result.entries} == {p["_id"] for p in published}
    assert not any(e.pinned or e.key_event for e in result.entries)
    photo = next(e for e in result.entries if e.body == ("Foto mit Text drüber.",))
    assert photo.media[0].kind == "image" and photo.media[0].caption == "Das dpa-live-Logo"
    quote = next(e for e in result.entries if e.body and e.body[0] == "Hier steht ein Zitat!")
    assert quote.body[1].startswith("— Das Anführungszeichen")
    for entry in result.entries:
        assert entry.published is not None
        assert all("window.FB" not in m.caption for m in entry.media)


@pytest.mark.parametrize("folder", ["sourcefabric", "tickaroo"])
def test_sourcefabric_single_post(folder):
    payload = json.loads(corpus(folder, "post_to_convert.json").read_text(encoding="utf-8"))
    result = sites.extract_json(payload, "https://lb.example/post", "sf", NOW)
    (entry,) = result.entries
    assert entry.body[0] == "Text mit ein parr Formatierungen. Und einem Link. Und weiterer Text."
    assert "Mit dem Wissen wächst der Zweifel." in entry.body
    assert entry.body[-1] == "Nochmal abschließender Text."
    assert any(m.kind == "image" and m.caption == "Gähn" for m in entry.media)
    assert any(m.kind == "embed" and "twitter.com" in m.url for m in entry.media)
    assert entry.published == utc(2016, 4, 28, 11, 24, 22)


def test_tickaroo_event():
    data = corpus("tickaroo", "post_to_expect.json").read_bytes()
    result = extract_bytes(data, "https://tickaroo.example/api/event", now=NOW)
    assert result.strategy == "sites:tickaroo"
    (entry,) = result.entries
    assert entry.id == "666890f6-9054-4f81-81ac-cc6d5f02b2c9"
    assert entry.published == utc(2016, 4, 28, 11, 24, 22)
    assert entry.body[0] == "Text mit ein parr Formatierungen. Und einem Link. Und weiterer Text."
    assert entry.body[-1] == "Nochmal abschließender Text."
    assert Media(kind="image", caption="Gähn",
                 url="http://newslab-liveblog-demo.s3-eu-central-1.amazonaws.com/"
                     "aa7c892f1b1b7df17f635106e27c55d86a5c5b6144bebe2490f4ce14be671dd7") in entry.media
    assert Media(kind="embed", url="https://twitter.com/dpa_live/status/775991579676909568") in entry.media
