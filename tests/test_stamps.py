"""The generic fallback: unfamiliar pages whose updates are blocks that start with a stamp."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from feedtui.extract import NotLiveError, extract_html, stamps
from feedtui.extract.base import Page

UTC = timezone.utc
NOW = datetime(2022, 3, 14, 12, 0, tzinfo=UTC)
URL = "https://news.example/live/quake"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def run(html: str, now: datetime = NOW):
    return stamps.extract(Page(url=URL, source="example", html=html, now=now))


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head><title>Live</title>{head}</head><body>{body}</body></html>"


DIV_PER_ENTRY = page("""
<header><nav><a href="/">Home</a></nav></header>
<h1>Quake live</h1><p class="note">All times in GMT</p>
<div class="stream">
  <div class="item" id="post-3">
    <span class="ts">11:30</span><h3>Third headline</h3><h3>Third headline</h3>
    <p>Body three.</p>
    <figure><img src="/a.jpg" alt="Rubble"><figcaption>Rescuers at work</figcaption></figure>
  </div>
  <div class="item" id="post-2">
    <span class="ts">10:05</span><h3>Second headline</h3><p>Body two.</p>
    <p>Read more</p>
    <aside class="read-also"><a href="/story/9"><img src="/t.jpg"><h4>Older story title</h4></a></aside>
  </div>
  <div class="item" id="post-1">
    <span class="ts">08:15 GMT 14.03.2022</span><h3>First headline</h3><p>Body one.</p>
  </div>
</div>
<footer>Follow our live feed</footer>
""")


def test_div_per_entry():
    entries = run(DIV_PER_ENTRY)
    assert [e.title for e in entries] == ["Third headline", "Second headline", "First headline"]
    third, second, first = entries
    assert third.id == URL + "#post-3" and third.url == URL + "#post-3"
    assert third.body == ("Body three.",)  # the headline printed twice appears once
    assert [(m.kind, m.caption, m.url) for m in third.media] == [
        ("image", "Rescuers at work", "https://news.example/a.jpg")]
    assert second.body == ("Body two.",)  # "Read more" is furniture
    assert [(m.kind, m.title) for m in second.media] == [("card", "Older story title")]
    assert first.time_text == "08:15 GMT 14.03.2022"
    assert [e.published for e in entries] == [utc(2022, 3, 14, 11, 30), utc(2022, 3, 14, 10, 5),
                                              utc(2022, 3, 14, 8, 15)]
    assert all(e.published.tzinfo is UTC for e in entries)


def test_flat_layout_runs_until_the_next_stamp():
    html = page("""
    <article><h1>Storm live</h1><p>Times are ET</p>
      <p><strong>5:07 pm</strong></p><h3>Title A</h3><p>Para A1.</p><p>Para A2.</p>
      <p><strong>4:50 pm</strong> Title B inline</p><p>Para B.</p>
      <p><strong>4:10 pm</strong></p><p>Body only C.</p>
    </article>""")
    entries = run(html, now=utc(2022, 3, 14, 22, 0))
    assert [(e.title, e.body) for e in entries] == [
        ("Title A", ("Para A1.", "Para A2.")),
        ("Title B inline", ("Para B.",)),
        ("", ("Body only C.",)),
    ]
    # ET is daylight time (UTC-4) on 14 March 2022
    assert [e.published for e in entries] == [utc(2022, 3, 14, 21, 7), utc(2022, 3, 14, 20, 50),
                                              utc(2022, 3, 14, 20, 10)]
    assert entries[0].time_text == "5:07 pm"
    assert all(e.id.startswith("h:") for e in entries) and len({e.id for e in entries}) == 3


def test_flat_text_with_line_breaks():
    html = page("""<div class="ticker">
      17:40 Ministers meet<br>They met at noon.<br><br>
      17:10 Bridge closed<br>Police closed the bridge.
    </div>""")
    entries = run(html)
    assert [(e.title, e.body) for e in entries] == [
        ("Ministers meet", ("They met at noon.",)), ("Bridge closed", ("Police closed the bridge.",))]
    assert entries[0].published == utc(2022, 3, 13, 17, 40)  # 17:40 today is still to come


def test_table_layout():
    html = page("""<table class="updates"><tbody>
      <tr><td>11:37</td><td><b>Table title one</b> table body one</td></tr>
      <tr><td>11.05</td><td><b>Table title two</b> table body two</td></tr>
      <tr><td>10h45</td><td><b>Table title three</b> table body three</td></tr>
    </tbody></table>""")
    entries = run(html)
    assert [(e.title, e.body, e.time_text) for e in entries] == [
        ("Table title one", ("table body one",), "11:37"),
        ("Table title two", ("table body two",), "11.05"),
        ("Table title three", ("table body three",), "10h45"),
    ]
    assert entries[2].published == utc(2022, 3, 14, 10, 45)


def test_indian_style_glued_headlines():
    html = page("""<div class="live-wrap">
      <h2>21:05(IST)Rescue teams reach the collapsed building</h2><p>Teams arrived with dogs.</p>
      <h2>20:40(IST)Death toll rises to 12</h2><p>Officials said.</p>
      <h2>20:02(IST)Quake of magnitude 6.1 hits</h2><p>Tremors were felt widely.</p>
    </div>""")
    entries = run(html, now=utc(2022, 3, 14, 16, 0))  # 21:30 in India
    assert [e.title for e in entries] == [
        "Rescue teams reach the collapsed building", "Death toll rises to 12", "Quake of magnitude 6.1 hits"]
    assert entries[0].time_text == "21:05(IST)"
    assert entries[0].body == ("Teams arrived with dogs.",)
    assert entries[0].published == utc(2022, 3, 14, 15, 35)


def test_day_headings_date_the_times_below_them_newest_first_across_midnight():
    html = page("""<section class="feed">
      <h2>Monday 14 March 2022</h2>
      <div class="e"><p>00:45</p><h4>A</h4><p>a</p></div>
      <div class="e"><p>00:10</p><h4>B</h4><p>b</p></div>
      <div class="e"><p>23:50</p><h4>C</h4><p>c</p></div>
      <h2>Saturday 12 March 2022</h2>
      <div class="e"><p>08:00</p><h4>D</h4><p>d</p></div>
    </section>""")
    entries = run(html)
    assert [(e.title, e.published) for e in entries] == [
        ("A", utc(2022, 3, 14, 0, 45)), ("B", utc(2022, 3, 14, 0, 10)),
        ("C", utc(2022, 3, 13, 23, 50)), ("D", utc(2022, 3, 12, 8, 0))]


def test_oldest_first_across_midnight_without_headings():
    html = page("""<ol class="timeline">
      <li><em>23:20</em> First</li>
      <li><em>23:50</em> Second</li>
      <li><em>00:10</em> Third</li>
      <li><em>00:45</em> Fourth</li>
    </ol>""")
    entries = run(html, now=utc(2022, 3, 14, 1, 0))
    by_title = {e.title: e.published for e in entries}
    assert by_title == {
        "First": utc(2022, 3, 13, 23, 20), "Second": utc(2022, 3, 13, 23, 50),
        "Third": utc(2022, 3, 14, 0, 10), "Fourth": utc(2022, 3, 14, 0, 45)}


def test_one_list_per_day_with_headings_outside_the_lists():
    html = page("""<main>
      <h3>March 14, 2022</h3>
      <ul class="day"><li><span>09:00</span> <b>Late news</b></li><li><span>01:00</span> <b>Early news</b></li></ul>
      <h3>March 13, 2022</h3>
      <ul class="day"><li><span>22:00</span> <b>Evening news</b></li><li><span>18:00</span> <b>Afternoon</b></li></ul>
    </main>""")
    entries = run(html)
    assert [(e.title, e.published) for e in entries] == [
        ("Late news", utc(2022, 3, 14, 9, 0)), ("Early news", utc(2022, 3, 14, 1, 0)),
        ("Evening news", utc(2022, 3, 13, 22, 0)), ("Afternoon", utc(2022, 3, 13, 18, 0))]


def test_relative_stamps_and_stable_ids():
    html = page("""<ul class="x">
      <li><span>5 min ago</span><h3>Fresh</h3><p>f</p></li>
      <li><span>2 hours ago</span><h3>Older</h3><p>o</p></li>
      <li><span>yesterday 22:10</span><h3>Oldest</h3><p>z</p></li>
    </ul>""")
    entries = run(html)
    assert [(e.title, e.published, e.time_text) for e in entries] == [
        ("Fresh", utc(2022, 3, 14, 11, 55), "5 min ago"),
        ("Older", utc(2022, 3, 14, 10, 0), "2 hours ago"),
        ("Oldest", utc(2022, 3, 13, 22, 10), "yesterday 22:10")]
    later = run(html.replace("5 min ago", "6 min ago"), now=utc(2022, 3, 14, 12, 1))
    assert later[0].id == entries[0].id  # "5 min ago" becoming "6 min ago" is the same entry


def test_time_attributes_and_epochs():
    html = page("""<div class="feed">
      <div class="u" data-timestamp="1647255600"><h3>Epoch seconds</h3><p>one</p></div>
      <div class="u" data-timestamp="1647252000000"><h3>Epoch millis</h3><p>two</p></div>
      <div class="u"><time datetime="2022-03-14T09:30:00+01:00">9:30</time><h3>Iso attr</h3><p>three</p></div>
    </div>""")
    entries = run(html)
    assert [(e.title, e.published) for e in entries] == [
        ("Epoch seconds", utc(2022, 3, 14, 11, 0)), ("Epoch millis", utc(2022, 3, 14, 10, 0)),
        ("Iso attr", utc(2022, 3, 14, 8, 30))]
    assert entries[2].time_text == "9:30"


def test_iso_rfc_and_long_dates_printed():
    html = page("""<div class="log">
      <p class="entry">2022-03-14T11:00:00Z Iso printed</p>
      <p class="entry">Mon, 14 Mar 2022 10:00:00 GMT RFC printed</p>
      <p class="entry">14 March 2022 09:00 Long date printed</p>
    </div>""")
    entries = run(html)
    assert [(e.title, e.published) for e in entries] == [
        ("Iso printed", utc(2022, 3, 14, 11)), ("RFC printed", utc(2022, 3, 14, 10)),
        ("Long date printed", utc(2022, 3, 14, 9))]


def test_labels_before_the_stamp_and_key_events():
    html = page("""<div class="blog">
      <div class="post"><span class="tag">Key event</span> <span>11:00</span><h3>Big one</h3><p>x</p></div>
      <div class="post pinned"><span>10:00</span><h3>Pinned one</h3><p>y</p></div>
      <div class="post"><span>09:00</span><h3>Plain one</h3><p>z</p></div>
    </div>""")
    entries = run(html)
    assert [(e.title, e.key_event, e.pinned) for e in entries] == [
        ("Big one", True, False), ("Pinned one", False, True), ("Plain one", False, False)]


def test_hostile_title_is_sanitized():
    html = page("""<div class="f">
      <div><b>11:00</b><h3>\x1b]0;pwned\x07Evil \x1b[31mred\x1b[0m title\u202e</h3><p>ok \x1b[2J body</p></div>
      <div><b>10:00</b><h3>Fine title</h3><p>fine</p></div>
    </div>""")
    entries = run(html)
    assert entries[0].title == "Evil red title"
    assert entries[0].body == ("ok body",)
    assert all("\x1b" not in e.title + "".join(e.body) for e in entries)


def test_furniture_blocks_are_not_entries():
    html = page("""<div class="f">
      <p><strong>11:00</strong> Quake hits the coast</p><p>Details follow.</p>
      <p><strong>10:50</strong> Follow our live feed</p>
      <p><strong>10:40</strong> Sign in</p>
      <p><strong>10:30</strong> First reports</p><p>Shaking felt.</p>
    </div>""")
    entries = run(html)
    assert [e.title for e in entries] == ["Quake hits the coast", "First reports"]


def test_ordinary_article_with_one_dateline_is_not_live():
    html = page("""<article><h1>Minister resigns</h1><p class="dateline">08:15 GMT 14.03.2022</p>
      <p>The minister resigned on Monday.</p><p>10:30 is when the statement came out.</p>
      <p>At 11:00 reporters gathered.</p></article>""")
    assert run(html) == []
    with pytest.raises(NotLiveError):
        extract_html(html, URL, now=NOW)


def test_liveblog_in_css_and_js_only_is_not_live():
    html = page(
        """<article class="story"><h1>Budget explained</h1><p>The budget was published today.</p>
        <p>It contains 12.50 per cent more spending.</p></article>
        <script>var liveblog = {updates: []}; // 08:15 GMT 14.03.2022
        "17:37 fake"; "17:38 fake"</script>""",
        head="<style>.liveblog-entry{color:red} /* 08:15 */</style>"
        "<script>window.liveblog=true;</script>",
    )
    assert run(html) == []


FLAT_NO_IDS = page("""<div class="body-copy"><p>All times IST</p>
  <p><b>21:05</b> Rescue teams reach the site</p><p>Teams arrived with dogs.</p>
  <p><b>20:40</b> Death toll rises</p><p>Officials said.</p>
</div>""")


def test_end_to_end_through_extract_html():
    result = extract_html(FLAT_NO_IDS, URL, source="quake", now=NOW)
    assert result.kind == "live" and result.strategy == "stamps"
    assert [e.title for e in result.entries] == ["Rescue teams reach the site", "Death toll rises"]
    assert result.entries[0].source == "quake"
    assert result.entries[0].body == ("Teams arrived with dogs.",)
    # 21:05 IST is 15:35 UTC, still to come at 12:00 UTC on the 14th: the 13th's
    assert result.entries[0].to_json()["published"] == "2022-03-13T15:35:00Z"
    assert result.entries[0].to_json()["time_text"] == "21:05"
    assert extract_html(DIV_PER_ENTRY, URL, now=NOW).entries[0].title == "Third headline"


def test_deep_nesting_does_not_overflow():
    deep = "<div>" * 5000 + "x" + "</div>" * 5000
    html = page(f"""<div class="f">
      <div><b>11:00</b><h3>One</h3>{deep}</div>
      <div><b>10:00</b><h3>Two</h3><p>b</p></div></div>""")
    entries = run(html)
    assert [e.title for e in entries] == ["One", "Two"]


def test_byline_and_label_lines_between_stamp_and_headline():
    html = page("""<div class="stream">
      <div class="ev"><div class="info"><time>21:01</time><mark>Jane Roe</mark></div>
        <div class="content"><h3>Council update</h3><p>Services change.</p></div></div>
      <div class="ev"><div class="info"><time>20:36</time><mark>KEY EVENT</mark></div>
        <div class="content"><h3>Hospital closes wards</h3><p>Visits stop.</p></div></div>
    </div>""")
    entries = run(html, now=utc(2022, 3, 14, 22, 0))
    assert [(e.title, e.author, e.key_event, e.body) for e in entries] == [
        ("Council update", "Jane Roe", False, ("Services change.",)),
        ("Hospital closes wards", "", True, ("Visits stop.",)),
    ]
