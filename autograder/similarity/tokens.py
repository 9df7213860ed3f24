"""Normalised token streams: what renaming, reformatting and comments cannot change.

Code goes through Python's own tokenizer. Names become ``N`` (renaming a variable
changes nothing) except attribute names (``.mean``, ``.fit``: the API a solution uses),
numbers ``0``, strings ``S``; comments and line breaks inside brackets disappear, so
reformatting changes nothing either; parentheses are dropped (a formatter adds and
removes them around tuples and expressions). Notebook magics (``%matplotlib``, ``!pip``) are
dropped. Markdown becomes its lower-cased words. Each token keeps the index of the
line it came from, for highlighting.
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_FALLBACK = re.compile(r"[A-Za-z_]\w*|\d[\w.]*|\S")
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
_GROUPING = {"(", ")"}
"""Dropped: a formatter's or a copier's extra parentheses (``return (a, b)``) change nothing."""


def code_tokens(lines: list[str]) -> tuple[list[str], list[int]]:
    """The normalised tokens of code lines, and the line index of each."""
    kept = [(i, line) for i, line in enumerate(lines) if not line.lstrip().startswith(("%", "!"))]
    source = "\n".join(line for _, line in kept) + "\n"
    tokens: list[str] = []
    where: list[int] = []
    previous = ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in _SKIP:
                continue
            text = _normal(token, previous)
            previous = token.string
            if text and text not in _GROUPING:
                tokens.append(text)
                where.append(kept[min(token.start[0] - 1, len(kept) - 1)][0] if kept else 0)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return _fallback(kept)
    return tokens, where


def _normal(token: tokenize.TokenInfo, previous: str) -> str:
    if token.type == tokenize.NAME:
        if keyword.iskeyword(token.string) or previous == ".":
            return token.string
        return "N"
    if token.type == tokenize.NUMBER:
        return "0"
    if token.type == tokenize.STRING or token.type in _FSTRING_TYPES:
        return "S"
    if token.type == tokenize.NEWLINE:
        return ";"
    if token.type == tokenize.INDENT:
        return "{"
    if token.type == tokenize.DEDENT:
        return "}"
    return token.string


_FSTRING_TYPES = {getattr(tokenize, name) for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END") if hasattr(tokenize, name)}


def _fallback(kept: list[tuple[int, str]]) -> tuple[list[str], list[int]]:
    """Code Python cannot tokenize (an unclosed string): a plain split, names still abstracted."""
    tokens, where = [], []
    for index, line in kept:
        code = line.split("#", 1)[0]
        for match in _FALLBACK.finditer(code):
            text = match.group(0)
            if text in _GROUPING:
                continue
            name = (text[0].isalpha() or text[0] == "_") and not keyword.iskeyword(text)
            tokens.append("N" if name else "0" if text[0].isdigit() else text)
            where.append(index)
    return tokens, where


def markdown_tokens(lines: list[str]) -> tuple[list[str], list[int]]:
    tokens, where = [], []
    for index, line in enumerate(lines):
        for word in _WORD.findall(line.lower()):
            tokens.append(word)
            where.append(index)
    return tokens, where
