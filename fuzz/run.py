"""Run one fuzz target under atheris (libFuzzer for Python).

    .venv/bin/python fuzz/run.py TARGET [libFuzzer options] [CORPUS_DIR ...]

TARGET is one of fuzz/targets.py's TARGETS (syndication, html, bytes, jsonld, dates, query,
sanitize). Common options: -runs=N (executions), -max_total_time=S, -timeout=S (per input),
-rss_limit_mb=MB, -max_len=BYTES, -artifact_prefix=DIR/. Seeds are read from
fuzz/seeds/TARGET and tests/regressions when no corpus directory is given. A crash, an
invariant violation or a timeout stops the run and leaves the input as an artifact: turn it
into a file under tests/regressions/ (see tests/test_robustness.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

with atheris.instrument_imports(include=["feedtui"]):
    import targets  # noqa: E402  (imports feedtui, instrumented for coverage)


#: Longest input per target: a filter-bar query or a date is short; documents are not.
MAX_LEN = {"query": 512, "dates": 256, "sanitize": 4096}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in targets.TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(targets.TARGETS)}}} [libFuzzer options]")
    name = sys.argv[1]
    target = targets.TARGETS[name]
    options = [a for a in sys.argv[2:] if a.startswith("-")]
    dirs = [a for a in sys.argv[2:] if not a.startswith("-")]
    if not dirs:
        # libFuzzer writes new inputs into the first directory: a scratch one, never the seeds
        work = os.environ.get("FEEDTUI_FUZZ_CORPUS") or tempfile.mkdtemp(prefix=f"feedtui-fuzz-{name}-")
        Path(work).mkdir(parents=True, exist_ok=True)
        dirs = [work] + [str(d) for d in (HERE / "seeds" / name, HERE.parent / "tests" / "regressions")
                         if d.is_dir()]
    if not any(o.startswith("-max_len=") for o in options):
        options.append(f"-max_len={MAX_LEN.get(name, 8192)}")
    args = [sys.argv[0]] + options + dirs
    atheris.Setup(args, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
