"""Fuzzing: atheris (coverage-guided) over every parser target, and hypothesis properties.

Normal run (seconds):
- an atheris smoke per target of fuzz/targets.py: FUZZ_SMOKE_RUNS executions each, seeded
  from fuzz/seeds/TARGET and tests/regressions, zero crashes, invariant violations or
  timeouts (skipped, with the hypothesis tests below still running, where atheris is not
  installed);
- the same targets under hypothesis with random bytes;
- structured properties (3,000 examples each): feeds, JSON Feeds and pages built around
  hostile text go through extract_bytes and every Entry keeps the invariants (sanitized
  single-line fields, aware UTC dates, unique non-empty ids, http(s) or empty URLs); the
  sanitizer over an alphabet dense in what it must remove.

Long run: FEEDTUI_FUZZ_LONG=1 runs every target for FEEDTUI_FUZZ_RUNS executions (default
1,000,000) one after another (see README, Development; `fuzz/long_run.sh` does the same from
the shell with a summary line per target). A finding stops the run and leaves the input
under FEEDTUI_FUZZ_OUT (default /tmp/feedtui-fuzz): make it a
`tests/regressions/crash-<target>-<what>` file, then fix. Each target instruments only the
modules it exercises and has its own -max_len (fuzz/run.py), which is what makes 1,000,000
executions per target a matter of minutes to an hour rather than a day.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedtui.extract import ExtractError, extract_bytes
from feedtui.sanitize import COMBINING_RUN, clean_line, clean_paragraphs, clean_text, safe_url

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "fuzz"))
import targets as fuzz_targets  # noqa: E402

HAVE_ATHERIS = importlib.util.find_spec("atheris") is not None
SMOKE_RUNS = int(os.environ.get("FUZZ_SMOKE_RUNS", "2000"))
LONG = os.environ.get("FEEDTUI_FUZZ_LONG") == "1"
LONG_RUNS = int(os.environ.get("FEEDTUI_FUZZ_RUNS", "1000000"))


#: libFuzzer's wall-time -timeout: only the backstop for a hang. An input's time limit is
#: counted in CPU time by fuzz/cpulimit.py (2 s), so a busy machine causes no false timeout.
HANG_TIMEOUT = 30


def _atheris(target: str, runs: int, workdir: Path, timeout: float | None,
             **env_extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, FEEDTUI_FUZZ_CORPUS=str(workdir / "corpus"), **env_extra)
    return subprocess.run(
        [sys.executable, str(REPO / "fuzz" / "run.py"), target, f"-runs={runs}", f"-timeout={HANG_TIMEOUT}",
         "-rss_limit_mb=2048", "-print_final_stats=1", f"-artifact_prefix={workdir}/"],
        capture_output=True, text=True, env=env, timeout=timeout, cwd=REPO)


def _executed(log: str) -> int:
    for line in log.splitlines():
        if line.startswith("stat::number_of_executed_units:"):
            return int(line.split()[-1])
    return 0


@pytest.mark.skipif(not HAVE_ATHERIS, reason="atheris not installed (pip install atheris); "
                    "the hypothesis tests below still fuzz every target")
@pytest.mark.parametrize("target", sorted(fuzz_targets.TARGETS))
def test_atheris_smoke(target, tmp_path):
    proc = _atheris(target, SMOKE_RUNS, tmp_path, timeout=300)
    log = proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert _executed(log) >= SMOKE_RUNS
    assert not list(tmp_path.glob("crash-*")) and not list(tmp_path.glob("timeout-*"))


@pytest.mark.skipif(not HAVE_ATHERIS, reason="atheris not installed (pip install atheris)")
def test_an_input_over_the_cpu_limit_is_a_finding(tmp_path):
    # the CPU-time limit is wired into fuzz/run.py: with a limit no input can meet, the first
    # input stops the run with SlowInput and leaves its artifact
    proc = _atheris("dates", 50, tmp_path, timeout=120, FEEDTUI_FUZZ_CPU_LIMIT="0.0000001")
    assert proc.returncode != 0
    assert "SlowInput: input took" in proc.stdout + proc.stderr, proc.stderr[-2000:]  # (atheris: stdout)
    assert list(tmp_path.glob("crash-*"))


def test_cpu_bounded_counts_cpu_not_waiting():
    from cpulimit import SlowInput, cpu_bounded

    def spin(data: bytes) -> None:
        end = time.process_time() + 0.05
        while time.process_time() < end:
            pass

    cpu_bounded(lambda data: time.sleep(0.2), limit=0.05)(b"")  # waiting costs no CPU
    with pytest.raises(SlowInput, match="limit 0.01 s"):
        cpu_bounded(spin, limit=0.01)(b"")
    cpu_bounded(spin, limit=1)(b"")


@pytest.mark.skipif(not LONG, reason="long fuzz run: set FEEDTUI_FUZZ_LONG=1")
@pytest.mark.skipif(not HAVE_ATHERIS, reason="atheris not installed")
@pytest.mark.timeout(0)
@pytest.mark.parametrize("target", sorted(fuzz_targets.TARGETS))
def test_atheris_long(target):
    out = Path(os.environ.get("FEEDTUI_FUZZ_OUT", "/tmp/feedtui-fuzz")) / target
    out.mkdir(parents=True, exist_ok=True)
    proc = _atheris(target, LONG_RUNS, out, timeout=None)
    (out / "log.txt").write_text(proc.stderr)
    assert proc.returncode == 0, proc.stderr[-3000:]
    print(f"\n{target}: {_executed(proc.stderr)} executions, no finding")
    assert _executed(proc.stderr) >= LONG_RUNS


# ------------------------------------------------------------------ hypothesis, raw bytes

@pytest.mark.parametrize("target", sorted(fuzz_targets.TARGETS))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600))
def test_targets_on_random_bytes(target, data):
    fuzz_targets.TARGETS[target](data)


# --------------------------------------------------------- hypothesis, structured inputs

#: Characters the sanitizer must remove or handle, mixed with ordinary text.
NASTY = (
    [chr(c) for c in range(0x00, 0x20)] + [chr(c) for c in range(0x7F, 0xA0)]
    + list("\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
           "\u2060\u2061\u2064\u2066\u2067\u2068\u2069\u206a\u206f\ufeff\ufff9\ufffb\ufffc")
    + [chr(0xE0000), chr(0xE0001), chr(0xE0041), chr(0xE007F), "\ud800", "\udfff", "\udc80"]
    + list("\u0301\u0302\u0303\u20d0\ufe20\u1ab0\u1dc0")
    + list("aé中 \t\n\r<>&\"';:#/\\[]ESC0123456789") + ["\x1b[31m", "\x1b]0;t\x07", "\x1b]8;;http://x/\x1b\\",
                                                      "\x9b2J", "\x9d0;x\x9c", "&#27;", "&#x1b;", "&amp;", "&lt;b&gt;",
                                                      "\U0001F468\u200d\U0001F469", "क्\u200dष"]
)
nasty_text = st.lists(st.sampled_from(NASTY), max_size=40).map("".join)
xml_safe = nasty_text.map(lambda s: s.replace("]]>", ""))
urls = st.one_of(nasty_text, st.sampled_from([
    "https://e.com/a", "javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//e.com/x",
    "/rel#frag", "http://[bad", "HTTPS://E.COM/\x1b]0;x\x07", " https://e.com/ a b ", "vbscript:x",
]))


def _check(data: bytes) -> None:
    try:
        result = extract_bytes(data, "https://example.com/live", now=fuzz_targets.NOW)
    except ExtractError as exc:
        fuzz_targets.check_line(str(exc), "error", 1_000)
        return
    fuzz_targets.check_extraction(result)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.tuples(xml_safe, xml_safe, urls, xml_safe, st.one_of(xml_safe, st.sampled_from(
    ["Thu, 14 Mar 2024 10:00:00 GMT", "2024-03-14T10:00:00+05:30", "0001-01-01T00:00:00+01:00", "garbage"]))),
    min_size=1, max_size=4), atom=st.booleans())
def test_entries_from_hostile_feeds_keep_the_invariants(items, atom):
    def cdata(s: str) -> str:
        return "<![CDATA[" + s + "]]>"

    if atom:
        body = "".join(f"<entry><id>{cdata(i)}</id><title type='html'>{cdata(t)}</title>"
                       f"<link href=\"{u.replace('&', '&amp;').replace(chr(34), '&quot;').replace('<', '&lt;')}\"/>"
                       f"<content type='html'>{cdata(b)}</content><updated>{cdata(d)}</updated></entry>"
                       for t, b, u, i, d in items)
        doc = f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">{body}</feed>'
    else:
        body = "".join(f"<item><title>{cdata(t)}</title><description>{cdata(b)}</description>"
                       f"<link>{cdata(u)}</link><guid>{cdata(i)}</guid><pubDate>{cdata(d)}</pubDate></item>"
                       for t, b, u, i, d in items)
        doc = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{body}</channel></rss>'
    _check(doc.encode("utf-8", "surrogatepass"))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.fixed_dictionaries({
    "id": st.one_of(nasty_text, st.integers(), st.none()), "title": nasty_text, "content_html": nasty_text,
    "url": urls, "date_published": st.one_of(nasty_text, st.sampled_from(["2024-03-14T10:00:00Z", "9999-12-31T23:59:59-01:00"])),
    "authors": st.lists(st.fixed_dictionaries({"name": nasty_text}), max_size=2),
}), min_size=1, max_size=4))
def test_entries_from_hostile_json_feeds_keep_the_invariants(items):
    import json

    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": items}
    _check(json.dumps(doc).encode("utf-8", "surrogatepass"))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks=st.lists(st.tuples(nasty_text, nasty_text, urls, st.sampled_from(
    ["10:00", "08:15 GMT 14.03.2022", "5 min ago", "2024-03-14T09:00:00Z", "yesterday at 17:37", "99:99"])),
    min_size=1, max_size=4), layout=st.sampled_from(["dom", "stamps", "jsonld"]))
def test_entries_from_hostile_pages_keep_the_invariants(blocks, layout):
    import html
    import json

    esc = html.escape
    if layout == "dom":
        body = "".join(f'<article id="p{n}" data-post-time="{esc(s)}"><time datetime="{esc(s)}">{esc(s)}</time>'
                       f'<h2>{esc(t)}</h2><p>{esc(b)}</p><a href="{esc(u)}">more</a></article>'
                       for n, (t, b, u, s) in enumerate(blocks))
    elif layout == "stamps":
        body = "".join(f"<p><strong>{esc(s)}</strong> {esc(t)}</p><p>{esc(b)}</p>" for t, b, u, s in blocks)
    else:
        updates = [{"@type": "BlogPosting", "headline": t, "articleBody": b, "url": u, "datePublished": s}
                   for t, b, u, s in blocks]
        script = json.dumps({"@type": "LiveBlogPosting", "liveBlogUpdate": updates}).replace("</", "<\\/")
        body = f'<script type="application/ld+json">{script}</script>'
    page = f"<!doctype html><html><head><title>Live</title></head><body>{body}</body></html>"
    _check(page.encode("utf-8", "surrogatepass"))


# ------------------------------------------------------------ the sanitizer's properties

@settings(max_examples=3000, deadline=None)
@given(text=nasty_text, limit=st.sampled_from([5, 40, 2_000]))
def test_sanitizer_properties_over_a_dense_alphabet(text, limit):
    line = clean_line(text, limit)
    block = clean_text(text, limit)
    for out, pattern in ((line, fuzz_targets.FORBIDDEN_LINE), (block, fuzz_targets.FORBIDDEN)):
        assert pattern.search(out) is None, repr(out)
        assert len(out) <= limit + 1
        out.encode("utf-8")
        assert fuzz_targets._COMBINING.search(out) is None
    assert clean_line(line, limit) == line
    assert clean_text(block, limit) == block
    for para in clean_paragraphs([text, text]):
        assert fuzz_targets.FORBIDDEN_LINE.search(para) is None
    url = safe_url(text, "https://example.com/")
    assert url == "" or url.lower().startswith(("http://", "https://"))
    assert fuzz_targets.FORBIDDEN_LINE.search(url) is None
    # joiners survive (emoji sequences, Indic conjuncts) where no escape sequence swallows them
    if "\u200d" in text and "\x1b" not in text and not any("\x90" <= c <= "\x9f" for c in text) \
            and len(text) < limit:
        assert "\u200d" in line


def test_combining_run_cap_is_the_documented_one():
    # the run is capped first, then NFC composes the first mark into the letter
    assert clean_line("e" + "\u0301" * 50) == unicodedata.normalize("NFC", "e" + "\u0301" * COMBINING_RUN)


def test_nfc_does_not_rebuild_a_capped_combining_run():
    # fuzz finding (sanitize target, tests/regressions/crash-sanitize-nfc-reorders-marks-into-a-run.txt):
    # a mark outside the capped ranges (U+06E0) split a run of four; NFC's canonical ordering
    # then moved U+031C (class 220) before the acute accents (230), making a run of five
    text = "x\u0301\u0301\u0301\u0336\u06e0\u031c"
    for clean in (clean_line, clean_text):
        once = clean(text)
        assert fuzz_targets._COMBINING.search(once) is None, [hex(ord(c)) for c in once]
        assert clean(once) == once
        assert unicodedata.is_normalized("NFC", once)
