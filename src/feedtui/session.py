"""Opening what the headless commands and the app share: config, store, fetcher, poller.

Every failure here is one line for the user (ConfigError, StoreError), never a traceback.
"""

from __future__ import annotations

import sys
from contextlib import asynccontextmanager
from pathlib import Path

from .config import Config, alias_map, load_config
from .fetch import Fetcher
from .paths import config_path, db_path
from .poller import Poller, PollReport
from .sanitize import clean_line
from .store import Store
from .worker import ParsePool


def open_config(explicit: str | None) -> Config:
    """The config (defaults when the file does not exist); ConfigError when unusable.

    Its actor aliases and groups become the defaults of feedtui.actors in this process."""
    config = load_config(config_path(explicit))
    if config.aliases or config.groups:
        from . import actors

        actors.configure(alias_map(config), config.groups)
    return config


def open_store(explicit: str | None) -> Store:
    """The store at --db / FEEDTUI_HOME / the user data dir; its notice goes to stderr."""
    path: Path = db_path(explicit)
    store = Store.open(path)
    if store.notice:
        print(f"feedtui: {clean_line(store.notice, 500)}", file=sys.stderr)
    return store


@asynccontextmanager
async def polling(store: Store, config: Config, on_report=None, **fetcher_options):
    """A Poller with its own Fetcher and parse workers, closed on exit."""
    pool = ParsePool()
    fetcher = Fetcher(**fetcher_options)
    try:
        yield Poller(store, fetcher, pool, config, on_report=on_report)
    finally:
        await fetcher.aclose()
        pool.close()


__all__ = ["open_config", "open_store", "polling", "PollReport"]
