"""HTML for the chat UI: answers with citation chips, the article pane and the status line.

Everything that comes from an article, a user or a model is HTML-escaped here, and the
only markup emitted is the fixed set of tags below: no raw HTML, no images, and the only
links are ``#fn-p-...`` fragments pointing into the article pane. Markdown is never
rendered (the chatbot runs with ``render_markdown=False``), so ``![](http://...)`` or
``[x](javascript:...)`` in a model's reply stays literal text. Gradio's own sanitizer
then runs on top of this (defence in depth).

A citation chip is ``<a class="fn-chip" href="#fn-p-<doc>-<n>~<qs>-<qe>">¶n</a>``: the
fragment names the paragraph's element id and the quote's span in UTF-16 code units
relative to the paragraph text (what JavaScript string offsets count). Gradio's chat
sanitizer drops ``data-*`` attributes but keeps ``href``, ``class`` and ``title``, which
is why the span travels in the fragment. ``assets.HIGHLIGHT_JS`` (one delegated click
handler) scrolls to the paragraph and marks the quote. This module does no I/O and no answering.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Sequence

from index.document import Paragraph, front_matter

from ..citations import MARKER
from ..labels import label, names_documents, titles
from ..schema import Answer, Citation

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def esc(text: object) -> str:
    """HTML-escape any text (quotes included) for element content or attribute values."""
    return html.escape(str(text), quote=True)


def para_id(document: str, number: int) -> str:
    """The element id of a paragraph in the article pane."""
    return f"fn-p-{_ID_UNSAFE.sub('-', document)}-{int(number)}"


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (JavaScript string indices)."""
    return len(text.encode("utf-16-le")) // 2


def quote_span(citation: Citation, paragraph_start: int | None = None) -> tuple[int, int] | None:
    """The quote's (start, end) in UTF-16 units within its paragraph text, if it is valid there."""
    text = citation.paragraph_text
    # Without the paragraph's offset, locate the verbatim quote instead.
    rel = citation.start - paragraph_start if paragraph_start is not None else text.find(citation.quote)
    rel_end = rel + len(citation.quote)
    if rel < 0 or rel_end > len(text) or text[rel:rel_end] != citation.quote:
        found = text.find(citation.quote) if citation.quote else -1
        if found < 0:
            return None
        rel, rel_end = found, found + len(citation.quote)
    start = utf16_len(text[:rel])
    return start, start + utf16_len(text[rel:rel_end])


def chip(citation: Citation, paragraph_start: int | None = None, label: str | None = None) -> str:
    """A clickable citation chip; unsupported citations are styled and labelled as such."""
    span = quote_span(citation, paragraph_start)
    target = para_id(citation.document, citation.paragraph)
    href = f"#{target}~{span[0]}-{span[1]}" if span else f"#{target}"
    classes = "fn-chip" if citation.supported else "fn-chip fn-unsupported"
    title = f"{citation.title or citation.document} {citation.label}: “{citation.quote}”"
    if not citation.supported:
        title = f"Not supported: this quote does not back the claim. {title}"
    return (
        f'<a class="{classes}" href="{esc(href)}" title="{esc(_clip(title, 300))}">'
        f"{esc(label or citation.label)}</a>"
    )


def paragraph_chip(document: str, number: int, title: str = "", text: str | None = None) -> str:
    """A chip that just points at a paragraph (used for the passages an abstention considered);
    ``text`` is its label (default ``¶N``)."""
    return (
        f'<a class="fn-chip fn-considered" href="#{esc(para_id(document, number))}" '
        f'title="{esc(_clip(title, 300))}">{esc(text or f"¶{int(number)}")}</a>'
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def answer_html(answer: Answer, starts: dict[tuple[str, int], int] | None = None) -> str:
    """An answer as chat-bubble HTML: text with inline chips, then any problems found."""
    starts = starts or {}
    if answer.abstained:
        return abstention_html(answer)
    known = titles(answer)  # over several articles a chip shows the title: "Kim and Putin… ¶3"
    remaining = list(answer.citations)
    out: list[str] = []
    pos = 0
    for m in MARKER.finditer(answer.text):
        out.append(esc(answer.text[pos : m.start()]))
        pos = m.end()
        doc, number = m.group(1), int(m.group(2))
        match = next(
            (c for c in remaining if c.paragraph == number and (doc is None or c.document == doc)),
            None,
        )
        if match is None:  # a marker whose citation was removed by verification
            out.append(
                f'<span class="fn-chip fn-removed" title="Removed: no verbatim quote backs this">'
                f"{esc(label(doc, number, known))}</span>"
            )
            continue
        remaining.remove(match)
        out.append(chip(match, starts.get((match.document, match.paragraph)), label(doc, number, known)))
    out.append(esc(answer.text[pos:]))
    # The short answer in bold before the evidence sentence, when the backend found one.
    short = f'<strong class="fn-short">{esc(answer.short)}</strong> — ' if answer.short else ""
    body = f'<div class="fn-answer">{short}{"".join(out)}</div>'
    extra = []
    if remaining:  # cited but not marked inline: still show them
        named = names_documents(answer)
        chips = " ".join(
            chip(
                c,
                starts.get((c.document, c.paragraph)),
                label(c.document if named else None, c.paragraph, known),
            )
            for c in remaining
        )
        extra.append(f'<div class="fn-sources">Sources: {chips}</div>')
    if answer.unsupported:
        labels = ", ".join(esc(c.label) for c in answer.unsupported)
        extra.append(
            f'<div class="fn-warning">Not supported by its quote: {labels}. '
            "Treat these claims with care.</div>"
        )
    if answer.removed_citations:
        items = "".join(f"<li>{esc(r)}</li>" for r in answer.removed_citations)
        extra.append(f'<div class="fn-warning">Citations removed by the check:<ul>{items}</ul></div>')
    if answer.incomplete:
        extra.append('<div class="fn-warning">The answer was cut off before it finished.</div>')
    if answer.checked_by:
        extra.append(f'<div class="fn-checked">Checked by {esc(answer.checked_by)}.</div>')
    if answer.notice:
        extra.append(f'<div class="fn-notice">{esc(answer.notice)}</div>')
    return body + "".join(extra)


def abstention_html(answer: Answer) -> str:
    """'The article doesn't say', visibly different, with the closest paragraphs considered."""
    near, known = answer.passages[:5], titles(answer)
    several = len({p.document for p in near}) > 1
    considered = " ".join(
        paragraph_chip(
            p.document, p.number, _clip(p.text, 200), label(p.document if several else None, p.number, known)
        )
        for p in near
    )
    more = (
        f'<div class="fn-considered-list">Closest paragraphs considered: {considered}</div>'
        if considered
        else ""
    )
    notice = f'<div class="fn-notice">{esc(answer.notice)}</div>' if answer.notice else ""
    return (
        f'<div class="fn-abstain"><span class="fn-abstain-icon" aria-hidden="true">∅</span> '
        f"{esc(answer.text)}</div>{_not_an_answer(answer, known, several)}{more}{notice}"
    )


def _not_an_answer(answer: Answer, known: dict[str, str], several: bool) -> str:
    """A judged decline: the closest passage the judge read, marked as not an answer."""
    if not answer.rejected:
        return ""
    c = answer.rejected[0]
    where = label(c.document if several else None, c.paragraph, known)
    checker = f" (checked by {esc(answer.checked_by)})" if answer.checked_by else ""
    return (
        f'<div class="fn-not-answer">Closest passage, not an answer{checker}: '
        f"{paragraph_chip(c.document, c.paragraph, _clip(c.paragraph_text, 200), where)} "
        f"<q>{esc(c.quote)}</q></div>"
    )


def pending_html(text: str) -> str:
    """A partly streamed answer (markers still plain text)."""
    return f'<div class="fn-answer fn-streaming">{esc(text)}<span class="fn-cursor">▍</span></div>'


def user_html(question: str) -> str:
    return esc(question)


def _marks(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Paragraph text with the (code point) spans wrapped in ``<mark class="fn-quote">``."""
    bounds = sorted({0, len(text), *(b for s in spans for b in s if 0 <= b <= len(text))})
    out = []
    for a, b in itertools.pairwise(bounds):
        piece = esc(text[a:b])
        if any(s <= a and b <= e for s, e in spans):
            out.append(f'<mark class="fn-quote">{piece}</mark>')
        else:
            out.append(piece)
    return "".join(out)


def _front_html(
    doc_id: str,
    title: str | None,
    date: str | None,
    front: Paragraph | None,
    cited: dict[tuple[str, int], list[tuple[int, int]]],
    weak: set[tuple[str, int]],
) -> str:
    """Title and dateline as ¶0 (citable like a paragraph): one ``.fn-text`` piece per line."""
    if front is None:
        return f'<h2 class="fn-title">{esc(doc_id)}</h2>'
    key = (doc_id, 0)
    spans = cited.get(key, [])
    data = ",".join(f"{utf16_len(front.text[:s])}-{utf16_len(front.text[:e])}" for s, e in spans)
    classes = "fn-para fn-front" + (" fn-cited" if key in cited else "") + (" fn-weak" if key in weak else "")
    pieces, base = [], 0
    for line, tag, cls in ((title, "h2", "fn-title"), (date, "div", "fn-date")):
        if not line:
            continue
        local = [(max(s - base, 0), min(e - base, len(line))) for s, e in spans]
        marked = _marks(line, [(s, e) for s, e in local if s < e])
        pieces.append(f'<{tag} class="{cls}"><span class="fn-text">{marked}</span></{tag}>')
        base += len(line) + 1
    heading = "" if title else f'<h2 class="fn-title">{esc(doc_id)}</h2>'
    return f'{heading}<div class="{classes}" id="{para_id(doc_id, 0)}" data-quotes="{data}">{"".join(pieces)}</div>'


def article_html(
    documents: Iterable[tuple[str, str | None, str | None]],
    paragraphs: Sequence[Paragraph],
    answer: Answer | None = None,
) -> str:
    """The article pane: title, date, section headings and every paragraph with its ¶ number.

    ``documents`` are (id, title, date) triples; paragraphs cited by ``answer`` get the
    ``fn-cited`` class and their quotes are marked.
    """
    cited: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for c in answer.citations if answer is not None else []:
        cited.setdefault((c.document, c.paragraph), [])
    supported = {(c.document, c.paragraph) for c in (answer.citations if answer else []) if c.supported}
    weak = {(c.document, c.paragraph) for c in (answer.citations if answer else [])} - supported
    documents = list(documents)
    by_doc: dict[str, list[Paragraph]] = {}
    for p in paragraphs:
        by_doc.setdefault(p.document, []).append(p)
    fronts = {d: front_matter(d, title, date) for d, title, date in documents}
    if answer is not None:
        for c in answer.citations:
            candidates = [*by_doc.get(c.document, []), fronts.get(c.document)]
            para = next((p for p in candidates if p is not None and p.number == c.paragraph), None)
            if para is None:
                continue
            rel = c.start - para.start
            if rel >= 0 and para.text[rel : rel + len(c.quote)] == c.quote:
                cited[(c.document, c.paragraph)].append((rel, rel + len(c.quote)))
    parts = ['<div class="fn-article-pane">']
    for doc_id, title, date in documents:
        parts.append(f'<article class="fn-doc" id="fn-doc-{esc(_ID_UNSAFE.sub("-", doc_id))}">')
        parts.append(_front_html(doc_id, title, date, fronts[doc_id], cited, weak))
        section: str | None = None
        for p in by_doc.get(doc_id, []):
            if p.section and p.section != section:
                parts.append(f'<h3 class="fn-section">{esc(p.section)}</h3>')
            section = p.section
            key = (p.document, p.number)
            pid = para_id(p.document, p.number)
            spans = cited.get(key, [])
            data = ",".join(f"{utf16_len(p.text[:s])}-{utf16_len(p.text[:e])}" for s, e in spans)
            classes, badge = "fn-para", ""
            if key in cited and key in weak:  # cited only by quotes that do not support the claim
                classes = "fn-para fn-cited fn-weak"
                badge = '<span class="fn-cited-badge fn-weak-badge">unsupported</span>'
            elif key in cited:
                classes = "fn-para fn-cited"
                badge = '<span class="fn-cited-badge">cited</span>'
            parts.append(
                f'<p class="{classes}" id="{pid}" data-quotes="{data}">'
                f'<a class="fn-num" href="#{pid}">¶{p.number}</a>{badge} '
                f'<span class="fn-text">{_marks(p.text, spans)}</span></p>'
            )
        parts.append("</article>")
    parts.append("</div>")
    return "".join(parts)


def status_html(label: str, answer: Answer | None = None, seconds: float | None = None) -> str:
    """The status line: which backend answered, how long it took, and any fallback notice."""
    if answer is None:
        text = f"Ready · answers by <b>{esc(label)}</b>"
    else:
        backend = "offline extractive" if answer.backend == "extractive" else answer.backend
        took = f" in {seconds:.1f} s" if seconds is not None else ""
        kind = "abstained" if answer.abstained else f"{len(answer.citations)} citation(s)"
        text = f"Answered by <b>{esc(backend)}</b>{took} · {kind}"
        if answer.checked_by:
            text += f" · checked by <b>{esc(answer.checked_by)}</b>"
        if answer.notice:
            text += f' · <span class="fn-notice">{esc(answer.notice)}</span>'
    return f'<div class="fn-status">{text}</div>'


def message_html(kind: str, text: str) -> str:
    """A short notice (``ok``, ``error`` or ``info``) such as an upload result."""
    return f'<div class="fn-msg fn-msg-{esc(kind)}">{esc(text)}</div>'


# One delegated click handler: a chip's fragment names the paragraph and the quote's span.
# Repainting rebuilds the paragraph text from text nodes only (never innerHTML), keeping the
# latest answer's quotes (data-quotes) marked and the clicked quote focused.
