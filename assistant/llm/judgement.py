"""A judge's verdict on a checked LLM answer: kept when a cited quote states the answer, else declined.

``judged(answer, judge)`` asks ``judge`` (``assistant.judge.Judge``: ``probabilities(question,
[(quote, title)])``, ``accepts(p)``, ``label``, ``fallback``) whether each distinct quote of the
answer's supported citations states the answer to the question (a follow-up's standalone
form). When one is accepted the answer is returned with ``checked_by`` and the verdicts; when
none is, it becomes "The article doesn't say." and the quotes it read are listed as
``rejected``, likeliest first, for the UI and CLI to show as "not an answer". A judge that
fails leaves the answer as it was, with a notice (with ``fallback=False`` its error is raised).
The registry gives the LLM backend's judge the threshold ``JUDGE_ACCEPT_AT``. This module checks no citation itself
and sends nothing but what the judge sends.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..citations import ABSTAIN_TEXT
from ..schema import Answer, Citation

# The judge accepts a quote when it says Yes more likely than No: its own decision, set a priori,
# not fitted. (The offline reader's judge threshold, 0.74, was fitted on xquad quotes the reader
# chose; measured on Qwen2.5-Coder-1.5B's answers to the seed suites, not chosen on them: it
# declines 5 more unanswerable questions than 0.5 and turns away 5 more answerable ones, 6 of 70
# against 1: docs/llm.md.)
JUDGE_ACCEPT_AT = 0.5


def judged(answer: Answer, judge: Any) -> Answer:
    quotes: dict[str, Citation] = {}
    for c in answer.citations:
        if c.supported:
            quotes.setdefault(c.quote, c)
    if answer.abstained or not quotes:
        return answer
    asked = answer.standalone_question or answer.question
    try:
        verdicts = judge.probabilities(asked, [(q, c.title) for q, c in quotes.items()])
    except Exception as exc:  # JudgeError (one line): the checked answer stands, unjudged
        if not getattr(judge, "fallback", True):
            raise
        return dataclasses.replace(answer, notice=f"Not checked: {exc}")
    checked = dataclasses.replace(answer, checked_by=judge.label, verdicts=list(verdicts))
    if any(judge.accepts(p) for p in verdicts):
        return checked
    ranked = [c for _, c in sorted(zip(verdicts, quotes.values(), strict=True), key=lambda t: -t[0])]
    return dataclasses.replace(
        checked, text=ABSTAIN_TEXT, citations=[], abstained=True, rejected=ranked, incomplete=False
    )


__all__ = ["JUDGE_ACCEPT_AT", "judged"]
