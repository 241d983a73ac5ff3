"""feedtui: a terminal reader for live news (liveblogs, RSS, Atom, JSON Feed)."""

#: The one place the version is written; pyproject.toml reads it from here. (Asking
#: importlib.metadata at import cost every process 30-80 ms of start-up.)
__version__ = "0.1.0"
