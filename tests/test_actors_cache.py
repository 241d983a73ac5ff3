"""What a title or paragraph yields is cached by its text (ActorIndex._scan_title and
_scan_para), and the scans skip work where a cheap test shows a rule cannot apply. These
tests pin the output on texts that sit right at those shortcuts: each fails if a shortcut
drops a real actor or a cached paragraph answers for a context it does not know."""

from __future__ import annotations

import pytest

from feedtui import actors as A
from feedtui.actors import ActorIndex, extract_actors
from feedtui.models import Entry


def entry(title: str = "", *body: str, n: int = 0) -> Entry:
    return Entry(id=f"e{n}", source="test", title=title, body=tuple(body))


def one(title: str = "", *body: str) -> tuple[str, ...]:
    return extract_actors([entry(title, *body)])[0].actors


@pytest.mark.parametrize("title, body, actors", [
    # datelines (stripped only when _may_have_dateline): both forms, and the dash alone
    ("", "KYIV, March 14 (Reuters) - Ukraine's Defence Ministry said on Thursday it had shot "
         "down 20 drones.", ("Defence Ministry (Ukraine)",)),
    ("", "BRUSSELS — The European Commission said the talks would resume.", ("European Commission",)),
    ("", "Kyiv - Ukraine's Defence Ministry said the talks were over.", ("Defence Ministry (Ukraine)",)),
    # ... and stripped: a lone surname that opens a paragraph is too weak on its own (with
    # the dateline left in, "Macron" and "Greenland" would be read)
    ("", "PARIS — Macron said no.", ()),
    ("", "NUUK, Greenland (Reuters) - Greenland said no.", ()),
    # abbreviations with a dot (the _clean_abbrev guards)
    ("", "Gen. Anna Berg said the troops would stay. Dr. Lars Holm said.", ("Anna Berg", "Lars Holm")),
    ("", "U.S. officials said the ships had left.", ("United States",)),
    ("", "Dr. Anna Berg, a spokesperson for the World Health Organization (WHO), said the risk "
         "was low.", ("Anna Berg (World Health Organization)",)),
    # cues: a verb after a name, an inverted "said X", "according to", a plural subject
    ("", "The storm hit the coast, said Lars Holm, the mayor of Esbjerg.", ("Lars Holm",)),
    ("", "The German chancellor, Olaf Scholz, said Berlin would help.", ("Olaf Scholz (Germany)",)),
    ("", "Aid is on its way, according to the Danish Emergency Management Agency.",
     ("Emergency Management Agency (Denmark)",)),
    ("", "Latvia and Estonia pledge aid to Ukraine.", ("Latvia", "Estonia")),
    ("", "“We will not back down,” Sánchez said.", ("Sánchez",)),
    # a lowercase-led actor: no capital is needed
    ("", "The interior ministry said 40 people were evacuated.", ("Interior Ministry",)),
    # page furniture is never read
    ("", "Read more: Kremlin says talks failed", ()),
    # headlines: the subject's verb is read among the first ten tokens only
    ("After a night of floods in the north, Sweden warns of more", "", ("Sweden",)),
    ("After a long night of floods in the north, Sweden warns of more", "", ()),
    ("Scholz urges calm as storm hits", "", ("Scholz",)),
    ("Storm latest: Danish Defence Ministry deploys soldiers", "", ("Defence Ministry (Denmark)",)),
    ("Floods kill five, Health Ministry says", "", ("Health Ministry",)),
    ("Talks resume as border reopens - Kremlin", "", ("Kremlin",)),
    ('Verbeek: "We are ready"', "", ("Verbeek",)),
    # the refresh bench's items name nobody
    ("Minister talks as border ceasefire & council (0-1)",
     "Minister talks border ceasefire council vote markets storm officials said on Thu, 14 Mar "
     "2024, according to officials.", ()),
])
def test_tricky_texts(title, body, actors):
    body = (body,) if body else ()
    assert one(title, *body) == actors
    # the same text again, from the caches of one index, and in a batch with others
    index = ActorIndex()
    first = index.extract([entry(title, *body)])[0].actors
    again = index.extract([entry("Unrelated title", "Nothing here.", n=1), entry(title, *body, n=2)])
    assert first == again[1].actors == actors


def test_cached_paragraph_adds_its_text_for_the_context():
    # the paragraph names "Prime Minister Mette Frederiksen"; read again from the cache (in
    # the next batch) it must still add its text to the entry's, or the surname stays bare
    index = ActorIndex()
    para = "The dykes were inspected by Prime Minister Mette Frederiksen on Monday."
    for n in range(2):
        got = index.extract([entry("", para, "Frederiksen said the army would stay.", n=n)])
        assert got[0].actors == ("Mette Frederiksen",)


def test_appositive_paragraphs_read_their_entry():
    # "a spokesperson for the ministry" is the ministry of the entry: never cached
    kovalenko = "Olena Kovalenko, a spokesperson for the ministry, said the attack failed."
    ukraine = entry("", "Ukraine's Defence Ministry said it shot down drones.", kovalenko, n=0)
    poland = entry("", "Poland's Defence Ministry said it scrambled jets.", kovalenko, n=1)
    index = ActorIndex()
    assert index.extract([ukraine])[0].actors == ("Defence Ministry (Ukraine)", "Olena Kovalenko (Ukraine)")
    assert index.extract([poland])[0].actors == ("Defence Ministry (Poland)", "Olena Kovalenko (Poland)")
    assert kovalenko not in index._para_cache


def test_user_aliases_get_their_own_caches():
    text = "The storm hit the coast, said Lars Holm, the mayor of Esbjerg."
    assert one("", text) == ("Lars Holm",)
    assert extract_actors([entry("", text)], aliases={"Lars Holm": "Mayor Holm"})[0].actors == ("Mayor Holm",)
    assert one("", text) == ("Lars Holm",)


def test_caches_stay_bounded(monkeypatch):
    monkeypatch.setattr(A, "_TEXT_CACHE_SIZE", 5)
    index = ActorIndex()
    entries = [entry(f"Sweden warns of floods {i}", f"Lars Holm said {i} homes were flooded.", n=i)
               for i in range(40)]
    got = index.extract(entries)
    assert len(index._para_cache) <= 6 and len(index._title_cache) <= 6
    assert [e.actors for e in got] == [e.actors for e in ActorIndex().extract(entries)]
    assert got[7].actors == ("Sweden", "Lars Holm")
