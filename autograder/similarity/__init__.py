"""Similarity: copied work across a course's submissions, on what students wrote only.

``report.find_similarity`` (``grader similarity``) is the entry point: ``segments`` takes
the release out of each submission, ``tokens`` normalises code and prose, ``winnow``
fingerprints them, ``compare`` finds and scores candidate pairs through an index.
"""
