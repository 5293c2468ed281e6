"""One verdict: the judge's prompt for a (question, quote) pair, its request, and the reply read as P(yes).

``prompt`` renders ``prompts/judge.md`` strictly: the article's title, the quote, then the
question, with every value on one line (on 17 xquad fit-article questions, asking with the
question last separated answerable from answer-removed at AUC 1.0 against 0.86 to 0.97 for
three orders that put it first; a server that caches prompt prefixes still reuses the chat
template's fixed start). ``request`` is the
chat-completions body: one reply token at temperature 0, with the top log-probabilities.
``probability`` reads the reply: from the log-probabilities of "Yes" and "No" (spelled any
way the tokenizer spells them) when the server gives them, else from the reply's text
("Yes" 1.0, "No" 0.0), else None (the judge said neither). This module sends nothing and
decides nothing: thresholds live in ``judge``.
"""

from __future__ import annotations

import math
import re
from typing import Any

from prompts import render

TOP_LOGPROBS = 10  # OpenAI allows up to 20; llama.cpp any; "Yes"/"No" are nearly always in the top 3
_YES = frozenset({"yes", "y"})
_NO = frozenset({"no", "n"})
_WORD = re.compile(r"[a-z]+")


def prompt(question: str, quote: str, title: str | None, prompts_dir: str | None = None) -> str:
    """The user message asking whether ``quote`` states the answer to ``question``."""
    return render(
        "judge",
        prompts_dir,
        title=_one_line(title or "(untitled)"),
        question=_one_line(question),
        quote=_one_line(quote),
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def request(model: str, message: str) -> dict[str, Any]:
    """Keyword arguments of ``client.chat.completions.create`` for one verdict."""
    return {
        "model": model,
        "messages": [{"role": "user", "content": message}],
        "max_tokens": 1,
        "temperature": 0,
        "logprobs": True,
        "top_logprobs": TOP_LOGPROBS,
    }


def _kind(token: str) -> str | None:
    """'yes', 'no' or None for a reply token (" Yes", "YES", "no." ...)."""
    words = _WORD.findall(token.lower())
    if len(words) != 1:
        return None
    return "yes" if words[0] in _YES else "no" if words[0] in _NO else None


def from_logprobs(top: list[tuple[str, float]]) -> float | None:
    """P(yes) / (P(yes) + P(no)) over the top tokens, or None when neither is among them."""
    mass = {"yes": 0.0, "no": 0.0}
    for token, logprob in top:
        kind = _kind(token)
        if kind is not None:
            mass[kind] += math.exp(logprob)
    total = mass["yes"] + mass["no"]
    return mass["yes"] / total if total > 0 else None


def from_text(text: str | None) -> float | None:
    """1.0 for a reply starting "Yes", 0.0 for "No", None for anything else."""
    words = _WORD.findall((text or "").lower())
    if not words:
        return None
    return 1.0 if words[0] in _YES else 0.0 if words[0] in _NO else None


def top_logprobs(choice: Any) -> list[tuple[str, float]]:
    """The first reply token's top (token, logprob) pairs from an OpenAI-shaped choice, or []."""
    content = getattr(getattr(choice, "logprobs", None), "content", None) or []
    if not content:
        return []
    first = content[0]
    pairs = [(t.token, float(t.logprob)) for t in (getattr(first, "top_logprobs", None) or [])]
    return pairs or [(first.token, float(first.logprob))]


def probability(choice: Any) -> float | None:
    """P(yes) from one chat-completion choice: log-probabilities first, then the text."""
    p = from_logprobs(top_logprobs(choice))
    return p if p is not None else from_text(getattr(choice.message, "content", None))


__all__ = ["TOP_LOGPROBS", "from_logprobs", "from_text", "probability", "prompt", "request", "top_logprobs"]
