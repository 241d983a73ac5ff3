"""Actors: who speaks or acts in an entry, found in its text and given one canonical name.

Where actors come from (DESIGN.md, "Actors"):

* the headline's subject before a reporting or action verb (``Scholz Urges ...``,
  ``Kyiv Claims ...``, ``Polish Foreign Ministry Summons ...``);
* a trailing attribution in the headline (``..., Health Ministry Says``,
  ``... - UN Secretary-General``, ``..., Ukraine Says``) or a leading quote speaker
  (``Verbeek: "..."``);
* attributions in the body (``"...", Sánchez said``, ``said X``, ``according to X``,
  ``X told reporters``, ``X, a spokesperson for Y, said``, ``the chancellor, X, said``).

A ``CITY (Agency) -`` dateline, bylines, captions and page furniture ("Read more",
"Live updates", "Table of contents") are never read; weekdays, months, news agencies and
generic nouns ("officials", "witnesses") are never actors.

Canonical names (what ``Entry.actors`` holds, main actor first):

* a country, or a capital standing for its government: the gazetteer's short name
  (``Kyiv`` -> ``Ukraine``, ``Ukrainian officials`` -> ``Ukraine``);
* a seat of government: its own name (``White House``, ``Kremlin``), grouped in its country;
* an organization with an acronym: ``Full Name (ACR)`` (``World Health Organization (WHO)``),
  the gazetteer's form when it knows the organization, else the fullest form the text defines;
* an institution of a country: ``Base (Country)`` with the base in "X Ministry" form
  (``Defence Ministry (Ukraine)`` for "Ukraine's Ministry of Defence", "the Ukrainian defence
  ministry", ...); without a known country just ``Base``;
* a person: the fullest name seen in the batch, titles dropped, with the country, seat or
  organization they act for when the text says it (``Olaf Scholz (Germany)``,
  ``Arkady Sokolov (Kremlin)``, ``Ingrid Aasland (World Health Organization)``); a surname two
  people of the batch share stays bare (``Holm``) unless the same entry tells them apart;
* an office nobody in the batch is named for: ``Secretary-General (United Nations)``;
  ``the German chancellor`` becomes the one person the batch names with that title.

So a canonical name is ``Base`` or ``Base (qualifier, ...)``, where a qualifier is an acronym
(two or more capitals, no space) or a group (a country, seat or organization; a seat or agency
also brings its own group: ``Kremlin`` -> ``Russia``). Everything needed to place an actor in
its groups is in its name, so ``actor_groups`` and ``actor_keys`` need no state besides the
gazetteer and the user's configuration, and give the same answer in every process.

Batches: ``extract_actors`` reads one source's entries together, so an acronym, a full name or
a qualified institution in one entry resolves an acronym, surname or bare "the interior
ministry" in another.

Matching (``actor:NAME``): ``actor_keys(actor)`` lists every folded key an actor answers to
(canonical, base, spelling variants, a person's surname, acronym, groups and their other
names); ``query_key(NAME)`` folds a query the same way, maps a capital or alias to its
country and reads a phrase such as "Poland's Ministry of Defence" like the text; a store
indexes ``actor_keys`` of each entry's actors and compiles ``actor:NAME`` to a lookup of
``query_key(NAME)`` (``fold(NAME)`` finds canonical names and plain aliases too), and ``actor_matches`` is the
same test in memory. User aliases and groups from the config: pass them to each function or
set them once with ``configure``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

from .fold import fold as base_fold
from .gazetteer import COUNTRIES, NEWS_AGENCIES, ORGS, SEATS, Place
from .models import Entry

# --------------------------------------------------------------------------- normalizing

_WS = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """feedtui.fold.fold with whitespace runs collapsed: the one normalizer for actor names
    and ``actor:`` queries. ``fold("Šefčovič") == "sefcovic"``."""
    return " ".join(base_fold(text).split())


# British and American spellings fold to one key (Defence/Defense, Organisation/Organization).
_SPELLING = {
    "defense": "defence", "organization": "organisation", "organizations": "organisations",
    "center": "centre", "labor": "labour", "program": "programme", "counselor": "counsellor",
    "authorization": "authorisation", "offense": "offence",
}
_AMERICAN = {"defence": "defense", "organisation": "organization", "organisations": "organizations",
             "centre": "center", "labour": "labor", "programme": "program",
             "counsellor": "counselor", "authorisation": "authorization", "offence": "offense"}
_KEY_PUNCT = re.compile(r"[.\u00b7]")
_KEY_SEP = re.compile(r"[\s\-_/]+")


@lru_cache(maxsize=1 << 16)
def _key(text: str) -> str:
    """fold() plus punctuation and spelling normalization: the form keys are compared in."""
    folded = _KEY_SEP.sub(" ", _KEY_PUNCT.sub("", fold(text))).strip()
    if any(w in _SPELLING for w in folded.split()):
        folded = " ".join(_SPELLING.get(w, w) for w in folded.split())
    return folded


def _american(key: str) -> str:
    return " ".join(_AMERICAN.get(w, w) for w in key.split())


# --------------------------------------------------------------------------- vocabulary

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


REPORT_VERBS = _words("""
said says say told tells added adds warned warns stated states announced announces claimed
claims confirmed confirms denied denies insisted insists urged urges wrote writes posted
reported reports declared declares noted notes stressed stresses argued argues explained
explains acknowledged acknowledges admitted admits accused accuses demanded demands rejected
rejects condemned condemns welcomed welcomes vowed vows pledged pledges promised promises
estimated estimates predicted predicts replied responded cautioned cautions reiterated
reiterates emphasised emphasized emphasises emphasizes suggested suggests revealed reveals
conceded concedes criticised criticized criticises criticizes slammed slams dismissed
dismisses blamed blames threatened threatens appealed appeals asked asks called calls
tweeted alleged alleges hailed hails praised praises questioned questions signalled
signals signaled recommended recommends advised advises
""")
ACT_VERBS = _words("""
summoned summons ordered orders dispatched dispatches deployed deploys sent sends approved
approves signed signs proposed proposes agreed agrees launched launches imposed imposes
expelled expels suspended suspends halted halts closed closes reopened reopens recalled
recalls banned bans granted grants issued issues released releases convened convenes met
meets visited visits hosted hosts offered offers delivered delivers evacuated evacuates
lifted lifts extended extends backed backs opposed opposes vetoed vetoes voted votes
unveiled unveils resigned resigns mobilised mobilized mobilises mobilizes activated
activates requested requests pledged refused refuses accepted accepts cancelled canceled
cancels postponed postpones restricted restricts raised raises lowered lowers froze freezes
allocated allocates earmarked earmarks opened opens chartered charters names named appoints
appointed joins joined requested requests demanded seeks sought plans planned thanks
thanked defends defended
""")
# Plural-subject forms, read after a coordinated or plural subject ("Latvia and Estonia pledge").
BASE_VERBS = _words("""
say warn urge call claim vow pledge demand deny agree offer send reject condemn welcome
announce confirm insist accuse promise order deploy sign approve propose launch suspend
""")
VERBS = REPORT_VERBS | ACT_VERBS | BASE_VERBS
#: The tokens a paragraph's rules start from (see _scan_para).
_CUE_TOKENS = VERBS | {"according", "According"}
# Auxiliaries skipped between a subject and its verb ("Sweden has asked").
_AUX = _words("has have had also would will could did does do not never has already previously later then")
# Verbs after which ", said X" style inversion is read.
_INVERTING = _words("said says added adds warned warns wrote told stressed insisted noted")

TITLE_HEADS = _words("""
minister president chancellor premier secretary secretary-general under-secretary-general
director-general director spokesperson spokesman spokeswoman mayor governor ambassador envoy
commissioner chief head leader speaker king queen prince princess pope emir sultan sheikh
general admiral colonel commander lieutenant captain sergeant chairman chairwoman chair
chairperson ceo senator congressman congresswoman representative mp mep judge prosecutor
prosecutor-general attorney-general adviser advisor coordinator negotiator patriarch
archbishop bishop cardinal rabbi imam dr mr mrs ms sir dame lord lady gen lt col capt sgt
sen rep gov prof superintendent inspector commandant ombudsman ombudsperson rapporteur
administrator aide pm taoiseach tanaiste vice-president vice-chancellor president-elect deputy-minister
high-commissioner director-general
""")
ROLE_SPOKES = _words("spokesperson spokesman spokeswoman representative official")
TITLE_MODIFIERS = _words("""
deputy vice acting interim former prime first second senior top press assistant associate
executive special permanent high regional national federal foreign chief lord co-chair
state junior army police navy military fire
""")
DEPT_WORDS = _words("""
foreign defence defense health interior home justice finance economy economic education
environment environmental energy agriculture transport labour labor trade culture state
emergency emergencies situations digital climate infrastructure development industry
migration refugees veterans family social welfare sport tourism science research housing
treasury communications information europe european public water food rural regional local
reconstruction reintegration integration equality youth security affairs internal external
armed national federal general civil protection disaster relief rescue fire coast border
customs meteorological weather nuclear atomic human rights press presidential military
intelligence police air naval land ground joint territorial crisis aid humanitarian
maritime marine fisheries ports shipping safety investigation investigations spill
response environment prosecution prosecutor's central supreme constitutional
""")
INST_HEADS = _words("""
ministry office agency council commission committee organization organisation union bank
fund programme program police army navy forces force guard coastguard service services
authority institute department party parliament assembly court tribunal government cabinet
administration presidency secretariat embassy consulate mission federation association
alliance coalition front movement brigade battalion corps command directorate inspectorate
bureau board centre center cross crescent airlines airline railways railway company shipping
corporation network foundation university hospital operator system watchdog regulator senate
congress military intelligence observatory laboratory institute league society trust
monitor agency prosecutor's
""")
GENERIC_COUNTRY = _words("officials official authorities government leadership leaders side regime diplomats")
GENERIC_MILITARY = _words("military troops soldiers forces")
GENERIC_POLICE = _words("police")
GENERIC_DROP = _words("""
residents witnesses sources source experts analysts people locals rescuers doctors medics
activists protesters critics observers survivors families scientists researchers reporters
journalists correspondents students workers voters citizens farmers villagers volunteers
paramedics firefighters teams crews report reports statement statements data figures polls
poll survey study estimates media press officers operators owners passengers crew fishermen
""")
GENERIC = GENERIC_COUNTRY | GENERIC_MILITARY | GENERIC_POLICE | GENERIC_DROP
CONNECTORS = _words("of for the and & on de du des la le von van der den da di del al bin ibn dos ter ten")
NAME_PARTICLES = _words("von van der den de da di du del della la le al bin ibn dos ter ten el")
ARTICLES = _words("the a an")
_CONNECTORS_NOT_ARTICLES = CONNECTORS - ARTICLES
_SPAN_LOWER = (CONNECTORS | TITLE_HEADS | TITLE_MODIFIERS | DEPT_WORDS | INST_HEADS | GENERIC
               | ARTICLES | _words("affairs"))
_CONJUNCTIONS = _words("as after while when amid and but because since before despite with")

_WEEKDAYS = _words("monday tuesday wednesday thursday friday saturday sunday")
_MONTHS = _words("january february march april may june july august september october november december")
# Never actors on their own; a phrase that contains one of _JUNK_ANYWHERE is not an actor.
_JUNK_FIRST = _WEEKDAYS | (_MONTHS - {"may"}) | _words("""
live update updates updated breaking latest today tonight yesterday tomorrow earlier later
meanwhile however also but and or so then now here there this that these those it he she they
we i you his her their our its one two three some many most all both each several hundreds
thousands dozens millions others everyone nobody someone somebody anyone share read more
follow advertisement photo photograph picture video watch listen analysis explainer opinion
summary key contents table editor correspondent reporter thanks related recommended while
when as after although though if because since before with without despite amid during
following meanwhile whereas unless until
""")
# Never an actor as a single word (but fine inside a name: "Fire Service", "European Commission").
_JUNK_SINGLE = _JUNK_FIRST | _MONTHS | _words("""
police sources source reports statement editors agency agencies morning afternoon evening
night week weekend month year storm flood floods fire rain wind news blog page story minute
minutes hours hour gmt utc bst cet cest est edt pst pdt msk eet eest baltic nordic scandinavian
western eastern northern southern european african asian arab latin gulf pacific atlantic
arctic mediterranean balkan central international federal national
""")
_JUNK_ANYWHERE = _WEEKDAYS | _words("""
updates contents advertisement live read follow share photograph gmt utc bst cet cest
""")
_JUNK_PHRASES = frozenset(_key(p) for p in """live updates;live update;live blog;table of contents;
read more;key events;show key events only;breaking news;as it happened;the latest;latest news;
latest updates;live coverage;sign up;follow us;our correspondent;our reporter;this page;
the editor;news agency;state media;state television;state tv;local media;social media""".split(";"))
_JUNK_PHRASES |= NEWS_AGENCIES

_TITLE_PREFIX = re.compile(
    r"^\s*(?:live(?:\s+updates?|\s+blog)?|breaking(?:\s+news)?|updated?|latest|watch|video|"
    r"analysis|explainer|opinion|exclusive|just in|in pictures|photos?|key event|pinned|related|"
    r"read more|read also|see also|more|recommended)"
    r"\s*[:|\-–—]\s*", re.I)
_TITLE_SUFFIX = re.compile(
    r"\s*[|\-–—:]\s*(?:live(?:\s+updates?|\s+blog|\s+coverage)?|as it happened|"
    r"latest(?:\s+news|\s+updates)?|video|photos|in pictures)\s*$", re.I)
_FURNITURE_PARA = re.compile(
    r"^\s*(?:read more|read also|also read|related|see also|follow|share|advertisement|sign up|"
    r"subscribe|key events|show key events|table of contents|live updates|photo|photograph|"
    r"image|picture|watch|listen|video|updated|click here|catch up|recommended|more on this|"
    r"by\s|reporting by|writing by|editing by|additional reporting|compiled by|copyright|©)",
    re.I)
_BYLINE_TAIL = re.compile(r"\(\s*(?:reporting|writing|editing|additional reporting|compiled)\b[^)]*\)", re.I)

_UPPER_CHARS = "".join(c for c in map(chr, range(0x250)) if c.isupper())
_UP = "[" + re.escape(_UPPER_CHARS) + "]"
_DATELINE = re.compile(
    r"^\s*(?:" + _UP + r"[" + re.escape(_UPPER_CHARS) + r"'’.\- ]{1,30}"
    r"(?:,\s*[^()\-–—\n]{1,40}?)?\s*(?:\([^)\n]{1,40}\))?"
    r"|" + _UP + r"[\w'’.\- ]{1,30}?(?:,\s*[^()\-–—\n]{1,40}?)?\s*\([^)\n]{1,40}\))"
    r"\s*[-–—]+\s+")
#: What _DATELINE's first form needs: a capital and one more of its characters at the start.
_DATELINE_CAPS = re.compile(r"\s*" + _UP + r"[" + re.escape(_UPPER_CHARS) + r"'’.\- ]")


def _may_have_dateline(para: str) -> bool:
    """False when _DATELINE cannot match (a failing match backtracks a lot): it needs a dash,
    and either its first form's start (a capital, then a capital or . ' - or a space) or its
    second form's "(" somewhere."""
    return ("-" in para or "–" in para or "—" in para) and (
        "(" in para or _DATELINE_CAPS.match(para) is not None)


_ABBREV_DOTS = re.compile(r"\b(" + _UP + r")\.(" + _UP + r")\.(?:(" + _UP + r")\.)?")
_TITLE_ABBREV = re.compile(r"\b(Dr|Mr|Mrs|Ms|St|Gen|Lt|Col|Sen|Rep|Gov|Capt|Sgt|Prof|No|Adm|Maj)\.(?=\s)")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "’": "'", "‘": "'",
                         "ʼ": "'", "\u00a0": " ", "‐": "-", "‑": "-"})
_QUOTE_CHARS = {chr(k): v for k, v in _QUOTES.items()}
_QUOTES_RE = re.compile("[" + re.escape("".join(_QUOTE_CHARS)) + "]")


def _quote_char(m: re.Match) -> str:
    return _QUOTE_CHARS[m.group()]


def _quotes(text: str) -> str:
    """text.translate(_QUOTES): ASCII text has none of its characters; otherwise a search
    finds the few there are (translate looks every character up)."""
    if text.isascii():
        return text
    return _QUOTES_RE.sub(_quote_char, text)


_TOKEN = re.compile(r"\w+(?:['\-&]\w+)*(?:')?|&")
#: _TOKEN as a split pattern: gaps and tokens alternate, [gap, token, gap, ..., token, gap].
_TOKEN_SPLIT = re.compile("(" + _TOKEN.pattern + ")")


def _token_spans(parts: list[str]) -> list[tuple[str, int, int]]:
    """(token, start, end) for each token of _TOKEN_SPLIT.split(text): the same list as
    [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)], built in C (the
    running sum of the parts' lengths gives every start and end)."""
    ends = list(accumulate(map(len, parts)))
    return list(zip(parts[1::2], ends[0::2], ends[1::2]))
_ALLCAPS = re.compile(r"^[A-Z][A-Z0-9&\-]{1,9}$")
_ACRONYM_Q = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Z][A-Za-z0-9&\-]{1,9}$")
_CANONICAL = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")

_NAMEP = (_UP + r"[\w'\-]+(?:\s+(?:(?:von|van|de|der|den|da|di|du|del|la|le|al|bin|ibn|dos)\s+)*"
          + _UP + r"[\w'\-]+){1,3}")
_APPOS_VERBS = r"(?:said|says|told|added|adds|warned|wrote|noted|stressed|insisted|explained|confirmed)"
# "Lin Wei, a spokesperson for the Chinese foreign ministry, said"
_APPOS_AFTER = re.compile(r"(?P<pre>[^,.;:\"()]{2,120}?),\s+(?P<desc>(?:the|a|an|its|their)\s[^,.;:\"()]{2,90}?),\s+"
                          + _APPOS_VERBS + r"\b")
# "the German chancellor, Olaf Scholz, said"
_APPOS_BEFORE = re.compile(r"(?P<desc>[^,.;:\"()]{3,80}?),\s+(?P<name>" + _NAMEP + r"),\s+" + _APPOS_VERBS + r"\b")
_ACR_PAREN = re.compile(r"(?P<name>(?:" + _UP + r"[\w'\-]*|of|for|the|and|on|&)(?:\s+(?:" + _UP
                        + r"[\w'\-]*|of|for|the|and|on|&)){0,9})\s+\((?P<acr>[A-Z][A-Za-z&\-]{1,9})\)")
_CAPS_WORD = re.compile(r"(?<![\w\-])[A-Z]{2,6}\b(?![\-'])")
#: What _CAPS_WORD needs: two capitals in a row (a quick scan for texts without any).
_TWO_CAPS = re.compile(r"[A-Z]{2}")
#: Every ASCII capital byte as "A" (the other bytes kept): the UTF-8 of a text holds "AA"
#: after this table exactly when the text holds two ASCII capitals in a row (_TWO_CAPS),
#: as bytes of other characters are all 0x80 or above.
_CAPS_AS_A = bytes.maketrans(bytes(range(ord("A"), ord("Z") + 1)), b"A" * 26)


def _has_two_caps(text: str) -> bool:
    """_TWO_CAPS.search(text) is not None, in C passes over the bytes instead of a regex
    scan of every position."""
    return b"AA" in text.encode("utf-8", "surrogatepass").translate(_CAPS_AS_A)
_ACCORDING = re.compile(r"\baccording to\s+(?:(?:the\s+)?(?:latest\s+|new\s+|official\s+|preliminary\s+)?"
                        r"(?:figures|data|estimates|a statement|statement|reports?|a report|numbers|"
                        r"information)\s+(?:from|by|of|released by|issued by)\s+)?", re.I)


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper()


# --------------------------------------------------------------------------- gazetteer index

class _Gazetteer:
    """Dict lookups over the built-in tables (built once)."""

    def __init__(self) -> None:
        self.by_key: dict[str, Place] = {}          # name, alias, capital -> place
        self.capital: dict[str, Place] = {}         # capital -> country
        self.exact: dict[str, Place] = {}           # all-caps acronyms/aliases, case-sensitive
        self.demonym: dict[str, Place] = {}
        self.group: dict[str, Place] = {}           # key of canonical name -> place
        self.aliases: dict[str, set[str]] = {}      # place name -> every key it answers to
        for place in (*COUNTRIES, *SEATS, *ORGS):
            keys = self.aliases.setdefault(place.name, set())
            for name in (place.name, place.display, *place.aliases):
                plain = name.replace(".", "")
                if _ALLCAPS.match(plain) and len(plain) <= 5:
                    self.exact.setdefault(plain, place)
                else:
                    k = _key(name)
                    self.by_key.setdefault(k, place)
                    if k.startswith("the "):
                        self.by_key.setdefault(k[4:], place)
                keys.add(_key(name))
            if place.acronym:
                self.exact.setdefault(place.acronym, place)
                keys.add(_key(place.acronym))
            for cap in place.capitals:
                k = _key(cap)
                self.capital.setdefault(k, place)
                self.by_key.setdefault(k, place)
                keys.add(k)
            for dem in place.demonyms:
                plain = dem.replace(".", "")
                if _ALLCAPS.match(plain):
                    self.exact.setdefault(plain, place)
                else:
                    self.demonym.setdefault(_key(dem), place)
            self.group.setdefault(_key(place.name), place)
            self.group.setdefault(_key(place.display), place)

    def lookup(self, words: list[str]) -> Place | None:
        """The place a whole phrase names, or None."""
        if len(words) == 1:
            plain = words[0].replace(".", "")
            if plain.isupper() and len(plain) >= 2:
                return self.exact.get(plain)
        return self.by_key.get(_key(" ".join(words)))

    def country_of(self, place: Place) -> Place:
        """A seat's or org's own group place, else itself."""
        if place.group:
            return self.group.get(_key(place.group), place)
        return place


GAZ = _Gazetteer()


# --------------------------------------------------------------------------- mentions

@dataclass(slots=True)
class Mention:
    """One phrase in the text that names an actor, before batch-level resolution.

    kind: "place" (gazetteer), "person" (a full name), "name1" (one capitalized word:
    surname or unknown), "acronym", "inst" (an institution), "office" (a title with no
    name), "user" (a user alias, final), "anaphora" ("the ministry").
    """

    kind: str
    base: str
    group: str = ""          # canonical group name (country or organization) if known
    title: str = ""          # lowercased title words for persons and offices
    surface: str = ""        # the phrase as written, articles dropped
    place: Place | None = None
    weak: bool = False       # sentence-initial single word: keep only if known elsewhere
    acronym: str = ""
    ctx_country: bool = False  # "the country's health ministry": the entry's one country


@dataclass(slots=True)
class _EntryScan:
    mentions: list[Mention] = field(default_factory=list)
    persons: list[Mention] = field(default_factory=list)   # context persons (not actors)
    text: str = ""
    _folded: str | None = None
    _cue_text: str | None = None

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    @property
    def cue_text(self) -> str:
        """The text as " word word ... " keys, for whole-word lookups."""
        if self._cue_text is None:
            self._cue_text = " " + _WORDS_ONLY.sub(" ", _key(self.text)) + " "
        return self._cue_text


def _format(base: str, *qualifiers: str) -> str:
    quals = [q for q in qualifiers if q]
    return f"{base} ({', '.join(quals)})" if quals else base


def split_canonical(name: str) -> tuple[str, str, tuple[str, ...]]:
    """(base, acronym, groups) of a canonical actor name ``Base (ACR, Group)``."""
    match = _CANONICAL.match(name)
    if not match or not match.group(1):
        return name.strip(), "", ()
    base, quals = match.group(1).strip(), [q.strip() for q in match.group(2).split(",")]
    acronym = ""
    groups = []
    for q in quals:
        if not q:
            continue
        if not acronym and _ACRONYM_Q.match(q) and " " not in q:
            acronym = q
        else:
            groups.append(q)
    return base, acronym, tuple(groups)


def _titlecase(words: Iterable[str]) -> str:
    out = []
    for i, w in enumerate(words):
        lw = w.lower()
        if i and lw in CONNECTORS:
            out.append(lw)
        elif w[:1].islower():
            out.append("-".join(p[:1].upper() + p[1:] for p in w.split("-")))
        else:
            out.append(w)
    return " ".join(out)


def _norm_inst(words: list[str]) -> str:
    """Institution words to the "X Ministry" form: "Ministry of Foreign Affairs" ->
    "Foreign Ministry", "ministry of defence" -> "Defence Ministry"."""
    lower = [w.lower() for w in words]
    if lower and lower[0] in ("ministry", "department") and len(lower) > 2 and lower[1] in ("of", "for"):
        rest = words[2:]
        if rest and rest[0].lower() == "the":
            rest = rest[1:]
        rest_l = [w.lower() for w in rest]
        if rest_l[:2] == ["foreign", "affairs"] and len(rest_l) == 2:
            rest = rest[:1]
        if all(w in DEPT_WORDS or w in CONNECTORS for w in rest_l):
            words = [*rest, words[0]]
            lower = [w.lower() for w in words]
    if len(lower) == 3 and lower[:2] == ["foreign", "affairs"] and lower[2] == "ministry":
        words = [words[0], words[2]]
    return _titlecase(words)


# --------------------------------------------------------------------------- the index

class ActorIndex:
    """Actor extraction and matching with a user configuration on top of the gazetteer.

    aliases maps a name (any spelling; matched folded) to the canonical actor it stands for;
    it overrides the gazetteer and the text ("" drops the name). groups maps a group name to
    its members; a member listed under a country the gazetteer knows is moved to that
    country (the user overrides the built-in country), other user groups are added.
    """

    def __init__(self, aliases: Mapping[str, str] | None = None,
                 groups: Mapping[str, Iterable[str]] | None = None) -> None:
        self.aliases: dict[str, str] = {_key(k): (v or "").strip() for k, v in (aliases or {}).items()}
        self.user_groups: dict[str, list[str]] = {}
        for group, members in (groups or {}).items():
            if isinstance(members, str):
                members = [members]
            for member in members:
                self.user_groups.setdefault(_key(member), []).append(group)
        self._groups_cache: dict[str, tuple[str, ...]] = {}
        self._keys_cache: dict[str, frozenset[str]] = {}
        self._query_cache: dict[str, str] = {}
        self._parse_cache: dict[tuple, Mention | None] = {}
        # what a title or paragraph yields, by its text (feeds repeat boilerplate); see _scan_para
        self._title_cache: dict[str, tuple[Mention, ...]] = {}
        self._para_cache: dict[str, tuple[str | None, tuple[Mention, ...]]] = {}

    # ---------------------------------------------------------------- groups and keys

    def groups(self, name: str) -> tuple[str, ...]:
        """The groups (countries, organizations, user groups) an actor belongs to."""
        cached = self._groups_cache.get(name)
        if cached is None:
            cached = self._groups_cache[name] = self._compute_groups(name)
        return cached

    def _compute_groups(self, name: str) -> tuple[str, ...]:
        base, _acr, quals = split_canonical(name)
        found: list[str] = []
        for q in quals:
            place = GAZ.group.get(_key(q))
            found.append(place.name if place else q)
            while place is not None and place.group:   # a seat or agency: and its country/org
                place = GAZ.group.get(_key(place.group))
                if place is not None:
                    found.append(place.name)
        if not found:
            place = GAZ.lookup(base.split()) or GAZ.lookup(name.split())
            if place is None:
                words = base.split()
                if len(words) > 1:
                    place = GAZ.demonym.get(_key(words[0])) or GAZ.by_key.get(_key(words[0]))
                    if place is not None and place.kind != "country":
                        place = None
            if place is not None:
                if place.kind == "country":
                    found.append(place.name)
                elif place.group:
                    found.append(GAZ.country_of(place).name)
        user: list[str] = []
        for k in {_key(name), _key(base)}:
            user.extend(self.user_groups.get(k, ()))
        if user:
            user_countries = [g for g in user if _key(g) in GAZ.group]
            if user_countries:   # the user's country replaces the built-in one
                found = [g for g in found if _key(g) not in GAZ.group or g in user_countries]
            found.extend(user)
        out: list[str] = []
        for g in found:
            if g and g not in out:
                out.append(g)
        return tuple(out)

    def keys(self, actor: str) -> frozenset[str]:
        """Every folded key under which an actor is findable."""
        cached = self._keys_cache.get(actor)
        if cached is None:
            cached = self._keys_cache[actor] = frozenset(self._compute_keys(actor))
        return cached

    def _compute_keys(self, actor: str) -> set[str]:
        base, acronym, quals = split_canonical(actor)
        keys = {_key(actor), fold(actor), _key(base), fold(base)}
        if acronym:
            keys.add(_key(acronym))
        place = GAZ.lookup(base.split())
        if place is not None:
            keys |= GAZ.aliases.get(place.name, set())
        words = base.split()
        if self._looks_like_person(words):
            surname = self._surname(words)
            keys.add(_key(surname))
            keys.add(_key(words[-1]))
            if len(words) >= 3:   # a double surname: "Ruiz Quintana"
                keys.add(_key(" ".join(words[-2:])))
        groups = self.groups(actor)
        for g in groups:
            gk = _key(g)
            keys.add(gk)
            gplace = GAZ.group.get(gk)
            if gplace is not None:
                keys |= GAZ.aliases.get(gplace.name, set())
                short = [a for a in (gplace.acronym, *gplace.aliases) if a]
                if quals and not self._looks_like_person(words):
                    for prefix in (*short, *gplace.demonyms, gplace.name):
                        keys.add(_key(f"{prefix} {base}"))
        for k in list(keys):
            keys.add(_american(k))
        # user aliases that point at this actor
        for alias, target in self.aliases.items():
            if target and (_key(target) == _key(actor) or _key(target) == _key(base)):
                keys.add(alias)
        keys.discard("")
        return keys

    @staticmethod
    def _looks_like_person(words: list[str]) -> bool:
        if not 2 <= len(words) <= 5:
            return False
        lower = [w.lower() for w in words]
        if any(w in INST_HEADS or w in TITLE_HEADS or w in DEPT_WORDS for w in lower):
            return False
        if GAZ.lookup(words) is not None:
            return False
        return all(_is_cap(w) or w.lower() in NAME_PARTICLES for w in words)

    @staticmethod
    def _surname(words: list[str]) -> str:
        i = len(words) - 1
        while i > 1 and words[i - 1].lower() in NAME_PARTICLES:
            i -= 1
        return " ".join(words[i:])

    def query_key(self, name: str) -> str:
        """The key an ``actor:NAME`` query looks up: folded, spelling-normalized, a user alias
        or a gazetteer alias (capital, other name) mapped to its canonical name."""
        cached = self._query_cache.get(name)
        if cached is not None:
            return cached
        text = name.strip().strip('"').strip()
        k = _key(text)
        if k in self.aliases and self.aliases[k]:
            k = _key(self.aliases[k])
        else:
            place = GAZ.lookup(text.split()) if " " not in text or len(text) < 60 else None
            if place is not None:
                k = _key(place.display) if place.kind != "country" else _key(place.name)
            elif k.startswith("the ") and GAZ.by_key.get(k[4:]) is not None:
                place = GAZ.by_key[k[4:]]
                k = _key(place.display) if place.kind != "country" else _key(place.name)
            elif not _CANONICAL.match(text):
                # a phrase such as "Poland's Ministry of Defence": read it like the text
                m = self.parse(_TOKEN.findall(text.translate(_QUOTES)))
                if m is not None and m.kind == "place" and m.place is not None:
                    k = _key(m.place.display) if m.place.kind != "country" else _key(m.place.name)
                elif m is not None and m.kind in ("inst", "office", "person") and m.group:
                    k = _key(_format(m.base, m.group))
                elif m is not None and m.kind == "inst":
                    k = _key(m.base)
        self._query_cache[name] = k
        return k

    def matches(self, query_name: str, entry_actors: Iterable[str]) -> bool:
        """True when ``actor:query_name`` matches an entry with these actors."""
        qk = self.query_key(query_name)
        raw = _key(query_name)
        for actor in entry_actors:
            keys = self.keys(actor)
            if qk in keys or raw in keys:
                return True
        return False

    # ---------------------------------------------------------------- phrase parsing

    def _group_prefix(self, words: list[str]) -> tuple[Place | None, int]:
        """A leading country/seat/org (possessive, adjective or attributive) and its length;
        something must follow it ("Ukraine's", "Polish", "UN" before "Foreign Ministry")."""
        for n in (3, 2, 1):
            if len(words) < n:
                continue
            head = words[:n]
            last = head[-1]
            if last.endswith("'s") or last.endswith("s'"):
                stem = last[:-2] if last.endswith("'s") else last[:-1]
                place = GAZ.lookup([*head[:-1], stem])
                if place is not None:
                    return place, n
            if n == len(words) or not all(_is_cap(w) or w.lower() in CONNECTORS for w in head):
                continue
            place = GAZ.demonym.get(_key(" ".join(head))) or GAZ.lookup(head)
            if place is not None:
                return place, n
        return None, 0

    def parse(self, words: list[str], *, weak: bool = False) -> Mention | None:
        """The actor a phrase names, or None. words are tokens as written. Mentions are
        shared between calls (cached): never change one."""
        key = (tuple(words), weak)
        try:
            return self._parse_cache[key]
        except KeyError:
            pass
        m = self._parse(list(words), weak)
        if len(self._parse_cache) > 200_000:
            self._parse_cache.clear()
        self._parse_cache[key] = m
        return m

    def _parse(self, words: list[str], weak: bool) -> Mention | None:
        words = [w for w in words if w]
        while words and words[0].lower() in ARTICLES:
            words = words[1:]
        while words and words[-1].lower() in CONNECTORS:
            words = words[:-1]
        if not words or len(words) > 10:
            return None
        ctx_country = False
        if len(words) > 1 and words[0].lower() in ("country's", "nation's", "government's"):
            words = words[1:]
            ctx_country = True
        surface = " ".join(words)
        k = _key(surface)
        if k in self.aliases:
            target = self.aliases[k]
            return Mention("user", target, surface=surface) if target else None
        if k in _JUNK_PHRASES or fold(surface) in NEWS_AGENCIES:
            return None
        lower = [w.lower() for w in words]
        if any(w in _JUNK_ANYWHERE for w in lower):
            return None
        if lower[0] in _JUNK_FIRST or (len(words) == 1 and lower[0] in _JUNK_SINGLE):
            return None
        if lower[0] in CONNECTORS:
            return None
        place = GAZ.lookup(words)
        if place is not None:
            return Mention("place", place.name, place=place, surface=surface)
        if len(words) == 1:
            w = words[0]
            if w.endswith("'s") or w.endswith("'"):
                return None
            if not _is_cap(w) and lower[0] not in ("ministry", "minister", "government"):
                return None
            if _ALLCAPS.match(w) and len(w) <= 6:
                return Mention("acronym", w, acronym=w, surface=surface)
            if lower[0] in ("ministry",):
                return Mention("anaphora", "ministry", surface=surface)
            if lower[0] in GENERIC or lower[0] in TITLE_HEADS or lower[0] in INST_HEADS \
                    or lower[0] in DEPT_WORDS or lower[0] in GAZ.demonym:
                return None
            return Mention("name1", w, surface=surface, weak=weak)
        prefix, n = self._group_prefix(words)
        rest = words[n:]
        group = ""
        if prefix is not None:
            group = prefix.name
        # "... of Ukraine" at the end of an institution or office
        if len(rest) >= 3 and rest[-2].lower() == "of":
            tail = GAZ.lookup(rest[-1:])
            if tail is not None and tail.kind == "country":
                group = group or tail.name
                rest = rest[:-2]
        elif len(rest) >= 4 and [w.lower() for w in rest[-3:-1]] == ["of", "the"]:
            tail = GAZ.lookup(rest[-1:])
            if tail is not None and tail.kind != "seat":
                group = group or tail.name
                rest = rest[:-3]
        if not rest:
            return None
        m = self._classify(rest, group, prefix, surface)
        if m is not None and weak and m.kind == "name1":
            m.weak = True
        if m is not None and ctx_country and not m.group:
            m.ctx_country = True
        return m

    def _classify(self, rest: list[str], group: str, prefix: Place | None, surface: str) -> Mention | None:
        lower = [w.lower() for w in rest]
        if len(rest) == 1 and lower[0] in GENERIC:
            if lower[0] in GENERIC_DROP or not prefix:
                return None
            if prefix.kind == "seat" and lower[0] in GENERIC_COUNTRY:
                return Mention("place", prefix.name, place=prefix, surface=surface)
            if lower[0] in GENERIC_COUNTRY:
                country = GAZ.group.get(_key(group))
                return Mention("place", group, place=country, surface=surface) if country else None
            base = "Military" if lower[0] in GENERIC_MILITARY else "Police"
            return Mention("inst", base, group=group, surface=surface)
        if lower == ["armed", "forces"]:
            return Mention("inst", "Armed Forces", group=group, surface=surface) if group else None
        # "spokesperson for the X", "head of the Y"
        if len(rest) > 2 and lower[1] in ("for", "of", "at", "from") and lower[0] in TITLE_HEADS:
            inner = rest[2:]
            inner_m = self.parse(inner)
            if inner_m is None:
                if all(w in DEPT_WORDS or w in CONNECTORS for w in lower[2:]):
                    return Mention("office", _titlecase(rest), group=group, title=" ".join(lower), surface=surface)
                return None
            if lower[0] in ROLE_SPOKES:
                return inner_m
            g = inner_m.group or (inner_m.place.name if inner_m.place is not None else "")
            return Mention("office", _titlecase(rest[:1]), group=g or group, title=lower[0], surface=surface)
        title_idx = -1
        for i, w in enumerate(lower):
            if w in TITLE_HEADS:
                title_idx = i
        inst_idx = -1
        for i, w in enumerate(lower):
            if w in INST_HEADS and not (w in ("police", "army", "military") and i + 1 < len(lower)
                                        and lower[i + 1] in TITLE_HEADS):
                inst_idx = i
        if title_idx >= 0 and title_idx >= inst_idx:
            title_end = title_idx + 1
            # "Minister of Defence", "Secretary of State"
            if title_end + 1 < len(rest) and lower[title_end] in ("of", "for"):
                j = title_end + 1
                if j < len(rest) and lower[j] == "the":
                    j += 1
                k = j
                while k < len(rest) and (lower[k] in DEPT_WORDS or lower[k] == "and"):
                    k += 1
                if k > j:
                    title_end = k
            title_words = rest[:title_end]
            name_words = rest[title_end:]
            for w in title_words:
                lw = w.lower()
                if not (lw in TITLE_HEADS or lw in TITLE_MODIFIERS or lw in DEPT_WORDS or lw in INST_HEADS
                        or lw in CONNECTORS or _is_cap(w)):
                    return None
            title = " ".join(w.lower() for w in title_words)
            if name_words:
                if not self._valid_name(name_words):
                    return None
                if len(name_words) == 1:
                    return Mention("name1", name_words[0], group=group, title=title, surface=surface)
                return Mention("person", " ".join(name_words), group=group, title=title, surface=surface)
            head = lower[title_idx]
            if head in ROLE_SPOKES:
                before = [w for w in rest[:title_idx] if w.lower() not in _RANK_WORDS]
                if prefix is not None and [w.lower() for w in before] in ([], ["government"]):
                    return Mention("place", prefix.name, place=prefix, surface=surface)
                if before and inst_idx >= 0:
                    return Mention("inst", _norm_inst(before), group=group, surface=surface)
                if prefix is not None and not before:
                    if prefix.kind == "country":
                        return Mention("place", prefix.name, place=prefix, surface=surface)
                    return Mention("place", prefix.name, place=prefix, surface=surface)
                return None
            return Mention("office", _titlecase(title_words), group=group, title=title, surface=surface)
        if inst_idx >= 0:
            tail = lower[inst_idx + 1:]
            if tail and not (tail[0] in ("of", "for") and all(
                    _is_cap(w) or w.lower() in CONNECTORS or w.lower() in DEPT_WORDS
                    for w in rest[inst_idx + 1:])):
                return None
            for w in rest:
                lw = w.lower()
                if not (_is_cap(w) or lw in CONNECTORS or lw in DEPT_WORDS or lw in INST_HEADS):
                    return None
            if len(rest) == 1 and lower[0] in ("ministry", "government"):
                if lower[0] == "government":
                    country = GAZ.group.get(_key(group)) if group else None
                    return Mention("place", group, place=country, surface=surface) if country else None
                if not group:
                    return Mention("anaphora", "ministry", surface=surface)
            return Mention("inst", _norm_inst(rest), group=group, surface=surface)
        # plain names
        if not all(_is_cap(w) or w.lower() in NAME_PARTICLES for w in rest):
            return None
        if any(w in GENERIC or w in DEPT_WORDS or w in _JUNK_SINGLE and w != "may" for w in lower):
            return None
        if len(rest) == 1:
            w = rest[0]
            if _ALLCAPS.match(w) and len(w) <= 6:
                return Mention("acronym", w, acronym=w, group=group, surface=surface)
            return Mention("name1", w, group=group, surface=surface)
        if len(rest) > 4 or not self._valid_name(rest):
            return None
        if any(GAZ.lookup([w]) is not None or _key(w) in GAZ.demonym for w in rest):
            return None
        return Mention("person", " ".join(rest), group=group, surface=surface)

    @staticmethod
    def _valid_name(words: list[str]) -> bool:
        if not 1 <= len(words) <= 4:
            return False
        for w in words:
            lw = w.lower()
            if lw in NAME_PARTICLES:
                continue
            if not _is_cap(w) or w.endswith("'s") or lw in _JUNK_SINGLE or lw in TITLE_HEADS \
                    or lw in INST_HEADS or (len(w) > 1 and w.isupper()):
                return False
        return _is_cap(words[-1])

    # ---------------------------------------------------------------- scanning text

    def _scan_title(self, title: str, scan: _EntryScan) -> None:
        found = self._title_cache.get(title)
        if found is None:
            found = self._title_cache[title] = tuple(self._read_title(title))
            if len(self._title_cache) > _TEXT_CACHE_SIZE:
                self._title_cache.clear()
        scan.mentions.extend(found)

    def _read_title(self, title: str) -> list[Mention]:
        """The mentions of a headline (they depend on its text only)."""
        text = _TITLE_SUFFIX.sub("", _TITLE_PREFIX.sub("", _quotes(title)))
        text = _clean_abbrev(text)
        found: list[Mention] = []
        # a leading speaker: 'Verbeek: "We are ready"', 'Swedish Health Ministry: no need ...'
        lead = _LEAD_SPEAKER.match(text)
        if lead:
            m = self.parse(_TOKEN.findall(lead.group(1)))
            quoted = text[lead.end():].lstrip()[:1] in ('"', "'")
            if m is not None and (quoted or m.kind != "place" or m.place is None or m.place.kind != "country"):
                found.append(m)
                text = text[lead.end():]
        # a trailing attribution
        main_text = text
        tail = _TRAIL_VERB.search(text) or _TRAIL_INVERTED.search(text)
        if tail:
            m = self.parse(_TOKEN.findall(tail.group("name")))
            if m is not None:
                found.append(m)
                main_text = text[:tail.start()]
        else:
            dash = _TRAIL_DASH.search(text)
            if dash:
                m = self.parse(_TOKEN.findall(dash.group("name")))
                if m is not None and (m.kind != "name1" or m.title):
                    found.append(m)
                    main_text = text[:dash.start()]
        # the subject before the first verb, in the clause after a topic colon
        if ":" in main_text:
            main_text = main_text.rsplit(":", 1)[1]
        found[0:0] = self._headline_subject(main_text)
        return found

    def _headline_subject(self, text: str) -> list[Mention]:
        # only a verb among the second to tenth tokens starts the rule below
        if _HEAD_VERBS.isdisjoint(map(str.lower, _TOKEN.findall(text)[1:10])):
            return []
        toks = _token_spans(_TOKEN_SPLIT.split(text))
        for i, (tok, _start, _end) in enumerate(toks[:10]):
            low = tok.lower()
            if low not in VERBS or i == 0 or low.endswith("ed") or low in _PAST:
                continue
            v = i
            while v > 0 and toks[v - 1][0].lower() in _AUX:
                v -= 1
            # the subject runs back to the start of its clause
            j = v
            while j > 0 and not text[toks[j - 1][2]:toks[j][1]].strip():
                j -= 1
            words = [t for t, _s, _e in toks[j:v]]
            if not words:
                return []
            m = self.parse(words)
            if m is not None:
                return [m]
            listed = self._coordinated(text, toks, j, v, headline=True)
            if listed:
                return listed
            for c in range(len(words) - 1, 0, -1):
                if words[c].lower() in _CONJUNCTIONS:
                    m = self.parse(words[c + 1:])
                    return [m] if m is not None else []
            return []
        return []

    def _scan_para(self, para: str, scan: _EntryScan) -> None:
        """Adds the paragraph (cleaned) to scan.text and its mentions to scan.mentions. What
        a paragraph yields depends on its text only, unless it has an appositive (which may
        read the entry's earlier mentions): all other paragraphs are cached by their text."""
        cached = self._para_cache.get(para)
        if cached is not None:
            text, mentions = cached
            if text is not None:
                scan.text += "\n" + text
            scan.mentions.extend(mentions)
            return
        if len(self._para_cache) > _TEXT_CACHE_SIZE:
            self._para_cache.clear()
        raw = para
        if _FURNITURE_PARA.match(para):
            self._para_cache[raw] = (None, ())
            return
        if _may_have_dateline(para):
            para = _DATELINE.sub("", para, count=1)
        para = _quotes(para)
        if "(" in para:  # a byline tail is in parentheses
            para = _BYLINE_TAIL.sub("", para)
        para = _clean_abbrev(para)
        scan.text += "\n" + para
        text_added = para
        # "World Health Organization (WHO) said": the definition is read by _context; here
        # it only lets a long name the phrase rules cannot read stand for its acronym
        defs: dict[str, str] = {}
        if "(" in para and _PAREN_ACR_HINT.search(para):
            for am in _ACR_PAREN.finditer(para):
                words = _TOKEN.findall(am.group("name"))
                while words and words[0].lower() in CONNECTORS:
                    words = words[1:]
                for c in range(len(words) - 1):
                    if _is_cap(words[c]):
                        defs.setdefault(_key(" ".join(words[c:])), am.group("acr"))
            para = _PAREN_ACRONYM.sub("", para)
        out: list[tuple[int, Mention]] = []
        covered: list[tuple[int, int]] = []
        appositive = _APPOS_HINT.search(para) is not None
        for am in (_APPOS_AFTER.finditer(para) if appositive else ()):
            m = self._appositive(am.group("pre"), am.group("desc"), False, scan)
            if m is not None:
                out.append((am.start("desc"), m))
                covered.append((am.start(), am.end()))
        for am in (_APPOS_BEFORE.finditer(para) if appositive else ()):
            if any(a <= am.start("name") < b for a, b in covered):
                continue
            m = self._appositive(am.group("name"), am.group("desc"), True, scan)
            if m is not None:
                out.append((am.start("name"), m))
                covered.append((am.start(), am.end()))
        # only verbs and "according" start a rule: find their indices among the tokens
        # first, and the tokens' positions (in C, from the same split) only when there is one
        parts = _TOKEN_SPLIT.split(para)
        words = parts[1::2]
        hits = [] if _CUE_TOKENS.isdisjoint(words) else [
            i for i, tok in enumerate(words) if tok in _CUE_TOKENS]
        toks = _token_spans(parts) if hits else []
        n = len(toks)
        for i in hits:
            tok, start, end = toks[i]
            if tok not in VERBS:
                if tok in ("according", "According") and i + 2 < n and toks[i + 1][0] == "to":
                    acc = _ACCORDING.match(para, start)
                    if acc:
                        m = self._forward(para, toks, acc.end(), defs)
                        if m is not None:
                            out.append((start, m))
                continue
            if any(a <= start < b for a, b in covered):
                continue
            if tok.endswith("s") and i + 1 < n and (toks[i + 1][0] in VERBS or toks[i + 1][0] in _BE
                                                    or toks[i + 1][0] in _AUX):
                continue   # "the Baltic states said": a plural noun, not a verb
            found = self._backward(para, toks, i, defs)
            if found:
                out.extend((start, m) for m in found)
                continue
            if tok in _INVERTING and i + 1 < n and i > 0:
                gap_before = para[toks[i - 1][2]:start]
                if "," in gap_before or '"' in gap_before:
                    m = self._forward(para, toks, end, defs)
                    if m is not None:
                        out.append((start, m))
        out.sort(key=lambda t: t[0])
        mentions = tuple(m for _p, m in out)
        if not appositive:
            self._para_cache[raw] = (text_added, mentions)
        scan.mentions.extend(mentions)

    @staticmethod
    def _span_ok(tok: str) -> bool:
        if _is_cap(tok):
            return True
        low = tok.lower()
        if low.endswith("'s"):
            low = low[:-2]
            if low in ("country", "nation", "government"):
                return True
        return low in _SPAN_LOWER or low + "s" in _SPAN_LOWER

    def _backward(self, para: str, toks: list, i: int, defs: dict[str, str] | None = None) -> list[Mention]:
        """The subject right before the verb at toks[i] (and the others of a list)."""
        v = i
        while v > 0 and toks[v - 1][0] in _AUX and not para[toks[v - 1][2]:toks[v][1]].strip():
            v -= 1
        j = v
        while j > 0:
            prev = toks[j - 1][0]
            if para[toks[j - 1][2]:toks[j][1]].strip() or v - j >= 9 or not self._span_ok(prev):
                break
            j -= 1
        if j == v:
            return []
        if j > 0 and (toks[j - 1][0] in REPORT_VERBS or toks[j - 1][0] in _SUBORDINATORS) \
                and not para[toks[j - 1][2]:toks[j][1]].strip():
            return []   # the subject of reported speech is talked about, not speaking
        words = [t for t, _s, _e in toks[j:v]]
        if defs:
            for c in range(len(words)):
                if _key(" ".join(words[c:])) in defs:
                    acr = defs[_key(" ".join(words[c:]))]
                    return [Mention("acronym", acr, acronym=acr, surface=" ".join(words[c:]))]
        for c in range(len(words)):
            k = j + c
            if c > 0 and words[c - 1].lower() in _CONNECTORS_NOT_ARTICLES:
                continue
            if k > 0 and toks[k - 1][0].lower() in _PREPOSITIONS and not para[toks[k - 1][2]:toks[k][1]].strip():
                return []
            gap = para[toks[k - 1][2]:toks[k][1]] if k else ""
            initial = k == 0 or any(ch in gap for ch in ".!?:\n")
            m = self.parse(words[c:], weak=initial)
            if m is not None:
                if c > 0 and words[c - 1].lower() == "and":
                    more = self._coordinated(para, toks, j, k - 1, headline=False)
                    if more is None:
                        return []
                    return [*more, m]
                return [m]
        listed = self._coordinated(para, toks, j, v, headline=False)
        return listed or []

    def _coordinated(self, text: str, toks: list, j: int, v: int, *, headline: bool) -> list[Mention] | None:
        """A list of actors before toks[v]: "Norway, Denmark and Germany". None when the list
        is the object of a preposition ("ministers from Norway and Sweden")."""
        # walk back over "A, B and C": items separated by "," or "and"
        items: list[list[str]] = []
        cur: list[str] = []
        k = v - 1
        start = v
        while k >= 0:
            tok = toks[k][0]
            gap_after = text[toks[k][2]:toks[k + 1][1]] if k + 1 < len(toks) else ""
            if k + 1 <= v - 1 and gap_after.strip() not in ("", ","):
                break
            if gap_after.strip() == "," and k + 1 <= v - 1:
                items.insert(0, cur)
                cur = []
            if tok == "and" or tok == "&":
                if cur:
                    items.insert(0, cur)
                cur = []
            elif _is_cap(tok) or (tok.lower() in _SPAN_LOWER and tok.lower() not in ARTICLES):
                cur.insert(0, tok)
            else:
                break
            start = k
            k -= 1
            if v - k > 16:
                break
        if cur:
            items.insert(0, cur)
        items = [it for it in items if it]
        if len(items) < 2:
            return []
        if start > 0 and toks[start - 1][0].lower() in _PREPOSITIONS:
            return None
        out = []
        for it in items:
            m = self.parse(it)
            if m is None or m.kind not in ("place", "person", "inst", "acronym"):
                return []
            out.append(m)
        return out

    def _forward(self, para: str, toks: list, pos: int, defs: dict[str, str] | None = None) -> Mention | None:
        start_i = bisect_left(toks, pos, key=lambda t: t[1])
        if start_i >= len(toks):
            return None
        k = start_i
        while k < len(toks) and k - start_i < 10:
            tok = toks[k][0]
            if k > start_i and para[toks[k - 1][2]:toks[k][1]].strip():
                break
            if not self._span_ok(tok):
                break
            k += 1
        words = [t for t, _s, _e in toks[start_i:k]]
        if defs:
            for end in range(len(words), 0, -1):
                acr = defs.get(_key(" ".join(words[:end])))
                if acr:
                    return Mention("acronym", acr, acronym=acr, surface=" ".join(words[:end]))
        for end in range(len(words), 0, -1):
            m = self.parse(words[:end])
            if m is not None:
                return m
        return None

    def _appositive(self, name: str, desc: str, desc_before: bool, scan: _EntryScan) -> Mention | None:
        """"X, a spokesperson for Y, said" and "the German chancellor, X, said": X with the
        group and title the description gives."""
        ntoks = _TOKEN.findall(name)
        if not desc_before:
            keep: list[str] = []
            for w in reversed(ntoks):
                if self._span_ok(w):
                    keep.insert(0, w)
                else:
                    break
            ntoks = keep
        nm = None
        for c in range(len(ntoks)):
            nm = self.parse(ntoks[c:])
            if nm is not None:
                break
        if nm is None:
            return None
        dtoks = _TOKEN.findall(desc)
        if desc_before:
            keep = []
            for w in reversed(dtoks):
                if self._span_ok(w) or w.lower() in _DESC_NOUNS:
                    keep.insert(0, w)
                else:
                    break
            dtoks = keep
            if not dtoks or dtoks[-1].lower() not in TITLE_HEADS | _DESC_NOUNS:
                return None
        if nm.kind not in ("person", "name1"):
            return nm if dtoks and (dtoks[-1].lower() in _DESC_NOUNS or desc_before is False) else None
        if not dtoks:
            return nm
        d = self.parse(dtoks)
        if d is None:
            return nm if nm.kind == "person" else None
        group = d.group or (d.place.name if d.place is not None else "")
        if d.kind == "anaphora":
            local = {x.group for x in scan.mentions if x.kind == "inst" and x.group}
            group = local.pop() if len(local) == 1 else ""
        title = d.title or (d.base.lower() if d.kind == "office" else "")
        if d.kind in ("inst", "place", "anaphora") and not title:
            title = "spokesperson"
        return Mention(nm.kind, nm.base, group=nm.group or group, title=nm.title or title,
                       surface=nm.surface)

    # ---------------------------------------------------------------- context

    def _context(self, text: str, scan: _EntryScan, acronyms: dict[str, str]) -> None:
        """Persons with a title anywhere in the text, and acronyms the text defines."""
        for m in _titled_names(text):
            line_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 60)
            before = _TOKEN.findall(text[line_start:m.start()])[-3:]
            words = [*before, *_TOKEN.findall(m.group(0))]
            parsed = None
            for c in range(len(words) - 2, -1, -1):
                p = self.parse(words[c:])
                if p is not None and p.kind == "person":
                    if parsed is None or p.group or not parsed.group:
                        parsed = p
                elif parsed is not None:
                    break
            if parsed is not None:
                scan.persons.append(parsed)
        for rule, name, acr in self._acronym_candidates(text):
            if rule:
                words = _TOKEN.findall(name)
                while words and (words[0].lower() in CONNECTORS or not _is_cap(words[0])):
                    words = words[1:]
                if len(words) < 2 and acr not in GAZ.exact:
                    continue
                if rule == "adjacent" and not _initials_fit(words, acr):
                    continue
                if rule == "paren" and not (_initials_fit(words, acr) or any(
                        w.lower() in INST_HEADS for w in words)):
                    continue
                # keep the longest trailing run that reads as a name
                full = self._acronym_name(words, acr)
                if full and acr not in acronyms:
                    acronyms[acr] = full
                elif full and len(full) > len(acronyms[acr]) and acr not in GAZ.exact:
                    acronyms[acr] = full

    @staticmethod
    def _acronym_candidates(text: str):
        """(rule, name text, acronym) for "Name (ACR)" and "Name ACR" in the text."""
        if "(" in text and _PAREN_ACR_HINT.search(text):
            for m in _ACR_PAREN.finditer(text):
                yield "paren", m.group("name"), m.group("acr")
        for m in (_CAPS_WORD.finditer(text) if _has_two_caps(text) else ()):
            line_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 80)
            before = text[line_start:m.start()]
            if not before.endswith(" "):
                continue
            words = before.split()
            run: list[str] = []
            for w in reversed(words):
                if _is_cap(w) and not w.isupper() and w[-1:].isalnum():
                    run.insert(0, w)
                elif w in ("of", "the", "for", "and") and run:
                    run.insert(0, w)
                else:
                    break
            if len(run) >= 2:
                yield "adjacent", " ".join(run), m.group()

    def _acronym_name(self, words: list[str], acr: str) -> str:
        known = GAZ.exact.get(acr)
        if known is not None and known.kind == "org":
            return known.display
        for c in range(len(words)):
            sub = words[c:]
            if _key(" ".join(sub)) in _JUNK_PHRASES:
                return ""
            place = GAZ.lookup(sub)
            if place is not None and place.kind == "org":
                return place.display
            if _initials_fit(sub, acr) or (c + 1 < len(words) and any(w.lower() in INST_HEADS for w in sub)
                                           and not _initials_fit(words[c + 1:], acr) and _is_cap(sub[0])):
                if sub[0].lower() in CONNECTORS:
                    continue
                return _format(_titlecase(sub), acr)
        return ""

    # ---------------------------------------------------------------- batch

    def extract(self, entries: list[Entry]) -> list[Entry]:
        """Entries with ``actors`` filled: canonical names, main actor first."""
        scans: list[_EntryScan] = []
        acronyms: dict[str, str] = {}
        for entry in entries:
            scan = _EntryScan()
            if entry.title:
                self._scan_title(entry.title, scan)
                scan.text = _quotes(entry.title)
            for para in entry.body:
                self._scan_para(para, scan)
            self._context(scan.text, scan, acronyms)
            scans.append(scan)
        batch = _Batch(self, acronyms)
        for scan in scans:
            for m in scan.mentions:
                batch.register(m)
            for m in scan.persons:
                batch.register_person(m)
        out = []
        for entry, scan in zip(entries, scans):
            names: list[str] = []
            for m in scan.mentions:
                name = batch.resolve(m, scan)
                if name:
                    name = self._user_alias(name)
                if name and name not in names:
                    names.append(name)
            names_t = tuple(names)
            out.append(entry if entry.actors == names_t else entry.with_(actors=names_t))
        return out

    def _user_alias(self, name: str) -> str:
        if not self.aliases:
            return name
        for k in (_key(name), _key(split_canonical(name)[0])):
            if k in self.aliases:
                return self.aliases[k]
        return name


_RANK_WORDS = _words("top senior chief deputy acting former main official")
_SUBORDINATORS = _words("that if whether unless until once")
_PAST = _words("said told sent met sought wrote struck froze won gave took made held led cut shut set put")
#: The (lowercased) tokens _headline_subject reads as its verb.
_HEAD_VERBS = frozenset(v for v in VERBS if not v.endswith("ed") and v not in _PAST)
_BE = _words("is are was were be been being")
#: Distinct titles or paragraphs an index remembers the mentions of (then it starts afresh).
_TEXT_CACHE_SIZE = 4096
_APPOS_HINT = re.compile(r",\s+" + _APPOS_VERBS + r"\b")
_LEAD_SPEAKER = re.compile(r'^\s*([^:"]{2,50}):\s+')
_PAREN_ACRONYM = re.compile(r"\s*\([A-Z][A-Za-z&\-]{1,9}\)")
#: What both _ACR_PAREN and _PAREN_ACRONYM need: "(" ACRONYM ")" (found by its literal "(").
_PAREN_ACR_HINT = re.compile(r"\([A-Z][A-Za-z&\-]{1,9}\)")
_DESC_NOUNS = _words("owner owners company operator firm group agency organisation organization charity "
                     "carrier insurer union watchdog regulator body authority")


def _clean_abbrev(text: str) -> str:
    """ "U.S." -> "US", "Dr." -> "Dr", so that dots mean sentence ends."""
    if "." not in text:
        return text
    # each pattern only where its cheap necessary condition (a dot before a capital, a dot
    # before a space) holds: both scan every position otherwise
    if _DOT_UPPER.search(text):
        text = _ABBREV_DOTS.sub(_join_groups, text)
    if any(text.endswith(_TITLE_ABBREVS, 0, m.start()) for m in _DOT_SPACE.finditer(text)):
        text = _TITLE_ABBREV.sub(r"\1", text)
    return text


def _join_groups(m: re.Match) -> str:
    return "".join(g for g in m.groups() if g)


_DOT_UPPER = re.compile(r"\." + _UP)
_DOT_SPACE = re.compile(r"\.\s")
#: The abbreviations of _TITLE_ABBREV: one of them ends right before a dot it rewrites.
_TITLE_ABBREVS = tuple(re.search(r"\((.*?)\)", _TITLE_ABBREV.pattern).group(1).split("|"))


_PREPOSITIONS = _words("of in from to at on near with by for into over under across about against between "
                       "than like via per amid outside inside toward towards around")

_TRAIL_VERB = re.compile(r",\s*(?P<name>[^,]{2,70}?)\s+(?:says|said|warns|claims|confirms|reports|insists|"
                         r"announces|denies|tells\s+\w+|urges|vows|admits)\s*[.!]?\s*$", re.I)
_TRAIL_INVERTED = re.compile(r",\s*(?:says|said|warns|claims)\s+(?P<name>[^,]{2,70}?)\s*[.!]?\s*$", re.I)
_TRAIL_DASH = re.compile(r"\s[-–—|]\s+(?P<name>(?:(?!\s[-–—|]\s)[^:]){2,60}?)\s*$")
_TITLED_NAME = re.compile(
    r"\b(?:" + "|".join(sorted((re.escape(t) for t in TITLE_HEADS if len(t) > 2), key=len, reverse=True))
    + r"|" + "|".join(sorted((re.escape(t.capitalize()) for t in TITLE_HEADS if len(t) > 2), key=len, reverse=True))
    + r")[ \t]+" + _NAMEP)
_TITLED_HEADS = frozenset(t for t in TITLE_HEADS if len(t) > 2) | frozenset(
    t.capitalize() for t in TITLE_HEADS if len(t) > 2)
# Where _TITLED_NAME can match: at a word start p, a title head followed by blanks and a
# capital. Its alternatives hold only [A-Za-z-] and are followed by [ \t]+, so the one that
# matches at p is text[p:q] for the blank run at q after the head characters from p, or none.
_HEAD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-")
assert all(set(t) <= _HEAD_CHARS and t[0].isalpha() for t in _TITLED_HEADS)
#: The last blank of each run of blanks before a capital (a scan for [ \t]+ before a
#: capital tries the run at every blank; _titled_names walks back to the run's start).
_LAST_BLANK_CAP = re.compile(r"[ \t](?=" + _UP + ")")


def _titled_names(text: str):
    """_TITLED_NAME.finditer(text), trying it only where one of its ~190 alternatives can
    start (a search for blanks before a capital instead of every alternative at every word)."""
    end = 0
    for blank in _LAST_BLANK_CAP.finditer(text):
        q = blank.start()
        while q > 0 and text[q - 1] in " \t":  # the start of the run
            q -= 1
        j = q
        while j > 0 and text[j - 1] in _HEAD_CHARS:
            j -= 1
        for p in range(max(j, end), q):
            c = text[p]
            if not ("a" <= c <= "z" or "A" <= c <= "Z"):
                continue
            if p > 0:  # a word start (\b): after a non-word character
                before = text[p - 1]
                if before.isalnum() or before == "_":
                    continue
            if text[p:q] not in _TITLED_HEADS:
                continue
            m = _TITLED_NAME.match(text, p)
            if m is not None:
                end = m.end()
                yield m
                break


def _initials_fit(words: list[str], acr: str) -> bool:
    """The capitalized words' initials spell the acronym, or appear in it in order."""
    initials = "".join(w[0].upper() for w in words if _is_cap(w) and w.lower() not in CONNECTORS)
    if len(initials) < 2:
        return False
    if initials == acr.upper():
        return True
    it = iter(acr.upper())
    return all(ch in it for ch in initials) and len(initials) >= len(acr) // 2


_WORDS_ONLY = re.compile(r"[^\w']+")
_TITLE_SYNONYMS = {"pm": "prime minister", "premier": "prime minister", "un chief": "secretary-general"}


class _Batch:
    """Registries built from one batch of entries, then used to resolve every mention."""

    def __init__(self, index: ActorIndex, acronyms: dict[str, str]) -> None:
        self.index = index
        self.acronyms = acronyms                       # ACR -> "Full Name (ACR)"
        self.acr_by_name = {_key(split_canonical(v)[0]): v for v in acronyms.values()}
        self.persons: dict[str, dict] = {}             # folded full name -> record
        self.by_surname: dict[str, list[str]] = {}
        self.inst_display: dict[str, str] = {}         # base key -> first display
        self.inst_groups: dict[str, list[str]] = {}    # base key -> groups seen
        self.names1: set[str] = set()                  # strong single words seen
        self.name1_display: dict[str, str] = {}        # folded single word -> first display
        self.by_title_head: dict[str, list[str]] = {}  # last title word -> person keys

    def register(self, m: Mention) -> None:
        if m.kind == "person":
            self.register_person(m)
        elif m.kind == "inst":
            k = _key(m.base)
            self.inst_display.setdefault(k, m.base)
            if m.group and m.group not in self.inst_groups.setdefault(k, []):
                self.inst_groups[k].append(m.group)
        elif m.kind == "name1":
            self.name1_display.setdefault(fold(m.base), m.base)
            if not m.weak:
                self.names1.add(fold(m.base))

    def register_person(self, m: Mention) -> None:
        k = fold(m.base)
        rec = self.persons.get(k)
        if rec is None:
            rec = self.persons[k] = {"name": m.base, "group": m.group, "titles": set()}
            words = m.base.split()
            self.by_surname.setdefault(fold(ActorIndex._surname(words)), []).append(k)
            if len(words) > 2 and fold(words[-1]) != fold(ActorIndex._surname(words)):
                self.by_surname.setdefault(fold(words[-1]), []).append(k)
        if m.group and not rec["group"]:
            rec["group"] = m.group
        if m.title:
            title = _TITLE_SYNONYMS.get(m.title, m.title)
            if title not in rec["titles"]:
                rec["titles"].add(title)
                self.by_title_head.setdefault(title.split()[-1], []).append(k)

    def _person_name(self, k: str) -> str:
        rec = self.persons[k]
        return _format(rec["name"], rec["group"])

    def resolve(self, m: Mention, scan: _EntryScan) -> str:
        kind = m.kind
        if kind == "user":
            return m.base
        if kind == "place":
            place = m.place
            if place is None:
                return ""
            return place.display if place.kind != "country" else place.name
        if kind == "person":
            k = fold(m.base)
            longer = [p for p in self.by_surname.get(k.rsplit(" ", 1)[-1], ()) if p.endswith(" " + k)]
            if len(longer) == 1:   # "Ruiz Quintana" -> "Elena Ruiz Quintana"
                k = longer[0]
            if k in self.persons:
                return self._person_name(k)
            return _format(m.base, m.group or self._entry_country(m, scan))
        if kind == "acronym":
            if m.base in self.acronyms:
                return self.acronyms[m.base]
            place = GAZ.exact.get(m.base)
            if place is not None:
                return place.display if place.kind != "country" else place.name
            if fold(m.base) in NEWS_AGENCIES or m.base in ("TV", "PM", "AM", "OK", "ID", "COVID"):
                return ""
            return m.base
        if kind == "inst":
            surf = _key(m.surface)
            if surf in self.acr_by_name:
                return self.acr_by_name[surf]
            k = _key(m.base)
            if k in self.acr_by_name:
                return self.acr_by_name[k]
            display = self.inst_display.get(k, m.base)
            group = m.group or self._entry_country(m, scan)
            if not group:
                local = [x.group for x in scan.mentions if x.kind == "inst" and x.group and _key(x.base) == k]
                if len(set(local)) == 1:
                    group = local[0]
                elif len(self.inst_groups.get(k, ())) == 1:
                    group = self.inst_groups[k][0]
            if not group and len(m.base.split()) == 1 and m.base.lower() in ("military", "police"):
                return ""
            return _format(display, group)
        if kind == "anaphora":
            local = [x for x in scan.mentions if x.kind == "inst"]
            bases = {(_key(x.base), x.group) for x in local}
            if len(bases) == 1:
                return self.resolve(local[0], scan)
            return ""
        if kind == "name1":
            return self._resolve_name1(m, scan)
        if kind == "office":
            return self._resolve_office(m, scan)
        return ""

    def _resolve_name1(self, m: Mention, scan: _EntryScan) -> str:
        word = m.base
        fk = fold(word)
        if word in self.acronyms:
            return self.acronyms[word]
        cands = self.by_surname.get(fk, [])
        if m.group:
            cands = [c for c in cands if self.persons[c]["group"] in ("", m.group)]
        if m.title and len(cands) > 1:
            head = m.title.split()[-1]
            titled = [c for c in cands if any(head in t.split() for t in self.persons[c]["titles"])]
            if titled:
                cands = titled
        if len(cands) > 1:
            # the same entry names one of them in full
            local = {fold(x.base) for x in (*scan.mentions, *scan.persons) if x.kind == "person"}
            here = [c for c in cands if c in local]
            if len(here) != 1:
                here = [c for c in cands if c in scan.folded]
            if len(here) == 1:
                cands = here
            else:
                # a place word from one candidate's title, or their country, named here
                cued = [c for c in cands if any(f" {w} " in scan.cue_text for w in self._cues(c))]
                if len(cued) == 1:
                    cands = cued
        if len(cands) == 1:
            return self._person_name(cands[0])
        if len(cands) > 1:
            return self.name1_display.get(fk, word)
        if m.weak and fk not in self.names1:
            return ""
        return _format(self.name1_display.get(fk, word), m.group)

    def _cues(self, k: str) -> set[str]:
        rec = self.persons[k]
        cues = set()
        for title in rec["titles"]:
            for w in title.split():
                if w not in TITLE_HEADS and w not in TITLE_MODIFIERS and w not in DEPT_WORDS \
                        and w not in CONNECTORS and w not in INST_HEADS:
                    cues.add(_key(w))
        place = GAZ.group.get(_key(rec["group"])) if rec["group"] else None
        if place is not None:
            cues |= {_key(x) for x in (place.name, *place.capitals, *place.demonyms)}
        cues.discard("")
        return cues

    @staticmethod
    def _entry_country(m: Mention, scan: _EntryScan) -> str:
        """For "the country's X": the one country the entry names as an actor."""
        if not m.ctx_country:
            return ""
        found = {x.place.name for x in scan.mentions
                 if x.kind == "place" and x.place is not None and x.place.kind == "country"}
        return found.pop() if len(found) == 1 else ""

    def _resolve_office(self, m: Mention, scan: _EntryScan) -> str:
        """A title without a name ("the German chancellor"): the one person in the batch who
        holds it, else the office itself when its country or organization is known."""
        group = m.group or (self._entry_country(m, scan) if m.ctx_country else "")
        title = _TITLE_SYNONYMS.get(m.title, m.title)
        words = title.split()
        head = words[-1] if words else ""
        cands = []
        for k in self.by_title_head.get(head, ()):
            rec = self.persons[k]
            if group and rec["group"] and rec["group"] != group:
                continue
            if any(t == title or (head not in ROLE_SPOKES and set(words) <= set(t.split()))
                   for t in rec["titles"]):
                cands.append(k)
        if len(cands) > 1:
            local = {fold(x.base) for x in (*scan.mentions, *scan.persons) if x.kind == "person"}
            cands = [c for c in cands if c in local] or cands
        if len(cands) == 1:
            return self._person_name(cands[0])
        if group:
            return _format(m.base, group)
        return ""


# --------------------------------------------------------------------------- module API

_DEFAULT = ActorIndex()
_INDEXES: dict[tuple, ActorIndex] = {}


def configure(aliases: Mapping[str, str] | None = None,
              groups: Mapping[str, Iterable[str]] | None = None) -> ActorIndex:
    """Set the user aliases and groups (from the config) that the module functions use when
    they are not given any; returns the index."""
    global _DEFAULT
    _DEFAULT = ActorIndex(aliases, groups)
    return _DEFAULT


def _index_for(aliases, groups) -> ActorIndex:
    if aliases is None and groups is None:
        return _DEFAULT
    key = (tuple(sorted((aliases or {}).items())),
           tuple(sorted((g, tuple(m) if not isinstance(m, str) else (m,)) for g, m in (groups or {}).items())))
    index = _INDEXES.get(key)
    if index is None:
        if len(_INDEXES) > 16:
            _INDEXES.clear()
        index = _INDEXES[key] = ActorIndex(aliases, groups)
    return index


def extract_actors(entries: list[Entry], aliases: Mapping[str, str] | None = None,
                   groups: Mapping[str, Iterable[str]] | None = None) -> list[Entry]:
    """Entries (one source's batch) with ``actors`` filled: canonical names, main actor first.

    The batch is read as a whole, so an acronym or full name defined in one entry resolves
    an acronym or surname in another."""
    return _index_for(aliases, groups).extract(list(entries))


def actor_groups(name: str, *, aliases: Mapping[str, str] | None = None,
                 groups: Mapping[str, Iterable[str]] | None = None) -> tuple[str, ...]:
    """The groups (countries, organizations, user groups) an actor belongs to:
    ``"Kyiv"`` -> ``("Ukraine",)``, ``"Defence Ministry (Ukraine)"`` -> ``("Ukraine",)``."""
    return _index_for(aliases, groups).groups(name)


def actor_keys(actor: str, *, aliases: Mapping[str, str] | None = None,
               groups: Mapping[str, Iterable[str]] | None = None) -> set[str]:
    """Every folded key an actor is findable under (index these; look up ``query_key``)."""
    return set(_index_for(aliases, groups).keys(actor))


def query_key(name: str, *, aliases: Mapping[str, str] | None = None,
              groups: Mapping[str, Iterable[str]] | None = None) -> str:
    """The key ``actor:NAME`` looks up among ``actor_keys`` (``fold(NAME)`` works too for
    canonical names and simple aliases)."""
    return _index_for(aliases, groups).query_key(name)


def actor_matches(query_name: str, entry_actors: Iterable[str], *,
                  aliases: Mapping[str, str] | None = None,
                  groups: Mapping[str, Iterable[str]] | None = None) -> bool:
    """The in-memory semantics of ``actor:NAME``: NAME (case- and diacritic-insensitive) is
    an actor, an alias or variant of one (surname, acronym, spelling, capital), or a group
    one belongs to."""
    return _index_for(aliases, groups).matches(query_name, entry_actors)


__all__ = ["ActorIndex", "actor_groups", "actor_keys", "actor_matches", "configure",
           "extract_actors", "fold", "query_key", "split_canonical"]
