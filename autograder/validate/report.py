"""How ``grader validate`` shows its verdicts: a table per assignment, then what failed."""

from __future__ import annotations

import json

from .validator import AssignmentReport

_HEADER = ("question", "points", "solution", "stubs", "mutants caught", "equivalents kept", "cheats caught", "stable", "tests s",
           "hidden decided outside")


def report_text(report: AssignmentReport) -> str:
    rows = [_HEADER]
    for q in report.questions:
        mutants = f"{q.mutants_caught}/{q.mutants}" + (f" ({q.mutants_hidden_only} hidden only)" if q.mutants_hidden_only else "")
        rows.append((
            q.question, f"{q.points:g}", f"{q.solution_score:g}/{q.points:g}", f"{q.stub_score:g}/{q.points:g}",
            mutants, f"{q.equivalents_kept}/{q.equivalents}" if q.equivalents else "-", f"{q.cheats_caught}/{q.cheats}",
            "yes" if q.deterministic else "NO", f"{q.test_seconds:.2f}",
            f"{q.hidden_points_outside:g}/{q.hidden_points:g}" if q.hidden_points else "-",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]
    lines = [f"{report.assignment}: {'PASSED' if report.passed else 'FAILED'} ({report.seconds:.0f} s)"]
    lines += ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    leaks = [f for f in report.findings if f.check == "leak"]
    lines.append("  leaks: " + (f"{len(leaks)} found" if leaks else "none (hidden tests and solution lines)"))
    for finding in sorted(report.findings, key=lambda f: (f.severity != "fail", f.question or "")):
        where = f"{finding.question}: " if finding.question else ""
        lines.append(f"  {finding.severity.upper():4}  [{finding.check}] {where}{finding.message}")
    return "\n".join(lines)


def report_json(reports: list[AssignmentReport]) -> str:
    return json.dumps({"passed": all(r.passed for r in reports), "assignments": [r.to_dict() for r in reports]}, indent=2) + "\n"
