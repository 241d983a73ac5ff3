"""The `feedtui` command: argument parsing and the headless subcommands.

Exit status: 0 success, 1 when some sources failed (the others still print), 2 for usage
errors and unreadable input. Errors go to stderr, one line each, naming the source.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor

from . import __version__
from .extract import ExtractError, extract_bytes
from .fetch import FetchError, fetch, make_client, normalize_source
from .models import Entry
from .query import QueryError, Subject, matches
from .query import parse as parse_query
from .render import print_table
from .sanitize import clean_line

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        self.exit(EXIT_USAGE, f"feedtui: {message} (see feedtui --help)\n")


def _global_options(parser: argparse.ArgumentParser, top: bool) -> None:
    # Global options are accepted before or after the subcommand: the subparsers use
    # SUPPRESS as default so that a value given before the subcommand is not overwritten.
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", metavar="PATH", default=default, help="the SQLite store to use")
    parser.add_argument("--config", metavar="PATH", default=default, help="the config file to use")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="feedtui", description="A terminal reader for live news: liveblogs, RSS, Atom and JSON Feed.")
    parser.add_argument("--version", action="version", version=f"feedtui {__version__}")
    _global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    dump = sub.add_parser("dump", help="fetch and extract sources once and print their entries")
    dump.add_argument("sources", nargs="*", metavar="SOURCE", help="URL (http, https, file) or path")
    dump.add_argument("--filter", metavar="Q", default="", help='only entries matching the query Q (e.g. \'actor:Kyiv -is:read\')')
    dump.add_argument("--json", action="store_true", help="print JSON Lines, newest first")
    dump.add_argument("--limit", type=_positive, metavar="N", help="print at most N entries per source")
    _global_options(dump, top=False)

    demo = sub.add_parser("demo", help="serve the bundled demo live source on 127.0.0.1")
    demo.add_argument("--port", type=int, default=8765, metavar="P", help="port (default 8765, 0 picks one)")
    _global_options(demo, top=False)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _error(message: str) -> None:
    print(f"feedtui: {clean_line(message, 500)}", file=sys.stderr)


def _load(source: str, client) -> tuple[str, list[Entry] | None, str | None, int]:
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


def cmd_dump(args: argparse.Namespace) -> int:
    if not args.sources:
        _error("dump: give at least one SOURCE (a URL or a path)")
        return EXIT_USAGE
    try:
        query = parse_query(args.filter)
    except QueryError as exc:
        _error(f"--filter: {exc}")
        return EXIT_USAGE
    failures: list[int] = []
    with make_client() as client, ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda s: _load(s, client), args.sources))
    for source, entries, error, code in results:
        if error is not None:
            _error(error)
            failures.append(code)
            continue
        if query is not None:
            entries = [e for e in entries if matches(query, Subject(e, source, source))]
        shown = entries[: args.limit] if args.limit else entries
        if args.json:
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


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import make_server

    try:
        server = make_server(args.port)
    except OSError as exc:
        _error(f"demo: cannot listen on 127.0.0.1:{args.port} ({exc.strerror or exc})")
        return EXIT_USAGE
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"Serving the demo live source at {url} (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def cmd_open(args: argparse.Namespace) -> int:
    """`feedtui` with no subcommand. The reader app is not built yet: show the bundled demo
    live source as `dump` prints it, fetched for real from a local server."""
    from .demo import serve_in_background

    if getattr(args, "sources", None):
        return cmd_dump(argparse.Namespace(sources=args.sources, json=False, limit=None, filter=""))
    server, url = serve_in_background()
    try:
        print("The reader app is not built yet; here is the bundled demo live source:\n")
        return cmd_dump(argparse.Namespace(sources=[url], json=False, limit=None, filter=""))
    finally:
        server.shutdown()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = {"dump": cmd_dump, "demo": cmd_demo}
    if argv and argv[0] not in commands and not argv[0].startswith("-"):
        # `feedtui SOURCE ...`: sources to open in the reader
        args = argparse.Namespace(command=None, sources=argv, db=None, config=None)
    else:
        args = parser.parse_args(argv)
    try:
        if args.command is None:
            return cmd_open(args)
        return commands[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # `feedtui dump ... | head`: the reader left, nothing to report
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
