"""Merge the entries that several strategies found on one page: by id, then by time plus
title. Earlier lists win; a later duplicate only fills fields the winner lacks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from ..models import Entry
from .base import normal_key

_FILLABLE = ("title", "body", "published", "time_text", "url", "author", "media", "updated")
_CLOSE_SECONDS = 90


def _title_key(entry: Entry) -> str:
    return normal_key(entry.title or (entry.body[0][:120] if entry.body else ""))


def _same(a: Entry, b: Entry, ka: str, kb: str) -> bool:
    if not ka or not kb:
        return False
    titles_match = ka == kb or (min(len(ka), len(kb)) >= 20 and (ka.startswith(kb) or kb.startswith(ka)))
    if not titles_match:
        return False
    if a.published is None or b.published is None:
        return True
    return abs((a.published - b.published).total_seconds()) <= _CLOSE_SECONDS


def _fill(winner: Entry, other: Entry) -> Entry:
    changes = {}
    for name in _FILLABLE:
        if not getattr(winner, name) and getattr(other, name):
            changes[name] = getattr(other, name)
    if other.key_event and not winner.key_event:
        changes["key_event"] = True
    if other.pinned and not winner.pinned:
        changes["pinned"] = True
    if "body" in changes or "media" in changes:
        body = _without_cards(changes.get("body", winner.body), changes.get("media", winner.media))
        if body is not None:
            changes["body"] = body
    return replace(winner, **changes) if changes else winner


def _without_cards(body: tuple[str, ...], media) -> tuple[str, ...] | None:
    """body without the paragraphs that are only the title of one of the linked cards in
    media (one strategy read the card as media, another as a line of text), or None when
    none is."""
    cards = {normal_key(m.title) for m in media if m.kind == "card" and m.title}
    if not cards or not body:
        return None
    kept = tuple(p for p in body if normal_key(p) not in cards)
    return kept if len(kept) != len(body) else None


def merge_entries(lists: list[list[Entry]]) -> list[Entry]:
    """One list without duplicates, newest first (entries without a time last)."""
    if len(lists) == 1:  # one strategy: its ids are already distinct, nothing to merge
        only = lists[0]
        if len({e.id for e in only}) == len(only):
            return newest_first(list(only))
    merged: list[Entry] = []
    keys: list[str] = []
    by_id: dict[str, int] = {}
    by_title: dict[str, list[int]] = {}
    for entries in lists:
        for entry in entries:
            index = by_id.get(entry.id)
            key = _title_key(entry)
            if index is None:
                for candidate in by_title.get(key[:40], ()):
                    if _same(merged[candidate], entry, keys[candidate], key):
                        index = candidate
                        break
            if index is not None:
                merged[index] = _fill(merged[index], entry)
                by_id.setdefault(entry.id, index)
                continue
            by_id[entry.id] = len(merged)
            by_title.setdefault(key[:40], []).append(len(merged))
            merged.append(entry)
            keys.append(key)
    return newest_first(merged)


_EPOCH = datetime.min.replace(year=1)


def newest_first(entries: list[Entry]) -> list[Entry]:
    """Entries sorted newest first, stable for equal times; undated ones at the end."""
    dated = [e for e in entries if e.published is not None]
    undated = [e for e in entries if e.published is None]
    dated.sort(key=lambda e: e.published, reverse=True)
    return dated + undated
