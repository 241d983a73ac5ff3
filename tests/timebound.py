"""A wall-clock bound for one call in the main thread (SIGALRM), for corpus sweeps."""

from __future__ import annotations

import signal
from contextlib import contextmanager


class TimeBoundExceeded(Exception):
    """The bounded block ran longer than allowed."""


@contextmanager
def time_bound(seconds: float):
    """Raise TimeBoundExceeded inside the block once `seconds` have passed."""
    def on_alarm(signum, frame):
        raise TimeBoundExceeded()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
