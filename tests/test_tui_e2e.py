"""End to end: the real `feedtui` command in a detached tmux session on a local feed file:
launch, wait for the list, filter with `/`, clear with Escape, quit with `q`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Harbour Wire</title><link>https://harbour.example/</link>
<item><guid>w1</guid><title>Ferry service suspended</title>
<description>All crossings cancelled.</description><pubDate>Wed, 14 May 2031 08:00:00 GMT</pubDate></item>
<item><guid>w2</guid><title>Rail line to the coast closed</title>
<description>Trains terminate early.</description><pubDate>Wed, 14 May 2031 09:00:00 GMT</pubDate></item>
<item><guid>w3</guid><title>Schools closed across the district</title>
<description>Every school shut.</description><pubDate>Wed, 14 May 2031 10:00:00 GMT</pubDate></item>
</channel></rss>
"""


def _tmux(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=10)


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-p", "-t", session).stdout


def _wait_for(session: str, predicate, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(session)
        if predicate(screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"timed out; the screen was:\n{screen}")


def _alive(session: str) -> bool:
    return _tmux("has-session", "-t", session).returncode == 0


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_feedtui_in_tmux_filters_and_quits(tmp_path):
    feed = tmp_path / "wire.xml"
    feed.write_text(FEED, encoding="utf-8")
    feedtui = Path(sys.executable).with_name("feedtui")
    assert feedtui.exists(), "the feedtui console script is not installed in this venv"
    session = f"feedtui-e2e-{tmp_path.name}"
    command = (f"env -u NO_COLOR FEEDTUI_HOME={tmp_path / 'home'} TERM=xterm-256color "
               f"{feedtui} --db {tmp_path / 'home' / 'feedtui.db'} {feed}")
    started = _tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command)
    assert started.returncode == 0, started.stderr
    try:
        # The list is painted before the app has finished mounting; the full footer
        # ("q Quit") shows that the list has focus and takes keys.
        screen = _wait_for(session, lambda s: "Schools closed" in s and "Ferry service" in s
                           and "Quit" in s)
        assert "Rail line to the coast closed" in screen
        _tmux("send-keys", "-t", session, "/")
        _tmux("send-keys", "-t", session, "-l", "ferry")
        screen = _wait_for(session, lambda s: "Ferry service" in s and "Schools closed" not in s)
        assert "1 shown" in screen
        _tmux("send-keys", "-t", session, "Escape")
        _wait_for(session, lambda s: "Schools closed" in s and "3 shown" in s)
        _tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + 10
        while _alive(session) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(session), "feedtui did not quit on q"
    finally:
        if _alive(session):
            _tmux("kill-session", "-t", session)
