"""The help screen, generated from the bindings in force (after the config's keymap), so it
cannot drift from what the keys do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """Every binding: its keys and what it does."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="close_help")]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 64; max-width: 95%; height: auto; max-height: 90%;
            border: round $accent; background: $surface; padding: 0 1;
        }
    }
    """

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        """rows: (keys, description, binding id)."""
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        parts: list = [("Keys", "bold $text-accent"), "\n"]
        for keys, description, binding_id in self.rows:
            parts.extend([(f"{keys:>16}  ", "bold"), (description, ""),
                          (f"  ({binding_id})" if binding_id else "", "$text-muted"), "\n"])
        parts.extend(["\n", ("Rebind any key in config.toml under [keys] by its id, "
                             "e.g. toggle_read = \"space,x\".", "$text-muted")])
        with VerticalScroll():
            yield Static(Content.assemble(*parts))


def binding_rows(nodes) -> list[tuple[str, str, str]]:
    """(keys, description, id) for the bindings of nodes, merged by action, in order."""
    from textual.binding import BindingsMap

    rows: dict[tuple, list] = {}
    for node in nodes:
        bindings_map: BindingsMap = node._bindings.copy()
        bindings_map.apply_keymap(node.app._keymap)  # show the keys in force, not the defaults
        for key, bindings in bindings_map.key_to_bindings.items():
            for binding in bindings:
                if binding.system or not binding.id:
                    continue  # inherited scrolling keys: ours all carry an id
                name = (id(node), binding.action)
                display = node.app.get_key_display(binding.with_key(key))
                if name in rows:
                    if display not in rows[name][0]:
                        rows[name][0].append(display)
                else:
                    rows[name] = [[display], binding.description or binding.action,
                                  binding.id or ""]
    return [(" ".join(keys), description, binding_id)
            for keys, description, binding_id in rows.values()]
