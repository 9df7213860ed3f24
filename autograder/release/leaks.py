"""The leak guard: no hidden test and no solution line may reach the student release.

A hidden test case leaks when its code appears in a released file, whole or by any
distinctive line (30+ characters, not also a line of a public test). A solution line
leaks when a distinctive line (16+ characters) that otter strips from the master, and
that appears nowhere else in it, shows up in a released file (a support file that
imports the reference implementation, say). Released files are
compared after normalisation: doctest prompts removed, whitespace collapsed, Python
lines rewritten as ``ast.unparse`` writes them, notebooks read as the strings they hold
and test files as the code of their cases.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from otter.assign.solutions import replace_solutions

from ..notebooks import cell_source, first_line
from ..testfiles import TestFileSpec, read_test_file

HIDDEN_LINE_MIN = 30
SOLUTION_LINE_MIN = 16
_PROMPT = re.compile(r"^(>>>|\.\.\.)( |$)")
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_MARKER = re.compile(r"#\s*(BEGIN|END)\s+(SOLUTION|PROMPT)|#\s*SOLUTION\s*$")


@dataclass(frozen=True)
class Leak:
    path: Path
    what: str
    """``hidden test q3 (case 2)`` or ``solution of q5``."""
    line: str

    def describe(self, shown_path: str) -> str:
        return f"{self.what} appears in {shown_path}: {self.line[:80]!r}"


@cache
def normalize_line(line: str) -> str:
    """One line in a canonical form: no doctest prompt, and as ``ast.unparse`` writes it
    when it is a Python statement (otter rewrites test code that way)."""
    text = " ".join(_PROMPT.sub("", line.strip()).split())
    try:
        return ast.unparse(ast.parse(text)) or text  # a comment unparses to ""
    except (SyntaxError, ValueError, RecursionError):
        return text


def normalized_lines(text: str) -> list[str]:
    return [line for line in (normalize_line(raw) for raw in text.splitlines()) if line]


def find_hidden_test_leaks(tests: list[TestFileSpec], roots: list[Path], also_public: Sequence[TestFileSpec] = ()) -> list[Leak]:
    """Hidden cases of ``tests`` found in files under ``roots``.

    A line that is also a line of a public case (of ``tests``, or of ``also_public``:
    the other assignments' released tests) is common test code, not a secret.
    """
    public = {line for spec in [*tests, *also_public] for case in spec.public_cases for line in normalized_lines(case.code)}
    files = _released_texts(roots, inline_code=True)
    leaks = []
    for spec in tests:
        for case in spec.hidden_cases:
            lines = normalized_lines(case.code)
            block = "\n".join(lines) if not all(line in public for line in lines) else ""
            distinctive = [line for line in lines if len(line) >= HIDDEN_LINE_MIN and line not in public]
            for path, (text, line_set) in files.items():
                hit = block if block and block in text else next((line for line in distinctive if line in line_set), None)
                if hit:
                    leaks.append(Leak(path, f"hidden test {spec.question} (case {case.index + 1})", hit))
    return leaks


def find_solution_leaks(master, roots: list[Path]) -> list[Leak]:
    solution, kept = _solution_and_kept_lines(master)
    secret = {line: q for line, q in solution.items() if len(line) >= SOLUTION_LINE_MIN and line not in kept}
    return [
        Leak(path, f"solution of {question}", line)
        for path, (_, line_set) in _released_texts(roots).items()
        for line, question in secret.items()
        if line in line_set
    ]


def _solution_and_kept_lines(master) -> tuple[dict[str, str], set[str]]:
    """Lines otter strips from the master (with their question), and lines it keeps."""
    solution: dict[str, str] = {}
    kept: set[str] = set()
    question, in_solution_block = "the master", False
    for cell in master.cells:
        head = first_line(cell).upper()
        if cell.cell_type == "raw":
            if head.startswith("# BEGIN QUESTION"):
                match = re.search(r"^name:\s*(\S+)", cell_source(cell), re.MULTILINE)
                question = match.group(1) if match else question
            in_solution_block = head.startswith("# BEGIN SOLUTION") or (in_solution_block and not head.startswith("# END SOLUTION"))
            continue
        lines = cell_source(cell).split("\n")
        if cell.cell_type == "markdown":
            for line in normalized_lines(cell_source(cell)):
                if in_solution_block:
                    solution.setdefault(line, question)
                else:
                    kept.add(line)
            continue
        stripped = Counter(replace_solutions(lines, "python"))
        for line in lines:
            if stripped[line] > 0:
                stripped[line] -= 1
                kept.add(normalize_line(line))
            elif not _MARKER.fullmatch(line.strip()):
                cleaned = normalize_line(re.sub(r"#\s*SOLUTION\s*$", "", line))
                if cleaned:
                    solution.setdefault(cleaned, question)
    return solution, kept


def _released_texts(roots: list[Path], inline_code: bool = False) -> dict[Path, tuple[str, set[str]]]:
    """Each file's normalised lines; with ``inline_code``, also the code quoted in Markdown
    (`...`): a hint quoting a hidden test leaks it, while a prompt may well show the
    line the student is asked to write."""
    texts = {}
    for root in roots:
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in paths:
            text = _readable_text(path)
            spans = [normalize_line(span) for span in _INLINE_CODE.findall(text)] if inline_code else []
            lines = normalized_lines(text) + [span for span in spans if span]
            texts[path] = ("\n".join(lines), set(lines))
    return texts


def _readable_text(path: Path) -> str:
    raw = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        try:
            return "\n".join(_strings(json.loads(raw)))
        except (json.JSONDecodeError, RecursionError):
            return raw
    if path.suffix == ".py" and "OK_FORMAT" in raw:
        try:
            return raw + "\n" + "\n".join(case.code for case in read_test_file(path).cases)
        except Exception:  # not a parseable test file: the raw text is still scanned
            return raw
    return raw


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return ["".join(value)]
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []
