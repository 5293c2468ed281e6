"""What the model is shown: the numbered article block, the chat messages, the trimmed history.

``choose_context`` gives the model every paragraph when the whole article (or corpus)
fits the context budget, else the retrieved ones that fit, in reading order. ``article_block``
renders them between ``<article>`` tags as data: ``&``, ``<``, ``>`` and ``¶`` in the
article's text are written as HTML entities, so nothing in an article can close the block,
open a new one or forge a paragraph marker. ``answer_messages`` and ``condense_messages``
render the prompt files strictly. This module sends nothing and checks no answer.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from llama_index.core.base.llms.types import ChatMessage, MessageRole

import prompts

from ..citations import ABSTAIN_TEXT, marker
from ..schema import Passage

# The server's tokeniser is unknown (any local model), so the budget is estimated from
# characters, conservatively for English news text (real tokenisers give about 4).
CHARS_PER_TOKEN = 3.0
PROMPT_OVERHEAD_TOKENS = 950  # system prompt, worked examples, instructions and question


def escape(text: str, quote: bool = False) -> str:
    """Article or user text made inert inside the ``<article>`` block."""
    return html.escape(text, quote=quote).replace("¶", "&para;")


def context_chars(context_window: int, max_tokens: int) -> int:
    """How many characters of article text fit beside the prompt and the reply."""
    return max(1000, int((context_window - max_tokens - PROMPT_OVERHEAD_TOKENS) * CHARS_PER_TOKEN))


def paragraph_line(p: Passage, multi_document: bool) -> str:
    """``[¶N] text [¶N]``: the marker closes the paragraph too, so a model that copies the
    marker written after a sentence copies its own paragraph's, not the next one's."""
    label = marker(p.document, p.number, multi_document)
    return f"{label} {escape(p.text)} {label}"


def block_size(passages: Sequence[Passage], multi_document: bool) -> int:
    return sum(len(paragraph_line(p, multi_document)) + 1 for p in passages)


def choose_context(
    everything: Sequence[Passage], retrieved: Sequence[Passage], budget_chars: int, multi_document: bool
) -> tuple[list[Passage], bool]:
    """(paragraphs to show in reading order, whether that is the whole article)."""
    if everything and block_size(everything, multi_document) <= budget_chars:
        return _reading_order(everything), True
    chosen: list[Passage] = []
    used = 0
    for p in retrieved:  # best first; skip what does not fit
        size = len(paragraph_line(p, multi_document)) + 1
        if used + size <= budget_chars:
            chosen.append(p)
            used += size
    if not chosen and retrieved:  # even the best paragraph is too long: try it anyway
        chosen = [retrieved[0]]
    return _reading_order(chosen), False


def _reading_order(passages: Sequence[Passage]) -> list[Passage]:
    return sorted(passages, key=lambda p: (p.document, p.number))


def article_block(passages: Sequence[Passage], multi_document: bool) -> str:
    """The paragraphs as delimited, numbered data, grouped by document."""
    parts: list[str] = []
    current: str | None = None
    section: str | None = None
    for p in passages:
        if p.document != current:
            if current is not None:
                parts.append("</article>")
            title = f' title="{escape(p.title, quote=True)}"' if p.title else ""
            parts.append(f'<article id="{escape(p.document, quote=True)}"{title}>')
            current, section = p.document, None
        if p.section and p.section != section:
            parts.append(f"({escape(p.section)})")
            section = p.section
        parts.append(paragraph_line(p, multi_document))
    if current is not None:
        parts.append("</article>")
    return "\n".join(parts)


def _example(passages: Sequence[Passage], multi_document: bool) -> str:
    first = passages[0] if passages else None
    return marker(first.document, first.number, multi_document) if first else "[¶1]"


def system_prompt(multi_document: bool, prompts_dir: str | None) -> str:
    """The rules. Their marker example is the worked examples' first (``[¶1]``, or ``[example ¶1]``
    over several articles), never the context's: the same for every question, so a caching server
    reuses the rules and examples even when each question is shown other paragraphs."""
    return prompts.render(
        "system",
        prompts_dir,
        marker_example=marker("example", 1, multi_document),
        abstain_text=ABSTAIN_TEXT,
    )


_EXAMPLE_MARKER = re.compile(r"\[¶(\d+)\]")


def example_messages(multi_document: bool, prompts_dir: str | None) -> list[ChatMessage]:
    """The worked examples (``examples.md``): questions about a made-up article, answered and declined.

    Their ``[¶N]`` markers are written the way this corpus's markers are (``[example ¶N]``
    when several articles are indexed), so the examples show the form the checker reads."""
    roles = {"user": MessageRole.USER, "assistant": MessageRole.ASSISTANT}
    return [
        ChatMessage(
            role=roles[role],
            content=_EXAMPLE_MARKER.sub(lambda m: marker("example", int(m.group(1)), multi_document), text),
        )
        for role, text in prompts.turns("examples", prompts_dir, abstain_text=ABSTAIN_TEXT)
    ]


def answer_messages(
    question: str,
    passages: Sequence[Passage],
    multi_document: bool,
    prompts_dir: str | None,
    overview: bool = False,
) -> list[ChatMessage]:
    """System rules, worked examples, then the article and the question last.

    Everything before the question is the same for every question about the same article,
    so a server that caches prompts (llama.cpp's ``cache_prompt``) reads only the question.
    A request for the whole article's gist (``overview``) asks for its main points, one
    cited sentence each (``overview.md``), where ``answer.md`` asks for one to three."""
    values = {
        "article": article_block(passages, multi_document),
        "question": escape(question),
        "marker_example": _example(passages, multi_document),
    }
    if not overview:
        values["abstain_text"] = ABSTAIN_TEXT
    user = prompts.render("overview" if overview else "answer", prompts_dir, **values)
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=system_prompt(multi_document, prompts_dir)),
        *example_messages(multi_document, prompts_dir),
        ChatMessage(role=MessageRole.USER, content=user),
    ]


def repair_messages(
    messages: Sequence[ChatMessage],
    reply: str,
    passages: Sequence[Passage],
    multi_document: bool,
    prompts_dir: str | None,
) -> list[ChatMessage]:
    """The same conversation, the model's reply, and one short request to cite it (``repair.md``).

    Everything before it is unchanged, so a caching server reads only the reply and the request."""
    request = prompts.render(
        "repair", prompts_dir, marker_example=_example(passages, multi_document), abstain_text=ABSTAIN_TEXT
    )
    return [
        *messages,
        ChatMessage(role=MessageRole.ASSISTANT, content=reply),
        ChatMessage(role=MessageRole.USER, content=request),
    ]


def trim_history(history: Sequence[tuple[str, str]], turns: int, chars: int) -> list[tuple[str, str]]:
    """The most recent ``turns`` exchanges, answers shortened, within ``chars`` in total."""
    kept: list[tuple[str, str]] = []
    used = 0
    for user, bot in reversed(list(history)[-turns:] if turns > 0 else []):
        user, bot = _shorten(str(user), 500), _shorten(str(bot), 600)
        if used + len(user) + len(bot) > chars:
            break
        kept.append((user, bot))
        used += len(user) + len(bot)
    return kept[::-1]


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def condense_messages(
    question: str, history: Sequence[tuple[str, str]], prompts_dir: str | None
) -> list[ChatMessage]:
    lines = []
    for user, bot in history:
        lines += [f"User: {escape(user)}", f"Assistant: {escape(bot)}"]
    text = prompts.render("condense", prompts_dir, history="\n".join(lines), question=escape(question))
    return [ChatMessage(role=MessageRole.USER, content=text)]
