"""Where feedtui keeps its files.

Precedence, highest first:

1. an explicit path from the command line (``--db PATH``, ``--config PATH``);
2. the ``FEEDTUI_HOME`` environment variable: the store at ``$FEEDTUI_HOME/feedtui.db``,
   the config at ``$FEEDTUI_HOME/config.toml``;
3. platformdirs: the user data dir for the store, the user config dir for the config.

The store keeps a second file next to the one named here (``feedtui-state.db`` beside
``feedtui.db``, see store.py); only the main path is chosen here.
Nothing here creates directories: the store and the config writer do that when they write.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "feedtui"
HOME_ENV = "FEEDTUI_HOME"
DB_NAME = "feedtui.db"
CONFIG_NAME = "config.toml"


def _home(env: Mapping[str, str] | None) -> Path | None:
    """$FEEDTUI_HOME as a path, or None when it is unset or blank."""
    value = (os.environ if env is None else env).get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def _explicit(path: str | os.PathLike[str] | None) -> Path | None:
    if path is None or str(path).strip() == "":
        return None
    return Path(path).expanduser()


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The directory for the store: $FEEDTUI_HOME, else platformdirs' user data dir."""
    return _home(env) or platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """The directory for config.toml: $FEEDTUI_HOME, else platformdirs' user config dir."""
    return _home(env) or platformdirs.user_config_path(APP_NAME, appauthor=False)


def db_path(explicit: str | os.PathLike[str] | None = None,
            env: Mapping[str, str] | None = None) -> Path:
    """The store's path: --db PATH when given, else data_dir()/feedtui.db."""
    return _explicit(explicit) or data_dir(env) / DB_NAME


def config_path(explicit: str | os.PathLike[str] | None = None,
                env: Mapping[str, str] | None = None) -> Path:
    """The config file's path: --config PATH when given, else config_dir()/config.toml."""
    return _explicit(explicit) or config_dir(env) / CONFIG_NAME
