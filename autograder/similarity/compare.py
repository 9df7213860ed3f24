"""Candidate pairs from an index of fingerprints, scored per question and overall.

No pair is compared unless it shares a fingerprint: every (question, fingerprint,
submission) is sorted into groups of equal (question, fingerprint), and only the
submissions within a group are paired, in NumPy. A fingerprint held by more than
``max(10, √n)`` of the n submissions is what independent students write alike (the
obvious solution of a short function) and is left out, as MOSS does with its ``-m``;
this also bounds the pairs a fingerprint can make.

A pair's score for a question is the share of the smaller answer's fingerprints that
the other answer holds too (so one copied question, or copied code with lines added,
still scores high); a share resting on fewer than ``min_shared`` fingerprints is noise
and counts as 0. The overall score compares the two notebooks' fingerprints whatever
question they sit in (so code moved to another cell still counts). Pairs rank by the
larger of the overall score and their best question's share weighed by its size (an
answer of ``full_weight`` shared fingerprints or more counts fully).
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
    common_floor: int = 10


@dataclass
class Document:
    """One submission (or an ``--against`` source) with its fingerprints per question."""

    name: str
    segments: dict[str, Segment]
    source: bool = False
    """An --against source: compared with the class, never with another source."""
    hashes: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class PairScore:
    a: str
    b: str
    score: float
    overall: float
    by_question: dict[str, float]


def fingerprint(document: Document, settings: Settings) -> Document:
    for question, segment in document.segments.items():
        parts = []
        if segment.code:
            tokens, _ = code_tokens(segment.code)
            parts.append(fingerprints(tokens, settings.code_k, settings.code_window).hashes)
        if segment.markdown:
            tokens, _ = markdown_tokens(segment.markdown)
            parts.append(fingerprints(tokens, settings.text_k, settings.text_window).hashes ^ np.uint64(1))
        hashes = np.unique(np.concatenate(parts)) if parts else np.empty(0, np.uint64)
        if len(hashes):
            document.hashes[question] = hashes
    return document


def common_limit(students: int, settings: Settings) -> int:
    return max(settings.common_floor, math.isqrt(students))


def score_pairs(documents: list[Document], questions: list[str], settings: Settings, limit: int = 20_000) -> list[PairScore]:
    """The pairs sharing enough of a question, best first (at most ``limit``)."""
    everything = len(questions)  # the question index that stands for the whole notebook
    hashes, where, owners = _incidence(documents, questions)
    is_source = np.array([d.source for d in documents], dtype=bool)
    count = len(documents)
    # how many students hold each fingerprint, anywhere in their notebook
    whole = where == everything
    unique, inverse = np.unique(hashes, return_inverse=True)
    holders = np.bincount(inverse[whole & ~is_source[owners]], minlength=len(unique))
    keep = holders[inverse] <= common_limit(int((~is_source).sum()), settings)
    hashes, where, owners = hashes[keep], where[keep], owners[keep]
    sizes = np.zeros((count, everything + 1), dtype=np.int64)
    np.add.at(sizes, (owners, where), 1)

    keys = _shared_pairs(hashes, where, owners, is_source, count, everything + 1)
    if not len(keys):
        return []
    keys, shared = np.unique(keys, return_counts=True)
    pair, question = keys // (everything + 1), keys % (everything + 1)
    first, second = pair // count, pair % count
    smaller = np.minimum(sizes[first, question], sizes[second, question])
    valid = (shared >= settings.min_shared) & (smaller > 0)
    share = np.where(valid, np.minimum(1.0, shared / np.maximum(smaller, 1)), 0.0)
    weighted = np.where(question == everything, share, share * np.minimum(1.0, shared / settings.full_weight))
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    best = np.maximum.reduceat(weighted, starts)
    ranked = [i for i in np.argsort(-best, kind="stable")[:limit] if best[i] > 0]
    results = []
    for index in ranked:
        start = starts[index]
        stop = starts[index + 1] if index + 1 < len(starts) else len(pair)
        by_question = {questions[int(q)]: round(float(s), 4) for q, s in zip(question[start:stop], share[start:stop], strict=True)
                       if q != everything and s > 0}
        overall = next((float(s) for q, s in zip(question[start:stop], share[start:stop], strict=True) if q == everything), 0.0)
        a, b = sorted((documents[int(first[start])].name, documents[int(second[start])].name))
        results.append(PairScore(a, b, round(float(best[index]), 4), round(overall, 4), by_question))
    return sorted(results, key=lambda p: (-p.score, -p.overall, p.a, p.b))


def _incidence(documents: list[Document], questions: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fingerprint, question index, document index) for every fingerprint of every answer, and of every whole notebook."""
    index = {q: i for i, q in enumerate(questions)}
    hashes, where, owners = [], [], []
    for number, document in enumerate(documents):
        parts = []
        for question, values in document.hashes.items():
            hashes.append(values)
            where.append(np.full(len(values), index[question]))
            owners.append(np.full(len(values), number))
            parts.append(values)
        if parts:
            whole = np.unique(np.concatenate(parts))
            hashes.append(whole)
            where.append(np.full(len(whole), len(questions)))
            owners.append(np.full(len(whole), number))
    if not hashes:
        return np.empty(0, np.uint64), np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(hashes), np.concatenate(where), np.concatenate(owners)


def _shared_pairs(hashes, where, owners, is_source, count: int, slots: int) -> np.ndarray:
    """One key, (first * count + second) * slots + question, per pair of documents sharing a fingerprint of a question."""
    order = np.lexsort((owners, hashes, where))
    hashes, where, owners = hashes[order], where[order], owners[order]
    boundary = np.r_[True, (hashes[1:] != hashes[:-1]) | (where[1:] != where[:-1])]
    starts = np.flatnonzero(boundary)
    lengths = np.diff(np.r_[starts, len(hashes)])
    keys = []
    for length in np.unique(lengths[lengths >= 2]):
        group_starts = starts[lengths == length]
        members = owners[group_starts[:, None] + np.arange(length)]
        upper, lower = np.triu_indices(length, 1)
        first, second = members[:, upper].ravel(), members[:, lower].ravel()
        question = np.repeat(where[group_starts], len(upper))
        mixed = ~(is_source[first] & is_source[second])
        keys.append((first[mixed] * count + second[mixed]) * slots + question[mixed])
    return np.concatenate(keys) if keys else np.empty(0, np.int64)


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
            sides.append((fingerprints(tokens, k, window), where))
        common = np.intersect1d(sides[0][0].hashes, sides[1][0].hashes)
        for side, (found, where) in enumerate(sides):
            for start in found.starts[np.isin(found.hashes, common)]:
                covered[side].update((kind, line) for line in where[start:start + k])
    return covered
