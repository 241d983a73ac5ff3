"""Read a source's bytes: a local path, a file:// URL or an http(s) URL.

A plain fetch with sane timeouts, a redirect limit and a body-size cap, enforced while
streaming. (The polite background poller with conditional GET and backoff builds on this.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from . import __version__
from .sanitize import clean_line

USER_AGENT = f"feedtui/{__version__} (+https://pypi.org/project/feedtui-live/)"
#: Largest body accepted, after decompression.
MAX_BYTES = 16 * 1024 * 1024
#: Whole-fetch deadline in seconds (connect, headers and body together).
DEADLINE = 30.0
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class FetchError(Exception):
    """A source could not be read; str() is one line naming the problem."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """The bytes of a source and what the server said about them."""

    url: str
    data: bytes
    content_type: str = ""
    status: int = 200


def is_url(source: str) -> bool:
    """True for http(s):// and file:// sources, False for plain paths."""
    return urlsplit(source).scheme.lower() in ("http", "https", "file")


def normalize_source(source: str) -> str:
    """A source as stored: URLs unchanged, paths made absolute file:// URLs."""
    if is_url(source):
        return source
    return Path(source).expanduser().resolve().as_uri()


def _read_file(path: Path, source: str) -> Fetched:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise FetchError(f"{source}: file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise FetchError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise FetchError(f"{source}: is a directory, not a file") from None
    except PermissionError:
        raise FetchError(f"{source}: permission denied") from None
    except OSError as exc:
        raise FetchError(f"{source}: cannot read ({clean_line(exc.strerror or exc, 100)})") from None
    return Fetched(url=path.resolve().as_uri(), data=data)


def fetch(source: str, client: httpx.Client | None = None) -> Fetched:
    """The bytes of one source, or FetchError with a one-line reason."""
    parts = urlsplit(source)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return _read_file(Path(unquote(parts.path)), source)
    if scheme not in ("http", "https"):
        if scheme and len(scheme) > 1:
            raise FetchError(f"{source}: unsupported URL scheme {scheme!r} (use http, https or file)")
        return _read_file(Path(source).expanduser(), source)
    own = client is None
    client = client or make_client()
    try:
        return _get(client, source)
    finally:
        if own:
            client.close()


def make_client() -> httpx.Client:
    """An HTTP client with feedtui's User-Agent, timeouts and redirect limit."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, "
                 "application/feed+json, application/json;q=0.9, text/html;q=0.9, */*;q=0.5"},
        timeout=TIMEOUT,
        follow_redirects=True,
        max_redirects=5,
    )


def _get(client: httpx.Client, source: str) -> Fetched:
    started = time.monotonic()
    try:
        with client.stream("GET", source) as response:
            if response.status_code >= 400:
                raise FetchError(f"{source}: HTTP {response.status_code} {clean_line(response.reason_phrase, 60)}".rstrip())
            final = str(response.url)
            if urlsplit(final).scheme not in ("http", "https"):
                raise FetchError(f"{source}: redirected to a non-http URL")
            chunks = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError(f"{source}: body larger than {MAX_BYTES // (1024 * 1024)} MB")
                if time.monotonic() - started > DEADLINE:
                    raise FetchError(f"{source}: took longer than {DEADLINE:.0f} s")
                chunks.append(chunk)
            return Fetched(url=final, data=b"".join(chunks),
                           content_type=response.headers.get("content-type", ""),
                           status=response.status_code)
    except FetchError:
        raise
    except httpx.TooManyRedirects:
        raise FetchError(f"{source}: too many redirects") from None
    except httpx.TimeoutException:
        raise FetchError(f"{source}: timed out") from None
    except httpx.DecodingError:
        raise FetchError(f"{source}: body could not be decompressed") from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"{source}: invalid URL ({clean_line(exc, 100)})") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{source}: {clean_line(type(exc).__name__)}: {clean_line(exc, 160) or 'connection failed'}") from None
