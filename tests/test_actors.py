"""Actor extraction, canonical names, groups and `actor:` matching (src/feedtui/actors.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from feedtui.actors import (
    ActorIndex,
    actor_groups,
    actor_keys,
    actor_matches,
    extract_actors,
    fold,
    query_key,
    split_canonical,
)
from feedtui.gazetteer import COUNTRIES
from feedtui.models import Entry

FIXTURE = Path(__file__).parent / "fixtures" / "actors_liveblog.py"


def entry(title: str = "", *body: str, n: int = 0) -> Entry:
    return Entry(id=f"e{n}-{title[:20]}", source="test", title=title, body=tuple(body))


def actors_of(*entries: Entry, **config) -> list[tuple[str, ...]]:
    return [e.actors for e in extract_actors(list(entries), **config)]


def one(title: str = "", *body: str, **config) -> tuple[str, ...]:
    return actors_of(entry(title, *body), **config)[0]


# ----------------------------------------------------------------------------- normalizing

def test_fold_strips_case_and_diacritics():
    assert fold("Šefčovič") == "sefcovic"
    assert fold("  ÉLYSÉE ") == "elysee"
    assert fold("Kjærgaard") == "kjaergaard"
    assert fold("Łódź") == "lodz"
    assert fold("Straße") == "strasse"


def test_gazetteer_covers_un_members():
    names = {c.name for c in COUNTRIES}
    assert len(COUNTRIES) >= 193 + 2
    for must in ("Ukraine", "United States", "United Kingdom", "Tuvalu", "Côte d'Ivoire", "Eswatini",
                 "North Macedonia", "Holy See", "Palestine"):
        assert must in names
    assert all(c.demonyms or c.name in ("Democratic Republic of the Congo", "Republic of the Congo")
               for c in COUNTRIES)


def test_split_canonical():
    assert split_canonical("Defence Ministry (Ukraine)") == ("Defence Ministry", "", ("Ukraine",))
    assert split_canonical("World Health Organization (WHO)") == ("World Health Organization", "WHO", ())
    assert split_canonical("Kremlin") == ("Kremlin", "", ())


# ----------------------------------------------------------------------------- headline patterns

def test_headline_subject_before_reporting_verb():
    assert one("Kyiv Claims Gains Near Bakhmut") == ("Ukraine",)
    assert one("Polish Foreign Ministry Summons Russian Ambassador") == ("Foreign Ministry (Poland)",)
    assert one("Danish Defence Ministry deploys soldiers to shore up dykes") == ("Defence Ministry (Denmark)",)
    assert one("Copenhagen Urges Residents To Stay Indoors") == ("Denmark",)


def test_headline_subject_surname_resolved_from_batch():
    got = actors_of(entry("Scholz Urges Calm", n=1),
                    entry("Talks in Berlin", "German Chancellor Olaf Scholz met the premiers.", n=2))
    assert got[0] == ("Olaf Scholz (Germany)",)


def test_headline_trailing_attribution():
    assert one("Hospitals near capacity, Health Ministry Says") == ("Health Ministry",)
    assert one("Grain exports resume, Ukraine Says") == ("Ukraine",)
    assert one("'We must act now' - UN Secretary-General") == ("Secretary-General (United Nations)",)
    assert one("Troops will stay, says Kremlin") == ("Kremlin",)


def test_headline_leading_speaker():
    assert one("Verbeek: 'The dykes are holding'", "“The dykes are holding,” Prime Minister Anouk Verbeek said.") \
        == ("Anouk Verbeek",)
    # a topic before a colon is not a speaker
    assert one("Ukraine war: what we know on day 300") == ()


def test_headline_passive_participle_is_not_a_verb():
    assert one("Beaches closed in Karlskrona") == ()
    assert one("Trains cancelled across Schleswig-Holstein") == ()


# ----------------------------------------------------------------------------- body patterns

def test_body_quote_then_name_said():
    assert one("Madrid", "“We will not give in,” Sánchez said.") == ("Sánchez",)


def test_body_said_name():
    assert one("Talks", "“The deal is off,” said Defence Minister Ivan Petrenko.") == ("Ivan Petrenko",)


def test_body_according_to():
    assert one("Cases", "Cases rose by 12%, according to the Health Ministry.") == ("Health Ministry",)
    assert one("Cases", "According to figures from the Health Ministry, cases rose.") == ("Health Ministry",)


def test_body_told_reporters():
    assert one("x", "Interior Minister Katrin Albers told reporters the teams would stay.") == ("Katrin Albers",)


def test_body_appositives():
    assert one("x", "Lin Wei, a spokesperson for the Chinese foreign ministry, said talks would continue.") \
        == ("Lin Wei (China)",)
    assert one("x", "The German chancellor, Olaf Scholz, said the plan was sound.") == ("Olaf Scholz (Germany)",)


def test_body_list_of_subjects_but_not_objects():
    assert one("x", "Norway, Denmark and Germany have sent ships to help.") == ("Norway", "Denmark", "Germany")
    assert one("x", "Ministers from Norway, Sweden and Iceland agreed on a fund.") == ()


def test_reported_clause_subject_is_not_an_actor():
    assert one("x", "A Downing Street spokesperson said Britain had offered two aircraft.") == ("Downing Street",)


def test_dateline_is_not_an_actor():
    assert one("x", "KYIV (Reuters) - Shelling continued overnight, the Ukrainian defence ministry said.") \
        == ("Defence Ministry (Ukraine)",)
    assert one("x", "Karlskrona, Sweden (AP) — The city council said the beaches would stay shut.") == ()
    got = one("x", "BERLIN (dpa) - Berlin dispatched 600 relief workers, the interior ministry said.")
    assert "Germany" in got and not any("dpa" in a.lower() or "Berlin" == a for a in got)


# ----------------------------------------------------------------------------- canonicalization

def test_full_name_title_and_surname_merge():
    got = actors_of(
        entry("Scholz Urges Calm", n=1),
        entry("x", "German Chancellor Olaf Scholz said Germany would help.", n=2),
        entry("x", "German Chancellor Scholz told reporters he was hopeful.", n=3),
        entry("x", "“We are ready,” Scholz said.", n=4),
    )
    assert got == [("Olaf Scholz (Germany)",)] * 4
    assert actor_matches("scholz", got[0]) and actor_matches("Olaf Scholz", got[0])


def test_diacritics_merge():
    got = actors_of(entry("Šefčovič warns of tariffs", n=1), entry("Sefcovic Says Talks Continue", n=2))
    assert got[0] == got[1] == ("Šefčovič",)
    assert actor_matches("sefcovic", got[0]) and actor_matches("ŠEFČOVIČ", got[0])


def test_spelling_variants_merge():
    got = actors_of(entry("Polish Defense Ministry offers divers", n=1),
                    entry("x", "Poland's Ministry of Defence said a team was ready.", n=2))
    assert got[0] == got[1] == ("Defense Ministry (Poland)",)
    for q in ("Defence Ministry", "defense ministry", "Polish Defence Ministry", "Poland's Ministry of Defence",
              "Defence Ministry (Poland)"):
        assert actor_matches(q, got[0]), q
    got = actors_of(entry("x", "The International Maritime Organization (IMO) said it would investigate.", n=1),
                    entry("International Maritime Organisation names investigator", n=2))
    assert got[0] == got[1] == ("International Maritime Organization (IMO)",)
    assert actor_matches("International Maritime Organisation", got[0]) and actor_matches("imo", got[1])


def test_acronyms_defined_in_text():
    got = actors_of(
        entry("x", "The Federal Agency for Technical Relief (THW) sent 600 volunteers.", n=1),
        entry("THW says pumps are running", n=2),
    )
    assert got == [("Federal Agency for Technical Relief (THW)",)] * 2
    assert actor_matches("THW", got[1])
    assert one("x", "According to the World Health Organization (WHO), cases rose.", "WHO told reporters.") \
        == ("World Health Organization (WHO)",)
    assert one("x", "The Red Cross ICRC said it had access to the prisoners.") \
        == ("International Committee of the Red Cross (ICRC)",)


def test_metonyms_stand_for_their_government():
    assert one("Beijing Urges Restraint") == ("China",)
    assert one("x", "The White House said it was monitoring the situation.") == ("White House",)
    assert one("The Kremlin Says Talks Stalled") == ("Kremlin",)
    assert one("x", "The Élysée said the president would travel on Friday.") == ("Élysée",)
    assert actor_matches("Kyiv", ["Ukraine"]) and actor_matches("Washington", ["White House"])


def test_office_resolves_to_the_person_holding_it():
    got = actors_of(entry("x", "Danish Defence Minister Anders Kjærgaard said the navy was ready.", n=1),
                    entry("x", "Denmark's defence minister said the ships would stay.", n=2))
    assert got[1] == ("Anders Kjærgaard (Denmark)",)
    assert actor_matches("Kjaergaard", got[1])


def test_two_people_sharing_a_surname():
    base = [
        entry("Norwegian Environment Minister Lars Holm pledges help to Sweden", n=1),
        entry("Mayor Karin Holm orders beaches closed", n=2),
    ]
    ambiguous = entry("x", "Holm said the clean-up would take months.", n=3)
    same_entry = entry("x", "Environment Minister Lars Holm toured the coast. Holm said it would take months.", n=4)
    title_cue = entry("x", "Mayor Holm said the city would sue.", n=5)
    got = actors_of(*base, ambiguous, same_entry, title_cue)
    assert got[0] == ("Lars Holm (Norway)",)
    assert got[1] == ("Karin Holm",)
    assert got[2] == ("Holm",)                       # not merged blindly
    assert got[3] == ("Lars Holm (Norway)",)
    assert got[4] == ("Karin Holm",)
    assert actor_matches("Holm", got[2]) and not actor_matches("Lars Holm", got[2])
    assert not actor_matches("Karin Holm", got[0]) and not actor_matches("Lars Holm", got[1])
    # with only one Holm in the batch, the surname resolves
    only = actors_of(base[0], ambiguous)
    assert only[1] == ("Lars Holm (Norway)",)


def test_main_actor_first():
    got = one("Germany offers experts",
              "Berlin has offered 20 specialists, the German Environment Ministry said.")
    assert got == ("Germany", "Environment Ministry (Germany)")


# ----------------------------------------------------------------------------- groups

def test_actor_groups():
    assert actor_groups("Kyiv") == ("Ukraine",)
    assert actor_groups("Ukraine") == ("Ukraine",)
    assert actor_groups("Defence Ministry (Ukraine)") == ("Ukraine",)
    assert actor_groups("Kremlin") == ("Russia",)
    assert actor_groups("Arkady Sokolov (Kremlin)") == ("Kremlin", "Russia")
    assert actor_groups("Danish Meteorological Institute (DMI)") == ("Denmark",)
    assert actor_groups("Holm") == ()


def test_country_query_finds_its_institutions_capital_and_officials():
    got = actors_of(
        entry("Ukrainian Defence Ministry Reports Drone Attack", n=1),
        entry("Kyiv Claims Gains", n=2),
        entry("x", "Oleh Marchenko, a spokesperson for Ukraine's foreign ministry, said talks were off.", n=3),
        entry("Moscow Denies Strike", n=4),
    )
    hits = [actor_matches("Ukraine", a) for a in got]
    assert hits == [True, True, True, False]
    assert [actor_matches("ukraine", a) for a in got] == hits
    assert [actor_matches("Kyiv", a) for a in got] == hits


def test_spokesperson_in_country_only_when_text_says_so():
    said = actors_of(entry("x", "Chinese Foreign Ministry spokesperson Lin Wei told a briefing the ship was safe.", n=1))
    unsaid = actors_of(entry("x", "Spokesperson Lin Wei told a briefing the ship was safe.", n=1))
    assert actor_matches("China", said[0]) and actor_matches("Lin Wei", said[0])
    assert not actor_matches("China", unsaid[0]) and actor_matches("Lin Wei", unsaid[0])


def test_actor_keys_and_query_key():
    keys = actor_keys("Olaf Scholz (Germany)")
    assert {"olaf scholz", "scholz", "germany", "berlin"} <= keys
    keys = actor_keys("World Health Organization (WHO)")
    assert {"world health organization", "world health organisation", "who", "united nations"} <= keys
    assert query_key("Kyiv") == "ukraine" and "ukraine" in actor_keys("Defence Ministry (Ukraine)")
    assert query_key("the White House") == "white house"
    assert query_key("Poland's Ministry of Defence") in actor_keys("Defence Ministry (Poland)")
    # the SQL lookup (key = query_key(NAME)) and the in-memory match agree
    for q, actor in (("Ukraine", "Kyiv"), ("UK", "Downing Street"), ("sefcik", "Tomáš Šefčík (European Union)")):
        assert (query_key(q) in actor_keys(actor)) == actor_matches(q, [actor])


# ----------------------------------------------------------------------------- user configuration

def test_user_aliases_override():
    aliases = {"Olli": "Olaf Scholz (Germany)", "Georgia": "Georgia (United States)", "Greenpeace": ""}
    got = one("Olli Says No", **{"aliases": aliases})
    assert got == ("Olaf Scholz (Germany)",)
    got = one("Georgia Says Vote Count Is Final", aliases=aliases)
    assert got == ("Georgia (United States)",)
    assert actor_groups("Georgia (United States)", aliases=aliases) == ("United States",)
    assert one("Greenpeace Warns Of Spill", aliases=aliases) == ()
    assert actor_matches("Olli", ["Olaf Scholz (Germany)"], aliases=aliases)


def test_user_groups_extend_and_override():
    groups = {"Nordic Council": ["Norway", "Sweden"], "China": ["Taipei"], "Coalition": ["Lars Holm (Norway)"]}
    assert actor_groups("Norway", groups=groups) == ("Norway", "Nordic Council")
    assert actor_groups("Taipei", groups=groups) == ("China",)           # the user's country wins
    assert actor_groups("Lars Holm (Norway)", groups=groups) == ("Norway", "Coalition")
    assert actor_matches("Nordic Council", ["Sweden"], groups=groups)
    assert not actor_matches("Nordic Council", ["Sweden"])
    index = ActorIndex(groups=groups)
    assert index.matches("Coalition", ["Lars Holm (Norway)"])


# ----------------------------------------------------------------------------- junk

@pytest.mark.parametrize("text", [
    "Monday said nothing",
    "On Tuesday, officials said the road was closed.",
    "Witnesses said they heard two explosions.",
    "Residents said the smell was strong.",
    "The report said 40 people were hurt.",
    "Read more: Scholz says Germany will help",
    "Live updates",
    "Table of contents",
    "By Jonas Berg and Maja Nilsson",
    "(Reporting by Jonas Berg; Editing by Maja Nilsson)",
    "Photograph: Anders Lund/Reuters",
    "Updated at 14:05 GMT",
    "Reuters said the ship was sinking.",
    "Oil rose by 3%, according to Bloomberg.",
    "Experts in Berlin said the risk was low.",
    "Thanks for following our live coverage.",
])
def test_junk_never_becomes_an_actor(text):
    assert one("", text) == ()


@pytest.mark.parametrize("title", [
    "Live Updates", "Table of contents", "Read more", "Key events", "Wednesday, 16 October",
    "May 2024: a timeline", "Breaking: Hundreds Flee Floods", "Storm Elin - live updates",
])
def test_junk_headlines(title):
    assert one(title) == ()


# ----------------------------------------------------------------------------- the labelled set

def _load_fixture():
    spec = importlib.util.spec_from_file_location("actors_liveblog", FIXTURE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def labelled_scores(which: str = "all") -> dict:
    """Micro-averaged precision and recall of actor queries over the labelled liveblogs.

    Each liveblog is extracted as its own batch (one source). For every query name (each
    catalog actor, its aliases, and through them every group), the entries where
    actor_matches is true are compared with the entries whose labelled actors answer to it.
    """
    fx = _load_fixture()
    catalog = fx.CATALOG
    blogs = {"main": (fx.SOURCE, fx.UPDATES), "heldout": (fx.HELDOUT_SOURCE, fx.HELDOUT_UPDATES)}
    if which != "all":
        blogs = {which: blogs[which]}
    updates, got = [], []
    for source, items in blogs.values():
        entries = [Entry(id=f"u{i}", source=source, title=u["title"], body=tuple(u["body"]))
                   for i, u in enumerate(items)]
        updates.extend(items)
        got.extend(extract_actors(entries))

    def names(actor: str) -> set[str]:
        return {fold(actor), *(fold(a) for a in catalog[actor]["aliases"])}

    queries: set[str] = set()
    for actor, info in catalog.items():
        queries.add(actor)
        queries.update(info["aliases"])
    tp = fp = fn = 0
    per_query = {}
    for q in sorted(queries):
        fq = fold(q)
        expected = set()
        for i, u in enumerate(updates):
            for actor in u["actors"]:
                if fq in names(actor) or any(fq in names(g) for g in catalog[actor]["groups"]):
                    expected.add(i)
        predicted = {i for i, e in enumerate(got) if actor_matches(q, e.actors)}
        tp += len(expected & predicted)
        fp += len(predicted - expected)
        fn += len(expected - predicted)
        if predicted != expected:
            per_query[q] = (sorted(predicted - expected), sorted(expected - predicted))
    exact = sum(1 for u, e in zip(updates, got) if list(e.actors) == u["actors"])
    main = sum(1 for u, e in zip(updates, got) if (u["actors"][:1] == list(e.actors[:1])))
    return {
        "updates": len(updates), "queries": len(queries), "tp": tp, "fp": fp, "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
        "exact_entries": exact, "main_actor": main, "misses": per_query,
    }


def test_labelled_liveblog_is_well_formed():
    fx = _load_fixture()
    assert len(fx.UPDATES) >= 40
    for u in (*fx.UPDATES, *fx.HELDOUT_UPDATES):
        for actor in u["actors"]:
            assert actor in fx.CATALOG, actor
            for g in fx.CATALOG[actor]["groups"]:
                assert g in fx.CATALOG, g


def test_labelled_liveblog_precision_and_recall():
    for which in ("main", "heldout", "all"):
        s = labelled_scores(which)
        print(f"\n[{which}] actor queries over {s['updates']} updates, {s['queries']} query names: "
              f"precision {s['precision']:.3f}, recall {s['recall']:.3f} "
              f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']}); entries exactly right {s['exact_entries']}"
              f"/{s['updates']}, main actor right {s['main_actor']}/{s['updates']}")
        for q, (extra, missing) in s["misses"].items():
            print(f"  {q!r}: extra entries {extra}, missing entries {missing}")
    assert s["precision"] >= 0.95
    assert s["recall"] >= 0.95


def test_unnamed_spokesperson_speaks_for_the_country_or_agency():
    assert one("x", "Japan's top government spokesman said Tokyo would lodge a protest.") == ("Japan",)
    assert one("x", "According to the UN refugee agency, 12,000 people crossed on Sunday.") \
        == ("UN Refugee Agency (UNHCR)",)
    assert one("x", "A Kremlin spokesman said the talks were over.") == ("Kremlin",)


def test_known_limits():
    """Left alone on purpose (precision first): a lone unknown word opening a sentence is
    only an actor when the batch uses it elsewhere, so "Rescuers said" stays out, and so
    does "Hamas said" in a batch that names Hamas nowhere else."""
    assert one("x", "Rescuers said the water was rising.") == ()
    assert one("x", "Hamas said the proposal was unacceptable.") == ()
    got = actors_of(entry("x", "Hamas said the proposal was unacceptable.", n=1),
                    entry("x", "“We reject it,” Hamas said in a statement.", n=2))
    assert got == [("Hamas",), ("Hamas",)]
