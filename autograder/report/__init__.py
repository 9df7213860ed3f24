"""``grader report``: an HTML report with charts and an LMS gradebook, from ``grader grade``'s results.

``builder.write_report`` is the entry point. Nothing is imported here, so that the CLI can
read ``lms.LMS_PRESETS`` without loading matplotlib.
"""
