"""The syndication parser over real third-party feeds (../shared/corpus/feeds).

1. Every input file of the four suites ends in an Extraction or an ExtractError, quickly.
2. Where a suite ships the expected parse beside its input (gofeed, feed-rs, rss-parser), item
   counts, titles, links and dates agree with it on at least 97% of the items. Disagreements
   are printed (run with -s or -rA) and listed in the assertion message.
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest

from feedtui.extract import ExtractError, extract_bytes
from feedtui.extract.dates import parse_date
from feedtui.models import Extraction
from timebound import TimeBoundExceeded, time_bound  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "feeds"
FEED_URL = "https://example.com/feed"
PER_FILE_SECONDS = 10.0
AGREEMENT = 0.97

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"feed corpus not found at {CORPUS}")

SUITES = {
    "feedparser": "feedparser/tests",
    "gofeed": "gofeed/testdata",
    "feed-rs": "feed-rs/feed-rs/fixture",
    "rss-parser": "rss-parser/test/input",
}


def _is_expectation(suite: str, path: Path) -> bool:
    name = path.name
    if suite == "gofeed":
        return name.endswith(".json") and (name.endswith("_expected.json") or path.with_suffix(".xml").exists())
    if suite == "feed-rs":
        return name.endswith(".serde.json")
    return False


def _inputs(suite: str) -> list[Path]:
    folder = CORPUS / SUITES[suite]
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not _is_expectation(suite, p))




def _extract(path: Path) -> Extraction | ExtractError:
    data = path.read_bytes()
    try:
        with time_bound(PER_FILE_SECONDS):
            return extract_bytes(data, url=FEED_URL)
    except ExtractError as exc:
        return exc


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_every_input_ends_in_extraction_or_extract_error(suite):
    inputs = _inputs(suite)
    if not inputs:
        pytest.skip(f"{suite} folder absent from {CORPUS}")
    failures = []
    slowest = (0.0, "")
    for path in inputs:
        started = time.perf_counter()
        try:
            result = _extract(path)
        except TimeBoundExceeded:
            failures.append(f"{path.relative_to(CORPUS)}: more than {PER_FILE_SECONDS}s")
            continue
        except Exception as exc:  # noqa: BLE001 - that is what the test looks for
            failures.append(f"{path.relative_to(CORPUS)}: {type(exc).__name__}: {exc}")
            continue
        elapsed = time.perf_counter() - started
        slowest = max(slowest, (elapsed, path.name))
        assert isinstance(result, (Extraction, ExtractError))
        if isinstance(result, Extraction):
            for entry in result.entries:
                assert entry.published is None or entry.published.utcoffset().total_seconds() == 0
    print(f"\n{suite}: {len(inputs)} files, slowest {slowest[1]} in {slowest[0]:.3f}s")
    assert not failures, "\n".join(failures[:50])


# ---------------------------------------------------------------------------------------------
# Agreement with the expected results shipped by the suites


@dataclass
class Expected:
    """One expected item: any field may be None (absent: not compared)."""

    title: str | None = None
    link: str | None = None
    date: str | None = None


@dataclass
class Case:
    path: Path
    items: list[Expected] = field(default_factory=list)


def _load_json(path: Path):
    raw = path.read_bytes()
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return json.loads(raw.decode("latin-1"))


def _pick_link(links) -> str | None:
    if isinstance(links, str):
        return links
    if not isinstance(links, list) or not links:
        return None
    for link in links:
        if isinstance(link, dict) and link.get("href") and (link.get("rel") in (None, "", "alternate")):
            return link["href"]
    return None


def _gofeed_cases() -> list[Case]:
    root = CORPUS / SUITES["gofeed"] / "parser"
    cases = []
    for sub in ("rss", "atom", "json"):
        folder = root / sub
        if not folder.is_dir():
            continue
        for expected_path in sorted(folder.glob("*.json")):
            if sub == "json":
                if not expected_path.name.endswith("_expected.json"):
                    continue
                source = expected_path.with_name(expected_path.name.replace("_expected.json", ".json"))
            else:
                source = expected_path.with_suffix(".xml")
            if not source.exists():
                continue
            data = _load_json(expected_path)
            case = Case(source)
            for item in data.get("items") or data.get("entries") or []:
                if sub == "rss":
                    case.items.append(Expected(item.get("title"), item.get("link"), item.get("pubDateParsed")))
                elif sub == "atom":
                    case.items.append(Expected(item.get("title"), _pick_link(item.get("links")),
                                               item.get("publishedParsed") or item.get("updatedParsed")))
                else:
                    case.items.append(Expected(item.get("title"), item.get("url") or item.get("external_url"),
                                               item.get("date_published") or item.get("date_modified")))
            cases.append(case)
    return cases


def _feed_rs_cases() -> list[Case]:
    root = CORPUS / SUITES["feed-rs"]
    cases = []
    for expected_path in sorted(root.rglob("*.serde.json")):
        stem = expected_path.name[: -len(".serde.json")]
        sources = [p for p in expected_path.parent.glob(stem + ".*") if not p.name.endswith(".serde.json")]
        if not sources:
            continue
        data = _load_json(expected_path)
        case = Case(sources[0])
        for entry in data.get("entries") or []:
            title = entry.get("title")
            if isinstance(title, dict):
                title = title.get("content")
            case.items.append(Expected(title, _pick_link(entry.get("links")),
                                       entry.get("published") or entry.get("updated")))
        cases.append(case)
    return cases


def _rss_parser_cases() -> list[Case]:
    root = CORPUS / "rss-parser" / "test"
    cases = []
    for expected_path in sorted((root / "output").glob("*.json")):
        sources = list((root / "input").glob(expected_path.stem + ".*"))
        if not sources:
            continue
        data = _load_json(expected_path)
        feed = data.get("feed", data)
        case = Case(sources[0])
        for item in feed.get("items") or []:
            link = item.get("link")
            case.items.append(Expected(item.get("title") if isinstance(item.get("title"), str) else None,
                                       link if isinstance(link, str) else None,
                                       item.get("isoDate")))
        cases.append(case)
    return cases


_TAG = re.compile(r"<[^<>]*>")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _norm_title(text: str) -> str:
    text = html.unescape(_TAG.sub("", html.unescape(text)))
    text = _CONTROL.sub("", text)
    return _SPACE.sub(" ", text).strip().casefold()


def _same_title(ours: str, expected: str) -> bool:
    ours, expected = _norm_title(ours), _norm_title(expected)
    if ours == expected:
        return True
    if "\ufffd" in expected:
        # the suite decoded the feed with the wrong charset: U+FFFD stands for what it lost
        pattern = ".{1,3}".join(re.escape(part) for part in re.split("\ufffd+", expected))
        return re.fullmatch(pattern, ours) is not None
    return False


def _norm_link(link: str) -> str | None:
    """The link an extractor should give, or None when feedtui rightly gives none."""
    link = link.strip()
    if not link:
        return None
    absolute = urljoin(FEED_URL, link)
    if not absolute.startswith(("http://", "https://")):
        return None  # mailto:, javascript: and the like are dropped on purpose
    return absolute.replace(" ", "%20")


def _lower_host(link: str) -> str:
    parts = urlsplit(link)
    return urlunsplit(parts._replace(netloc=parts.netloc.lower()))


def _same_link(ours: str, expected: str) -> bool:
    if ours == expected or ours.rstrip("/") == expected.rstrip("/"):
        return True
    try:
        if _lower_host(ours).rstrip("/") == _lower_host(expected).rstrip("/"):
            return True  # host names are case-insensitive
    except ValueError:
        pass
    # a relative link resolved against an xml:base instead of the feed URL
    tail = expected.removeprefix("https://example.com")
    return bool(tail) and tail != expected and ours.endswith(tail)


def _compare(case: Case, result) -> tuple[int, int, list[str]]:
    """(items checked, items agreeing, disagreements)."""
    name = str(case.path.relative_to(CORPUS))
    problems = []
    if not isinstance(result, Extraction):
        if case.items:
            return len(case.items), 0, [f"{name}: {result!r} where {len(case.items)} items were expected"]
        return 0, 0, []
    entries = list(result.entries)
    if len(entries) != len(case.items):
        problems.append(f"{name}: {len(entries)} items, expected {len(case.items)}")
    unused = list(range(len(entries)))
    agreed = 0
    for index, item in enumerate(case.items):
        chosen = None
        if item.title is not None and _norm_title(item.title):
            chosen = next((i for i in unused if _same_title(entries[i].title, item.title)), None)
        if chosen is None and item.link:
            link = _norm_link(item.link)
            chosen = next((i for i in unused if link and _same_link(entries[i].url, link)), None)
        if chosen is None and item.date and parse_date(item.date) is not None:
            want = parse_date(item.date)
            chosen = next((i for i in unused if entries[i].published == want), None)
        if chosen is None and unused:
            chosen = unused[0] if len(case.items) == 1 or item.title is None else None
        if chosen is None:
            problems.append(f"{name} #{index}: no item matches title {item.title!r}")
            continue
        unused.remove(chosen)
        entry = entries[chosen]
        bad = []
        if item.title is not None and not _same_title(entry.title, item.title):
            bad.append(f"title {entry.title!r} != {item.title!r}")
        if item.link is not None:
            link = _norm_link(item.link)
            if link is not None and not _same_link(entry.url, link):
                bad.append(f"link {entry.url!r} != {item.link!r}")
        if item.date:
            want = parse_date(item.date)
            if want is not None and entry.published != want:
                bad.append(f"date {entry.published} != {item.date!r}")
        if bad:
            problems.append(f"{name} #{index}: " + "; ".join(bad))
        else:
            agreed += 1
    return len(case.items), agreed, problems


def test_agreement_with_expected_results():
    cases = _gofeed_cases() + _feed_rs_cases() + _rss_parser_cases()
    if not cases:
        pytest.skip("no expected results found in the corpus")
    checked = agreed = 0
    problems: list[str] = []
    for case in cases:
        try:
            result = _extract(case.path)
        except TimeBoundExceeded:
            result = ExtractError("timeout")
        n, ok, bad = _compare(case, result)
        checked += n
        agreed += ok
        problems.extend(bad)
    ratio = agreed / checked if checked else 1.0
    report = f"agreement {agreed}/{checked} items = {ratio:.2%} over {len(cases)} files"
    print("\n" + report)
    for line in problems:
        print("  " + line)
    assert ratio >= AGREEMENT, report + "\n" + "\n".join(problems[:200])
