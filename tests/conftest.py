"""Shared fixtures: a real HTTP server on 127.0.0.1 and the corpus location."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """No test (nor a `feedtui` it starts) ever reads or writes the user's real store or
    config: FEEDTUI_HOME points at a fresh directory."""
    monkeypatch.setenv("FEEDTUI_HOME", str(tmp_path_factory.mktemp("home")))


#: Global addresses the tests present as public hosts (to the fetcher's address checks):
#: the connections it pins to them are served by 127.0.0.1.
TEST_PUBLIC = ("93.184.216.34", "8.8.8.8")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Every connection the fetcher opens in a test process stays on this machine: one to a
    TEST_PUBLIC address goes to 127.0.0.1 instead, one to any other non-loopback address is
    refused. Yields the (address, port) of every connection attempt, in order."""
    from feedtui import fetch

    attempts: list[tuple[str, int]] = []
    real = fetch._PinnedBackend._open

    async def local(self, address, port, **options):
        attempts.append((address, port))
        if address in TEST_PUBLIC:
            address = "127.0.0.1"
        elif not (address.startswith("127.") or address == "::1"):
            import httpcore
            raise httpcore.ConnectError(f"test: no connection to {address} (tests stay on 127.0.0.1)")
        return await real(self, address, port, **options)

    monkeypatch.setattr(fetch._PinnedBackend, "_open", local)
    yield attempts


def corpus_path(*parts: str) -> Path:
    """A path inside ../shared/corpus, skipping the test when the corpus is absent."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path} (tests read ../shared/corpus in place)")
    return path


class Routes(dict):
    """path -> (status, headers dict, body bytes); tests fill it before requesting."""


@pytest.fixture
def http_server():
    """A real HTTP server on 127.0.0.1 serving `routes`; yields (base_url, routes, hits)."""
    routes: Routes = Routes()
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            status, headers, body = routes.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", routes, hits
    finally:
        server.shutdown()
        server.server_close()


# -- the TUI's tests (test_tui_*.py) --------------------------------------------------------

from datetime import datetime as _datetime
from datetime import timedelta as _timedelta
from datetime import timezone as _timezone

SNAPSHOTS = REPO / "snapshots"
#: The fixed "now" of the TUI tests: 2031-05-14 12:00 UTC.
TUI_NOW = _datetime(2031, 5, 14, 12, 0, tzinfo=_timezone.utc)
#: A fixed zone standing in for "local" so snapshots do not depend on the machine.
TUI_ZONE = _timezone(_timedelta(hours=2), "CEST")
TUI_SOURCE = "https://harbour.example/live/storm"


def _snapshot_dirname(cls, *, test_location) -> str:
    # SVG snapshots live in the top-level snapshots/, one folder per test module.
    return str(SNAPSHOTS / Path(test_location.filepath).stem)


try:  # the TUI's snapshot tests: keep the SVGs out of tests/__snapshots__
    from pytest_textual_snapshot import SVGImageExtension as _SVGImageExtension

    _SVGImageExtension.dirname = classmethod(_snapshot_dirname)
except ImportError:  # pragma: no cover - the plugin is a test dependency
    pass


@pytest.fixture(autouse=True)
def _no_color_env(monkeypatch):
    """Colour is part of what the TUI's snapshots record: NO_COLOR must not leak in."""
    monkeypatch.delenv("NO_COLOR", raising=False)


def tui_entries():
    """The fixed fictional story of the TUI tests: (older batch, newer batch)."""
    from feedtui.models import Entry, Media

    def at(minutes: int) -> _datetime:
        return TUI_NOW - _timedelta(minutes=minutes)

    older = [
        Entry(id="u1", source="Harbour Live", title="Storm warning issued for the Vell estuary",
              body=("The weather office raised its warning to amber overnight.",
                    "Ferries are expected to stop by noon."),
              published=at(300), time_text="07:00", url=f"{TUI_SOURCE}#u1",
              actors=("Weather Office",)),
        Entry(id="u2", source="Harbour Live", title="Mayor Ostrander urges residents to stay home",
              body=("\"Stay indoors unless you must travel,\" Ostrander said.",),
              published=at(270), time_text="07:30", url=f"{TUI_SOURCE}#u2",
              actors=("Mara Ostrander", "City Council")),
        Entry(id="u3", source="Harbour Live", title="Ferry service suspended",
              body=("All crossings are cancelled until further notice.",),
              published=at(240), time_text="08:00", url=f"{TUI_SOURCE}#u3",
              actors=("Vell Ferries",),
              media=(Media(kind="image", caption="Empty ferry terminal at dawn"),)),
        Entry(id="u4", source="Harbour Live", title="Harbour wall breached near the fish market",
              body=("Water reached the market square shortly after eight.",),
              published=at(200), time_text="08:40", url=f"{TUI_SOURCE}#u4",
              actors=("Coast Guard",), key_event=True),
        Entry(id="u5", source="Harbour Live", title="Schools closed across the district",
              body=("The education board closed every school for the day.",),
              published=at(180), time_text="09:00", url=f"{TUI_SOURCE}#u5",
              actors=("Education Board",)),
        Entry(id="u6", source="Harbour Live", title="Power cut hits the old town",
              body=("About 4,000 homes are without power, the grid operator said.",),
              published=at(150), time_text="09:30", url=f"{TUI_SOURCE}#u6",
              actors=("Vell Grid",)),
    ]
    newer = [
        Entry(id="u7", source="Harbour Live", title="Coast Guard rescues crew of fishing boat",
              body=("Four people were lifted from the Tern off Skerry Point.",
                    "All are in hospital and stable."),
              published=at(60), time_text="11:00", url=f"{TUI_SOURCE}#u7",
              actors=("Coast Guard", "Skerry Hospital"),
              media=(Media(kind="card", title="How the Coast Guard plans a night rescue",
                           url="https://harbour.example/explainers/night-rescue"),
                     Media(kind="image", caption="The Tern listing in heavy seas"))),
        Entry(id="u8", source="Harbour Live", title="Ostrander: evacuation centres open",
              body=("Three schools now serve as evacuation centres.",),
              published=at(40), time_text="11:20", url=f"{TUI_SOURCE}#u8",
              actors=("Mara Ostrander",)),
        Entry(id="u9", source="Harbour Live", title="Rail line to the coast closed",
              body=("Trains terminate at Brannock Junction.",),
              published=at(20), time_text="11:40", url=f"{TUI_SOURCE}#u9",
              actors=("Vell Rail",)),
    ]
    return older, newer


def make_tui_store(path: Path, hostile: bool = False):
    """A Store at path holding the fixed story: the older batch first seen five hours
    ago, the newer one ten minutes ago, u8 edited once."""
    from feedtui.store import Store

    older, newer = tui_entries()
    store = Store.open(path)
    store.add_source(TUI_SOURCE, name="Harbour Live", kind="live")
    store.ingest(TUI_SOURCE, older, now=TUI_NOW - _timedelta(hours=5))
    store.ingest(TUI_SOURCE, newer, now=TUI_NOW - _timedelta(minutes=10))
    edited = newer[1].with_(body=("Four schools now serve as evacuation centres.",))
    store.ingest(TUI_SOURCE, [edited], now=TUI_NOW - _timedelta(minutes=5))
    if hostile:
        from feedtui.models import Entry

        store.ingest(TUI_SOURCE, [Entry(
            id="evil", source="Harbour Live", title="[@click=app.quit]x[/] [b]not bold[/b] $accent",
            body=("[red]not red[/red] [@click=app.bell]ring[/]",), published=TUI_NOW,
            time_text="12:00", actors=("[bold]Actor[/bold]",))], now=TUI_NOW)
    store.update_source_health(TUI_SOURCE, last_poll=TUI_NOW - _timedelta(seconds=30),
                               last_status="ok",
                               next_poll=TUI_NOW + _timedelta(seconds=30))
    return store


def make_tui_app(store, **kwargs):
    """The app over store with the tests' fixed clock, zone, theme and last visit."""
    from feedtui.config import Config
    from feedtui.tui import FeedApp

    kwargs.setdefault("config", Config(theme="textual-dark"))
    kwargs.setdefault("last_visit", (TUI_NOW - _timedelta(hours=1)).timestamp())
    return FeedApp(store, clock=lambda: TUI_NOW.timestamp(), zone=TUI_ZONE, **kwargs)


@pytest.fixture
def tui_store(tmp_path):
    store = make_tui_store(tmp_path / "feedtui.db")
    yield store
    store.close()
