"""The query language: every construct, every error, round trips, in-memory matching,
and a property test that random input only ever raises QueryError."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedtui.extract.base import make_entry
from feedtui.query import (And, Flag, Not, Or, Phrase, QueryError, Since, Source, Until, Word,
                           filter_entries, matches, parse)

NOW = datetime(2022, 3, 14, 12, 0, tzinfo=timezone.utc)


def entry(title, body=(), minutes_ago=0, **kw):
    return make_entry(source=kw.pop("source", "https://news.example/live"), title=title, body=body,
                      published=NOW - timedelta(minutes=minutes_ago), **kw).with_(**kw.pop("state", {}))


def test_constructs_parse_to_the_expected_tree():
    assert parse("Flood", NOW) == Word("flood")
    assert parse('"Dam Breach"', NOW) == Phrase("dam breach")
    assert parse("a b", NOW) == And((Word("a"), Word("b")))
    assert parse("a OR b c", NOW) == And((Or((Word("a"), Word("b"))), Word("c")))
    assert parse("a OR b OR c", NOW) == Or((Word("a"), Word("b"), Word("c")))
    assert parse("-is:read", NOW) == Not(Flag("read"))
    assert parse("source:BBC", NOW) == Source("bbc")
    assert parse("since:30m", NOW) == Since(NOW - timedelta(minutes=30), "30m")
    assert parse("until:2h", NOW) == Until(NOW - timedelta(hours=2), "2h")
    assert parse("since:3d", NOW).moment == NOW - timedelta(days=3)
    assert parse("since:2020-10-01", NOW).moment.year == 2020
    assert parse("Šefčovič", NOW) == Word("sefcovic")
    assert parse("   ", NOW) is None
    assert parse("Update:", NOW) == Word("update")
    assert parse("COVID-19", NOW) == Phrase("covid 19")


@pytest.mark.parametrize("text, message, column", [
    ('"open', "unterminated quote", 1),
    ("a OR", "'OR' needs a term on its right", 3),
    ("OR a", "'OR' needs a term on its left", 1),
    ("a OR OR b", "'OR' needs a term on its left", 6),
    ("nope:x", "unknown field 'nope:'", 1),
    ("is:nope", "unknown 'is:nope'", 1),
    ("since:yesterday", "'since:yesterday' is not a time", 1),
    ("until:2020-13-01", "'until:2020-13-01' is not a time", 1),
    ("a - b", "'-' must be followed by a term", 3),
    ("actor:", "'actor:' needs a value", 1),
    ("x source: y", "'source:' needs a value", 3),
    ('""', "empty quotes", 1),
    ("...", "has no letters or digits", 1),
])
def test_errors_say_what_and_where(text, message, column):
    with pytest.raises(QueryError) as info:
        parse(text, NOW)
    assert message in str(info.value)
    assert info.value.position == column - 1
    assert f"(at column {column})" in str(info.value)


@pytest.mark.parametrize("text", [
    "flood", '"dam breach" -rumour', "a OR b c", 'actor:"Olaf Scholz" is:unread',
    "source:bbc since:30m until:2020-10-01", "-actor:kyiv OR is:starred", "is:key is:pinned",
])
def test_round_trip(text):
    tree = parse(text, NOW)
    assert parse(str(tree), NOW) == tree


def test_matching_words_phrases_and_diacritics():
    entries = [
        entry("Šefčovič meets negotiators", ["Talks continue in Brussels."]),
        entry("Dam breach near Tønder", ["Water flows into farmland."]),
        entry("Ferries resume", ["The dam held overnight."],
              media=[]),
    ]
    def titles(q):
        return [e.title for e in filter_entries(parse(q, NOW), entries)]
    assert titles("sefcovic") == ["Šefčovič meets negotiators"]
    assert titles("tonder") == ["Dam breach near Tønder"]
    assert titles("negot") == ["Šefčovič meets negotiators"]  # prefix
    assert titles("dam") == ["Dam breach near Tønder", "Ferries resume"]
    assert titles('"dam breach"') == ["Dam breach near Tønder"]
    assert titles('"breach dam"') == []
    assert titles("dam -ferries") == ["Dam breach near Tønder"]
    assert titles("ferries OR brussels") == ["Šefčovič meets negotiators", "Ferries resume"]
    assert titles("am") == []  # words start with the term, no infix matches


def test_captions_and_card_titles_are_searchable():
    from feedtui.models import Media
    e = entry("Photo", media=[Media(kind="image", caption="Sandbags at the harbour")])
    assert matches(parse("sandbag", NOW), e)


def test_flags_times_and_sources():
    fresh = entry("fresh", minutes_ago=10, key_event=True)
    old = entry("old", minutes_ago=600, source="https://wire.example/rss").with_(read=True, starred=True, edited=True)
    assert matches(parse("is:unread", NOW), fresh) and not matches(parse("is:unread", NOW), old)
    assert matches(parse("is:read is:starred is:edited", NOW), old)
    assert matches(parse("is:key", NOW), fresh) and not matches(parse("is:key", NOW), old)
    assert matches(parse("since:30m", NOW), fresh) and not matches(parse("since:30m", NOW), old)
    assert matches(parse("until:2h", NOW), old) and not matches(parse("until:2h", NOW), fresh)
    assert matches(parse("source:wire", NOW), old) and not matches(parse("source:wire", NOW), fresh)
    assert matches(None, old)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab "-:OR()is:actor:since:until:source:5m2020-10-01 \tŠ')), max_size=40))
def test_random_queries_only_raise_query_error(text):
    try:
        tree = parse(text, NOW)
    except QueryError:
        return
    if tree is not None:
        assert parse(str(tree), NOW) == tree
        matches(tree, entry("x"))  if "actor" not in str(tree) else None
