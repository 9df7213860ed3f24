"""Benchmark: grader similarity on a generated class of hw01 submissions, and copydetect beside it.

    .venv/bin/python tools/bench_similarity.py [--submissions 1500] [--copydetect 150]

Generates a class: each student answers each question like one of four independent
authors (the master-derived sample and three independently written solutions), picked
at random, with departures of their own (a statement of theirs, of one of ten shapes,
after every statement); one student in fifty copies another's notebook and disguises it
(renamed variables, comments and prints added).
Times `grader similarity` on the whole class and checks that every planted copy ranks
above every other pair. Then, on the first N submissions, runs copydetect (winnowing
over every pair of files, pip install copydetect) on the same student-written code, and
prints both times and the ratio, and whether each tool ranks the planted copies first.
Run from the course root, after `grader release hw01`.
"""

from __future__ import annotations

import argparse
import ast
import copy
import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers import disguise  # noqa: E402
from helpers.disguise import corpus  # noqa: E402

BIN = Path(sys.executable).parent


def authors() -> list[nbformat.NotebookNode]:
    paths = [ROOT / "tests/submissions/hw01/correct.ipynb", *sorted((ROOT / "tests/submissions/similarity/hw01").glob("*.ipynb"))]
    return [nbformat.read(p, as_version=4) for p in paths]


def generate(count: int, folder: Path, seed: int = 0) -> set[frozenset[str]]:
    """Write the class; return the planted copy pairs."""
    rng = random.Random(seed)
    sources = authors()
    folder.mkdir(parents=True)
    written: dict[str, nbformat.NotebookNode] = {}
    planted = set()
    for number in range(count):
        name = f"student{number:04d}"
        if written and rng.random() < 0.02:
            original = rng.choice(sorted(written))
            notebook = disguise.commented(disguise.renamed(written[original], f"c{number}"))
            family = {name, original} | {member for pair in planted if original in pair for member in pair}
            planted |= {frozenset((name, member)) for member in family - {name}}  # a copy of a copy is a copy too
        else:
            notebook = nbformat.from_dict(sources[0])
            for index, cell in enumerate(_answers(notebook)):
                cell.source = _answers(rng.choice(sources))[index].source
            notebook = individual(notebook, rng)
        written[name] = notebook
        nbformat.write(notebook, folder / f"{name}.ipynb")
    return planted


_FILLERS = ["{v} = 0", "{v} = len(range(3))", "{v} = [0] * 2", "{v} = 1.5 * 2", "{v} = abs(-1)", "{v} = max(1, 2)",
            "{v} = min(3, 4) - 2", "{v} = int(2.5)", "{v} = 7 // 2", "{v} = round(0.5)"]
_NUMPY = sorted(name for name in dir(np) if name.isidentifier() and not name.startswith("_") and callable(getattr(np, name)))
"""Expressions, each with a random number of `+ 1` and a NumPy function's name (attribute names survive normalisation):
about 30,000 shapes, so two students' own statements almost never coincide, as with independent authors."""


def individual(notebook, rng: random.Random) -> nbformat.NotebookNode:
    """Each student's own departures: a statement of their own after every statement (as independent authors differ
    everywhere), so that two students drawing on the same author share runs of one statement at most."""
    copied = copy.deepcopy(notebook)
    for cell in disguise.answer_cells(copied):
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            for field in ("body", "orelse"):
                statements = getattr(node, field, None)
                if isinstance(statements, list) and statements and isinstance(statements[0], ast.stmt):
                    mixed = []
                    for statement in statements:
                        mixed.append(statement)
                        if not isinstance(statement, ast.Return):
                            filler = (rng.choice(_FILLERS).format(v=f"own_{rng.randrange(10**6)}") + " + 1" * rng.randrange(8)
                                      + f" + len(np.{rng.choice(_NUMPY)}.__name__)")
                            mixed.extend(ast.parse(filler).body)
                    setattr(node, field, mixed)
        cell.source = ast.unparse(ast.fix_missing_locations(tree))
    return copied


def _answers(notebook) -> list:
    """Every answer cell, code and Markdown (the written answers too)."""
    return [c for c in notebook.cells if disguise.ANSWER_TAG in c.metadata.get("tags", [])]


def planted_first(pairs: list[tuple[frozenset[str], float]], planted: set[frozenset[str]]) -> str:
    """Where the planted copies rank: ideally 1 to len(planted)."""
    ranks = sorted(rank for rank, (pair, _) in enumerate(pairs, start=1) if pair in planted)
    missing = len(planted) - len(ranks)
    return f"ranks {', '.join(map(str, ranks)) or '-'}" + (f", {missing} not found" if missing else "")


def run_ours(folder: Path, output: Path) -> tuple[float, list[tuple[frozenset[str], float]]]:
    started = time.perf_counter()
    subprocess.run([str(BIN / "grader"), "similarity", "hw01", str(folder), "--output", str(output)], check=True,
                   capture_output=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    rows = csv.DictReader((output / "similarity.csv").open())
    return seconds, [(frozenset((r["submission_a"], r["submission_b"])), float(r["score"])) for r in rows]


def run_copydetect(folder: Path, scratch: Path, limit: int) -> tuple[float, list[tuple[frozenset[str], float]]] | None:
    try:
        from copydetect import CopyDetector
    except ImportError:
        return None
    from autograder.course import load_course
    from autograder.similarity.segments import load_template, read_cells, student_segments

    course = load_course(ROOT)
    template = load_template(course, course.assignment("hw01"))
    code = scratch / "code"
    code.mkdir(parents=True)
    for path in sorted(folder.glob("*.ipynb"))[:limit]:
        segments = student_segments(read_cells(path), template)
        (code / f"{path.stem}.py").write_text("\n".join(line for s in segments.values() for line in s.code) + "\n")
    started = time.perf_counter()
    detector = CopyDetector(test_dirs=[str(code)], extensions=["py"], silent=True, autoopen=False)
    detector.run()
    seconds = time.perf_counter() - started
    names = [Path(f).stem for f in detector.test_files]
    matrix = detector.similarity_matrix[:, :, 0]
    pairs = [(frozenset((names[i], names[j])), float(max(matrix[i, j], matrix[j, i])))
             for i in range(len(names)) for j in range(i + 1, len(names))]
    return seconds, sorted(pairs, key=lambda item: -item[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1500)
    parser.add_argument("--copydetect", type=int, default=150, help="Submissions copydetect compares (all pairs).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-similarity-") as scratch:
        folder = Path(scratch) / "class"
        planted = generate(args.submissions, folder)
        seconds, pairs = run_ours(folder, Path(scratch) / "ours")
        print(f"grader similarity, {args.submissions} hw01 submissions: {seconds:.1f} s; "
              f"{len(planted)} planted copies at {planted_first(pairs, planted)}")
        subset = set(sorted(p.stem for p in folder.glob("*.ipynb"))[:args.copydetect])
        small = Path(scratch) / "small"
        small.mkdir()
        for name in subset:
            (small / f"{name}.ipynb").symlink_to(folder / f"{name}.ipynb")
        planted_small = {pair for pair in planted if pair <= subset}
        ours_small, ours_pairs = run_ours(small, Path(scratch) / "ours-small")
        other = run_copydetect(small, Path(scratch) / "copydetect-class", args.copydetect)
        print(f"\n{args.copydetect} submissions ({len(planted_small)} planted copies), side by side:")
        print(f"  grader similarity   {ours_small:7.1f} s   planted copies at {planted_first(ours_pairs, planted_small)}")
        if other is None:
            print("  copydetect          not installed (pip install copydetect) to compare")
            return
        print(f"  copydetect          {other[0]:7.1f} s   planted copies at {planted_first(other[1], planted_small)}")
        print(f"  copydetect / grader similarity: {other[0] / ours_small:.1f}x the time")
        accuracy(Path(scratch) / "accuracy")


def separation(pairs: list[tuple[frozenset[str], float]], disguised: set, independent: set) -> str:
    scores = dict(pairs)
    low = min(scores.get(p, 0.0) for p in disguised)
    high = max(scores.get(p, 0.0) for p in independent)
    return f"lowest disguised pair {low:.2f}, highest independent pair {high:.2f}: " + ("separated" if low > high else "NOT separated")


def accuracy(scratch: Path) -> None:
    """The test suite's corpus: disguised copies of hw01's sample and three independently written solutions."""
    disguised, independent = corpus(scratch / "corpus")
    _, ours = run_ours(scratch / "corpus", scratch / "ours")
    print(f"\ndisguised copies ({len(disguised)} pairs) against independent work ({len(independent)} pairs):")
    print(f"  grader similarity   {separation(ours, disguised, independent)}")
    other = run_copydetect(scratch / "corpus", scratch / "copydetect", 100)
    if other is not None:
        print(f"  copydetect          {separation(other[1], disguised, independent)}")


if __name__ == "__main__":
    main()
