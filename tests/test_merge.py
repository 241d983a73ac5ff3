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
