"""Candidate pairs from an index of fingerprints, scored per question and overall.

No pair is compared unless it shares a fingerprint: an inverted index maps each
fingerprint of each question to the submissions holding it, and only those pairs are
counted. A fingerprint held by many submissions (``common``: at least 10, or a tenth
of the class) is what independent students write alike (the obvious solution of a
short function) and is left out, as MOSS does with its ``-m``.

A pair's score for a question is the share of the smaller answer's fingerprints that
the other answer holds too (so one copied question, or copied code with lines added,
still scores high); shares resting on fewer than ``min_shared`` fingerprints are
noise and count as 0. The pair's overall score does the same over every question at
once. Pairs rank by the larger of the overall score and their best question's score
weighed by its size (a whole answer of ``full_weight`` fingerprints or more counts
fully).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .segments import Segment
from .tokens import code_tokens, markdown_tokens
from .winnow import fingerprints


@dataclass(frozen=True)
class Settings:
    code_k: int = 15
    code_window: int = 10
    text_k: int = 7
    text_window: int = 5
    min_shared: int = 4
    full_weight: int = 20
    common_share: float = 0.1
    common_floor: int = 10


@dataclass
class Document:
    """One submission (or an ``--against`` source) with its fingerprints per question."""

    name: str
    segments: dict[str, Segment]
    source: bool = False
    """An --against source: compared with the class, never with another source."""
    hashes: dict[str, set[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class PairScore:
    a: str
    b: str
    score: float
    overall: float
    by_question: dict[str, float]


def fingerprint(document: Document, settings: Settings) -> Document:
    for question, segment in document.segments.items():
        hashes: set[int] = set()
        if segment.code:
            tokens, _ = code_tokens(segment.code)
            hashes.update(int(h) for h in fingerprints(tokens, settings.code_k, settings.code_window).hashes)
        if segment.markdown:
            tokens, _ = markdown_tokens(segment.markdown)
            hashes.update(int(h) ^ 1 for h in fingerprints(tokens, settings.text_k, settings.text_window).hashes)
        if hashes:
            document.hashes[question] = hashes
    return document


def score_pairs(documents: list[Document], settings: Settings) -> list[PairScore]:
    """Every pair sharing enough of a question, best first."""
    students = sum(not d.source for d in documents)
    common = max(settings.common_floor, math.ceil(settings.common_share * students))
    index: dict[tuple[str, int], list[int]] = defaultdict(list)
    for number, document in enumerate(documents):
        for question, hashes in document.hashes.items():
            for value in hashes:
                index[question, value].append(number)
    frequent = {key for key, holders in index.items() if sum(not documents[i].source for i in holders) > common}
    kept = [{q: len([h for h in hashes if (q, h) not in frequent]) for q, hashes in d.hashes.items()} for d in documents]
    shared: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, holders in index.items():
        if key in frequent or len(holders) < 2:
            continue
        question = key[0]
        for i, first in enumerate(holders):
            for second in holders[i + 1:]:
                if documents[first].source and documents[second].source:
                    continue
                shared[first, second][question] += 1
    pairs = []
    for (first, second), counts in shared.items():
        by_question = {}
        weighted = 0.0
        for question, count in counts.items():
            smaller = min(kept[first].get(question, 0), kept[second].get(question, 0))
            if count < settings.min_shared or smaller == 0:
                continue
            share = min(1.0, count / smaller)
            by_question[question] = share
            weighted = max(weighted, share * min(1.0, count / settings.full_weight))
        if not by_question:
            continue
        total = sum(c for q, c in counts.items() if q in by_question)
        overall = total / max(1, min(sum(kept[first].values()), sum(kept[second].values())))
        a, b = sorted((documents[first].name, documents[second].name))
        pairs.append(PairScore(a, b, round(max(min(overall, 1.0), weighted), 4), round(min(overall, 1.0), 4), by_question))
    return sorted(pairs, key=lambda p: (-p.score, -p.overall, p.a, p.b))


def clusters(pairs: list[PairScore], threshold: float) -> list[list[str]]:
    """Groups of three or more joined by pairs scoring at least ``threshold``."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for pair in pairs:
        if pair.score >= threshold:
            parent[root(pair.a)] = root(pair.b)
    groups: dict[str, list[str]] = defaultdict(list)
    for name in parent:
        groups[root(name)].append(name)
    return sorted((sorted(g) for g in groups.values() if len(g) >= 3), key=lambda g: (-len(g), g))


def matched_lines(first: Segment, second: Segment, settings: Settings) -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
    """The (kind, line) positions of each segment that a shared fingerprint covers: what the report highlights."""
    covered: tuple[set[tuple[str, int]], set[tuple[str, int]]] = (set(), set())
    for kind, tokenize, k, window in (("code", code_tokens, settings.code_k, settings.code_window),
                                      ("markdown", markdown_tokens, settings.text_k, settings.text_window)):
        sides = []
        for segment in (first, second):
            tokens, where = tokenize(getattr(segment, kind))
            found = fingerprints(tokens, k, window)
            sides.append((found, where))
        common = np.intersect1d(sides[0][0].hashes, sides[1][0].hashes)
        for side, (found, where) in enumerate(sides):
            for start in found.starts[np.isin(found.hashes, common)]:
                covered[side].update((kind, line) for line in where[start:start + k])
    return covered
