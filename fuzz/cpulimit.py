"""A fuzz target's time limit, counted in CPU time.

libFuzzer's -timeout counts wall time: a fuzzer ranked below other work on a shared machine
(nice 19, or a lower autogroup) can wait seconds for a core and be stopped by a "timeout" in
an input that is fast. cpu_bounded counts the CPU time this process spends on one input
instead; more than the limit (FEEDTUI_FUZZ_CPU_LIMIT seconds, default 2) is a finding like a
crash. libFuzzer's own -timeout stays, set high, as the backstop for an input that hangs.
"""

from __future__ import annotations

import os
import time

CPU_LIMIT = float(os.environ.get("FEEDTUI_FUZZ_CPU_LIMIT", "2"))


class SlowInput(Exception):
    """An input took more CPU time than the limit."""


def cpu_bounded(target, limit: float | None = None):
    """target, raising SlowInput after an input that took more than limit s of CPU."""
    limit = CPU_LIMIT if limit is None else limit

    def run(data: bytes) -> None:
        started = time.process_time()
        target(data)
        spent = time.process_time() - started
        if spent > limit:
            raise SlowInput(f"input took {spent:.2f} s of CPU (limit {limit:g} s)")
    return run
