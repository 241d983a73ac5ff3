"""The real `feedtui` command under a pseudo-terminal on a hostile feed: every escape
sequence it writes is one the app itself writes (an allowlist observed on a benign feed),
with no C1 control, no window title (OSC 0/2), no clipboard (OSC 52), no hyperlink (OSC 8)
and nothing from inside the feed's escape sequences."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import TUI_NOW
from test_terminal_safety import INSIDE, PAYLOADS, json_feed, rss_feed

FEEDTUI = Path(sys.executable).with_name("feedtui")
COLUMNS, LINES = 100, 30

pytestmark = [
    pytest.mark.skipif(not FEEDTUI.exists(), reason="the feedtui console script is not installed"),
    pytest.mark.skipif(sys.platform != "linux", reason="pty and termios as on Linux"),
    pytest.mark.timeout(150),
]

# One escape sequence: CSI, OSC, the string sequences (DCS, SOS, PM, APC), or a short ESC x.
SEQUENCE = re.compile(
    rb"\x1b\[(?P<csi_params>[\x30-\x3f]*)(?P<csi_inter>[\x20-\x2f]*)(?P<csi_final>[\x40-\x7e])"
    rb"|\x1b\](?P<osc>.*?)(?:\x07|\x1b\\)"
    rb"|\x1b(?P<string_kind>[PX^_])(?P<string>.*?)\x1b\\"
    rb"|\x1b(?P<esc>[\x20-\x2f]*[\x30-\x7e])",
    re.DOTALL,
)


def shape(match: re.Match) -> str:
    """What kind of sequence a match is, with the parameters that matter for safety: the
    modes set or reset, the query asked; colours and positions are left out."""
    if match.group("csi_final") is not None:
        params = match.group("csi_params").decode("latin-1")
        final = (match.group("csi_inter") + match.group("csi_final")).decode("latin-1")
        if final in ("m", "H", "f", "A", "B", "C", "D", "G", "d", "K", "J", "X", "@", "P", "E", "F"):
            # SGR colours and cursor moves: the kind, with the private marker if any
            return f"CSI {params[:1] if params[:1] in '?<>=' else ''}{final}"
        return f"CSI {params}{final}"  # modes (h/l), queries (n, c, $p, u, t): exact
    if match.group("osc") is not None:
        number = match.group("osc").split(b";", 1)[0].decode("latin-1")
        return f"OSC {number}"
    if match.group("string_kind") is not None:
        return f"STRING {match.group('string_kind').decode()}"
    return f"ESC {match.group('esc').decode('latin-1')}"


def sequences(output: bytes) -> Counter:
    return Counter(shape(m) for m in SEQUENCE.finditer(output))


def stray_escapes(output: bytes) -> int:
    """ESC bytes that do not start a well-formed sequence."""
    return output.count(b"\x1b") - sum(1 for _ in SEQUENCE.finditer(output))


def run_in_pty(tmp_path: Path, sources: list[Path], marker: bytes, name: str) -> bytes:
    """Start `feedtui --db DB SOURCE...` on a pty of COLUMNS x LINES, wait for marker on
    the screen, press j, Enter, Escape, /, type, Enter, q; return everything it wrote."""
    home = tmp_path / f"home-{name}"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "TEXTUAL", "COLORTERM", "TMUX", "STY")}
    env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES),
               FEEDTUI_HOME=str(home), PYTHONUTF8="1")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))

    def controlling_tty() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [str(FEEDTUI), "--db", str(home / "feedtui.db"), *map(str, sources)],
        stdin=slave, stdout=slave, stderr=slave, env=env, cwd=tmp_path,
        preexec_fn=controlling_tty, close_fds=True)
    os.close(slave)
    output = bytearray()

    def read_for(seconds: float, until: bytes | None = None) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the pty
                    return until is None
                if not chunk:
                    return until is None
                output.extend(chunk)
                if until is not None and until in output:
                    return True
            elif process.poll() is not None and until is not None:
                return False
        return until is None

    def press(keys: bytes, pause: float = 0.6) -> None:
        os.write(master, keys)
        read_for(pause)

    try:
        assert read_for(60, marker), f"{name}: the list never showed {marker!r}:\n{bytes(output)[-3000:]!r}"
        read_for(1.5)
        press(b"j")
        press(b"\r")            # open the entry: the detail pane
        press(b"\x1b", 1.0)     # Escape: back to the list
        press(b"/")             # the filter bar
        press(b"J0")
        press(b"\r")            # keep the filter, back to the list
        press(b"q", 0.2)        # quit
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            read_for(0.2)
        read_for(0.5)
        assert process.poll() == 0, f"{name}: feedtui did not quit cleanly on q"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        os.close(master)
    return bytes(output)


def benign_feed(count: int) -> bytes:
    items = [{"id": f"b{i}", "url": f"https://news.example/b{i}", "title": f"J{i:02d} calm update end",
              "date_published": (TUI_NOW - timedelta(minutes=i)).isoformat(),
              "content_text": f"Nothing to see {i}.", "authors": [{"name": "Desk"}]}
             for i in range(count)]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Calm",
                       "items": items}).encode()


def check_no_c1(output: bytes, name: str) -> str:
    text = output.decode("utf-8")  # a lone 8-bit byte (an 8-bit C1 control) fails here
    c1 = [hex(ord(c)) for c in text if 0x80 <= ord(c) <= 0x9F]
    assert c1 == [], f"{name}: C1 controls {c1[:10]}"
    return text


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if shutil.which("stty") is None:  # pragma: no cover - coreutils everywhere we run
        pytest.skip("no stty")
    root = tmp_path_factory.mktemp("pty")
    calm = root / "calm.json"
    calm.write_bytes(benign_feed(len(PAYLOADS)))
    hostile = root / "hostile.json"
    hostile.write_bytes(json_feed(PAYLOADS, TUI_NOW))
    hostile_rss = root / "hostile.xml"
    hostile_rss.write_bytes(rss_feed(PAYLOADS, TUI_NOW))
    benign = run_in_pty(root, [calm], b"calm update", "benign")
    bad = run_in_pty(root, [hostile, hostile_rss], b"end", "hostile")
    return benign, bad


def test_hostile_run_writes_only_the_apps_own_sequences(runs):
    benign, hostile = runs
    allowed = sequences(benign)
    seen = sequences(hostile)
    assert sum(seen.values()) > 100 and sum(allowed.values()) > 100
    foreign = {kind: count for kind, count in seen.items() if kind not in allowed}
    assert foreign == {}, f"sequences the app does not write itself: {foreign}"
    assert stray_escapes(hostile) == 0
    print(f"\n{sum(seen.values())} sequences of {len(seen)} kinds; allowlist of "
          f"{len(allowed)} kinds: {sorted(allowed)}")


def test_hostile_run_writes_no_title_clipboard_link_or_c1(runs):
    _benign, hostile = runs
    text = check_no_c1(hostile, "hostile")
    kinds = sequences(hostile)
    for kind in ("OSC 0", "OSC 1", "OSC 2", "OSC 8", "OSC 52", "OSC 1337", "OSC 4"):
        assert kind not in kinds, kind
    assert not any(kind.startswith("STRING") for kind in kinds)  # no DCS, SOS, PM, APC
    assert "ESC c" not in kinds  # no reset
    for word in INSIDE:
        assert word not in text, word
    assert "J00" in text or "J01" in text  # the hostile entries were on the screen


def test_benign_run_is_clean_too(runs):
    benign, _hostile = runs
    check_no_c1(benign, "benign")
    assert "OSC 52" not in sequences(benign) and "OSC 8" not in sequences(benign)
