"""The bundled demo live source: arrivals over time, an edit, conditional GET, and that
feedtui's own extraction reads it completely."""

import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

from feedtui.demo import DemoClock, load_story, render_page, serve_in_background
from feedtui.extract import extract_html

START = datetime(2026, 3, 14, 12, 0, tzinfo=timezone.utc)


def test_updates_arrive_over_time_and_one_is_edited():
    story = load_story()
    clock = DemoClock(started=START, arrival_seconds=8)
    at_start = clock.visible(story, START)
    later = clock.visible(story, START + timedelta(seconds=8 * 10))
    assert 15 <= len(at_start) < len(later) == len(story["updates"])
    assert not any(edited for *_, edited in at_start)
    assert any(edited for *_, edited in later)


def test_demo_page_extracts_every_visible_update_with_flags():
    story = load_story()
    clock = DemoClock(started=START)
    now = START + timedelta(minutes=5)
    result = extract_html(render_page(story, clock, now), "http://127.0.0.1:1/", now=now)
    visible = clock.visible(story, now)
    assert len(result.entries) == len(visible) == len(story["updates"])
    titles = {e.title for e in result.entries}
    assert {u["headline"] for _, u, _, _ in visible} == titles
    assert sum(e.key_event for e in result.entries) == sum(bool(u.get("key")) for u in story["updates"])
    assert [e.title for e in result.entries if e.pinned] == ["Pinned: Emergency numbers and shelter list"]
    for entry in result.entries:
        assert entry.published is not None and entry.published <= now
        assert not any("Share this post" in p or "Follow our live feed" in p for p in entry.body)
    cards = [m for e in result.entries for m in e.media if m.kind == "card"]
    assert [c.title for c in cards] == ["Explainer: why the Halligen flood so often"]


def test_server_answers_conditional_get_with_304():
    server, url = serve_in_background()
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            etag = response.headers["ETag"]
            assert response.status == 200 and b"Storm Elin" in response.read()
        request = urllib.request.Request(url, headers={"If-None-Match": etag})
        try:
            urllib.request.urlopen(request, timeout=5)
            status = 200
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status == 304
    finally:
        server.shutdown()
        server.server_close()
