"""The core is pure: no clocks, randomness, threads, I/O or floats (an AST scan of src/bayledger/core).

A forbidden import is allowed only on a line carrying a ``# core-ok`` comment (a real comment token, not
text inside a string); float literals and ``float(...)`` calls are never allowed. The core also imports
nothing from the drivers and edges (DESIGN.md §3).
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

import bayledger.core

CORE = Path(bayledger.core.__file__).parent

FORBIDDEN_MODULES = frozenset(
    {
        "os",
        "sys",
        "time",
        "datetime",
        "random",
        "secrets",
        "threading",
        "asyncio",
        "socket",
        "subprocess",
        "uuid",
        "sqlite3",
        "pathlib",
        "io",
    }
)
FORBIDDEN_PACKAGES = tuple(
    f"bayledger.{name}"
    for name in ("node", "store", "api", "cli", "sdk", "explorer", "relayer", "offchain", "keys", "keyring")
)
OK_MARK = "core-ok"


def _ok_lines(source: str) -> set[int]:
    """Line numbers that carry a ``# core-ok`` comment token."""
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and OK_MARK in token.string:
            lines.add(token.start[0])
    return lines


def _is_forbidden(module: str) -> bool:
    if module.split(".")[0] in FORBIDDEN_MODULES:
        return True
    return any(module == p or module.startswith(p + ".") for p in FORBIDDEN_PACKAGES)


def scan_source(source: str, filename: str = "<source>") -> list[str]:
    """Every purity violation in ``source`` as ``file:line: reason``."""
    tree = ast.parse(source, filename)
    ok_lines = _ok_lines(source)
    problems: list[str] = []

    def marked(node: ast.AST) -> bool:
        end = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
        return any(line in ok_lines for line in range(node.lineno, end + 1))  # type: ignore[attr-defined]

    def report(node: ast.AST, reason: str) -> None:
        problems.append(f"{filename}:{node.lineno}: {reason}")  # type: ignore[attr-defined]

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_forbidden(alias.name) and not marked(node):
                    report(node, f"imports {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and _is_forbidden(node.module) and not marked(node):
                report(node, f"imports from {node.module}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, float | complex):
            report(node, f"float literal {node.value!r}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if isinstance(func, ast.Name) and name == "float":
                report(node, "calls float()")
            elif name in ("import_module", "__import__") and node.args:
                target = node.args[0]
                if (
                    isinstance(target, ast.Constant)
                    and isinstance(target.value, str)
                    and _is_forbidden(target.value)
                    and not marked(node)
                ):
                    report(node, f"imports {target.value} dynamically")
    return problems


def core_files() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_the_scan_covers_the_whole_core() -> None:
    names = {str(p.relative_to(CORE)) for p in core_files()}
    assert {"state_transition.py", "sm2.py", "encoding.py", "modules/anchor/handlers.py"} <= names
    assert len(names) >= 30


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(CORE)))
def test_core_file_is_pure(path: Path) -> None:
    assert scan_source(path.read_text(encoding="utf-8"), str(path.relative_to(CORE))) == []


# --- the scanner itself can fail -------------------------------------------------------------------------

OFFENDING = {
    "import os": "imports os",
    "import os.path as p": "imports os.path",
    "from time import monotonic": "imports from time",
    "from datetime import datetime": "imports from datetime",
    "import random, json": "imports random",
    "import secrets": "imports secrets",
    "from threading import Lock": "imports from threading",
    "import sqlite3": "imports sqlite3",
    "from pathlib import Path": "imports from pathlib",
    "import io": "imports io",
    "import uuid": "imports uuid",
    "from bayledger.node.service import NodeService": "imports from bayledger.node.service",
    "import bayledger.sdk.builders": "imports bayledger.sdk.builders",
    "rate = 0.5": "float literal 0.5",
    "big = 1e6": "float literal 1000000.0",
    "z = 2j": "float literal 2j",
    "x = float(text)": "calls float()",
    "import importlib\nm = importlib.import_module('socket')": "imports socket dynamically",
    "m = __import__('subprocess')": "imports subprocess dynamically",
    "s = '# core-ok'; import asyncio": "imports asyncio",  # the mark inside a string does not count
    "x = 1.0  # core-ok": "float literal 1.0",  # the mark exempts imports only
}


@pytest.mark.parametrize("source", sorted(OFFENDING))
def test_scanner_flags_offending_source(source: str) -> None:
    problems = scan_source(source)
    assert len(problems) == 1
    assert problems[0].endswith(OFFENDING[source])


CLEAN = [
    "import os  # core-ok: reason",
    "from os import (  # core-ok\n    path,\n)",
    "import hashlib\nimport msgspec\nfrom bayledger.core import smt",
    "from . import sibling",
    "def f(x):\n    return isinstance(x, float)",
    "amount = 10 // 3\nratio = '0.5'",
    "import importlib\nm = importlib.import_module('_hashlib')",
    "from bayledger.core.store import DictState",
    "import bayledger.keysmith",
]


@pytest.mark.parametrize("source", CLEAN)
def test_scanner_accepts_clean_source(source: str) -> None:
    assert scan_source(source) == []
