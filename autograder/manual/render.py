"""Students' cells as inert HTML: Markdown rendered with its raw HTML escaped, code and outputs as text, images inline.

What a student wrote is shown to graders, so nothing of it may run in their browser:
raw HTML in Markdown and ``text/html`` outputs are shown as text, only images travel as
``data:`` URIs, and every page carries a Content-Security-Policy that allows no script
but the page's own (by hash) and no request to anywhere.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import re

import mistune

MAX_OUTPUT_CHARS = 20_000
"""Text kept per output: a cell that printed a flood still fits on the page."""
MAX_IMAGE_BYTES = 5 * 2**20
_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff", "image/gif": b"GIF8"}
_IMAGE_TYPES = tuple(_MAGIC)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ATTACHMENT = re.compile(r"""(src=")attachment:([^"]+)(")""")

_markdown = mistune.create_markdown(
    renderer=mistune.HTMLRenderer(escape=True, allow_harmful_protocols=("attachment:",)),
    plugins=["table", "strikethrough"],
)

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 980px; color: #222; padding: 0 1rem; line-height: 1.45; }
.muted { color: #666; } .prompt { border-left: 4px solid #3b6ea5; padding: 0.2rem 1rem; background: #f6f9fc; }
.rubric { border: 2px solid #c2703d; border-radius: 6px; padding: 0.2rem 1rem; background: #fff8f2; margin: 1rem 0; }
.rubric h2 { color: #a05018; font-size: 1rem; }
.answer { border-top: 1px solid #ccc; margin-top: 1.5rem; padding-top: 0.5rem; }
.answer h3 { margin: 0.3rem 0; } .status { font-size: 0.85rem; padding: 0.1rem 0.4rem; border-radius: 4px; }
.status.answered { background: #e5f3e8; } .status.placeholder, .status.missing { background: #fde8e8; }
pre { background: #f5f5f5; padding: 0.5rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
pre.code { border-left: 3px solid #999; } pre.error { background: #fdecec; }
img { max-width: 100%; } table { border-collapse: collapse; } th, td { border: 1px solid #ddd; padding: 0.2rem 0.5rem; }
"""


def content_security_policy(script: str = "") -> str:
    """No network, no plugins, no script but ``script`` (allowed by its hash)."""
    scripts = f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'" if script else "'none'"
    return f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {scripts}; base-uri 'none'; form-action 'none'"


def page(title: str, body: list[str], script: str = "", extra_style: str = "") -> str:
    e = html.escape
    return "\n".join([
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{e(content_security_policy(script))}\">",
        f"<title>{e(title)}</title><style>{STYLE}{extra_style}</style></head><body>",
        *body,
        f"<script>{script}</script>" if script else "",
        "</body></html>",
    ])


def markdown_html(text: str, attachments: dict | None = None) -> str:
    rendered = str(_markdown(text))
    if attachments:
        rendered = _ATTACHMENT.sub(lambda m: m.group(1) + _attachment_uri(attachments, html.unescape(m.group(2))) + m.group(3), rendered)
    return rendered


def cell_html(cell: dict) -> str:
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    if cell.get("cell_type") == "markdown":
        return f"<div class='markdown'>{markdown_html(source, cell.get('attachments'))}</div>"
    if cell.get("cell_type") == "raw":
        return f"<pre>{html.escape(source)}</pre>"
    parts = [f"<pre class='code'>{html.escape(source)}</pre>"] if source.strip() else []
    parts += [output_html(output) for output in cell.get("outputs", []) or []]
    return "\n".join(part for part in parts if part)


def output_html(output: dict) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return f"<pre>{_text(output.get('text', ''))}</pre>"
    if kind == "error":
        trace = "\n".join(output.get("traceback") or []) or f"{output.get('ename', '')}: {output.get('evalue', '')}"
        return f"<pre class='error'>{_text(trace)}</pre>"
    if kind in ("execute_result", "display_data"):
        data = output.get("data") or {}
        for mime in _IMAGE_TYPES:
            if mime in data:
                return _image(mime, data[mime])
        if "text/plain" in data:
            return f"<pre>{_text(data['text/plain'])}</pre>"
        if "text/markdown" in data:
            return f"<pre>{_text(data['text/markdown'])}</pre>"
    return ""


def _text(value) -> str:
    text = "".join(value) if isinstance(value, list) else str(value)
    text = _ANSI.sub("", text)
    if len(text) > MAX_OUTPUT_CHARS:
        text = text[:MAX_OUTPUT_CHARS] + f"\n[... {len(text) - MAX_OUTPUT_CHARS:,} more characters not shown]"
    return html.escape(text)


def _image(mime: str, payload) -> str:
    uri, problem = image_uri(mime, payload)
    return f"<img alt='output image' src='{uri}'>" if uri else f"<p class='muted'>[{problem}, not shown]</p>"


def image_uri(mime: str, payload) -> tuple[str, str]:
    """A ``data:`` URI for an image output, or "" and why not: too large, not base64, not the image it claims to be."""
    encoded = "".join(payload) if isinstance(payload, list) else str(payload)
    encoded = "".join(encoded.split())
    if len(encoded) * 3 // 4 > MAX_IMAGE_BYTES:
        return "", f"an image of {len(encoded) * 3 // 4 / 2**20:.1f} MB"
    try:
        head = base64.b64decode(encoded[:64], validate=True)
        base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return "", "an image that is not valid base64"
    if not head.startswith(_MAGIC[mime]):  # only what it says it is reaches the browser's decoders
        return "", f"an output claiming to be {mime} that is not one"
    return f"data:{mime};base64,{encoded}", ""


def _attachment_uri(attachments: dict, name: str) -> str:
    bundle = attachments.get(name) or {}
    for mime in _IMAGE_TYPES:
        if mime in bundle:
            uri, _ = image_uri(mime, bundle[mime])
            if uri:
                return html.escape(uri)
    return ""
