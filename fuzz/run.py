"""Run one fuzz target under atheris (libFuzzer for Python).

    .venv/bin/python fuzz/run.py TARGET [libFuzzer options] [CORPUS_DIR ...]

TARGET is one of fuzz/targets.py's TARGETS (syndication, html, bytes, jsonld, dates, query,
sanitize). Common options: -runs=N (executions), -max_total_time=S, -timeout=S (per input),
-rss_limit_mb=MB, -max_len=BYTES, -artifact_prefix=DIR/. Seeds are read from
fuzz/seeds/TARGET and tests/regressions when no corpus directory is given. A crash, an
invariant violation or a timeout stops the run and leaves the input as an artifact: turn it
into a file under tests/regressions/ (see tests/test_robustness.py).

Speed (executions per second decide whether a long run reaches 1,000,000): only the feedtui
modules a target exercises are instrumented (INSTRUMENT; the rest run at full speed and are
fuzzed by their own target), and each target has its own -max_len (MAX_LEN). Instrumented
Python costs a callback per branch and per comparison, so a character loop over 8 KB is slow.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

#: The feedtui modules each target exercises (module names, a package takes its submodules);
#: only these are instrumented for coverage. Measured with cProfile over each target's corpus.
EXTRACT = "feedtui.extract"
INSTRUMENT = {
    "syndication": ["feedtui.extract.syndication", "feedtui.extract.columns", "feedtui.extract.feedhtml", "feedtui.extract.text",
                    "feedtui.extract.htmlguard", "feedtui.extract.base", "feedtui.extract.dates",
                    "feedtui.extract.merge"],
    "html": [EXTRACT],
    "bytes": [EXTRACT],
    "jsonld": [EXTRACT],
    "dates": ["feedtui.extract.dates", "feedtui.extract.clock"],
    "query": ["feedtui.query", "feedtui.fold"],
    "sanitize": ["feedtui.sanitize"],
}

#: Longest input per target: a filter-bar query or a date is short; a feed or page item
#: fits in 4 KB; a JSON-LD script is cleaned character by character (the slowest path under
#: instrumentation), so its cap is lower.
MAX_LEN = {"query": 512, "dates": 256, "sanitize": 4096, "syndication": 4096, "html": 4096,
           "bytes": 4096, "jsonld": 2048}


#: Targets fuzzed on branch coverage alone, without atheris' comparison (dataflow) tracing:
#: a callback on every `==` of a character loop made them 1.7x slower (jsonld: 418 against
#: 705 executions per CPU second), too slow for 1,000,000 runs; lexbor, libxml2 and the
#: seeds (real feeds and pages) supply the structure comparison tracing would have guessed.
NO_DATAFLOW = {"html", "bytes", "jsonld"}


def _exclusions(name: str) -> list[str]:
    """Every feedtui module outside INSTRUMENT[name] (atheris excludes by exact name). The
    names come from the files, so nothing is imported (uninstrumented) before the hook."""
    spec = importlib.util.find_spec("feedtui")  # finds, does not import
    root = Path(spec.origin).parent
    modules = []
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    keep = INSTRUMENT.get(name, ["feedtui"])
    return sorted(m for m in modules if not any(m == k or m.startswith(k + ".") for k in keep))


_NAME = sys.argv[1] if len(sys.argv) > 1 else ""
_hooks = atheris.instrument_imports(include=["feedtui"], exclude=_exclusions(_NAME))
# FEEDTUI_FUZZ_DATAFLOW=1/0 forces comparison tracing on or off for any target.
if os.environ.get("FEEDTUI_FUZZ_DATAFLOW", "1" if _NAME not in NO_DATAFLOW else "0") == "0":
    _hooks._trace_dataflow = False  # branch coverage only: no callback per comparison
with _hooks:
    import targets  # noqa: E402  (imports feedtui, the target's modules instrumented)
from cpulimit import cpu_bounded  # noqa: E402


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in targets.TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(targets.TARGETS)}}} [libFuzzer options]")
    name = sys.argv[1]
    target = cpu_bounded(targets.TARGETS[name])
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
