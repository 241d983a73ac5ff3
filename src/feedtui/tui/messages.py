"""Messages the app posts to its screens about the outside world, named for what happened."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from textual.message import Message

from ..models import Entry


@dataclass
class EntriesArrived(Message):
    """A poll stored new or edited entries."""

    source: str
    new: list[Entry] = field(default_factory=list)
    edited: list[Entry] = field(default_factory=list)


@dataclass
class SourcePolled(Message):
    """A poll ended (well or not); the source's health changed."""

    source: str
    state: str


@dataclass
class SourceFailed(Message):
    """A poll failed; error is one line naming the problem."""

    source: str
    error: str


@dataclass
class ViewLoaded(Message):
    """The keys of the view were loaded (in a thread) for a filter and order."""

    generation: int
    keys: array
    divider: int | None
    keep: bool
    partial: bool = False  # only the first screens of a new filter; the full view follows


@dataclass
class MarksChanged(Message):
    """Read or starred marks changed in bulk (mark all read)."""

    count: int
