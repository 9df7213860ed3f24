"""The one exception type the CLI turns into a one-line message and a non-zero exit."""


class GraderError(Exception):
    """A problem with the user's input or environment, explained in one line.

    Raised for bad input (unknown assignment, broken notebook, failing solution cell,
    ...). The CLI prints ``error: <message>`` and exits with status 1; anything else
    escaping is a bug in the grader and keeps its traceback.
    """
