"""The ``grader`` command line: a thin click layer over the package's functions."""

from __future__ import annotations

import sys
import warnings

import click

from . import __version__
from .errors import GraderError

warnings.filterwarnings("ignore", category=DeprecationWarning, module="traitlets")


class GraderGroup(click.Group):
    """Turns :class:`GraderError` into ``error: <one line>`` and exit status 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except GraderError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=GraderGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grader")
def main():
    """Release, grade and report on the course's otter-format notebooks.

    Every command finds course.toml in the current directory or a parent, as git
    finds its repository.
    """


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
    for prepared in datasets_module.prepare(names, course.data_dir):
        click.echo(f"{prepared.name}: {course.relative(prepared.location)} ({prepared.source})")


if __name__ == "__main__":
    main()
