"""The Textual reader app. Nothing outside this package imports Textual."""

from .app import FeedApp

__all__ = ["FeedApp"]
