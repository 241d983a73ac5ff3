"""Parser robustness: the regression corpus of tests/regressions, replayed in every run.

Every file there is one hostile or pathological input we wrote ourselves: entity bombs
(billion laughs, quadratic blow-up, hidden in UTF-16/32), XXE and external DTDs, 50,000
nested elements, 1,000-deep and deeper JSON, known slow HTML patterns, and every crash the
fuzzers ever found (`crash-<target>-*`). `.gz` files are gunzipped first (a 50,000-deep page
is 550 KB of markup but 1 KB compressed).

For each file:
- extract_bytes ends in under 2 s in an Extraction whose entries keep every invariant of
  fuzz/targets.py, or in an ExtractError; nothing else escapes;
- a file named `crash-<target>-...` is also replayed through that fuzz target;
- no secret of a local file (/etc/passwd) appears in any result;
- memory stays bounded: Python allocations (tracemalloc) and the process's peak resident
  set (VmHWM, reset per file, so lexbor's and libxml2's C allocations count too) in a
  child process with an address-space cap.

An audit hook, in a child process (hooks cannot be removed), records every `open` while XXE,
external-DTD, external-parameter-entity and XInclude payloads go through extract_bytes.
What a Python audit hook can see: Python-level opens (open(), os.open, io). What it cannot:
fopen() inside libxml2's C code. For that the payloads point at a FIFO: opening a FIFO for
reading blocks until a writer comes, and a writer thread in the child reports whether any
reader ever arrived, so a C-level open by libxml2 is caught as well. The canary's contents
never appear in a result either.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

import pytest

from feedtui.extract import ExtractError, extract_bytes
from feedtui.extract.htmlguard import MAX_DEPTH, tame
from feedtui.models import Extraction

REPO = Path(__file__).resolve().parents[1]
REGRESSIONS = REPO / "tests" / "regressions"
sys.path.insert(0, str(REPO / "fuzz"))
import targets as fuzz_targets  # noqa: E402

NOW = datetime(2024, 3, 14, 12, 0, tzinfo=timezone.utc)
URL = "https://example.com/feed"
SECONDS = 2.0
#: Python allocations one file may peak at (tracemalloc), in bytes.
PY_PEAK = 256 * 1024 * 1024
#: Growth of the peak resident set one file may cause (VmHWM), in bytes.
RSS_PEAK = 768 * 1024 * 1024
#: What a leaked /etc/passwd would show.
SECRETS = ("root:x:0:0", "root:*:0:0", "/bin/bash", "/usr/sbin/nologin", "CANARY")


def _files() -> list[Path]:
    return sorted(p for p in REGRESSIONS.iterdir() if p.is_file() and not p.name.startswith(".")
                  and p.name != "README.md")


def _load(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _outcome(data: bytes):
    try:
        return extract_bytes(data, URL, now=NOW)
    except ExtractError as exc:
        return exc


def _all_text(result: Extraction) -> str:
    return json.dumps([e.to_json() for e in result.entries]) + result.title


def test_regression_corpus_is_there():
    names = {p.name for p in _files()}
    for needed in ("xml-billion-laughs.xml", "xml-quadratic-blowup.xml.gz", "xxe-system-entity.xml",
                   "xxe-utf16-hidden.xml", "html-50000-nested-divs.html.gz", "json-1000-deep-array.json"):
        assert needed in names


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_replay(path):
    data = _load(path)
    start = time.perf_counter()
    result = _outcome(data)
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS, f"{path.name} took {elapsed:.2f} s"
    assert isinstance(result, (Extraction, ExtractError))
    if isinstance(result, Extraction):
        fuzz_targets.check_extraction(result)
        text = _all_text(result)
        assert not any(s in text for s in SECRETS), f"{path.name} leaked a local file"
    else:
        fuzz_targets.check_line(str(result), "error", 1_000)
    if path.name.startswith("crash-"):
        target = fuzz_targets.TARGETS[path.name.split("-")[1]]
        start = time.perf_counter()
        target(data)  # raises on a crash or an invariant violation
        assert time.perf_counter() - start < SECONDS


def test_wide_encoded_feed_is_routed_as_a_feed():
    """A UTF-16 feed served without an XML content type is still a feed (sniffed by BOM)."""
    result = _outcome(_load(REGRESSIONS / "utf16-feed-without-content-type.xml"))
    assert isinstance(result, Extraction) and result.kind == "feed"
    assert [e.title for e in result.entries] == ["Wide feed"]
    laughs = _outcome(_load(REGRESSIONS / "xml-billion-laughs-utf16le-bom.xml"))
    assert isinstance(laughs, Extraction) and laughs.kind == "feed"  # parsed, never expanded
    assert all(len(e.title) < 100 for e in laughs.entries)


def test_replay_python_memory_is_bounded():
    worst = (0, "")
    for path in _files():
        data = _load(path)
        tracemalloc.start()
        try:
            _outcome(data)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        worst = max(worst, (peak, path.name))
        assert peak < PY_PEAK, f"{path.name}: Python peak {peak / 2**20:.0f} MB"
    print(f"\nworst Python peak: {worst[0] / 2**20:.1f} MB ({worst[1]})")


_RSS_CHILD = textwrap.dedent("""
    import gzip, resource, sys, time
    from pathlib import Path
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
    from feedtui.extract import ExtractError, extract_bytes
    def hwm():
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    for name in sys.argv[1:]:
        path = Path(name)
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset the peak resident set to the current one
        base = hwm()
        start = time.perf_counter()
        try:
            extract_bytes(data, "https://example.com/feed")
        except ExtractError:
            pass
        print(path.name, hwm() - base, time.perf_counter() - start, flush=True)
""")


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc clear_refs")
def test_replay_peak_resident_memory_is_bounded():
    proc = subprocess.run([sys.executable, "-c", _RSS_CHILD, *map(str, _files())],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [line.split() for line in proc.stdout.splitlines()]
    assert len(rows) == len(_files())
    worst = max(rows, key=lambda r: int(r[1]))
    print(f"\nworst peak RSS growth: {int(worst[1]) / 2**20:.1f} MB ({worst[0]})")
    for name, growth, seconds in rows:
        assert int(growth) < RSS_PEAK, f"{name}: peak RSS grew {int(growth) / 2**20:.0f} MB"


# ------------------------------------------------------------------------------ XXE audit

_AUDIT_CHILD = textwrap.dedent("""
    import json, os, sys, threading, time
    fifo, canary, own = sys.argv[1], sys.argv[2], sys.argv[3]
    opened = []
    done = threading.Event()
    def hook(event, args):
        if done.is_set():
            return
        if event == "open" and args and isinstance(args[0], (str, bytes)):
            opened.append(os.fsdecode(args[0]))
        elif event in ("os.system", "subprocess.Popen", "socket.connect", "urllib.Request"):
            opened.append(f"{event}:{args!r}")
    from feedtui.extract import ExtractError, extract_bytes   # imports before the hook
    from datetime import datetime, timezone
    reader_came = threading.Event()
    def writer():
        fd = os.open(fifo, os.O_WRONLY)   # blocks until somebody opens the FIFO to read
        if not done.is_set():
            reader_came.set()
        os.write(fd, b"<!ENTITY leak 'CANARY-FIFO'>")
        os.close(fd)
    threading.Thread(target=writer, daemon=True).start()
    sys.addaudithook(hook)
    results = []
    for name in sorted(os.listdir(own)):
        data = open(os.path.join(own, name), "rb").read()
        start = time.perf_counter()
        try:
            result = extract_bytes(data, "https://example.com/feed",
                                   now=datetime(2024, 3, 14, tzinfo=timezone.utc))
            text = json.dumps([e.to_json() for e in result.entries]) + result.title
            outcome = f"{len(result.entries)} entries"
        except ExtractError as exc:
            text, outcome = str(exc), "error"
        results.append({"name": name, "outcome": outcome, "text": text,
                        "seconds": time.perf_counter() - start})
    done.set()
    try:   # release the writer if nobody came, so the child can exit
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    except OSError:
        pass
    print(json.dumps({"opened": opened, "fifo_reader": reader_came.is_set(), "results": results}))
""")


def _xxe_payloads(fifo: str, canary: str) -> dict[str, bytes]:
    rss = '<rss version="2.0"><channel><title>T</title><item><guid>g1</guid><title>{}</title></item></channel></rss>'
    atom = '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>e1</id><title>{}</title></entry></feed>'
    out = {}
    for label, target in (("fifo", fifo), ("canary", canary), ("passwd", "/etc/passwd")):
        url = f"file://{target}"
        out[f"{label}-general-entity.xml"] = (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY leak SYSTEM "{url}">]>'
            + rss.format("x &leak; y")).encode()
        out[f"{label}-external-doctype.xml"] = (
            f'<?xml version="1.0"?><!DOCTYPE feed SYSTEM "{url}">' + atom.format("x &leak; y")).encode()
        out[f"{label}-relative-doctype.xml"] = (
            f'<?xml version="1.0"?><!DOCTYPE feed SYSTEM "{target}">' + atom.format("x &leak; y")).encode()
        out[f"{label}-public-doctype.xml"] = (
            f'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//X//DTD X//EN" "{url}">'
            + rss.format("x &leak; y")).encode()
        out[f"{label}-parameter-entity.xml"] = (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % ext SYSTEM "{url}"> %ext;]>'
            + rss.format("x &leak; y")).encode()
        out[f"{label}-xinclude.xml"] = (
            '<?xml version="1.0"?><rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude">'
            f'<channel><item><guid>g</guid><title>t</title><description><xi:include href="{url}" '
            'parse="text"/></description></item></channel></rss>').encode()
        out[f"{label}-utf16-entity.xml"] = b"\xff\xfe" + (
            f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE rss [<!ENTITY leak SYSTEM "{url}">]>'
            + rss.format("x &leak; y")).encode("utf-16-le")
        out[f"{label}-ill-formed-entity.xml"] = (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY leak SYSTEM "{url}">]>'
            + rss.format("AT&T &leak; <b>unclosed")).encode()
        out[f"{label}-html-page.html"] = (
            f'<!DOCTYPE html SYSTEM "{url}"><html><body><article id="a1"><time datetime="2024-03-13T10:00:00Z">'
            f'10:00</time><h2>t</h2><iframe src="{url}"></iframe><object data="{url}"></object>'
            f'<p>text &leak;</p></article></body></html>').encode()
    return out


def test_xxe_never_reads_a_local_file(tmp_path):
    own = tmp_path / "payloads"
    own.mkdir()
    fifo = tmp_path / "canary.fifo"
    os.mkfifo(fifo)
    canary = tmp_path / "canary.dtd"
    canary.write_text("<!ENTITY leak 'CANARY-FILE'>")
    for name, data in _xxe_payloads(str(fifo), str(canary)).items():
        (own / name).write_bytes(data)
    proc = subprocess.run([sys.executable, "-c", _AUDIT_CHILD, str(fifo), str(canary), str(own)],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.splitlines()[-1])
    # the payloads themselves, and the interpreter importing its own modules (a codec
    # module on first use of UTF-16, for instance)
    allowed = (str(own),)
    runtime = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix})
    foreign = [p for p in report["opened"] if not p.startswith(allowed)
               and not (p.startswith(runtime) and p.endswith((".py", ".pyc", ".so")))]
    assert foreign == [], f"files opened while parsing: {foreign}"
    assert not report["fifo_reader"], "libxml2 opened the FIFO named in a payload (C-level file access)"
    assert len(report["results"]) == len(list(own.iterdir()))
    for row in report["results"]:
        assert row["seconds"] < SECONDS, row
        assert not any(s in row["text"] for s in SECRETS), f"{row['name']} leaked: {row['text'][:200]}"


def test_xml_parser_settings_forbid_external_content():
    """The settings behind the evidence above (lxml is C code: the settings are the guarantee)."""
    from feedtui.extract import syndication

    parser = syndication.safe_xml_parser()
    assert parser.resolvers, "a resolver that refuses every external resource"
    from lxml import etree

    data = b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "file:///nonexistent/feedtui.dtd"><r>&x;</r>'
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        pass
    assert not any("failed to load" in e.message for e in parser.error_log)


# ------------------------------------------------------------------------------ HTML guard


def test_guard_keeps_normal_pages_identical():
    pages = [REPO.parent / "shared" / "corpus" / "liveblogs" / "reach-corkbeo" / "corkbeo.ie.level.html",
             *sorted((REPO.parent / "shared" / "corpus" / "liveblogs" / "jsonld-snippets").glob("*.html")),
             *sorted((REPO / "tests" / "fixtures").rglob("*.html"))]
    pages = [p for p in pages if p.is_file()]
    if not pages:
        pytest.skip("no HTML pages to compare")
    for page in pages:
        html = page.read_bytes().decode("utf-8", "replace")
        assert tame(html) is html, page.name


def test_guard_costs_little_on_a_normal_page():
    page = REPO.parent / "shared" / "corpus" / "liveblogs" / "reach-corkbeo" / "corkbeo.ie.level.html"
    if not page.is_file():
        pytest.skip("corpus page not available")
    data = page.read_bytes()
    html = data.decode("utf-8", "replace")
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        tame(html)
    guard = (time.perf_counter() - start) / runs
    start = time.perf_counter()
    for _ in range(5):
        extract_bytes(data, "https://www.corkbeo.ie/news/live", now=NOW)
    whole = (time.perf_counter() - start) / 5
    print(f"\nguard {guard * 1000:.2f} ms on {len(data) // 1024} KB; extraction {whole * 1000:.1f} ms "
          f"({guard / whole:.0%})")
    assert guard < 0.25 * whole


@pytest.mark.parametrize("body", [
    "<div>" * 20_000,
    "<span>" * 20_000 + "</div>" * 20_000,
    "<span><div></span>" * 20_000,
    "<ul><li>" * 10_000,
    "<table><tr><td><div>" * 5_000,
    "".join(f"<b id={i}>x" for i in range(20_000)),
], ids=["divs", "stray-ends", "misnested", "lists", "tables", "formatting"])
def test_guard_bounds_the_depth_lexbor_builds(body):
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(tame("<html><body>" + body + "x"))
    depth, stack = 0, [(tree.root, 1)]
    while stack:
        node, level = stack.pop()
        depth = max(depth, level)
        child = node.child
        while child is not None:
            stack.append((child, level + 1))
            child = child.next
    assert depth <= MAX_DEPTH + 8
    assert "x" in tree.body.text()
