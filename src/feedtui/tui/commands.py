"""Command palette providers: filter by actor or source, mark all read, refresh, theme."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content


class FeedCommands(Provider):
    """The reader's commands, plus one per actor in view and per source."""

    def _commands(self) -> list[tuple[str, object, str]]:
        from .screens.main import MainScreen, _quote

        main = next((s for s in self.app.screen_stack if isinstance(s, MainScreen)), None)
        if main is None:
            return []
        commands: list[tuple[str, object, str]] = [
            ("Mark all visible read", main.action_mark_all_read, "Mark every entry in view read"),
            ("Refresh now", main.action_refresh, "Poll every source now"),
            ("Clear the filter", main.action_clear_filter, "Show every entry"),
            ("Toggle newest / oldest first", main.action_toggle_order, "Change the order"),
            ("Cycle local / UTC / source time", main.action_cycle_time, "Change the time zone"),
        ]
        from .widgets.actors_sidebar import ActorsSidebar

        for name, count in main.query_one(ActorsSidebar).actors:
            commands.append((f"Filter by actor: {name}",
                             partial(main.filter_by, f"actor:{_quote(name)}"),
                             f"{count} {'entry' if count == 1 else 'entries'} in view"))
        for source in main._sources.values():
            commands.append((f"Filter by source: {source.display_name}",
                             partial(main.filter_by, f"source:{_quote(source.display_name)}"),
                             "Show only this source's entries"))
        for theme in sorted(self.app.available_themes):
            commands.append((f"Theme: {theme}", partial(setattr, self.app, "theme", theme),
                             "Switch the colour theme"))
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands()[:5]:
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                # Names hold feed text (actors, sources): highlight as Content, never markup.
                yield Hit(score, _highlight(matcher, name), callback, text=name, help=help_text)


def _highlight(matcher, name: str) -> Content:
    """name with the matched letters underlined. Matcher.highlight parses the candidate
    as markup, which feed text (actor and source names) must never be; help texts are
    likewise fixed strings."""
    content = Content(name)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets:
        content = content.stylize("underline bold", offset, offset + 1)
    return content
