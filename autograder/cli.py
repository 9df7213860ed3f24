"""The ``grader`` command line: a thin click layer over the package's functions."""

from __future__ import annotations

import signal
import sys
import warnings
from pathlib import Path

import click

from . import __version__
from .errors import GraderError
from .report.lms import LMS_PRESETS
from .sandbox import BACKENDS

warnings.filterwarnings("ignore", category=DeprecationWarning, module="traitlets")


class GraderGroup(click.Group):
    """Turns :class:`GraderError` into ``error: <one line>`` and exit status 1."""

    def invoke(self, ctx):
        # SIGTERM (kill, a scheduler's timeout) unwinds as Ctrl-C does, so kernels, sandboxes
        # and containers are shut down on the way out instead of left running.
        signal.signal(signal.SIGTERM, _terminate)
        try:
            return super().invoke(ctx)
        except GraderError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


def _terminate(signum, frame):
    raise KeyboardInterrupt


@click.group(cls=GraderGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grader")
def main():
    """Release, grade and report on the course's otter-format notebooks.

    Every command finds course.toml in the current directory or a parent, as git
    finds its repository.
    """


def isolation_options(command):
    """--isolation, --docker-image and --require-isolation, for every command that runs notebooks."""
    command = click.option("--require-isolation", is_flag=True, help="Fail rather than run notebooks without a sandbox.")(command)
    command = click.option("--docker-image", default=None,
                           help="With --isolation docker: the image kernels run in [default: the course's, "
                           "ml-course-grader:<hash of docker/Dockerfile and requirements.lock>, made by grader image build].")(command)
    return click.option("--isolation", type=click.Choice(BACKENDS), default="auto",
                        show_default=True, help="How notebooks are isolated: auto picks bwrap, else docker, where it "
                        "works; if neither does, grade stops (check and validate fall back to none). none: no sandbox, "
                        "for trusted code (see README, Security model).")(command)


def selected_isolation(isolation: str, require_isolation: bool, docker_image: str | None, *, unsandboxed_fallback: bool = False):
    from .sandbox import select_isolation

    backend = select_isolation(isolation, require_isolation, docker_image, unsandboxed_fallback=unsandboxed_fallback)
    if backend.warning:
        click.echo(backend.warning, err=True)
    return backend


@main.command()
@click.argument("assignments", nargs=-1, metavar="[ASSIGNMENT]...")
@click.option("--all", "all_", is_flag=True, help="Release every assignment listed in course.toml.")
@click.option(
    "--check",
    is_flag=True,
    help="Change nothing; exit 1 and name what differs if assignments/ is stale against solutions/.",
)
def release(assignments, all_, check):
    """Build student releases from master notebooks in solutions/.

    For each ASSIGNMENT: execute its master notebook, split it with otter assign,
    write the student notebook (with `# YOUR CODE HERE` stubs), its public tests
    and support files to assignments/<id>/, and the autograder bundle with every
    test, hidden ones included, to dist/<id>/. The release fails, naming the file
    and test, if hidden test code or solution code would reach assignments/.

    \b
    Examples:
      grader release hw01
      grader release --all
      grader release --all --check    # CI: is assignments/ up to date?
    """
    from .course import load_course
    from .release import check_release, release_assignment

    course = load_course()
    if all_ and assignments:
        raise GraderError("give assignment ids or --all, not both")
    if not all_ and not assignments:
        raise GraderError("name an assignment to release, or use --all")
    targets = course.assignments if all_ else [course.assignment(a) for a in assignments]
    stale = []
    for assignment in targets:
        if check:
            result = check_release(course, assignment, log=click.echo)
            if result.stale:
                stale.append(assignment.id)
                click.echo(f"{assignment.id}: STALE: assignments/{assignment.id} does not match {course.relative(assignment.master)}")
                for difference in result.differences:
                    click.echo(f"  {difference}")
            else:
                click.echo(f"{assignment.id}: up to date")
            continue
        built = release_assignment(course, assignment, log=click.echo)
        click.echo(
            f"{assignment.id}: released {len(built.questions)} questions "
            f"({built.public_cases} public and {built.hidden_cases} hidden test cases) "
            f"to {course.relative(built.student_dir)}/, autograder bundle in {course.relative(built.autograder_dir)}/ "
            f"[executed in {built.seconds['execute']:.1f} s]"
        )
    if stale:
        raise GraderError(f"stale releases: {', '.join(stale)} (run `grader release {' '.join(stale)}`)")


@main.command()
@click.argument("args", nargs=-1, metavar="[ASSIGNMENT] SUBMISSION...")
@click.option("--tests", "tests_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Grade against this directory of otter test files instead of an assignment's.")
@click.option("--files", "files", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="With --tests: a support file copied next to each submission (repeatable).")
@click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where results go (default: graded/<assignment>/ at the course root).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Submissions graded at once (default: the number of CPU cores).")
@click.option("--cell-timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds one cell may run before it is interrupted (default: course.toml).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds a whole submission may run (default: course.toml).")
@click.option("--memory", default=None, help="Memory per submission, e.g. 2GiB (default: course.toml).")
@isolation_options
@click.option("--force", is_flag=True, help="Regrade submissions whose results are already up to date.")
@click.option("--warm-kernels/--no-warm-kernels", default=True, show_default=True,
              help="Start the next submission's sandbox and kernel, with course.toml's preload imports, while the current "
              "one runs (each submission still gets a fresh one).")
@click.option("--preload", default=None, metavar="MODULE,...",
              help="Modules warm kernels import ahead, instead of course.toml's preload (e.g. numpy,pandas; '' for none).")
@click.option("--cluster", "cluster", metavar="ADDRESS", default=None,
              help="Grade on this Dask scheduler's workers (tcp://host:8786, tls://...) instead of here: each worker grades "
              "with its own sandbox and course data; results are written here as they come back.")
def grade(args, tests_dir, files, output_dir, workers, cell_timeout, timeout, memory, isolation, docker_image,
          require_isolation, force, warm_kernels, preload, cluster):
    """Grade submissions: run each notebook in its own kernel and score it with the tests.

    SUBMISSION is a .ipynb file or a directory searched recursively for them. Each
    question's public tests run at the submission's grader.check("qN") cell (or after
    the last cell when it has none); its hidden tests run after the last cell, against
    the names as they were bound at that check cell, and are judged in the grader. A cell past
    --cell-timeout is interrupted and execution goes on; a cell that kills or hangs
    the kernel is recorded, the kernel restarted and the cells before it replayed.

    \b
    Writes to the output directory:
      grades.csv               one row per submission, a column per question
      results/<name>.json      everything: per-test results, problems, timings, hashes
      feedback/<name>.md       what the student may see (no hidden test code or output)
    Re-running skips submissions already graded against the same tests (--force
    regrades), so an interrupted batch resumes where it stopped.

    \b
    Examples:
      grader grade hw01 submissions/hw01/
      grader grade hw01 alice.ipynb bob.ipynb --workers 2 --output /tmp/graded
      grader grade --tests dist/hw01/tests --files data.csv submissions/
      grader grade hw01 submissions/hw01/ --cluster tcp://10.0.0.5:8786
    """
    import os

    from .course import parse_size
    from .grade import BatchOptions, find_submissions, grade_batch, grading_setup, load_test_suite
    from .grade.outputs import gradebook_table
    from .grade.target import GradingTarget

    if tests_dir is None:
        if len(args) < 2:
            raise GraderError("give an assignment and at least one submission (or --tests DIR)")
        target, submission_paths = GradingTarget.for_assignment(args[0]), args[1:]
    else:
        if not args:
            raise GraderError("give at least one submission")
        target, submission_paths = GradingTarget.for_tests_dir(tests_dir, files), args
    target = target.with_limits(
        cell_timeout=cell_timeout, timeout=timeout, memory=parse_size(memory) if memory is not None else None
    )
    suite = load_test_suite(target.tests_dir)
    suite.require_references(target.tests_dir)
    if cluster is not None and workers is not None:
        raise GraderError("--workers has no effect with --cluster: each worker grades as many submissions as it has threads")
    backend = selected_isolation(isolation, require_isolation, docker_image) if cluster is None else None
    if cluster is not None and require_isolation and isolation == "none":
        raise GraderError("--require-isolation: refusing to grade with --isolation none")
    submissions = find_submissions([Path(p) for p in submission_paths])
    if not submissions:
        raise GraderError("no .ipynb submissions found")
    output_dir = output_dir or target.default_output
    options = BatchOptions(output_dir=output_dir, workers=workers or os.cpu_count() or 1, force=force, warm_kernels=warm_kernels)
    data_dir = target.course.data_dir if target.course is not None else None
    modules = target.preload if preload is None else tuple(m.strip() for m in preload.split(",") if m.strip())
    if cluster is not None:
        from .cluster import ClusterJob, grade_on_cluster
        from .cluster.job import package_fingerprint, read_support_files

        job = ClusterJob(suite, target.limits, target.kernel, isolation, require_isolation, docker_image,
                         read_support_files(target.support_files), str(data_dir) if data_dir else None, target.datasets,
                         package_fingerprint(), modules, warm_kernels)
        click.echo(f"grading {len(submissions)} submission(s) on the cluster at {cluster}, isolation {isolation} on each worker; "
                   f"tests {target.tests_dir} ({len(suite.questions)} questions, {suite.max_score:g} points)", err=True)
        summary = grade_on_cluster(cluster, submissions, job, options)
    else:
        assert backend is not None
        setup = grading_setup(suite, backend, limits=target.limits, kernel_name=target.kernel, data_dir=data_dir,
                              support_files=target.support_files, preload=modules)
        click.echo(f"grading {len(submissions)} submission(s) with {options.workers} worker(s), isolation {backend.name}; "
                   f"tests {target.tests_dir} ({len(suite.questions)} questions, {suite.max_score:g} points)", err=True)
        summary = grade_batch(submissions, setup, options)
    click.echo(gradebook_table(summary.results, suite.names, suite.max_score))
    click.echo(f"\n{summary.graded} graded, {summary.kept} unchanged, {summary.errors} could not be graded; "
               f"results in {output_dir}/ (grades.csv, results/, feedback/)")
    if summary.stopped:
        raise GraderError(f"stopped early: {summary.stopped}; {summary.not_started} submission(s) not started. "
                          "What was graded is kept; fix the cause and run the same command again")
    if summary.failed:
        names = ", ".join(r.submission for r in summary.failed[:5]) + (" ..." if len(summary.failed) > 5 else "")
        raise GraderError(f"the grader failed on {len(summary.failed)} submission(s) ({names}): {summary.failed[0].error}. "
                          "They have no grade (blank in grades.csv); run the same command again to grade them")


@main.command()
@click.argument("assignments", nargs=-1, metavar="[ASSIGNMENT]...")
@click.option("--all", "all_", is_flag=True, help="Validate every assignment listed in course.toml.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Gradings run at once (default: the number of CPU cores).")
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON instead of tables.")
@isolation_options
def validate(assignments, all_, workers, as_json, isolation, docker_image, require_isolation):
    """Prove an assignment's tests before release; exit 1 if any check fails.

    Grades, through the same engine and sandbox as real submissions: the solution
    (full marks on every autograded question, twice, with identical per-test results),
    the unmodified release (zero on every question: a test that passes the empty stub
    is vacuous), each mutant in solutions/<id>/mutants/ (must lose points on its
    question; caught only by hidden tests is a warning), each equivalent in
    solutions/<id>/equivalents/ (another correct answer: must keep full marks on
    every question its run tests; a lost point names the too-harsh test), built-in cheats on
    every question (an always-equal object, the input returned unchanged, answers
    hard-coded to the public tests' values: each must lose points). Also checks that
    no hidden test or solution line is in the release, and that each question's
    tests run within test_budget seconds (course.toml).

    \b
    Examples:
      grader validate hw03
      grader validate --all --json > validation.json
    """
    import os

    from .course import load_course
    from .validate import report_json, report_text, validate_assignments

    course = load_course()
    if all_ == bool(assignments):
        raise GraderError("give assignment ids or --all" + (", not both" if all_ else ""))
    targets = list(course.assignments) if all_ else [course.assignment(a) for a in assignments]
    backend = selected_isolation(isolation, require_isolation, docker_image, unsandboxed_fallback=True)  # the course's own code
    reports = validate_assignments(course, targets, backend, workers or os.cpu_count() or 1)
    click.echo(report_json(reports) if as_json else "\n\n".join(report_text(r) for r in reports))
    failed = [r.assignment for r in reports if not r.passed]
    if failed:
        raise GraderError(f"validation failed: {', '.join(failed)}")


@main.command()
@click.argument("notebooks", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@isolation_options
def check(notebooks, isolation, docker_image, require_isolation):
    """Run NOTEBOOK with its public tests, and say what hidden tests run at grading.

    The same engine as grading (per-cell timeouts, crash recovery), with the public
    tests beside the notebook (the released tests/ folder) or, inside the course
    repository, those of the assignment its metadata names. Prints, per question,
    whether the public tests pass and how many hidden tests and points remain.
    Exit status 1 if a public test fails.

    \b
    Examples:
      grader check hw03.ipynb                     # in the released hw03/ folder
      grader check tests/submissions/hw03/*.ipynb --isolation none
    """
    from .check import check_notebook, format_check_report

    backend = selected_isolation(isolation, require_isolation, docker_image, unsandboxed_fallback=True)  # one's own notebook
    failing = []
    for notebook in notebooks:
        report = check_notebook(notebook, backend)
        click.echo(format_check_report(report))
        if not report.all_public_pass:
            failing.append(str(notebook))
    if failing:
        raise GraderError(f"public tests fail in {', '.join(failing)}")


@main.command()
@click.argument("assignment")
@click.option("--title", default=None, help="The assignment's title in course.toml (default: 'Assignment ID').")
def new(assignment, title):
    """Scaffold ASSIGNMENT: a master notebook, a mutant, and its course.toml entry.

    Writes solutions/ASSIGNMENT/ASSIGNMENT.ipynb (the config cell, one autograded
    question with a solution, public and hidden tests; one manual question with a
    rubric), solutions/ASSIGNMENT/mutants/ and equivalents/, and appends the assignment to
    course.toml. `grader release ASSIGNMENT` and `grader validate ASSIGNMENT` pass on
    it straight away; edit it from there.

    The manual question (q2) shows how to write one: `manual: true` and its `points`
    in the BEGIN QUESTION cell, the prompt as Markdown, then a BEGIN/END SOLUTION block
    of Markdown holding a model answer and the rubric ("Rubric (1 point): ..."). The
    release keeps the prompt and gives students an answer cell; the solution block, and
    so the rubric, reaches only the graders' pages of `grader manual`.

    \b
    Example:
      grader new hw06 --title "Convolutional networks"
    """
    from .course import load_course
    from .new import scaffold_assignment

    course = load_course()
    made = scaffold_assignment(course, assignment, title)
    click.echo(f"wrote {course.relative(made.master)}, {len(made.mutants)} mutants in "
               f"{course.relative(made.mutants[0].parent)}/ and {len(made.equivalents)} equivalents in "
               f"{course.relative(made.equivalents[0].parent)}/; added {assignment} to course.toml")
    click.echo(f"next: grader release {assignment} && grader validate {assignment}")
    click.echo(f"later: grader manual {assignment} SUBMISSIONS... collects the answers to its manual questions for TAs")


@main.command()
@click.argument("assignment")
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the zip (default: dist/<assignment>/gradescope-autograder.zip).")
def gradescope(assignment, output):
    """Build the autograder zip to upload to Gradescope for ASSIGNMENT.

    The zip runs this project's engine on Gradescope (per-cell timeouts, crash
    recovery, tamper restore) against every test of the release, hidden ones
    included, and always writes results/results.json: public tests visible with
    their output, hidden tests visible after grades are published, as passed or
    failed and their points only. requirements.txt pins the versions of
    requirements.lock. Run `grader release ASSIGNMENT` first.

    \b
    Example:
      grader gradescope hw01 --output hw01-autograder.zip
    """
    from .course import load_course
    from .gradescope import build_autograder_zip

    course = load_course()
    target = course.assignment(assignment)
    output = output or course.dist_dir / target.id / "gradescope-autograder.zip"
    built = build_autograder_zip(course, target, output)
    click.echo(f"{target.id}: wrote {course.relative(built.resolve())} ({built.stat().st_size / 2**20:.1f} MiB); "
               "upload it as the assignment's autograder (Configure Autograder > Zip file upload)")


@main.command()
@click.argument("assignment")
@click.option("--results", "results_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The directory `grader grade` wrote (default: graded/<assignment>/).")
@click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the report (default: the results directory).")
@click.option("--lms", type=click.Choice(LMS_PRESETS), default=LMS_PRESETS[0], show_default=True,
              help="Gradebook layout: generic CSV, or Canvas's gradebook import format.")
@click.option("--screenshot", is_flag=True, help="Also save report.png, taken by headless Chromium.")
@click.option("--manual", "manual_scores", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Merge the TAs' scores for the questions graded by hand (the scores.csv `grader manual` wrote).")
def report(assignment, results_dir, output_dir, lms, screenshot, manual_scores):
    """Write report.html and an LMS gradebook from ASSIGNMENT's grading results.

    \b
    report.html        one self-contained page: score histogram, per-question means and
                       distributions, per-test pass rates (most failed first), the
                       submissions with problems and the slowest, linked to their feedback
    gradebook.csv      student, total, max_score, one column per question
                       (--lms canvas: gradebook-canvas.csv, Canvas's import format)

    With --manual SCORES.csv, the questions graded by hand count in every total, a
    question not graded yet reads "pending" (and the submission's total stays blank),
    and the TAs' comments go into each student's feedback file. The scores file is
    checked first: every problem is listed, and nothing is merged until it is clean.

    \b
    Examples:
      grader report hw03
      grader report hw03 --results /tmp/graded --lms canvas
      grader report hw03 --manual graded/hw03/manual/scores.csv --lms canvas
    """
    from .course import load_course
    from .report.builder import write_report
    from .report.statistics import load_results

    course = load_course()
    target = course.assignment(assignment)
    results_dir = results_dir or course.root / "graded" / target.id
    scores = None
    if manual_scores is not None:
        from .manual.questions import load_manual_assignment
        from .manual.scores import read_scores

        graded = {r.submission for r in load_results(results_dir)}
        scores = read_scores(manual_scores, load_manual_assignment(course, target), graded)
    written = write_report(results_dir, output_dir or results_dir, f"{target.id}: {target.title}", lms, scores)
    click.echo(f"{target.id}: report of {written.submissions} submissions: {written.html} ; gradebook: {written.gradebook}")
    if scores is not None:
        click.echo(f"{target.id}: manual scores merged; submissions with a question pending: {written.pending} "
                   "(their totals stay blank)" if written.pending else f"{target.id}: manual scores merged, none pending")
    if screenshot:
        from .report.screenshot import screenshot as take_screenshot

        click.echo(f"{target.id}: screenshot: {take_screenshot(written.html, written.html.with_suffix('.png'))}")


def _assignment_and_submissions(output_help: str):
    """``ASSIGNMENT SUBMISSION... [--output DIR]``: the arguments of the commands that read one assignment's submissions."""

    def decorate(command):
        command = click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                               help=output_help)(command)
        command = click.argument("submissions", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))(command)
        return click.argument("assignment")(command)

    return decorate


def _assignment_output(assignment: str, output_dir: Path | None, folder: str):
    """The course, the assignment, and where a command's files go: ``--output`` or ``graded/<assignment>/<folder>/``."""
    from .course import load_course

    course = load_course()
    target = course.assignment(assignment)
    return course, target, output_dir or course.root / "graded" / target.id / folder


@main.command()
@_assignment_and_submissions("The grading workspace (default: graded/<assignment>/manual/).")
@click.option("--anonymous", is_flag=True, help="Show answers under stable pseudonyms; names appear only in scores.csv.")
def manual(assignment, submissions, output_dir, anonymous):
    """Collect the answers to ASSIGNMENT's manual questions into a grading workspace.

    SUBMISSION is a .ipynb file or a directory searched recursively for them. An
    answer is every cell between the question's prompt and the next cell of the
    release, with its outputs and images, as the student left it; nothing is run.

    \b
    <question>.html    one page per question: the prompt, the rubric from the master,
                       then each submission's answer (marked missing or placeholder
                       where the student wrote nothing); for graders only
    index.html         the questions, with how many answers are written
    scores.csv         submission, [pseudonym,] <question>, <question>_comment, ...;
                       the (maximum) row gives each question's points. Fill it in and
                       run `grader report ASSIGNMENT --manual scores.csv`. Run again
                       with new submissions: the scores already entered are kept.

    \b
    Examples:
      grader manual hw03 submissions/hw03/
      grader manual hw03 submissions/hw03/ --anonymous --output /tmp/hw03-manual
    """
    from .manual.workspace import write_workspace

    course, target, output_dir = _assignment_output(assignment, output_dir, "manual")
    workspace = write_workspace(course, target, list(submissions), output_dir, anonymous)
    click.echo(f"{target.id}: {workspace.submissions} submissions, {len(workspace.pages)} manual questions: "
               f"{workspace.directory / 'index.html'}")
    click.echo(f"{target.id}: scores file {workspace.scores}" + (f" ({workspace.kept} entered scores and comments kept)"
                                                                  if workspace.kept else ""))
    if workspace.unanswered:
        click.echo(f"{target.id}: {workspace.unanswered} answers are missing or still the release's placeholder (marked on the pages)")


@main.command()
@_assignment_and_submissions("Where the PDFs go (default: graded/<assignment>/pdf/).")
def pdf(assignment, submissions, output_dir):
    """Print each submission's manual answers as a PDF, for a Gradescope PDF assignment.

    One PDF per submission (named as grader grade names it): each manual question
    starts a new page headed by its name, with its prompt and the student's answer,
    never the rubric. Printed by headless Chromium.

    \b
    Example:
      grader pdf hw03 submissions/hw03/ --output /tmp/hw03-pdfs
    """
    from .manual.pdf import write_pdfs

    course, target, output_dir = _assignment_output(assignment, output_dir, "pdf")
    printed = write_pdfs(course, target, list(submissions), output_dir)
    click.echo(f"{target.id}: {len(printed.files)} PDFs in {printed.directory}")


@main.command()
@_assignment_and_submissions("Where similarity.html and similarity.csv go (default: graded/<assignment>/similarity/).")
@click.option("--against", "against", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A directory of earlier terms' submissions or known public solutions to compare with (repeatable).")
def similarity(assignment, submissions, output_dir, against):
    """Find copied work: rank pairs of submissions by how much of their answers they share.

    Only what students wrote is compared (the release's cells and stub lines are
    removed first), question by question. Code is compared as normalised tokens
    (renaming, reformatting, reordering functions and comments do not hide a copy),
    Markdown answers as words, fingerprinted by winnowing and matched through an
    index. Similarity is evidence for a person to review, not a verdict.

    \b
    similarity.html    ranked pairs with per-question scores, a histogram, groups of
                       three or more, the top pairs side by side, matches highlighted
    similarity.csv     rank, submission_a, submission_b, score, overall, one column
                       per question

    \b
    Examples:
      grader similarity hw01 submissions/hw01/
      grader similarity hw01 submissions/hw01/ --against archive/2025/hw01/
    """
    from .similarity.report import find_similarity

    course, target, output_dir = _assignment_output(assignment, output_dir, "similarity")
    found = find_similarity(course, target, list(submissions), output_dir, list(against))
    top = f"; most similar: {found.pairs[0].a} and {found.pairs[0].b} ({found.pairs[0].score:.2f})" if found.pairs else ""
    click.echo(f"{target.id}: {found.submissions} submissions, {len(found.pairs)} similar pairs, "
               f"{len(found.groups)} groups of three or more{top}")
    click.echo(f"{target.id}: {found.html} ; {found.csv}")


@main.command()
@click.argument("datasets", nargs=-1, metavar="[DATASET]...")
def data(datasets):
    """Prepare the datasets the assignments read, into the course's data directory.

    With no DATASET, prepares every dataset that course.toml's assignments list.
    Files come from local packages (Debian's dataset-fashion-mnist) or, where a
    network exists, from the canonical downloads; notebooks find them through
    $COURSE_DATA, which grader sets when it runs them.
    """
    from . import data as datasets_module
    from .course import load_course

    course = load_course()
    names = datasets or sorted({name for a in course.assignments for name in a.data})
    for prepared in datasets_module.prepare(names, course.data_dir, course.shared_datasets_dir):
        click.echo(f"{prepared.name}: {course.relative(prepared.location)} ({prepared.source})")


@main.group()
def image():
    """The Docker image kernels run in under --isolation docker."""


@image.command("build")
@click.option("--base", default=None, help="The image to build on [default: python:3.11-slim; "
              "tools/docker-base.sh makes a local one where Docker Hub cannot be reached].")
@click.option("--torch-index", default=None, help="The PyTorch wheel index [default: the CPU builds']; "
              "'' for PyPI's default build (with CUDA's libraries).")
@click.option("--ca-bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Certificates pip trusts in the build [default: $PIP_CERT, $REQUESTS_CA_BUNDLE or $SSL_CERT_FILE].")
def image_build(base, torch_index, ca_bundle):
    """Build the image from docker/Dockerfile and requirements.lock, tagged with their hash.

    Docker's cache makes it instant when neither changed. Examples:

    \b
      grader image build
      grader image build --base local/python-slim:3.11 --torch-index ''
    """
    from .image import ImageInputs, build_image
    from .image.build import DEFAULT_BASE, DEFAULT_TORCH_INDEX, default_ca_bundle

    tag = build_image(ImageInputs.find(), base=base or DEFAULT_BASE,
                      torch_index=DEFAULT_TORCH_INDEX if torch_index is None else torch_index,
                      ca_bundle=ca_bundle or default_ca_bundle(), echo=lambda line: click.echo(line, err=True))
    click.echo(tag)


@image.command("tag")
def image_tag():
    """Print the tag --isolation docker uses: ml-course-grader:<hash of docker/Dockerfile and requirements.lock>."""
    from .image import course_image

    click.echo(course_image())


if __name__ == "__main__":
    main()
