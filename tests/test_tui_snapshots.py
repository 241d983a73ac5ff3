"""How the reader looks: SVG snapshots in snapshots/test_tui_snapshots/ (see conftest.py).

Deterministic: a fixed clock and zone, the textual-dark theme from the app's config, no
cursor blink, a store filled with the same fictional entries, workers waited for.
Update on purpose only: pytest tests/test_tui_snapshots.py --snapshot-update, then look
at every changed SVG before committing it.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from conftest import TUI_NOW, TUI_SOURCE, make_tui_app, make_tui_store
from textual.widgets import Input


async def _settle(pilot) -> None:
    app = pilot.app
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    for widget in app.screen.query(Input):
        widget.cursor_blink = False


def _app(tmp_path, hostile: bool = False):
    return make_tui_app(make_tui_store(tmp_path / "feedtui.db", hostile=hostile))


def _keys(*keys: str, wait: float = 0.0):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
        if wait:
            await asyncio.sleep(wait)
        await _settle(pilot)
        await asyncio.sleep(0.05)
        await _settle(pilot)
    return run_before


def test_first_screen(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=(100, 30), run_before=_keys())


def test_filtered_view(snap_compare, tmp_path):
    keys = ("slash", *"coast", "enter")
    assert snap_compare(_app(tmp_path), terminal_size=(100, 30), run_before=_keys(*keys, wait=0.2))


def test_detail_with_media_card(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=(100, 34),
                        run_before=_keys("j", "j", "enter"))


def test_sidebars(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=(140, 34), run_before=_keys())


def test_help_screen(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=(100, 40), run_before=_keys("question_mark"))


def test_command_palette(snap_compare, tmp_path):
    keys = ("ctrl+p", *"actor")
    assert snap_compare(_app(tmp_path), terminal_size=(100, 30), run_before=_keys(*keys, wait=0.3))


def test_error_state(snap_compare, tmp_path):
    store = make_tui_store(tmp_path / "feedtui.db")
    store.update_source_health(TUI_SOURCE, failures=2, last_status="connection",
                               last_error="harbour.example: connection refused",
                               next_poll=TUI_NOW + timedelta(minutes=2))
    keys = ("slash", *'ferry "')
    assert snap_compare(make_tui_app(store), terminal_size=(100, 30),
                        run_before=_keys(*keys, wait=0.2))


def test_hostile_text(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path, hostile=True), terminal_size=(100, 30),
                        run_before=_keys())


def test_80x24(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=_keys())
