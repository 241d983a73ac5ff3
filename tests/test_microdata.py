"""Microdata liveBlogUpdate items."""

from __future__ import annotations

from datetime import datetime, timezone

from feedtui.extract import microdata
from feedtui.extract.base import Page

URL = "https://news.example/live/election"
NOW = datetime(2024, 7, 5, 12, 0, tzinfo=timezone.utc)


def page_of(body: str) -> Page:
    html = f"<html><head><title>Election live</title></head><body>{body}</body></html>"
    return Page(url=URL, source="test", html=html, now=NOW)


ITEMS = """
<div itemscope itemtype="https://schema.org/LiveBlogPosting">
  <h1 itemprop="headline">Election live</h1>
  <div itemprop="liveBlogUpdate" itemscope itemtype="https://schema.org/BlogPosting" id="u2">
    <meta itemprop="headline" content="Turnout at record high">
    <meta itemprop="datePublished" content="2024-07-05T09:30:00+01:00">
    <div itemprop="author" itemscope itemtype="https://schema.org/Person">
      <span itemprop="name">Jo Reporter</span></div>
    <h3>Turnout at record high</h3>
    <div itemprop="articleBody"><p>Turnout reached 72%.</p>
      <figure><img src="/t.jpg" alt="Queue"><figcaption>Voters queue in Leeds</figcaption></figure>
      <p>Follow our live coverage</p></div>
  </div>
  <div itemprop="liveBlogUpdate" itemscope itemtype="https://schema.org/BlogPosting" id="u1">
    <h3 itemprop="headline">Polls open</h3>
    <time itemprop="datePublished" datetime="2024-07-05T06:00:00Z">07:00 BST</time>
    <meta itemprop="articleBody" content="&lt;p&gt;Polling stations opened at 7am.&lt;/p&gt;">
  </div>
</div>
"""


def test_values_from_meta_time_and_text():
    entries = {e.id: e for e in microdata.extract(page_of(ITEMS))}
    assert set(entries) == {f"{URL}#u1", f"{URL}#u2"}
    turnout = entries[f"{URL}#u2"]
    assert turnout.title == "Turnout at record high"
    assert turnout.published == datetime(2024, 7, 5, 8, 30, tzinfo=timezone.utc)
    assert turnout.body == ("Turnout reached 72%.",)
    assert [m.caption for m in turnout.media if m.kind == "image"] == ["Voters queue in Leeds"]
    assert turnout.author == "Jo Reporter"
    polls = entries[f"{URL}#u1"]
    assert polls.title == "Polls open"
    assert polls.time_text == "07:00 BST"
    assert polls.published == datetime(2024, 7, 5, 6, 0, tzinfo=timezone.utc)
    assert polls.body == ("Polling stations opened at 7am.",)


def test_nested_person_name_is_not_the_headline():
    body = """
    <div itemprop="liveBlogUpdate" itemscope id="a">
      <div itemprop="author" itemscope><span itemprop="name">Writer One</span></div>
      <time itemprop="datePublished" datetime="2024-07-05T10:00:00Z">10:00</time>
      <p>Text A.</p></div>
    <div itemprop="liveBlogUpdate" itemscope id="b">
      <time itemprop="datePublished" datetime="2024-07-05T11:00:00Z">11:00</time>
      <p>Text B.</p></div>"""
    entries = {e.id: e for e in microdata.extract(page_of(body))}
    a = entries[f"{URL}#a"]
    assert a.title == ""
    assert a.author == "Writer One"
    assert a.body == ("Text A.",)
    assert entries[f"{URL}#b"].body == ("Text B.",)


def test_copied_headline_and_date_are_not_used():
    body = "".join(f"""
    <article itemprop="liveBlogUpdate" itemscope id="p{n}">
      <meta itemprop="headline" content="Election live">
      <meta itemprop="datePublished" content="2024-07-05T05:00:00Z">
      <h2>Real headline {n}</h2><time datetime="2024-07-05T0{n}:00:00Z">0{n}:00</time>
      <p>Body {n}.</p></article>""" for n in (6, 7))
    entries = {e.id: e for e in microdata.extract(page_of(body))}
    six = entries[f"{URL}#p6"]
    assert six.title == "Real headline 6"
    assert six.published == datetime(2024, 7, 5, 6, 0, tzinfo=timezone.utc)
    assert six.time_text == "06:00"
    assert six.body == ("Body 6.",)


def test_no_items_and_itemprop_without_itemscope():
    assert microdata.extract(page_of("<p>Nothing</p>")) == []
    assert microdata.extract(page_of('<div itemprop="liveBlogUpdate">no scope</div>')) == []


def test_same_item_twice_is_one_entry_and_furniture_items_are_dropped():
    item = """<div itemprop="liveBlogUpdate" itemscope id="x">
      <span itemprop="headline">Bridge reopens</span>
      <meta itemprop="datePublished" content="2024-07-05T10:00:00Z"><p>Traffic flows again.</p></div>"""
    furniture = """<div itemprop="liveBlogUpdate" itemscope id="f">
      <p>Sign in to comment</p><p>Share this</p></div>"""
    entries = microdata.extract(page_of(f'<div class="pinned">{item}</div>{item}{furniture}'))
    assert len(entries) == 1
    assert entries[0].title == "Bridge reopens"
    assert entries[0].body == ("Traffic flows again.",)
    assert entries[0].pinned
