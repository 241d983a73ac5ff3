"""Every file of ../shared/corpus/feeds (about 3,400: feedparser, gofeed, feed-rs, rss-parser,
including feedparser's ill-formed and hostile `sanitize` cases, and the suites' expected-
result JSON files too) goes through extract_bytes and is classified:

- usable:   entries, each with a title or a body, dated, from a well-formed document;
- degraded: entries, but some have neither title nor body or no date, or the document was
            not well-formed and the parser had to recover;
- rejected: an ExtractError (not a feed, no items, unreadable), a one-line named error.

No other exception is allowed, every file ends within PER_FILE_SECONDS, and every entry
keeps the invariants of fuzz/targets.py. The counts are printed (run with -s).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from feedtui.extract import ExtractError, extract_bytes
from feedtui.models import Extraction

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "feeds"
PER_FILE_SECONDS = 5.0
URL = "https://example.com/feed"

sys.path.insert(0, str(REPO / "fuzz"))
import targets as fuzz_targets  # noqa: E402
from timebound import TimeBoundExceeded, time_bound  # noqa: E402

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"feed corpus not found at {CORPUS}")




def _well_formed(data: bytes, result: Extraction) -> bool:
    """Whether the document parses without recovery (strict parser, same hardening)."""
    if result.kind != "feed":
        return True
    stripped = data.lstrip()
    if stripped[:1] in (b"{", b"["):
        try:
            json.loads(data.decode("utf-8-sig"))
            return True
        except ValueError:
            return False
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, recover=False)
    parser.resolvers.add(_Refuse())
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return False
    return True


class _Refuse(etree.Resolver):
    def resolve(self, system_url, public_id, context):
        return self.resolve_string("", context)


def classify(data: bytes) -> tuple[str, str]:
    """(class, reason) of one document."""
    try:
        result = extract_bytes(data, URL)
    except ExtractError as exc:
        return "rejected", str(exc).split(": ", 1)[-1][:60]
    fuzz_targets.check_extraction(result)
    if not result.entries:
        return "degraded", "no entries"
    empty = sum(1 for e in result.entries if not (e.title or e.body))
    undated = sum(1 for e in result.entries if e.published is None)
    if empty:
        return "degraded", "entries without title or body"
    if undated:
        return "degraded", "undated entries"
    if not _well_formed(data, result):
        return "degraded", "recovered from an ill-formed document"
    return "usable", ""


def test_every_feed_file_is_classified():
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file())
    assert len(files) > 3_000, f"only {len(files)} files under {CORPUS}"
    counts: Counter[str] = Counter()
    by_suite: dict[str, Counter[str]] = {}
    reasons: Counter[tuple[str, str]] = Counter()
    failures = []
    slowest = (0.0, "")
    for path in files:
        data = path.read_bytes()
        start = time.perf_counter()
        try:
            with time_bound(PER_FILE_SECONDS):
                kind, reason = classify(data)
        except TimeBoundExceeded:
            failures.append(f"{path.relative_to(CORPUS)}: over {PER_FILE_SECONDS} s")
            continue
        except Exception as exc:  # anything but ExtractError is a bug
            failures.append(f"{path.relative_to(CORPUS)}: {type(exc).__name__}: {str(exc)[:200]}")
            continue
        elapsed = time.perf_counter() - start
        slowest = max(slowest, (elapsed, str(path.relative_to(CORPUS))))
        counts[kind] += 1
        by_suite.setdefault(path.relative_to(CORPUS).parts[0], Counter())[kind] += 1
        reasons[(kind, reason)] += 1
    print(f"\n{len(files)} files: " + ", ".join(f"{k} {counts[k]}" for k in ("usable", "degraded", "rejected")))
    for suite, c in sorted(by_suite.items()):
        print(f"  {suite:12} usable {c['usable']:5}  degraded {c['degraded']:5}  rejected {c['rejected']:5}")
    print("  most common reasons:")
    for (kind, reason), n in reasons.most_common(12):
        if reason:
            print(f"    {n:5} {kind}: {reason}")
    print(f"  slowest file: {slowest[0]:.2f} s ({slowest[1]})")
    assert not failures, "\n".join(failures[:50])
    assert sum(counts.values()) == len(files)
