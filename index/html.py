"""Reduce a saved HTML page to its article text, as Markdown-style headings and paragraphs.

Uses ``selectolax`` (the Lexbor HTML5 parser) to walk the DOM: navigation, headers,
footers, scripts, styles, forms and asides are dropped; ``<h1>``-``<h6>`` become
``#`` headings, ``<p>``, ``<li>`` and ``<blockquote>`` become paragraphs, ``<time>`` or
``article:published_time`` becomes the dateline. The result is plain text that
``parser.parse_article`` understands; offsets then refer to this extracted text.
This module does not decide what is boilerplate inside the text (the parser does).
"""

from __future__ import annotations

HTML_SUFFIXES = (".html", ".htm")

_DROP = (
    "script, style, noscript, nav, header, footer, aside, form, iframe, svg, template, button, "
    "dialog, [hidden], [aria-hidden=true]"
)
_INVISIBLE = ("display:none", "visibility:hidden")
_BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, blockquote, pre"


def html_to_text(html: str) -> str:
    """Article text of an HTML page (title as ``# ``, headings as ``## ``)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    date = None
    meta = tree.css_first('meta[property="article:published_time"]')
    if meta is not None:
        date = (meta.attributes.get("content") or "")[:10] or None
    if date is None:
        time = tree.css_first("time")
        if time is not None:
            date = " ".join(time.text(separator=" ").split()) or None
    for node in tree.css(_DROP):
        node.decompose()
    for node in tree.css("[style]"):  # text hidden by inline CSS is hidden from readers too
        style = (node.attributes.get("style") or "").replace(" ", "").lower()
        if any(rule in style for rule in _INVISIBLE):
            node.decompose()
    root = tree.css_first("article") or tree.css_first("main") or tree.body
    if root is None:
        return ""
    out: list[str] = []
    if date:
        out.append(date)
    seen_h1 = False
    title_node = tree.css_first("title")
    for node in root.css(_BLOCKS):
        # Skip blocks nested in another block we already emit (e.g. <p> inside <li>).
        parent, nested = node.parent, False
        while parent is not None and parent is not root:
            if parent.tag in {"p", "li", "blockquote", "pre"}:
                nested = True
                break
            parent = parent.parent
        if nested:
            continue
        text = " ".join(node.text(separator=" ").split())
        if not text:
            continue
        if node.tag == "h1" and not seen_h1:
            out.append(f"# {text}")
            seen_h1 = True
        elif node.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            out.append(f"## {text}")
        else:
            out.append(text)
    if len(out) <= (1 if date else 0) + int(seen_h1):
        # No <p>-like blocks (text laid out in bare <div>s): fall back to its lines of text.
        for line in root.text(separator="\n").splitlines():
            line = " ".join(line.split())
            if line and f"# {line}" not in out:
                out.append(line)
    if not seen_h1 and title_node is not None:
        title = " ".join(title_node.text().split())
        if title:
            out.insert(1 if date else 0, f"# {title}")
    return "\n\n".join(out) + "\n"
