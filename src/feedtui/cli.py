"""The `feedtui` command: argument parsing and the headless subcommands.

Exit status: 0 success, 1 when some sources failed (the others still print), 2 for usage
errors and unreadable input. Errors go to stderr, one line each, naming the source.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import __version__
from .query import QueryError
from .query import parse as parse_query
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
    parser = _Parser(
        prog="feedtui", usage="feedtui [--db PATH] [--config PATH] [SOURCE ...]\n"
                              "       feedtui [--db PATH] [--config PATH] COMMAND ...",
        description="A terminal reader for live news: liveblogs, RSS, Atom and JSON Feed.\n\n"
                    "Without a COMMAND feedtui opens the reader, subscribing the SOURCEs first (an\n"
                    "http(s):// URL, a file:// URL or a path); with nothing subscribed it opens the\n"
                    "bundled demo live source.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"feedtui {__version__}")
    _global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    dump = sub.add_parser("dump", help="fetch and extract sources once and print their entries")
    dump.add_argument("sources", nargs="*", metavar="SOURCE", help="URL (http, https, file) or path")
    dump.add_argument("--filter", metavar="Q", default="", help='only entries matching the query Q (e.g. \'actor:Kyiv -is:read\')')
    dump.add_argument("--json", action="store_true", help="print JSON Lines, newest first")
    dump.add_argument("--limit", type=_positive, metavar="N", help="print at most N entries per source")
    _global_options(dump, top=False)

    dump.add_argument("--unread", action="store_true", help="stored entries not read yet (without SOURCE)")

    add = sub.add_parser("add", help="subscribe to a source")
    add.add_argument("source", metavar="SOURCE", help="URL (http, https, file) or path")
    add.add_argument("--name", metavar="N", help="a short name for the source")
    add.add_argument("--interval", type=_positive, metavar="SECONDS",
                     help="poll every SECONDS (default: adaptive, 60 s for live pages, 15 min for feeds)")
    _global_options(add, top=False)

    remove = sub.add_parser("remove", help="unsubscribe (by name or URL)")
    remove.add_argument("name", metavar="NAME|URL")
    _global_options(remove, top=False)

    sources = sub.add_parser("sources", help="list subscriptions with their health")
    sources.add_argument("--json", action="store_true", help="print JSON Lines")
    _global_options(sources, top=False)

    refresh = sub.add_parser("refresh", help="poll every subscription once and print a summary")
    refresh.add_argument("--json", action="store_true", help="print one JSON object per source")
    _global_options(refresh, top=False)

    tail = sub.add_parser("tail", help="print new and edited entries as they arrive (Ctrl-C stops)")
    tail.add_argument("--filter", metavar="Q", default="", help="only entries matching the query Q")
    tail.add_argument("--json", action="store_true", help="print JSON Lines")
    _global_options(tail, top=False)

    imp = sub.add_parser("import-opml", help="subscribe to the http(s) feeds of an OPML file")
    imp.add_argument("file", metavar="FILE")
    _global_options(imp, top=False)

    exp = sub.add_parser("export-opml", help="write subscriptions as OPML (stdout by default)")
    exp.add_argument("file", metavar="FILE", nargs="?")
    _global_options(exp, top=False)

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


def _with_store(args: argparse.Namespace) -> int:
    """Run a command that needs the store (and config); their errors are one line, exit 2."""
    from . import follow, subscriptions
    from .config import ConfigError
    from .session import open_config, open_store
    from .store import StoreError

    try:
        query = parse_query(getattr(args, "filter", "") or "")
    except QueryError as exc:
        _error(f"--filter: {exc}")
        return EXIT_USAGE
    try:
        config = open_config(args.config)
        store = open_store(args.db)
    except (ConfigError, StoreError) as exc:
        _error(str(exc))
        return EXIT_USAGE
    try:
        command = args.command
        if command == "add":
            return subscriptions.add(store, args.source, args.name, args.interval)
        if command == "remove":
            return subscriptions.remove(store, args.name)
        if command == "sources":
            return subscriptions.sources(store, args.json)
        if command == "import-opml":
            return subscriptions.import_opml(store, args.file)
        if command == "export-opml":
            return subscriptions.export(store, args.file)
        if command == "refresh":
            return follow.refresh(store, config, args.json)
        if command == "tail":
            return follow.tail(store, config, query, args.json)
        if command == "dump":
            return follow.dump_store(store, query, args.json, args.unread, args.limit)
        raise AssertionError(command)
    except StoreError as exc:
        _error(str(exc))
        return EXIT_USAGE
    finally:
        store.close()


def cmd_dump(args: argparse.Namespace) -> int:
    if not args.sources:
        return _with_store(args)
    if args.unread:
        _error("dump: --unread applies to stored entries, not to SOURCEs fetched now")
        return EXIT_USAGE
    try:
        query = parse_query(args.filter)
    except QueryError as exc:
        _error(f"--filter: {exc}")
        return EXIT_USAGE
    from .read_once import dump_sources

    return dump_sources(args.sources, query, args.json, args.limit)


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


#: The name the bundled demo source is subscribed under, so the next launch can tell a
#: stale demo URL (a dead port) from the user's own subscriptions.
DEMO_NAME = "feedtui demo"


def _last_visit_path(db):
    return db.with_name(f"{db.stem}-tui.json")


def cmd_open(args: argparse.Namespace) -> int:
    """`feedtui [SOURCE ...]`: subscribe the SOURCEs and open the reader. With no SOURCE and
    no subscription of the user's, start the bundled demo live source on 127.0.0.1 and
    subscribe to it (replacing the demo URL of an earlier launch, whose port is gone)."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    from .config import ConfigError
    from .session import open_config, open_store
    from .store import StoreError

    sources = list(getattr(args, "sources", None) or [])
    urls = []
    if sources:  # all of them checked before anything is stored or started
        from .fetch import subscribable

        for source in sources:
            url, problem = subscribable(source)
            if url is None:
                if "/" not in source and "." not in source:  # a word: a mistyped command?
                    problem += ", and not a command (see feedtui --help)"
                _error(f"{source}: {problem}")
                return EXIT_USAGE
            urls.append(url)
    try:
        config = open_config(args.config)
        # The store's integrity check runs in SQLite (no GIL) while the app's modules load.
        with ThreadPoolExecutor(max_workers=1) as background:
            opening = background.submit(open_store, args.db)
            from .fetch import Fetcher
            from .paths import db_path
            from .poller import Poller
            from .tui import FeedApp
            from .worker import READER_NICENESS, ParsePool

            store = opening.result()
    except (ConfigError, StoreError) as exc:
        _error(str(exc))
        return EXIT_USAGE
    server = None
    pool = None
    try:
        for source, url in zip(sources, urls):
            try:
                store.add_source(url)
            except StoreError as exc:
                _error(f"{source}: {exc}")
                return EXIT_USAGE
        own = [s for s in store.sources() if s.name != DEMO_NAME]
        if not sources and not own:
            from .demo import serve_in_background

            server, url = serve_in_background()
            for stale in store.sources():
                if stale.name == DEMO_NAME and stale.url != url:
                    store.remove_source(stale.id)
            store.add_source(url, name=DEMO_NAME, kind="live")
        pool = ParsePool(niceness=READER_NICENESS)
        poller = Poller(store, Fetcher(), pool, config)
        visit_file = _last_visit_path(db_path(args.db))
        try:
            last_visit = float(json.loads(visit_file.read_text("utf-8"))["last_visit"])
        except (OSError, ValueError, KeyError, TypeError):
            last_visit = None
        FeedApp(store, config=config, poller=poller, last_visit=last_visit).run()
        try:
            visit_file.write_text(json.dumps({"last_visit": time.time()}), "utf-8")
        except OSError:
            pass
        return EXIT_OK
    finally:
        if pool is not None:
            pool.close()
        if server is not None:
            server.shutdown()
            server.server_close()
        store.close()


def _global_values(argv: list[str]) -> tuple[dict[str, str | None], list[str]]:
    """--db/--config values found anywhere in argv, and the other arguments in order."""
    options: dict[str, str | None] = {"db": None, "config": None}
    rest: list[str] = []
    items = iter(argv)
    for item in items:
        name, eq, value = item.partition("=")
        if name in ("--db", "--config"):
            options[name[2:]] = value if eq else next(items, None)
        else:
            rest.append(item)
    return options, rest


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = {"dump": cmd_dump, "demo": cmd_demo, "add": _with_store, "remove": _with_store,
                "sources": _with_store, "refresh": _with_store, "tail": _with_store,
                "import-opml": _with_store, "export-opml": _with_store}
    options, rest = _global_values(argv)
    if rest and rest[0] not in commands and not rest[0].startswith("-"):
        # `feedtui [--db P] SOURCE ...`: sources to open in the reader
        args = argparse.Namespace(command=None, sources=rest, **options)
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
