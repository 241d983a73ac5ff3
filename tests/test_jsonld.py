"""JSON-LD LiveBlogPosting: lenient parsing, page-level copies, identity, media."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from feedtui.extract import jsonld
from feedtui.extract.base import Page

URL = "https://news.example/live/storm"
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


def page_of(*scripts: str, body: str = "") -> Page:
    blocks = "".join(f'<script type="application/ld+json">{s}</script>' for s in scripts)
    html = f"<html><head><title>Storm live</title>{blocks}</head><body>{body}</body></html>"
    return Page(url=URL, source="test", html=html, now=NOW)


def posting(updates, **extra) -> dict:
    data = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Storm live",
            "datePublished": "2024-03-01T06:00:00Z", "url": URL, "liveBlogUpdate": updates}
    data.update(extra)
    return data


def update(n: int, **extra) -> dict:
    data = {"@type": "BlogPosting", "headline": f"Update {n}", "url": f"{URL}#post-{n}",
            "datePublished": f"2024-03-01T0{n}:15:00Z", "articleBody": f"Body of update {n}."}
    data.update(extra)
    return data


# --- lenient loader -----------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ('{"a": 1, "b": [1, 2,],}', {"a": 1, "b": [1, 2]}),
    ('{"a": 1 /* block */, // line\n "b": 2}', {"a": 1, "b": 2}),
    ('{"a": "line one\nline two\ttab"}', {"a": "line one\nline two\ttab"}),
    ("{\"a\": \"it\\'s\"}", {"a": "it's"}),
    ('{&quot;a&quot;: &quot;x&quot;}', {"a": "x"}),
    ('<!-- {"a": 1} -->', {"a": 1}),
    ('{"url": "http://x.example/a//b", "c": "/* not a comment */"}',
     {"url": "http://x.example/a//b", "c": "/* not a comment */"}),
])
def test_loads_lenient_repairs_common_mistakes(text, expected):
    assert jsonld.loads_lenient(text) == [expected]


def test_loads_lenient_reads_concatenated_objects():
    assert jsonld.loads_lenient('{"a": 1}\n{"b": 2}') == [{"a": 1}, {"b": 2}]


@pytest.mark.parametrize("text", ["", "{", "not json at all", '{"a": }', "]]]", "{" * 5000, "\x00\x01"])
def test_loads_lenient_never_crashes(text):
    assert isinstance(jsonld.loads_lenient(text), list)


def test_unparseable_block_is_skipped_and_the_good_one_used():
    good = json.dumps(posting([update(1), update(2)]))
    page = page_of('{"@type": "LiveBlogPosting", "liveBlogUpdate": [ {{{', good)
    assert sorted(e.title for e in jsonld.extract(page)) == ["Update 1", "Update 2"]


def test_trailing_commas_and_comments_in_a_real_block():
    text = """{
      // a liveblog
      "@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Storm live",
      "liveBlogUpdate": [
        {"@type": "BlogPosting", "headline": "Roads closed", "datePublished": "2024-03-01T08:00:00Z",
         "articleBody": "The A1 is shut.", },
        {"@type": "BlogPosting", "headline": "Power cuts", "datePublished": "2024-03-01T09:00:00Z",
         "articleBody": "5,000 homes without power.", /* trailing */ },
      ],
    }"""
    entries = jsonld.extract(page_of(text))
    assert sorted(e.title for e in entries) == ["Power cuts", "Roads closed"]


# --- finding the posting ----------------------------------------------------------------


def test_graph_and_type_list_and_single_update_object():
    data = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": URL},
        {"@type": ["NewsArticle", "LiveBlogPosting"], "headline": "Storm live",
         "liveBlogUpdate": {"@type": "BlogPosting", "headline": "Only update",
                            "datePublished": "2024-03-01T08:00:00+01:00", "articleBody": "Text."}},
    ]}
    entries = jsonld.extract(page_of(json.dumps(data)))
    assert len(entries) == 1
    assert entries[0].title == "Only update"
    assert entries[0].published == datetime(2024, 3, 1, 7, 0, tzinfo=timezone.utc)
    assert entries[0].body == ("Text.",)


def test_posting_without_updates_yields_nothing():
    assert jsonld.extract(page_of(json.dumps(posting([])))) == []
    data = posting([])
    del data["liveBlogUpdate"]
    assert jsonld.extract(page_of(json.dumps(data))) == []


def test_plain_article_jsonld_yields_nothing():
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "A story",
            "articleBody": "liveBlogUpdate is just a word here"}
    assert jsonld.extract(page_of(json.dumps(data))) == []


# --- content ------------------------------------------------------------------------------


def test_html_in_article_body_becomes_paragraphs_and_media():
    body = ('<p>First &amp; foremost.</p><figure><img src="/a.jpg" alt="alt text">'
            '<figcaption>Flooded street in York</figcaption></figure><p>Second.</p>'
            '<p>Read more: our full coverage</p>'
            '<aside class="read-also"><a href="/other"><img src="/o.jpg"><h3>Other story</h3></a></aside>')
    entries = jsonld.extract(page_of(json.dumps(posting([update(1, articleBody=body), update(2)]))))
    first = next(e for e in entries if e.title == "Update 1")
    assert first.body == ("First & foremost.", "Second.")
    captions = [m.caption for m in first.media if m.kind == "image"]
    assert "Flooded street in York" in captions
    cards = [m for m in first.media if m.kind == "card"]
    assert cards and cards[0].title == "Other story" and cards[0].url == "https://news.example/other"
    assert all("Read more" not in p for p in first.body)


def test_entities_in_plain_strings_are_decoded():
    entries = jsonld.extract(page_of(json.dumps(posting([
        update(1, headline="Rock &amp; roll", articleBody="We weren&apos;t sure."), update(2)]))))
    first = next(e for e in entries if e.title.startswith("Rock"))
    assert first.title == "Rock & roll"
    assert first.body == ("We weren't sure.",)


def test_headline_repeated_as_first_body_paragraph_appears_once():
    entries = jsonld.extract(page_of(json.dumps(posting([
        update(1, articleBody="<p>Update 1</p><p>Real text.</p>"), update(2)]))))
    first = next(e for e in entries if e.title == "Update 1")
    assert first.body == ("Real text.",)


def test_page_image_repeated_in_every_update_is_not_media():
    image = {"@type": "ImageObject", "url": "https://news.example/page.jpg"}
    entries = jsonld.extract(page_of(json.dumps(posting(
        [update(1, image=image), update(2, image=image)], image=image))))
    assert all(e.media == () for e in entries)


# --- identity -----------------------------------------------------------------------------


def test_identity_from_url_fragment_and_at_id_and_hash():
    updates = [update(1), update(2, url="", **{"@id": "https://news.example/updates/2"}),
               update(3, url="")]
    entries = {e.title: e for e in jsonld.extract(page_of(json.dumps(posting(updates))))}
    assert entries["Update 1"].id == f"{URL}#post-1"
    assert entries["Update 1"].url == f"{URL}#post-1"
    assert entries["Update 2"].id == "https://news.example/updates/2"
    assert entries["Update 3"].id.startswith("h:")
    assert all(e.id != URL for e in entries.values())


def test_same_update_twice_yields_one_entry():
    entries = jsonld.extract(page_of(json.dumps(posting([update(1), update(2), update(1)]))))
    assert sorted(e.title for e in entries) == ["Update 1", "Update 2"]


# --- page-level copies --------------------------------------------------------------------


def _guardian_like(with_visible: bool) -> Page:
    updates = [{"@type": "BlogPosting", "@id": block, "headline": "Storm live",
                "datePublished": "2024-03-01T06:00:00Z", "articleBody": f"Text of {block}."}
               for block in ("aaa111", "bbb222")]
    body = ""
    if with_visible:
        body = ('<article id="block-aaa111" class="block"><h2>Trees down in Leeds</h2>'
                '<time datetime="2024-03-01T09:30:00Z">09.30 GMT</time><p>Text of aaa111.</p></article>'
                '<article id="block-bbb222" class="block">'
                '<time datetime="2024-03-01T10:45:00Z">10.45 GMT</time><p>Text of bbb222.</p></article>')
    return page_of(json.dumps(posting(updates)), body=body)


def test_page_level_headline_and_date_copies_use_the_visible_page():
    entries = {e.id: e for e in jsonld.extract(_guardian_like(with_visible=True))}
    first = entries[f"{URL}#block-aaa111"]
    assert first.title == "Trees down in Leeds"
    assert first.published == datetime(2024, 3, 1, 9, 30, tzinfo=timezone.utc)
    assert first.time_text == "09.30 GMT"
    second = entries[f"{URL}#block-bbb222"]
    assert second.title == ""
    assert second.body == ("Text of bbb222.",)
    assert second.published == datetime(2024, 3, 1, 10, 45, tzinfo=timezone.utc)


def test_page_level_copies_without_visible_blocks_are_left_out():
    entries = jsonld.extract(_guardian_like(with_visible=False))
    assert len(entries) == 2
    for entry in entries:
        assert entry.title == ""
        assert entry.published is None
        assert entry.body[0].startswith("Text of")


def test_distinct_headlines_and_dates_are_kept():
    entries = jsonld.extract(page_of(json.dumps(posting([update(1), update(2)]))))
    assert {e.title for e in entries} == {"Update 1", "Update 2"}
    assert {e.published.hour for e in entries} == {1, 2}


def test_page_author_copied_into_every_update_is_dropped():
    author = {"@type": "Person", "name": "Desk Editor"}
    entries = jsonld.extract(page_of(json.dumps(posting(
        [update(1, author=author), update(2, author=author)], author=author))))
    assert all(e.author == "" for e in entries)
    entries = jsonld.extract(page_of(json.dumps(posting(
        [update(1, author={"name": "Ann"}), update(2, author={"name": "Bob"})], author=author))))
    assert sorted(e.author for e in entries) == ["Ann", "Bob"]


def test_coverage_end():
    page = page_of(json.dumps(posting([update(1)], coverageEndTime="2024-03-01T18:00:00+01:00")))
    assert jsonld.coverage_end(page) == datetime(2024, 3, 1, 17, 0, tzinfo=timezone.utc)
    assert jsonld.coverage_end(page_of(json.dumps(posting([update(1)])))) is None
    assert jsonld.coverage_end(page_of("{broken")) is None


def test_hostile_text_is_sanitized():
    entries = jsonld.extract(page_of(json.dumps(posting([
        update(1, headline="Evil\x1b]0;pwned\x07 title", articleBody="Body\x1b[31m red"), update(2)]))))
    first = next(e for e in entries if e.title.startswith("Evil"))
    assert "\x1b" not in first.title and "\x1b" not in first.body_text
