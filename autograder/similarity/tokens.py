"""Normalised token streams: what renaming, reformatting and comments cannot change.

Code is split by one regular expression that knows Python's lexical forms (strings,
triple-quoted ones included, numbers, names, operators, comments), with indentation
and statement ends tracked as Python's tokenizer does. It never fails: a line a student
left broken (an unclosed bracket, an open string) costs only its own tokens, and it is
about ten times faster than the standard ``tokenize`` module, which matters for 1,500
notebooks. Names become ``N`` (renaming a variable changes nothing) except attribute
names (``.mean``, ``.fit``: the API a solution uses) and keywords; numbers ``0``;
strings ``S``; comments, line breaks inside brackets and parentheses disappear (a
formatter adds and removes them), so reformatting changes nothing either. Statement
ends are ``;``, indentation ``{`` and ``}``. Notebook magics (``%matplotlib``,
``!pip``) are dropped. Markdown becomes its lower-cased words. Every token keeps the
index of the line it came from, for highlighting.
"""

from __future__ import annotations

import keyword
import re

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_TOKEN = re.compile(r"""
    (?P<string>(?:[rRbBuUfF]{0,2})(?:\"\"\"[\s\S]*?(?:\"\"\"|\Z)|'''[\s\S]*?(?:'''|\Z)|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?))
  | (?P<comment>\#[^\n]*)
  | (?P<number>(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?)
  | (?P<name>[^\W\d]\w*)
  | (?P<newline>\\?\n)
  | (?P<space>[ \t\f\r]+)
  | (?P<op>\*\*=?|//=?|>>=?|<<=?|->|:=|[-+*/%@&|^=<>!]=|[-+*/%@&|^~<>=.,:;()\[\]{}]|\S)
""", re.VERBOSE)
_OPENING, _CLOSING = set("([{"), set(")]}")
_DROPPED = {"(", ")"}
_KEYWORDS = frozenset(keyword.kwlist)  # not the soft keywords: `_`, `type` and `match` are names too


def code_tokens(lines: list[str]) -> tuple[list[str], list[int]]:
    """The normalised tokens of code lines, and the line index of each."""
    kept = [(i, line) for i, line in enumerate(lines) if not line.lstrip().startswith(("%", "!"))]
    text = "\n".join(line for _, line in kept) + "\n"
    tokens: list[str] = []
    where: list[int] = []
    indents = [0]
    depth = 0
    line = 0
    at_start = True
    previous = ""
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        here = kept[min(line, len(kept) - 1)][0] if kept else 0
        if kind == "newline":
            line += 1
            if value == "\n" and depth == 0 and not at_start:
                tokens.append(";")
                where.append(here)
                at_start = True
            continue
        if kind == "space" or kind == "comment":
            continue
        if at_start and depth == 0:
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1)
            if column > indents[-1]:
                indents.append(column)
                tokens.append("{")
                where.append(here)
            while column < indents[-1] and len(indents) > 1:
                indents.pop()
                tokens.append("}")
                where.append(here)
            at_start = False
        if kind == "string":
            line += value.count("\n")
            token = "S"
        elif kind == "number":
            token = "0"
        elif kind == "name":
            token = value if value in _KEYWORDS or previous == "." else "N"
        else:
            depth = max(0, depth + (value in _OPENING) - (value in _CLOSING))
            token = value
        previous = value
        if token not in _DROPPED:
            tokens.append(token)
            where.append(here)
    tokens += ["}"] * (len(indents) - 1)
    where += [where[-1] if where else 0] * (len(indents) - 1)
    return tokens, where


def markdown_tokens(lines: list[str]) -> tuple[list[str], list[int]]:
    tokens, where = [], []
    for index, line in enumerate(lines):
        for word in _WORD.findall(line.lower()):
            tokens.append(word)
            where.append(index)
    return tokens, where
