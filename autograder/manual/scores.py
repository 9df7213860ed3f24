"""The scores file TAs fill in, and reading it back strictly.

``scores.csv``: a header ``submission, [pseudonym,] q12, q12_comment, q14, ...``, a
``(maximum)`` row with each question's points from the master (for reference), then a
row per submission. An empty score is *pending* (not graded yet), never 0. Reading
checks every row and reports every problem, one line each; nothing is merged until
the file is clean.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GraderError
from ..grade.outputs import write_atomically
from ..grade.results import ManualMark
from .questions import ManualAssignment

SUBMISSION, PSEUDONYM, MAXIMUM = "submission", "pseudonym", "(maximum)"
COMMENT = "_comment"
KEY_FILE = ".pseudonym-key"


@dataclass(frozen=True)
class ManualScores:
    manual: ManualAssignment
    grades: dict[str, dict[str, ManualMark]] = field(default_factory=dict)
    """submission -> question -> mark, for the submissions the file lists."""

    def marks(self, submission: str) -> list[ManualMark]:
        """Every manual question's mark for ``submission``, in order: pending where the file says nothing."""
        known = self.grades.get(submission, {})
        return [known.get(q.name, ManualMark(q.name, q.points, None)) for q in self.manual.questions]

    def total(self, submission: str) -> float | None:
        """The manual points, or None while any question is pending."""
        scores = [mark.score for mark in self.marks(submission)]
        return None if any(score is None for score in scores) else sum(s for s in scores if s is not None)

    def pending(self, submission: str) -> list[str]:
        return [mark.question for mark in self.marks(submission) if mark.score is None]


def header(manual: ManualAssignment, anonymous: bool) -> list[str]:
    columns = [SUBMISSION] + ([PSEUDONYM] if anonymous else [])
    for question in manual.questions:
        columns += [question.name, question.name + COMMENT]
    return columns


def write_template(path: Path, manual: ManualAssignment, rows: list[tuple[str, str]], anonymous: bool) -> int:
    """Write the scores file for ``rows`` (submission, pseudonym), keeping what TAs already filled in.

    An existing file is carried over whole or not touched: a filled cell that would not
    survive (a column the new file has no place for, a row listed twice) stops with an
    error. The previous file is kept as ``scores.csv.previous``. Returns how many filled
    cells were kept.
    """
    columns = header(manual, anonymous)
    existing = _existing_cells(path, columns)
    kept = 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    maximum = {q.name: f"{q.points:g}" for q in manual.questions}
    writer.writerow([MAXIMUM] + ([""] if anonymous else []) + [value for q in manual.questions for value in (maximum[q.name], "")])
    listed = {name for name, _ in rows}
    extra = [(name, cells.get(PSEUDONYM, "")) for name, cells in existing.items() if name not in listed and name != MAXIMUM]
    for name, pseudonym in rows + extra:
        old = existing.get(name, {})
        line = [name] + ([pseudonym] if anonymous else [])
        for column in columns[len(line):]:
            value = old.get(column, "")
            kept += bool(value.strip())
            line.append(value)
        writer.writerow(line)
    if path.is_file():
        shutil.copy2(path, path.with_name(path.name + ".previous"))
    write_atomically(path, buffer.getvalue())
    return kept


def _existing_cells(path: Path, columns: list[str]) -> dict[str, dict[str, str]]:
    """The filled-in cells of an existing scores file, by submission; refuses what could not be carried over."""
    if not path.is_file():
        return {}
    keep_or_move = "move it away to start a new one"
    try:
        old_columns, rows = _table(path, path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise GraderError(f"{path}: cannot read the existing scores file ({exc}); {keep_or_move}") from None
    except GraderError as exc:
        raise GraderError(f"{exc} ({keep_or_move})") from None
    found: dict[str, dict[str, str]] = {}
    for number, cells in rows:
        if isinstance(cells, str):
            raise GraderError(f"{path}: line {number}: {cells}; fix it or {keep_or_move}")
        name = cells[SUBMISSION]
        if name == MAXIMUM:  # written afresh from the master
            continue
        lost = [c for c in old_columns if cells.get(c) and c not in columns and c != PSEUDONYM]
        if lost:
            raise GraderError(f"{path}: line {number}: column {lost[0]!r} has no place in the new scores file "
                              f"({', '.join(columns)}); fix it or {keep_or_move}")
        if name in found:
            raise GraderError(f"{path}: line {number}: {name!r} is listed twice; fix it or {keep_or_move}")
        if name:
            found[name] = cells
    return found


def read_scores(path: Path, manual: ManualAssignment, submissions: set[str] | None = None) -> ManualScores:
    """The grades in ``path``, checked against the master's questions and the known ``submissions``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise GraderError(f"{path}: no such scores file (write one with `grader manual`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GraderError(f"{path}: cannot read the scores file ({exc})") from None
    columns, rows = _table(path, text)
    problems = _header_problems(columns, manual)
    if problems:
        raise _refused(path, problems)
    points = {q.name: q.points for q in manual.questions}
    grades: dict[str, dict[str, ManualMark]] = {}
    first_line: dict[str, int] = {}
    for number, cells in rows:
        if isinstance(cells, str):
            problems.append(f"line {number}: {cells}")
            continue
        name = cells[SUBMISSION]
        if name == MAXIMUM:
            problems += [f"line {number}: the maximum of {q} is {points[q]:g} in the master, not {cells[q]!r} "
                         "(the row is for reference: change points in the master)"
                         for q in points if cells[q] and _number(cells[q]) != points[q]]
            continue
        if not name:
            problems.append(f"line {number}: no submission name")
            continue
        if submissions is not None and name not in submissions:
            problems.append(f"line {number}: unknown submission {name!r} (not among the graded results)")
            continue
        if name in first_line:
            problems.append(f"line {number}: {name!r} appears again (first on line {first_line[name]})")
            continue
        first_line[name] = number
        grades[name] = {}
        for question, maximum in points.items():
            raw = cells[question]
            score = _number(raw) if raw else None
            if raw and score is None:
                problems.append(f"line {number} ({name}): {question} = {raw!r} is not a number")
            elif score is not None and score < 0:
                problems.append(f"line {number} ({name}): {question} = {raw} is negative")
            elif score is not None and score > maximum + 1e-9:
                problems.append(f"line {number} ({name}): {question} = {raw} is above its maximum {maximum:g}")
            else:
                grades[name][question] = ManualMark(question, maximum, score, cells.get(question + COMMENT, ""))
    if problems:
        raise _refused(path, problems)
    return ManualScores(manual, grades)


def _table(path: Path, text: str) -> tuple[list[str], list[tuple[int, dict[str, str] | str]]]:
    """The header, and each non-empty row as {column: stripped cell} (or why it cannot be one), with its line number."""
    try:
        raw = list(csv.reader(io.StringIO(text), strict=True))  # strict: an unmatched quote is an error, not one huge cell
    except csv.Error as exc:
        raise GraderError(f"{path}: not a readable CSV file ({exc}; a quote in a comment must be doubled)") from None
    if not raw or SUBMISSION not in [c.strip() for c in raw[0]]:
        raise GraderError(f"{path}: the first row must be the header, with a '{SUBMISSION}' column")
    columns = [c.strip() for c in raw[0]]
    while columns and not columns[-1]:  # spreadsheets add empty trailing columns
        columns.pop()
    rows: list[tuple[int, dict[str, str] | str]] = []
    for number, row in enumerate(raw[1:], start=2):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        while len(cells) > len(columns) and not cells[-1]:
            cells.pop()
        if len(cells) > len(columns):
            rows.append((number, f"{len(cells)} cells for {len(columns)} columns (a comma in a comment needs quotes)"))
            continue
        rows.append((number, dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=True))))
    return columns, rows


def _header_problems(columns: list[str], manual: ManualAssignment) -> list[str]:
    names = [q.name for q in manual.questions]
    known = {SUBMISSION, PSEUDONYM, *names, *(n + COMMENT for n in names)}
    problems = [f"header: column {c!r} is not a manual question of {manual.assignment.id} ({', '.join(names)})"
                for c in columns if c not in known]
    problems += [f"header: no column {n!r} (keep it, with empty cells until it is graded)" for n in names if n not in columns]
    problems += [f"header: column {c!r} appears twice" for c in sorted(set(columns)) if columns.count(c) > 1]
    return problems


def _refused(path: Path, problems: list[str]) -> GraderError:
    listed = "\n".join(f"  {p}" for p in problems)
    return GraderError(f"{path}: {len(problems)} problem{'s' if len(problems) > 1 else ''}, nothing merged:\n{listed}")


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _number(text: str) -> float | None:
    """A plain decimal number (``2``, ``1.5``, ``.5``); not ``1_0``, ``inf``, ``nan`` or ``2,5``."""
    return float(text) if _NUMBER.fullmatch(text) else None


def pseudonyms(names: list[str], workspace: Path) -> dict[str, str]:
    """A stable pseudonym per name: keyed by a secret kept in the workspace, so the same name gets the same one."""
    key_path = workspace / KEY_FILE
    if not key_path.is_file():
        workspace.mkdir(parents=True, exist_ok=True)
        write_atomically(key_path, secrets.token_hex(32) + "\n")
        key_path.chmod(0o600)
    key = key_path.read_text(encoding="utf-8").strip().encode()
    chosen: dict[str, str] = {}
    for length in range(8, 65, 4):
        chosen = {name: "student-" + hmac.new(key, name.encode(), hashlib.sha256).hexdigest()[:length] for name in names}
        if len(set(chosen.values())) == len(names):
            break
    return chosen
