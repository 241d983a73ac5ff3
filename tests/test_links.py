"""Links: only http(s) URLs are stored, opened (`o`) or copied (`y`); nothing from a feed
ever reaches a shell. A link like `http://e/ & id > /tmp/x` opens as one argv element of
the browser command, with no side effect."""

from __future__ import annotations

import ast
import json
import sqlite3
import stat
import sys
import time
import webbrowser
from pathlib import Path

import pytest
from conftest import TUI_NOW, TUI_SOURCE, make_tui_app, make_tui_store

from feedtui.extract import extract_bytes
from feedtui.extract.base import make_entry
from feedtui.models import Entry, Media
from feedtui.sanitize import safe_url

SRC = Path(__file__).resolve().parents[1] / "src" / "feedtui"
SHELLISH = "http://e/ & id > /tmp/x"

NOT_HTTP = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\x01javascript:alert(1)",
    "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd",
    "vbscript:msgbox(1)", "mailto:a@b.example", "ftp://e.example/x", "ssh://e.example",
    "about:blank", "chrome://settings", "http:e.example", "https:///path-only", "//e.example/x",
    "x-terminal-emulator:-e sh", "\x1b]8;;http://e/\x07", "", "   ", "http//e.example",
]


@pytest.mark.parametrize("url", NOT_HTTP)
def test_safe_url_keeps_only_absolute_http(url):
    assert safe_url(url) == ""


def test_safe_url_keeps_http_and_resolves_relative_links():
    assert safe_url("https://e.example/a?b=1#c") == "https://e.example/a?b=1#c"
    assert safe_url("HTTP://E.example/") == "HTTP://E.example/"
    assert safe_url("/x", base="https://e.example/live") == "https://e.example/x"
    assert safe_url("javascript:alert(1)", base="https://e.example/live") == ""
    assert safe_url(SHELLISH) == "http://e/%20&%20id%20>%20/tmp/x"  # one word, as stored


def _feed(links: list[str]) -> bytes:
    items = [{"id": f"i{n}", "url": link, "title": f"Item {n}",
              "date_published": TUI_NOW.isoformat(),
              "content_html": f"<p>text</p><p><a href='{link}'>read also {n}</a></p>"
                              f"<figure><img src='{link}'><figcaption>c</figcaption></figure>"}
             for n, link in enumerate(links)]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "t",
                       "items": items}).encode()


def test_only_http_links_reach_the_store(tmp_path):
    from feedtui.store import Store

    links = [u for u in NOT_HTTP if u.strip()] + ["https://ok.example/a", SHELLISH]
    result = extract_bytes(_feed(links), "https://feed.example/f.json", now=TUI_NOW)
    store = Store.open(tmp_path / "s.db")
    try:
        store.add_source("https://feed.example/f.json")
        store.ingest("https://feed.example/f.json", result.entries)
        con = sqlite3.connect(tmp_path / "s.db")
        rows = con.execute("SELECT url, media FROM entries").fetchall()
        con.close()
    finally:
        store.close()
    urls = [url for url, _media in rows] + [m["url"] for _url, media in rows
                                             for m in json.loads(media or "[]")]
    assert rows and any(u.startswith("https://ok.example") for u in urls)
    for url in urls:
        assert url == "" or url.lower().startswith(("http://", "https://")), url
        assert " " not in url and "\x1b" not in url


class Recorder:
    """A stand-in browser: an executable that writes its argv to a file. BROWSER points at
    it, so `o` goes through Textual, webbrowser and a real process start."""

    def __init__(self, root: Path) -> None:
        self.out = root / "argv.json"
        self.path = root / "recorder"
        self.path.write_text(f"#!{sys.executable}\nimport json, sys\n"
                             f"open({str(self.out)!r}, 'w').write(json.dumps(sys.argv[1:]))\n")
        self.path.chmod(self.path.stat().st_mode | stat.S_IXUSR)

    def argv(self, timeout: float = 10.0) -> list[str] | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.out.exists() and self.out.read_text():
                return json.loads(self.out.read_text())
            time.sleep(0.05)
        return None


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def browser(tmp_path, monkeypatch):
    recorder = Recorder(tmp_path)
    monkeypatch.setenv("BROWSER", str(recorder.path))
    monkeypatch.setattr(webbrowser, "_browsers", {})
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_os_preferred_browser", None, raising=False)
    return recorder


def _store_with(tmp_path, url: str):
    store = make_tui_store(tmp_path / "links.db")
    store.ingest(TUI_SOURCE, [Entry(id="link", source="Harbour Live", title="The link entry",
                                    published=TUI_NOW, url=url)], now=TUI_NOW)
    return store


@pytest.mark.anyio
@pytest.mark.parametrize("target", ["tmp", "literal"])
async def test_a_shellish_link_opens_as_one_argument_with_no_side_effect(tmp_path, browser,
                                                                        monkeypatch, target):
    marker = tmp_path / "x"
    raw = SHELLISH if target == "literal" else f"http://e/ & touch {marker} ; id > {marker}"
    tmp_x_before = Path("/tmp/x").exists()
    entry = make_entry(source="Harbour Live", title="The link entry", url=raw)
    assert entry.url and " " not in entry.url
    store = _store_with(tmp_path, entry.url)
    copied: list[str] = []
    try:
        app = make_tui_app(store)
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            from feedtui.tui.widgets.entry_list import EntryList

            assert app.screen.query_one(EntryList).highlighted.id == "link"
            await pilot.press("o")
            argv = browser.argv()
            await pilot.press("y")
            await pilot.pause()
    finally:
        store.close()
    assert argv == [entry.url]  # one argv element, exactly the stored URL
    assert copied == [entry.url]
    assert not marker.exists()
    if not tmp_x_before:
        assert not Path("/tmp/x").exists()


@pytest.mark.anyio
@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "data:,x",
                                 "x-terminal-emulator:-e sh"])
async def test_a_non_http_link_in_the_store_is_neither_opened_nor_copied(tmp_path, browser,
                                                                         monkeypatch, url):
    """Defence in depth: even an Entry written to the store without make_entry (which would
    have dropped the link) is not opened or copied."""
    store = _store_with(tmp_path, url)
    opened: list[str] = []
    copied: list[str] = []
    try:
        app = make_tui_app(store)
        monkeypatch.setattr(webbrowser, "open", lambda u, *a, **k: opened.append(u))
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("o", "y")
            await pilot.pause()
            messages = [n.message for n in app._notifications]
    finally:
        store.close()
    assert opened == [] and copied == []
    assert messages.count("This entry has no web link") == 2


def test_media_links_are_http_only():
    entry = make_entry(source="s", title="t", media=[
        Media(kind="card", title="a", url="javascript:alert(1)"),
        Media(kind="image", caption="b", url="file:///etc/passwd"),
        Media(kind="card", title="c", url="https://ok.example/c"),
    ])
    assert [m.url for m in entry.media] == ["", "", "https://ok.example/c"]


# -- nothing reaches a shell ---------------------------------------------------------------

SHELL_CALLS = {
    ("os", "system"), ("os", "popen"), ("os", "execl"), ("os", "execlp"), ("os", "execle"),
    ("os", "execv"), ("os", "execvp"), ("os", "execvpe"), ("os", "spawnl"), ("os", "spawnlp"),
    ("os", "spawnv"), ("os", "spawnvp"), ("os", "posix_spawn"), ("os", "posix_spawnp"),
    ("subprocess", "getoutput"), ("subprocess", "getstatusoutput"), ("pty", "spawn"),
    ("asyncio", "create_subprocess_shell"),
}
PROCESS_CALLS = {"run", "call", "check_call", "check_output", "Popen", "create_subprocess_exec"}


def shell_uses(text: str, path: str = "<src>") -> list[str]:
    """Every way source text could hand a string to a shell or an interpreter."""
    found: list[str] = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call):
            continue
        where = f"{path}:{node.lineno}: {ast.unparse(node)[:100]}"
        func = node.func
        for keyword in node.keywords:
            if keyword.arg == "shell" and not (isinstance(keyword.value, ast.Constant)
                                               and keyword.value.value is False):
                found.append(f"shell=: {where}")
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if (func.value.id, func.attr) in SHELL_CALLS:
                found.append(f"{func.value.id}.{func.attr}: {where}")
            if func.attr in PROCESS_CALLS and node.args and isinstance(
                    node.args[0], (ast.Constant, ast.JoinedStr, ast.BinOp)):
                found.append(f"a command string: {where}")
        if isinstance(func, ast.Name) and func.id in ("eval", "exec", "system", "popen"):
            found.append(f"{func.id}: {where}")
    return found


def test_no_shell_anywhere_in_src():
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 20
    problems = [p for f in files for p in shell_uses(f.read_text(encoding="utf-8"), str(f))]
    assert problems == []
    assert not any("import commands" in f.read_text(encoding="utf-8") for f in files)


@pytest.mark.parametrize("snippet", [
    "import os\nos.system('xdg-open ' + url)\n",
    "import os\nos.popen(f'open {url}')\n",
    "import subprocess\nsubprocess.run(cmd, shell=True)\n",
    "import subprocess\nsubprocess.Popen(f'xdg-open {url}')\n",
    "import asyncio\nasyncio.create_subprocess_shell(cmd)\n",
    "eval(text)\n",
])
def test_the_shell_check_catches(snippet):
    assert shell_uses(snippet)


def test_the_shell_check_allows_an_argument_list():
    assert shell_uses("import subprocess\nsubprocess.run([browser, url], check=False)\n") == []
