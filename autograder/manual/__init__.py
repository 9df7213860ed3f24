"""Manual grading: collect the free-response answers for TAs, read their scores back, print answers as PDFs.

``workspace.write_workspace`` (``grader manual``), ``scores.read_scores`` (``grader report
--manual``) and ``pdf.write_pdfs`` (``grader pdf``) are the entry points.
"""
