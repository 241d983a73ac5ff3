"""Merging strategies' entries: by id, then by time plus title; newest first."""

from datetime import datetime, timedelta, timezone

from feedtui.extract.base import make_entry
from feedtui.extract.merge import merge_entries, newest_first

T = datetime(2022, 3, 14, 8, 15, tzinfo=timezone.utc)


def entry(id, title, minutes=0, **kw):
    return make_entry(source="s", id=id, title=title, published=T + timedelta(minutes=minutes), **kw)


def test_same_id_merges_and_fills_missing_fields():
    first = [entry("a", "Title A", body=[])]
    second = [entry("a", "Title A", body=["Body A"], key_event=True)]
    merged = merge_entries([first, second])
    assert len(merged) == 1
    assert merged[0].body == ("Body A",)
    assert merged[0].key_event


def test_same_time_and_title_merge_across_id_schemes():
    merged = merge_entries([[entry("https://p#x", "Dyke breach reported", 0)],
                            [entry("dom-7", "Dyke breach reported", 1)]])
    assert [e.id for e in merged] == ["https://p#x"]


def test_different_times_with_same_title_stay_apart():
    merged = merge_entries([[entry("a", "Update", 0)], [entry("b", "Update", 60)]])
    assert len(merged) == 2


def test_newest_first_puts_undated_last():
    undated = make_entry(source="s", id="u", title="no time")
    ordered = newest_first([entry("a", "old", 0), undated, entry("b", "new", 5)])
    assert [e.id for e in ordered] == ["b", "a", "u"]


def test_a_body_filled_from_another_strategy_never_repeats_a_card():
    # Cork Beo: the markup shows a linked article card (media); JSON-LD's articleBody is the
    # same link as text. Filled in, it would print the card's title a second time as body.
    from feedtui.models import Media

    card = Media(kind="card", title="Coronavirus Ireland: One death and 432 new cases",
                 url="https://e.ie/story")
    markup = [entry("a", "In case you missed this earlier", media=[card])]
    jsonld = [entry("a", "In case you missed this earlier",
                    body=["Coronavirus Ireland: one death and 432 new cases "])]
    assert merge_entries([markup, jsonld])[0].body == ()
    # the other way round (the card arrives with a later strategy), and other paragraphs stay
    text_first = [entry("a", "In case you missed this earlier",
                        body=["Figures from the health service.", card.title])]
    merged = merge_entries([text_first, markup])[0]
    assert merged.body == ("Figures from the health service.",) and merged.media == (card,)
    # a paragraph that only mentions the card's title is body text
    longer = [entry("a", "Earlier", body=[f"Read how {card.title} was reported."])]
    assert merge_entries([markup, longer])[0].body == (f"Read how {card.title} was reported.",)
