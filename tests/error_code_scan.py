"""Every error code the program can raise, read from the source with ast (nothing is run).

`WizardError("x.y", …)` gives x.y; a code built at run time (f"{AREA}.url", a variable `code`)
is expanded with every string its parts are assigned anywhere in wizard/ (AREA = "ca_enroll",
prefix = "proxy" if … else "tls", https.Caller(area="sap_sign")); subclasses' super().__init__
codes count too. A re-raised `exc.code` adds nothing new.
"""

from __future__ import annotations

import ast
import functools
import itertools
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "wizard"


def _strings(node: ast.AST) -> set[str]:
    """The strings an assigned value can be: a literal, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def _assigned(tree: ast.AST) -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] |= _strings(node.value)
    return names


def _everywhere() -> tuple[dict[str, set[str]], set[str]]:
    """Strings assigned to each plain name, and every `area=` of a call, across wizard/."""
    names: dict[str, set[str]] = defaultdict(set)
    area_nodes: list[ast.expr] = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, values in _assigned(tree).items():
            names[name] |= values
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                area_nodes += [k.value for k in node.keywords if k.arg == "area"]
    areas: set[str] = set()
    for node in area_nodes:  # area="sap_sign", or area=AREA with AREA = "ca_enroll"
        areas |= names.get(node.id, set()) if isinstance(node, ast.Name) else _strings(node)
    return names, areas


def _values(node: ast.AST, names: dict[str, set[str]], areas: set[str]) -> set[str] | None:
    """The strings an expression can be; None when it is a re-raised code (exc.code)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Name):
        return set(names.get(node.id, set()))
    if isinstance(node, ast.Attribute):
        if node.attr == "area":
            return set(areas)
        if node.attr == "code":
            return None
    if isinstance(node, ast.JoinedStr):
        parts: list[set[str]] = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                found = _values(value.value, names, areas)
                parts.append(found or set())
            else:
                parts.append(_values(value, names, areas) or set())
        return {"".join(p) for p in itertools.product(*parts)}
    if isinstance(node, ast.IfExp):
        return (_values(node.body, names, areas) or set()) | (
            _values(node.orelse, names, areas) or set()
        )
    raise AssertionError(f"an error code the scan cannot read: {ast.unparse(node)}")


@functools.cache
def raised_codes() -> dict[str, list[str]]:
    """code → where it is raised (file:line)."""
    everywhere, areas = _everywhere()
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        local = _assigned(tree)  # a name assigned in the module itself means that assignment
        names = {**everywhere, **{k: v for k, v in local.items() if v}}
        error_classes = {
            c.name
            for c in ast.walk(tree)
            if isinstance(c, ast.ClassDef)
            and any(getattr(b, "id", getattr(b, "attr", "")) == "WizardError" for b in c.bases)
        }
        for cls in (c for c in ast.walk(tree) if isinstance(c, ast.ClassDef)):
            for node in ast.walk(cls):
                is_super = (
                    cls.name in error_classes
                    and isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "__init__"
                )
                if is_super and node.args:
                    _add(found, node.args[0], names, areas, path, node.lineno)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "WizardError":
                _add(found, node.args[0], names, areas, path, node.lineno)
    return dict(found)


def _add(found, node, names, areas, path: Path, line: int) -> None:
    where = f"{path.relative_to(PACKAGE.parent)}:{line}"
    values = _values(node, names, areas)
    for code in values or ():
        found[code].append(where)
