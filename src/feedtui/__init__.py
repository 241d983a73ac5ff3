"""feedtui: a terminal reader for live news (liveblogs, RSS, Atom, JSON Feed)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("feedtui-live")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
