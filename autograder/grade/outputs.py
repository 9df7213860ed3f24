"""The files ``grader grade`` writes: per-submission results and feedback, and the gradebook.

``results/<name>.json`` holds everything (instructors only). ``feedback/<name>.md`` is
what a student may see: scores, public test output, and for hidden tests only how
many passed and their points. ``grades.csv`` is rebuilt from the results. Every file
is written atomically (temporary file, then rename), so a killed grader leaves
either the old file or the new one, never half of one.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from .results import STUDENT_VISIBLE_PROBLEMS, ManualMark, SubmissionResult
from .scoring import natural_key
from .submissions import file_stem

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes it private; give it the usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def result_path(output_dir: Path, file_stem: str) -> Path:
    return output_dir / "results" / f"{file_stem}.json"


def load_result(path: Path) -> SubmissionResult | None:
    """A previous result, or None if missing or unreadable (it will be regraded)."""
    try:
        return SubmissionResult.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def feedback_path(output_dir: Path, submission: str) -> Path:
    """``feedback/<name>.md``, for a submission's name or its file stem (the same once made safe)."""
    return output_dir / "feedback" / f"{file_stem(submission)}.md"


def write_submission_files(output_dir: Path, stem: str, result: SubmissionResult) -> None:
    write_atomically(result_path(output_dir, stem), result.to_json())
    write_atomically(feedback_path(output_dir, stem), feedback_markdown(result))


def grades_csv(results: list[SubmissionResult], questions: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "status", "score", "max_score", *questions])
    for result in sorted(results, key=lambda r: natural_key(r.submission)):
        by_name = {q.name: q.score for q in result.questions}
        if result.status == "failed":  # no grade, not a zero
            writer.writerow([result.submission, result.status, "", _number(result.max_score)] + [""] * len(questions))
            continue
        writer.writerow(
            [result.submission, result.status, _number(result.score), _number(result.max_score)]
            + [_number(by_name.get(q, 0.0)) for q in questions]
        )
    return buffer.getvalue()


def feedback_markdown(result: SubmissionResult, manual: list[ManualMark] | None = None) -> str:
    """The student's feedback; ``manual``: the TAs' marks for the questions graded by hand, merged into the score."""
    lines = [f"# Feedback: {result.submission}", ""]
    if result.status == "error":
        lines += [f"**This submission could not be graded:** {result.error}", "",
                  _score_line(result, manual or []).replace("**", "") if manual else f"Score: 0 / {_number(result.max_score)}", ""]
        return "\n".join(lines + _manual_section(manual or []))
    if result.status == "failed":
        lines += ["**Not graded yet:** the grader failed on this submission (not because of your notebook); "
                  "course staff will grade it again.", ""]
        return "\n".join(lines)
    lines += [_score_line(result, manual or []), ""]
    if result.timed_out:
        lines += ["Your notebook ran past the time limit; questions not tested by then score 0.", ""]
    for problem in result.problems:
        if problem.kind in STUDENT_VISIBLE_PROBLEMS:
            lines.append(f"- {problem.message}")
    if any(problem.kind == "tampering" for problem in result.problems):
        # Fixed words only: the details came from the kernel, possibly after hidden tests reached it.
        lines.append("- tampering: code in this notebook interfered with the tests or with how their results reach "
                     "the grader; the tests affected score 0, and course staff can see the details")
    for error in result.cell_errors:
        lines.append(f"- cell {error.cell} raised `{error.ename}`: {error.evalue}")
    if lines[-1] != "":
        lines.append("")
    lines += ["| question | score |", "|---|---|"]
    lines += [f"| {q.name} | {_number(q.score)} / {_number(q.max_score)} |" for q in result.questions]
    lines.append("")
    for question in result.questions:
        lines += [f"## {question.name}: {_number(question.score)} / {_number(question.max_score)}", ""]
        public = [c for c in question.cases if not c.hidden]
        hidden = [c for c in question.cases if c.hidden]
        for case in public:
            mark = "passed" if case.passed else "failed"
            lines.append(f"- public test {case.name}: {mark} ({_number(case.score)} / {_number(case.max_score)})")
            if not case.passed and case.output:
                lines += ["", "```", case.output.rstrip(), "```", ""]
        if hidden:
            passed = sum(c.passed for c in hidden)
            points = sum(c.score for c in hidden)
            possible = sum(c.max_score for c in hidden)
            lines.append(f"- hidden tests: {passed} of {len(hidden)} passed ({_number(points)} / {_number(possible)} points)")
        lines.append("")
    return "\n".join(lines + _manual_section(manual or []))


def _manual_section(manual: list[ManualMark]) -> list[str]:
    if not manual:
        return []
    lines = ["## Graded by hand", ""]
    for by_hand in manual:
        marked = "pending (not graded yet)" if by_hand.score is None else f"{_number(by_hand.score)} / {_number(by_hand.max_score)}"
        lines.append(f"- {by_hand.question}: {marked}" + (f". {by_hand.comment}" if by_hand.comment else ""))
    return [*lines, ""]


def _score_line(result: SubmissionResult, manual: list[ManualMark]) -> str:
    autograded = f"{_number(result.score)} / {_number(result.max_score)}"
    if not manual:
        return f"**Score: {autograded}**"
    by_hand = sum(m.max_score for m in manual)
    pending = [m.question for m in manual if m.score is None]
    if pending:
        return f"**Autograded score: {autograded}.** Graded by hand ({_number(by_hand)} points): {', '.join(pending)} pending."
    marked = sum(m.score for m in manual if m.score is not None)
    return (f"**Score: {_number(result.score + marked)} / {_number(result.max_score + by_hand)}** "
            f"(autograded {autograded}, graded by hand {_number(marked)} / {_number(by_hand)})")


def _number(value: float) -> str:
    return f"{value:g}" if value == value else "nan"


def gradebook_table(results: list[SubmissionResult], questions: list[str], max_score: float) -> str:
    """The gradebook as a fixed-width table for a terminal."""
    width = max([len("submission"), *(len(r.submission) for r in results)]) + 2
    cells = lambda values: " ".join(f"{v:>5}" for v in values)  # noqa: E731
    lines = [f"{'submission':<{width}}{'status':<8}{'score':>10}  {cells(questions)}"]
    for result in sorted(results, key=lambda r: natural_key(r.submission)):
        by_name = {q.name: q.score for q in result.questions}
        if result.status == "failed":
            lines.append(f"{result.submission:<{width}}{result.status:<8}{'-':>10}  {cells('-' for _ in questions)}")
            continue
        score = f"{_number(result.score)} / {_number(max_score)}"
        lines.append(f"{result.submission:<{width}}{result.status:<8}{score:>10}  {cells(_number(by_name.get(q, 0)) for q in questions)}")
    return "\n".join(lines)
