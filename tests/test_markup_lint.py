"""A lint over src/feedtui: no widget, notification, palette hit or rich console receives a
markup string built from data.

Textual's Static, Label, Button, OptionList options, `notify()` and command palette hits
parse a plain `str` as markup, and rich's `Console.print` does too: feed text in one of them
turns `[@click=app.quit]` into a live action and `[/]` into a crash (STYLE.md "Untrusted
text"). Data goes in as `Content(...)`, `Text(...)`, `Content.assemble(...)`/`styled(...)`
or a Table of those; a string literal (the app's own markup) is fine; `notify()` takes
anything only with `markup=False`. `Text.from_ansi` (which interprets escape sequences) is
never used.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "feedtui"

#: Callables whose result is safe to hand to a markup-parsing sink.
SAFE_CALLS = {"Content", "Text", "Table", "assemble", "styled", "Strip", "Segment", "Panel"}
#: Return annotations that make a module's own function a safe source.
SAFE_TYPES = {"Content", "Text", "Table"}
#: sink name -> index of the markup argument (and its keyword names).
WIDGET_SINKS = {"Static": (0, ("content", "renderable")), "Label": (0, ("content", "renderable")),
                "Button": (0, ("label",)), "Option": (0, ("prompt",)),
                "DiscoveryHit": (0, ("display",)), "Hit": (1, ("match_display",)),
                "Checkbox": (0, ("label",)), "RadioButton": (0, ("label",))}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _receiver(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        value = func.value
        if isinstance(value, ast.Call):
            return _name(value.func)
        return ast.unparse(value)
    return ""


class _Scope:
    """A function (or module) body: local assignments and annotated parameters."""

    def __init__(self, node: ast.AST, module_functions: dict[str, ast.AST]) -> None:
        self.assigned: dict[str, list[ast.expr]] = {}
        self.annotated: dict[str, str] = {}
        self.functions = module_functions
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for arg in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
                if arg.annotation is not None:
                    self.annotated[arg.arg] = ast.unparse(arg.annotation)
        for child in ast.walk(node):
            if isinstance(child, ast.Assign):
                for target in child.targets:
                    if isinstance(target, ast.Name):
                        self.assigned.setdefault(target.id, []).append(child.value)
            elif isinstance(child, ast.AnnAssign) and isinstance(child.target, ast.Name):
                if child.value is not None:
                    self.assigned.setdefault(child.target.id, []).append(child.value)
                self.annotated[child.target.id] = ast.unparse(child.annotation)

    def safe(self, node: ast.expr, depth: int = 0) -> bool:
        """Whether node is a literal string or an object that is never parsed as markup."""
        if depth > 8:
            return False
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str) or node.value is None
        if isinstance(node, ast.IfExp):
            return self.safe(node.body, depth + 1) and self.safe(node.orelse, depth + 1)
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name == "from_markup":
                return bool(node.args) and isinstance(node.args[0], ast.Constant)
            if name in ("truncate", "stylize", "append", "copy") and isinstance(node.func, ast.Attribute):
                return self.safe(node.func.value, depth + 1)
            if name in SAFE_CALLS:
                return True
            function = self.functions.get(name)
            if function is not None and function.returns is not None:
                return ast.unparse(function.returns).split("|")[0].strip() in SAFE_TYPES
            return False
        if isinstance(node, ast.Name):
            if node.id in self.annotated:
                return self.annotated[node.id].split("|")[0].strip() in SAFE_TYPES
            values = self.assigned.get(node.id)
            return bool(values) and all(self.safe(v, depth + 1) for v in values)
        return False  # f-strings, concatenation, attributes, subscripts, str(...)


def lint_source(text: str, path: str = "<src>") -> list[str]:
    """Every markup sink in text that receives something other than a literal or a
    markup-free object, as "path:line: what"."""
    tree = ast.parse(text)
    functions = {n.name: n for n in ast.walk(tree)
                 if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    problems: list[str] = []
    tui = "/tui/" in path.replace("\\", "/") or path == "<src>"

    def visit(scope_node: ast.AST) -> None:
        scope = _Scope(scope_node, functions)
        for node in ast.walk(scope_node):
            if node is not scope_node and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue  # checked in its own scope
            if isinstance(node, ast.Call):
                check(node, scope)

    def argument(call: ast.Call, index: int, names: tuple[str, ...]) -> ast.expr | None:
        if len(call.args) > index and not isinstance(call.args[index], ast.Starred):
            return call.args[index]
        for keyword in call.keywords:
            if keyword.arg in names:
                return keyword.value
        return None

    def report(call: ast.Call, what: str) -> None:
        problems.append(f"{path}:{call.lineno}: {what}: {ast.unparse(call)[:120]}")

    def check(call: ast.Call, scope: _Scope) -> None:
        name = _name(call.func)
        keywords = {k.arg: k.value for k in call.keywords if k.arg}
        markup = keywords.get("markup")
        if markup is not None and not (isinstance(markup, ast.Constant) and markup.value is False):
            if name != "notify" or not isinstance(call.args[0] if call.args else None, ast.Constant):
                report(call, "markup= must be False")
        if name == "from_ansi":
            report(call, "from_ansi interprets escape sequences")
        elif name == "notify":
            message = argument(call, 0, ("message",))
            title = keywords.get("title")
            literal = isinstance(message, ast.Constant) and (
                title is None or isinstance(title, ast.Constant))
            off = isinstance(markup, ast.Constant) and markup.value is False
            if not literal and not off:
                report(call, "notify() with data needs markup=False")
        elif name == "from_markup":
            if not call.args or not isinstance(call.args[0], ast.Constant):
                report(call, "from_markup() of a non-literal (use $variables)")
        elif name in WIDGET_SINKS:
            index, names = WIDGET_SINKS[name]
            value = argument(call, index, names)
            if value is not None and not scope.safe(value):
                report(call, f"{name}() receives a markup string built from data")
        elif name == "update" and tui and call.args:  # Static.update (dicts live elsewhere)
            if not scope.safe(call.args[0]):
                report(call, "update() receives a markup string built from data")
        elif name in ("print", "log") and isinstance(call.func, ast.Attribute):
            receiver = _receiver(call.func)
            if "console" in receiver.lower():
                for value in call.args:
                    if not scope.safe(value):
                        report(call, "Console.print() of a str (parsed as markup)")

    visit(tree)
    for function in functions.values():
        visit(function)
    return sorted(set(problems))


def test_no_sink_in_src_receives_markup_built_from_data():
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 20
    problems = [p for f in files for p in lint_source(f.read_text(encoding="utf-8"), str(f))]
    assert problems == []


BAD = {
    "notify f-string": 'def f(self, e):\n    self.notify(f"failed: {e}")\n',
    "notify variable": "def f(self, e):\n    self.app.notify(str(e), severity='error')\n",
    "notify data title": 'def f(self, s):\n    self.notify("x", title=s.name)\n',
    "notify markup true": "def f(self, e):\n    self.notify(e, markup=True)\n",
    "Static variable": "def f(entry):\n    return Static(entry.title)\n",
    "Label concat": "def f(name):\n    return Label('by ' + name)\n",
    "Option f-string": 'def f(name):\n    return Option(f"{name}")\n',
    "update f-string": 'def f(self, t):\n    self.query_one(Static).update(f"[b]{t}[/b]")\n',
    "update variable": "def f(self, t: str):\n    w.update(t)\n",
    "from_markup f-string": 'def f(t):\n    return Content.from_markup(f"[b]{t}")\n',
    "Text.from_markup var": "def f(t):\n    return Text.from_markup(t)\n",
    "from_ansi": "def f(t):\n    return Text.from_ansi(t)\n",
    "console.print str": "def f(console, line):\n    console.print(line)\n",
    "console.print f-string": 'def f(entry):\n    Console().print(f"{entry.title}")\n',
    "Hit str display": "def f(m, name, cb):\n    yield Hit(1, m.highlight(name), cb)\n",
    "DiscoveryHit str": "def f(name, cb):\n    yield DiscoveryHit(name, cb)\n",
    "Static markup kw": "def f(t):\n    return Static(Content(t), markup=True)\n",
}

GOOD = {
    "literals": 'def f(self):\n    self.notify("Refreshing…")\n    yield Static("[b]feedtui[/b]")\n',
    "notify markup off": 'def f(self, e):\n    self.notify(f"failed: {e}", title=e.name, markup=False)\n',
    "Content of data": "def f(entry):\n    return Static(Content(entry.title))\n",
    "assembled": ("def f(self, name):\n    parts = [(name, 'bold')]\n"
                  "    self.update(Content.assemble(*parts))\n"),
    "assigned Content": ("def f(options, name):\n    prompt = Content.assemble((name, 'bold'))\n"
                         "    options.add_option(Option(prompt))\n"),
    "template": 'def f(t):\n    return Content.from_markup("[b]$t[/b]", t=t)\n',
    "Text for console": ("def f(console, title):\n    heading = Text(title, style='bold')\n"
                         "    console.print(heading)\n    console.print()\n"),
    "own function returning Content": ("def label(x) -> Content:\n    return Content(x)\n"
                                       "def f(x):\n    return Static(label(x))\n"),
    "dict update": "def f(d, e):\n    d.update(e.fields)\n",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_the_lint_catches(name):
    assert lint_source(BAD[name]), name


@pytest.mark.parametrize("name", sorted(GOOD))
def test_the_lint_allows(name):
    source = GOOD[name]
    path = "src/feedtui/tui/x.py" if name != "dict update" else "src/feedtui/store.py"
    assert lint_source(source, path) == [], name
