"""The TOML config file: poll intervals, actor aliases and groups, key bindings, theme.

Example (every key optional):

    [poll]
    live_interval = 60        # seconds, live pages
    feed_interval = 900       # seconds, feeds

    [display]
    theme = "textual-dark"
    time = "local"            # local | utc | source

    [aliases]                 # canonical actor = other names for it
    "Olaf Scholz" = ["Scholz", "German Chancellor"]

    [groups]                  # a group = its members (extends the built-in gazetteer)
    "Estrava" = ["Velmora", "Estravan Defence Ministry"]

    [keys]                    # binding id = key(s)
    toggle_read = "space,x"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .sanitize import clean_line

TIME_MODES = ("local", "utc", "source")


class ConfigError(Exception):
    """The config file cannot be used; str() is one line naming the file and the problem."""


@dataclass(frozen=True)
class Config:
    """Settings with their defaults."""

    live_interval: float = 60.0
    feed_interval: float = 900.0
    theme: str = "textual-dark"
    time_mode: str = "local"
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)


def alias_map(config: Config) -> dict[str, str]:
    """The config's [aliases] as actors.py wants them: other name -> canonical name."""
    return {alias: canonical for canonical, names in config.aliases.items() for alias in (canonical, *names)}


def _names(path: Path, table: str, raw: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: [{table}] must be a table of name = [names]")
    out: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: [{table}] {key!r} must be a list of strings")
        out[clean_line(key, 200)] = tuple(clean_line(v, 200) for v in value if v.strip())
    return out


def _number(path: Path, raw: dict, key: str, default: float, low: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
        raise ConfigError(f"{path}: [poll] {key} must be a number of seconds >= {low:g}")
    return float(value)


def load_config(path: Path | None) -> Config:
    """The config at path; defaults when path is None or the file does not exist."""
    if path is None or not path.exists():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    poll = data.get("poll", {})
    display = data.get("display", {})
    if not isinstance(poll, dict) or not isinstance(display, dict):
        raise ConfigError(f"{path}: [poll] and [display] must be tables")
    time_mode = display.get("time", "local")
    if time_mode not in TIME_MODES:
        raise ConfigError(f"{path}: [display] time must be one of {', '.join(TIME_MODES)}")
    theme = display.get("theme", Config.theme)
    if not isinstance(theme, str):
        raise ConfigError(f"{path}: [display] theme must be a string")
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise ConfigError(f"{path}: [keys] must map binding ids to key strings")
    return Config(
        live_interval=_number(path, poll, "live_interval", Config.live_interval, 1),
        feed_interval=_number(path, poll, "feed_interval", Config.feed_interval, 1),
        theme=theme,
        time_mode=time_mode,
        aliases=_names(path, "aliases", data.get("aliases", {})),
        groups=_names(path, "groups", data.get("groups", {})),
        keys=dict(keys),
    )
