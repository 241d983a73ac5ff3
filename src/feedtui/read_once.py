"""`feedtui dump SOURCE ...`: fetch and extract sources once, print their entries, store
nothing. Errors are one line each, naming the source as the user gave it."""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor

from .extract import ExtractError, extract_bytes
from .fetch import FetchError, fetch, make_client, normalize_source
from .models import Entry
from .query import Node, Subject, matches
from .render import print_table
from .sanitize import clean_line

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def load_source(source: str, client) -> tuple[str, list[Entry] | None, str | None, int]:
    """(source, entries, error, exit code) for one source; errors name the source as given."""
    remote = source.lower().startswith(("http:", "https:"))
    location = source
    try:
        fetched = fetch(source, client)
        location = fetched.url if remote else normalize_source(source)
        result = extract_bytes(fetched.data, location, source=source, content_type=fetched.content_type)
    except FetchError as exc:
        return source, None, str(exc), EXIT_PARTIAL if remote else EXIT_USAGE
    except ExtractError as exc:
        message = str(exc).replace(location, source)
        if source not in message:
            message = f"{source}: {message}"
        return source, None, message, EXIT_USAGE
    except Exception as exc:  # a bug must still not cost the other sources their output
        return source, None, f"{source}: internal error ({type(exc).__name__}: {exc})", EXIT_PARTIAL
    return source, result.entries, None, EXIT_OK


def dump_sources(sources: list[str], query: Node | None, as_json: bool, limit: int | None) -> int:
    """Print each source's entries (newest first); exit status by DESIGN.md's rules."""
    failures: list[int] = []
    with make_client() as client, ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda s: load_source(s, client), sources))
    for source, entries, error, code in results:
        if error is not None:
            print(f"feedtui: {clean_line(error, 500)}", file=sys.stderr)
            failures.append(code)
            continue
        if query is not None:
            entries = [e for e in entries if matches(query, Subject(e, source, source))]
        shown = entries[:limit] if limit else entries
        if as_json:
            for entry in shown:
                sys.stdout.write(json.dumps(entry.to_json(), ensure_ascii=False) + "\n")
        else:
            print_table(source, shown, total=len(entries))
    sys.stdout.flush()
    if not failures:
        return EXIT_OK
    if len(failures) == len(results):
        return max(failures)
    return EXIT_PARTIAL
