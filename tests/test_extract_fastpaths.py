"""The fast paths of live-page extraction give what the straightforward code gave.

- `text.node_content` (one walk, furniture lines split in two expressions) against the
  walk it replaced (tests/text_reference.py), on every element of real and tricky pages;
- `dom.block_content` reading a block in place (dropped nodes skipped) against a re-parsed
  copy with the nodes decomposed;
- `dom.SiblingSelect` (one query per parent) against root.css, and dom.extract with it
  against dom.extract without it;
- `htmlguard.tame`'s cheap check against the exact model;
- `text.is_furniture` against its single expression.
"""

from __future__ import annotations

import gzip
import importlib.util
import random
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

import text_reference as ref
from feedtui.extract import dom, htmlguard, text
from feedtui.extract.base import Page

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "shared" / "corpus" / "liveblogs"
NOW = datetime(2022, 3, 14, 12, 0, tzinfo=timezone.utc)
URL = "https://news.example/live/story"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_live", HERE.parent / "bench" / "bench_live.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TRICKY = [
    # drop nodes inside a lone-link paragraph; a byline link; p inside button inside p
    """<div class="feed">
    <div class="u" id="u1"><time datetime="2024-07-05T09:00:00Z">09:00</time><h2>One</h2>
      <p><a href="https://other.example/a">Only link</a><span class="byline">By Ann</span></p>
      <p><a rel="author" href="/ann">Ann</a></p>
      <p><button><p><a href="/inner">inner</a></p></button></p>
      <p><time datetime="2024-07-05T09:00:00Z">09:00</time><a href="/t">Timed link</a></p>
      <p><a href="https://news.example/live/story#u2">self</a></p></div>
    <div class="u" id="u2"><time datetime="2024-07-05T10:00:00Z">10:00</time>
      <h3 class="related-title"><a href="/r">Related</a></h3><h2>Two</h2>
      <figure><picture><img data-src="/x.jpg" alt="Alt"></picture><figcaption>Cap <b>bold</b></figcaption>
      <video src="/v.mp4"></video></figure>
      <aside class="read-more"><a href="/more"><img src="/m.jpg"><h4>More</h4></a></aside>
      <p>Read also: <a href="/also">the other story</a></p>
      <a href="/card"><img src="/c.jpg" alt="Card alt"></a>
      <blockquote class="twitter-tweet"><p>Tweet</p><a href="https://t.co/1">t</a></blockquote>
      <div hidden>hidden</div><div aria-hidden="true">aria</div><div class="share-tools">Share</div>
      <p>Body <br> after break</p><p>We use cookies</p><p>Our newsletter: sign up</p>
      <iframe src="https://embed.example/1" title="Embed"></iframe><audio src="/a.mp3"></audio>
      <span class="image-caption">Span caption</span><p>https://bare.example/url</p></div>
    <div class="u" id="u3"><time datetime="2024-07-05T11:00:00Z">11:00</time><h2>Three</h2>
      <div class="byline">By Bob</div><p>Three <script>x</script><style>y</style>words.</p>
      <svg><text>svg</text></svg><template><p>tpl</p></template><!-- c --><p></p></div>
    </div>""",
    """<ul class="stream"><li class="entry" id="e1"><p class="stamp">08:15</p><h3>A</h3><p>a</p></li>
    <li class="entry" id="e2"><p class="stamp">08:20</p><h3>B</h3><figure><iframe src="/e"></iframe>
    <figcaption>fc</figcaption></figure></li></ul>""",
    "<table><tr id=r1><td><time datetime=2024-01-01T10:00Z>10:00</time>x</td></tr>"
    "<tr id=r2><td><time datetime=2024-01-01T11:00Z>11:00</time>y</td></tr></table>",
    # flat layouts: an update runs from its stamp to the next one
    """<div class="live"><p>All times GMT</p><h2>Monday 14 March 2022</h2>
    <p><strong>08:15</strong></p><h3>First</h3><p>Body <a href="/x">link</a> &amp; more</p>
    <figure><img src="/f.jpg" alt="F"><figcaption>Fig</figcaption></figure>
    <p><a href="https://other.example/r">Read more: other</a></p>
    <p><strong>08:30</strong></p><h3>Second</h3>Loose text<br>after a break<ul><li>one</li><li>two</li></ul>
    <blockquote class="twitter-tweet"><p>tw</p><a href="https://t.co/2">t</a></blockquote><p>We use cookies</p>
    <p><strong>08:45</strong></p><h3>Third</h3><div class="share">Share</div><p>Last "quoted" words</p>
    </div>""",
    """<div class="feed"><b>10:01</b> Plain text update one<br><br>second paragraph
    <b>10:05</b> Plain text update two<hr><i>italic</i> tail <b>10:09</b> Three</div>""",
]


def _pages() -> list[str]:
    pages = list(TRICKY)
    bench = _bench()
    pages += [bench.page_with_ids(40), bench.page_stamps_only(40)]
    if CORPUS.is_dir():
        pages += [path.read_text(encoding="utf-8", errors="replace") for path in sorted(CORPUS.rglob("*.html"))]
    for path in sorted((HERE / "regressions").glob("html-*")):
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        if len(data) < 400_000:
            pages.append(data.decode("utf-8", "replace"))
    return pages


PAGES = _pages()


def _elements(html: str, limit: int = 400):
    tree = LexborHTMLParser(htmlguard.tame(html))
    for index, node in enumerate(tree.root.traverse() if tree.root is not None else ()):
        if index >= limit:
            break
        yield node


@pytest.mark.parametrize("index", range(len(PAGES)))
def test_node_content_matches_the_reference_walk(index):
    # the reference is slow on the huge nested regression pages: their first elements hold it all
    limit = 400 if len(PAGES[index]) < 100_000 else 4
    for node in _elements(PAGES[index], limit):
        assert text.node_content(node, URL) == ref.node_content(node, URL), node.html[:200]
        assert text.node_content(node, URL, frozenset({"h2"})) == ref.node_content(node, URL, frozenset({"h2"}))


def test_node_content_drop_equals_decompose():
    html = TRICKY[0]
    for selector in ("h2", "time", ".byline", "p", "figure", "a"):
        live = LexborHTMLParser(html).css_first("div.feed")
        copy = LexborHTMLParser(html).css_first("div.feed")
        nodes = copy.css(selector)
        inner = {n.mem_id for node in nodes for n in node.css(selector) if n.mem_id != node.mem_id}
        for node in nodes:
            if node.mem_id not in inner:  # a node decomposed with its ancestor is gone
                node.decompose()
        assert text.node_content(live, URL, drop=live.css(selector)) == ref.node_content(copy, URL), selector


def _blocks(html: str):
    page = Page(URL, URL, html, NOW)
    for group in dom._candidates(page):
        yield from group


@pytest.mark.parametrize("index", range(len(PAGES)))
def test_block_content_in_place_matches_copy_and_prune(index):
    for node in _blocks(PAGES[index]):
        copy = ref.copy_of(node)
        if copy is None or copy.html != node.html:
            continue  # re-parsing changed it (a <tr> outside a table): the old way read something else
        heading = dom.find_heading(node)
        _, _, time_node = dom.find_time(node)
        drop = [heading]
        if time_node is not None and len(dom.text_of(time_node)) <= 80:
            drop.append(time_node)
        drop.extend(dom.meta_nodes(node))
        assert dom.block_content(node, URL, drop) == ref.dom_block_content(node, URL), node.html[:300]


SELECTORS = ("time", "p", "a[href]", dom.HEADINGS, dom._TITLE_CLASS, dom._META_SELECTOR,
             "time[datetime], [data-timestamp], [data-time], [data-post-time], [data-published], "
             "[data-utime], [data-epoch]", "[class*=author], [rel=author], [itemprop=author]", "div, article")


@pytest.mark.parametrize("index", range(len(PAGES)))
def test_sibling_select_matches_css(index):
    page = Page(URL, URL, PAGES[index], NOW)
    for group in dom._candidates(page):
        select = dom.SiblingSelect(group[0].parent, group)
        for selector in SELECTORS:
            for node in group:
                assert [n.mem_id for n in select(node, selector)] == [n.mem_id for n in node.css(selector)]
            # a root that is not one of the blocks is plain css
            parent = group[0].parent
            assert [n.mem_id for n in select(parent, selector)] == [n.mem_id for n in parent.css(selector)]


@pytest.mark.parametrize("index", range(len(PAGES)))
def test_dom_extract_is_the_same_with_and_without_sibling_queries(index, monkeypatch):
    html = PAGES[index]
    monkeypatch.setattr(dom, "_BULK_SIBLINGS", 10**9)
    plain = dom.extract(Page(URL, URL, html, NOW))
    monkeypatch.setattr(dom, "_BULK_SIBLINGS", 2)
    assert dom.extract(Page(URL, URL, html, NOW)) == plain


def test_stamps_runs_read_in_place_match_their_markup(monkeypatch):
    from feedtui.extract import stamps

    real = stamps._content
    checked = []

    def compared(nodes, base_url):
        got = real(nodes, base_url)
        if len(nodes) > 1 or nodes[0].tag == "-text":
            assert got == stamps._serialized_content(nodes, base_url), [n.html for n in nodes]
            checked.append(nodes)
        return got

    monkeypatch.setattr(stamps, "_content", compared)
    for html in PAGES:
        stamps.extract(Page(URL, URL, html, NOW))
    assert len(checked) >= 5  # the flat fixtures above have runs of several nodes


def test_big_groups_use_sibling_queries():
    page = Page(URL, URL, _bench().page_with_ids(dom._BULK_SIBLINGS), NOW)
    group = max(dom._candidates(page), key=len)
    assert isinstance(dom._select_for(group, {}), dom.SiblingSelect)
    assert dom._select_for(group[:2], {}) is dom.css


def _soups(count: int) -> list[str]:
    rng = random.Random(7)
    names = ["div", "p", "b", "i", "a", "h1", "h2", "li", "ul", "table", "tr", "td", "tbody", "option",
             "select", "svg", "math", "span", "em", "img", "hr", "br", "script", "DIV", "P", "B", "html",
             "body", "dd", "dt", "figure", "button", "object", "template", "title", "strong", "nobr"]
    soups = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 1200)):
            name = rng.choice(names)
            roll = rng.random()
            parts.append(f"</{name}>" if roll < 0.35 else f"<{name}/>" if roll < 0.4 else
                         "<!-- c -->" if roll < 0.42 else f"<{name} x=1>t")
        soups.append("".join(parts))
    return soups


def _exact_tame(html: str, monkeypatch) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(htmlguard, "_clearly_safe", lambda html: False)
        return htmlguard.tame(html)


def test_tame_cheap_check_never_misses_a_cut(monkeypatch):
    pages = PAGES + _soups(400) + ["<div>" * 600 + "x", "<b>" * 10 + "x", "<p><b id=1>x</p>" * 20,
                                   "<svg>" + "<g/>" * 600 + "</svg>", "<ſcript>" + "<div>" * 600,
                                   "<select>" + "<option>" * 5_100]
    for html in pages:
        exact = _exact_tame(html, monkeypatch)
        assert htmlguard.tame(html) == exact
        if htmlguard._clearly_safe(html):
            assert exact is html


def test_tame_names_are_the_tokens_of_the_exact_model():
    for html in PAGES + _soups(100):
        if any(char in html for char in htmlguard._FOLDS_TO_ASCII):
            continue
        names = htmlguard._NAMES.findall(html)
        tokens = [htmlguard._token_string(t) for t in htmlguard._TOKEN.findall(html)]
        assert len(names) == len(tokens)
        for name, token in zip(names, tokens):
            assert name == ("" if token in ("!", "#") else token[:-1] if token.endswith("/") else token)


def test_tame_bench_pages_pass_the_cheap_check():
    bench = _bench()
    assert htmlguard._clearly_safe(bench.page_with_ids(50))
    assert htmlguard._clearly_safe(bench.page_stamps_only(50))


def test_is_furniture_matches_its_single_expression():
    rng = random.Random(3)
    words = ["read", "more", "cookie", "cookies", "newsletter", "sign", "in", "up", "ſ", "K", "ı", "follow",
             "our", "share", "x", "email", "comments", "the", "live", "blog", "has", "closed", "»", "·", "123",
             "see", "all", "Get", "latest", "NEWSLETTER", "Cookie", "policy", "\u00a0", "\t"]
    samples = ["", " ", "Sign up", "We use cookies", "ſign up", "Cookıes", "newſletter", "x" * 170]
    samples += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 9))) for _ in range(20_000)]
    for sample in samples:
        line = re.sub(r"\s+", " ", sample).strip().strip("»›>→·|•").strip()
        expected = not line or (len(line) <= 160 and text._FURNITURE_TEXT.match(line) is not None)
        assert text.is_furniture(sample) is expected, sample
