"""Entry times for the list and the detail pane in the three modes of `t`: the local zone,
UTC, or the source's own stamp as printed."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo

from ..models import Entry

MODES = ("local", "utc", "source")
MODE_LABELS = {"local": "local time", "utc": "UTC", "source": "source time"}


def next_mode(mode: str) -> str:
    """The mode after mode, cycling."""
    return MODES[(MODES.index(mode) + 1) % len(MODES)] if mode in MODES else MODES[0]


def short_time(entry: Entry, mode: str, zone: tzinfo | None, now: datetime) -> str:
    """A compact stamp for a list row: HH:MM today, else "Mar 14" (at most 6 cells)."""
    if mode == "source" and entry.time_text:
        text = entry.time_text.strip()
        return text if len(text) <= 6 else text[:5] + "…"
    if entry.published is None:
        return ""
    target = timezone.utc if mode == "utc" else zone
    moment = entry.published.astimezone(target)
    today = now.astimezone(target)
    if moment.date() == today.date():
        return moment.strftime("%H:%M")
    return moment.strftime("%b %d")


def full_time(entry: Entry, mode: str, zone: tzinfo | None) -> str:
    """The converted time for the detail pane, with its zone."""
    if entry.published is None:
        return "no time given"
    target = timezone.utc if mode == "utc" else zone
    moment = entry.published.astimezone(target)
    return moment.strftime("%Y-%m-%d %H:%M %Z")
