"""``grader release``: build student releases and autograder bundles from master notebooks."""

from .build import Release, ReleaseCheck, build_release, check_release, release_assignment

__all__ = ["Release", "ReleaseCheck", "build_release", "check_release", "release_assignment"]
