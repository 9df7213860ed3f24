"""``grader image``: the Docker image kernels run in under ``--isolation docker``."""

from .build import REPOSITORY, ImageInputs, build_image, course_image

__all__ = ["REPOSITORY", "ImageInputs", "build_image", "course_image"]
