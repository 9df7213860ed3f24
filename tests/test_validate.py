"""grader validate: passes on a sound assignment, and fails, saying why, on planted weaknesses."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from helpers import COURSE_TOML, HIDDEN_CHECK, run_grader, tiny_master_cells, write_notebook

from autograder.errors import GraderError
from autograder.validate import kernel_cheats
from autograder.validate.answers import answer_names
from autograder.validate.variants import load_variants

CAUGHT_BY_PUBLIC = "question: q1\ndescription: triples\nreplace:\n  - old: x * 2\n    new: x * 3\n"
CAUGHT_BY_HIDDEN = "question: q1\ndescription: adds two\nreplace:\n  - old: x * 2\n    new: x + 2\n"
TYPED = '""" # BEGIN TEST CONFIG\nhidden: true\n""" # END TEST CONFIG\nassert type(double(3)) is int and type(answer) is int'
SURVIVES = "question: q1\ndescription: rounds to int\nreplace:\n  - old: return doubled_value\n    new: return int(doubled_value)\n"
ADDS_ITSELF = "question: q1\ndescription: x + x\nreplace:\n  - old: x * 2\n    new: x + x\n"
AS_FLOAT = "question: q1\ndescription: a float\nreplace:\n  - old: return doubled_value\n    new: return float(doubled_value)\n"


def make_course(root: Path, mutants: dict[str, str], extra_tests: list[str] = (), equivalents: dict[str, str] | None = None) -> Path:
    (root / "course.toml").write_text(COURSE_TOML)
    cells = tiny_master_cells()
    end_tests = next(i for i, c in enumerate(cells) if c.source.startswith("# END TESTS"))
    cells[end_tests:end_tests] = [nbformat.v4.new_code_cell(code) for code in extra_tests]
    write_notebook(root / "solutions" / "demo" / "demo.ipynb", cells)
    for folder, variants in (("mutants", mutants), ("equivalents", equivalents or {})):
        for name, text in variants.items():
            (root / "solutions" / "demo" / folder).mkdir(parents=True, exist_ok=True)
            (root / "solutions" / "demo" / folder / f"{name}.yaml").write_text(text)
    released = run_grader("release", "demo", cwd=root)
    assert released.returncode == 0, released.stderr
    return root


@pytest.mark.slow
def test_a_sound_assignment_passes(tmp_path: Path):
    # the tiny master's own tests pass an always-equal object; a type check makes them sound
    course = make_course(tmp_path, {"triples": CAUGHT_BY_PUBLIC, "adds_two": CAUGHT_BY_HIDDEN}, [TYPED], {"adds_itself": ADDS_ITSELF})
    result = run_grader("validate", "demo", "--require-isolation", cwd=course)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "demo: PASSED" in result.stdout
    row = next(line.split() for line in result.stdout.splitlines() if line.strip().startswith("q1"))
    assert row[:9] == ["q1", "3", "3/3", "0/3", "2/2", "(1", "hidden", "only)", "1/1"], result.stdout  # both mutants caught,
    # one by hidden tests only; the equivalent keeps full marks
    assert "WARN  [equivalent] q1: 1 equivalent(s) for a question whose answer is a function (double); write at least 2" in result.stdout
    assert "mutant adds_two (adds two) is caught only by hidden tests" in result.stdout

    as_json = json.loads(run_grader("validate", "demo", "--json", cwd=course).stdout)
    (report,) = as_json["assignments"]
    assert as_json["passed"] and report["passed"]
    (q1,) = report["questions"]
    assert (q1["solution_score"], q1["stub_score"], q1["mutants_caught"], q1["cheats"], q1["cheats_caught"]) == pytest.approx((3, 0, 2, 3, 3))
    assert (q1["equivalents"], q1["equivalents_kept"]) == (1, 1)
    assert q1["deterministic"] and q1["test_seconds"] > 0


FLAKY = [f'""" # BEGIN TEST CONFIG\npoints: 0\nhidden: true\n""" # END TEST CONFIG\nimport os\n'
         f'assert os is os and (os.urandom(1)[0] % 2 == 0 or not os.path.exists("submission.ipynb"))  # flaky {i}'
         for i in range(12)]  # always passes at release (graded notebooks are submission.ipynb); at grading, all twelve agree
                               # (in the kernel, whose files it reads: an `is` keeps a hidden case there)
                               # between two gradings with probability 2**-11


@pytest.mark.slow
def test_planted_weaknesses_fail_with_clear_messages(tmp_path: Path):
    vacuous = "assert callable(double)"
    course = make_course(tmp_path, {"triples": CAUGHT_BY_PUBLIC, "rounds": SURVIVES}, [vacuous, TYPED, *FLAKY], {"as_float": AS_FLOAT})
    release = course / "assignments" / "demo" / "demo.ipynb"
    notebook = nbformat.read(release, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell(f"Hint: `{HIDDEN_CHECK}`"))  # a leak planted after release
    nbformat.write(notebook, release)

    result = run_grader("validate", "demo", "--require-isolation", cwd=course)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == "error: validation failed: demo"
    out = result.stdout
    assert "demo: FAILED" in out
    assert "FAIL  [stubs] q1: the unmodified release scores" in out and "vacuous test(s) q1 - 4, " in out
    assert "FAIL  [mutant] q1: mutant rounds (rounds to int) survives: it passes all" in out
    assert "FAIL  [leak] hidden test q1 (case 2) appears in assignments/demo/demo.ipynb" in out
    assert "FAIL  [determinism] q1: test(s) q1 - " in out and "(flaky)" in out
    assert "[mutant] q1: mutant triples" not in out  # the caught mutant is not reported
    # a correct answer the type check refuses: the too-harsh case is named, with what it said
    assert "FAIL  [equivalent] q1: equivalent as_float (a float) scores 2.5/3: too harsh for a correct answer: q1 - 5" in out


def test_mutant_files_are_checked(tmp_path: Path):
    directory = tmp_path / "mutants"
    directory.mkdir()
    (directory / "ok.yaml").write_text(CAUGHT_BY_PUBLIC)
    (mutant,) = load_variants(directory, "mutant", "mutants")
    assert mutant.questions == ("q1",) and mutant.replacements[0].new == "x * 3" and mutant.title == "mutant ok"
    for text, message in [
        ("question: q1\n", "'replace' must be a list"),
        ("replace: []\n", "'question' must name a question"),
        ("question: q1\nreplace:\n  - old: ''\n    new: x\n", "replace item 1 must have a non-empty 'old'"),
        ("question: q1\nreplace: [{old: a, new: b}]\nextra: 1\n", "unknown key(s) extra"),
        ("question: [q1\n", "invalid YAML"),
    ]:
        (directory / "ok.yaml").write_text(text)
        with pytest.raises(GraderError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
            load_variants(directory, "mutant", "mutants")


def test_answer_names_are_what_the_student_writes():
    source = (
        "import numpy as np\n\n"
        "def helper(x):\n    return x\n\n"
        "def answer(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION\n\n"
        "given = 3\n"
        "result = answer(given)  # SOLUTION\n"
        "first, second = 1, 2  # SOLUTION\n"
    )
    assert answer_names(source) == (["answer"], ["result", "first", "second"])


def test_cheats_lie_as_advertised():
    liar = kernel_cheats.AlwaysEqual()
    assert liar == 42 and liar == "anything" and not (liar != 1) and liar.shape == (3, 4) and liar.mean() == 0.5
    assert list(liar) == [] and len(liar) == 0 and float(liar) == 0.0

    namespace = {"square": lambda x: x * x}
    kernel_cheats.record(["square"], namespace)
    assert namespace["square"](3) == 9  # what the public tests saw
    kernel_cheats.replay(["square"], namespace)
    assert namespace["square"](3) == 9 and namespace["square"](5) == 9  # hard-coded: right only on the public input

    kernel_cheats.identity(["square"], namespace)
    assert namespace["square"](7) == 7
