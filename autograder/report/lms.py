"""The gradebook layouts ``grader report --lms`` writes (kept apart so the CLI reads them cheaply)."""

LMS_PRESETS = ("generic", "canvas")
