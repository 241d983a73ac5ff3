"""The query language compiled to SQL finds exactly what the in-memory matcher finds,
on a real store, for every construct and for random queries; actor counts per view."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedtui.actors import extract_actors
from feedtui.extract.base import make_entry
from feedtui.models import Media
from feedtui.query import Subject, matches, parse
from feedtui.query_sql import compile_query
from feedtui.store import Store

NOW = datetime(2022, 3, 14, 12, 0, tzinfo=timezone.utc)
UPDATES = [
    ("Olaf Scholz Urges Calm After Dam Breach", ["Water reached Tønder overnight."], 5),
    ("Kyiv Claims Advance Near Kherson", ["\u201cWe moved forward,\u201d the Ukrainian Defence Ministry said."], 40),
    ("Flooding Closes Schools, Health Ministry Says", ["Šefčovič will visit on Monday."], 90),
    ("Sandbags arrive", ["Volunteers filled 2,000 bags."], 200),
    ("World Health Organization (WHO) warns of cholera", ["The WHO said clean water was the priority."], 400),
    ("Scholz meets Šefčovič in Brussels", ["Talks on reconstruction funds, according to the European Commission."], 700),
    ("Ferries resume", ["Photo"], 1500),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("q") / "q.db"
    st = Store.open(path)
    wire = st.add_source("https://wire.example/rss", name="Wire")
    live = st.add_source("https://news.example/live", name="Flood live")
    entries = [
        make_entry(source="Flood live", id=f"e{i}", title=title, body=body,
                   published=NOW - timedelta(minutes=minutes),
                   media=[Media(kind="image", caption="Sandbag wall at the harbour")] if i == 6 else [])
        for i, (title, body, minutes) in enumerate(UPDATES)
    ]
    entries = extract_actors(entries)
    st.ingest(live, entries[:5])
    st.ingest(wire, entries[5:])
    st.mark_read(["e1", "e4"])
    st.set_starred("e2", True)
    yield st
    st.close()


def both(store, text):
    tree = parse(text, NOW)
    where, params = compile_query(tree)
    in_sql = {e.id for e in store.entries(where_sql=where or None, params=params)}
    names = {s.id: s for s in store.sources()}
    in_memory = set()
    for sid, source in names.items():
        for e in store.entries(source=sid):
            if matches(tree, Subject(e, source.display_name, source.url)):
                in_memory.add(e.id)
    return in_sql, in_memory


@pytest.mark.parametrize("text, expected", [
    ("scholz", {"e0", "e5"}),
    ("sefcovic", {"e2", "e5"}),
    ("tonder", {"e0"}),
    ('"dam breach"', {"e0"}),
    ("sandbag", {"e3", "e6"}),  # title and caption
    ("actor:Scholz", {"e0", "e5"}),
    ("actor:Ukraine", {"e1"}),
    ("actor:WHO", {"e4"}),
    ('actor:"World Health Organization"', {"e4"}),
    ("source:wire", {"e5", "e6"}),
    ("is:read", {"e1", "e4"}),
    ("is:unread -source:wire", {"e0", "e2", "e3"}),
    ("is:starred", {"e2"}),
    ("since:1h", {"e0", "e1"}),
    ("until:2h", {"e3", "e4", "e5", "e6"}),
    ("ferries OR kherson", {"e1", "e6"}),
    ("-actor:Scholz since:1d", {"e1", "e2", "e3", "e4"}),
])
def test_constructs_agree_and_find_what_a_reader_expects(store, text, expected):
    in_sql, in_memory = both(store, text)
    assert in_sql == in_memory == expected


WORDS = ["scholz", "dam", "sefcovic", "actor:Scholz", "actor:Ukraine", "actor:Germany", "source:wire",
         "is:read", "is:unread", "is:starred", "is:edited", "since:1h", "until:3h", '"health ministry"',
         "water", "w", "actor:WHO", "-is:read", "-scholz"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4), st.lists(st.booleans(), min_size=4, max_size=4))
def test_random_queries_agree(store, terms, ors):
    text = terms[0]
    for term, use_or in zip(terms[1:], ors):
        text += (" OR " if use_or else " ") + term
    in_sql, in_memory = both(store, text)
    assert in_sql == in_memory, text


def test_actor_counts_follow_the_view(store):
    everything = dict(store.actor_counts())
    assert everything.get("Olaf Scholz (Germany)") == 2 or any("Scholz" in a and n == 2 for a, n in everything.items())
    where, params = compile_query(parse("source:wire", NOW))
    wire_only = dict(store.actor_counts(where_sql=where, params=params))
    assert sum(1 for a in wire_only if "Scholz" in a) == 1
    assert all(n <= everything[a] for a, n in wire_only.items())
