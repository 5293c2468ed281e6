"""The offline backend's conversation policies around the reader: ``ask`` and ``stream``.

``Reader.answer(question, passages)`` answers from passages it is given. A conversation asks
more of it, and those policies live here, not in the composer:

- a question naming something the indexed text never mentions is declined, with the name;
- a two-part question ("Where will they meet, and when?") is answered half by half;
- a follow-up ("And who reported that?") retrieves with the previous turn, from the article(s)
  the previous answer cited unless it names another article's subject, and one asking for
  "something else" never repeats what the previous answer quoted;
- a question the article seems not to answer on its own is retried as a standalone question;
- a question about the whole article ("summarize it") gets its title and central sentences
  (``overview``); one about the article itself ("When was this published?", "Who wrote it?")
  is answered from its title, dateline or byline, or declined (``metadata``).

It does not retrieve by itself (it is handed the retriever) or verify citations.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from ..asking import is_overview
from ..backend import History, words
from ..citations import ABSTAIN_TEXT
from ..condense import fallback, is_follow_up, retrieval_query, split_compound, without_markers
from ..schema import Answer, Passage
from .articles import cited_articles, moves_on
from .gate import unknown_names
from .metadata import metadata_answer, metadata_field
from .overview import article_in_question, overview
from .reader import Reader

# "Could it be moved somewhere else?", "Who else…", "What other…": a follow-up that asks
# for more than the previous answer said, so repeating it is no answer.
_ELSE = re.compile(r"\b(else|other|others|another|besides|apart from|instead)\b", re.I)
_DECLINED = ABSTAIN_TEXT.rstrip(".") + ":"  # "The article doesn't say: it never mentions X."


class ExtractiveBackend(Reader):
    """The offline reader with its policies for names, two-part questions and follow-ups."""

    label = "offline extractive"

    def ask(self, question: str, history: History, retriever: Any) -> Answer:
        if is_overview(question):
            summary = overview(
                question, history, retriever, multi_document=self.multi_document, backend=self.name
            )
            if summary is not None:
                return summary
        field = metadata_field(question)
        document = article_in_question(question, history, retriever) if field else None
        if field and document:
            return metadata_answer(
                question, field, document, retriever, multi_document=self.multi_document, backend=self.name
            )
        parts = split_compound(question)
        if len(parts) == 2:
            return self._compound(question, parts, history, retriever)
        return self._single(question, history, retriever)

    def stream(self, question: str, history: History, retriever: Any) -> Iterator[str | Answer]:
        yield from words(self.ask(question, history, retriever))

    def _compound(self, question: str, parts: list[str], history: History, retriever: Any) -> Answer:
        """Answer each half of a two-part question; the second may lean on the first."""
        first = self._single(parts[0], history, retriever)
        second = self._single(parts[1], [*history, (parts[0], first.text)], retriever)
        answers = [a for a in (first, second) if not a.abstained]
        if len(answers) == 1 and any(_declined_names(a) for a in (first, second)):
            # "Where will they meet, and how did Beijing respond?": answer the half the
            # article covers and say which name the other half asks about in vain.
            declined = first if first.abstained else second
            return dataclasses.replace(
                answers[0], question=question, text=f"{answers[0].text} {declined.text}"
            )
        if len(answers) < 2:
            whole = self._single(question, history, retriever)
            return whole if whole.abstained or not answers else answers[0]
        citations, seen = [], set()
        for c in first.citations + second.citations:
            if (c.document, c.paragraph, c.quote) not in seen:
                seen.add((c.document, c.paragraph, c.quote))
                citations.append(c)
        return dataclasses.replace(
            first,
            question=question,
            text=first.text if second.text in first.text else f"{first.text} {second.text}",
            citations=citations,
            passages=first.passages + [p for p in second.passages if p not in first.passages],
            confidence=min(first.confidence or 0.0, second.confidence or 0.0),
            short=None,  # two answers have no one short answer
        )

    def _single(self, question: str, history: History, retriever: Any) -> Answer:
        missing = unknown_names(question, retriever.speller)
        if missing:
            # The question names what the indexed text never mentions: say so, do not guess.
            what = "none of the articles mentions" if self.multi_document else "it never mentions"
            return dataclasses.replace(
                self.answer(question, []),
                text=f"{_DECLINED} {what} {_and(missing)}.",
                passages=retriever.retrieve(question),
            )
        if history and is_follow_up(question):
            # "And who reported that?" leans on the previous turn: retrieve with it, score
            # sentences against the follow-up (or, failing that, both questions).
            # Over several articles it stays with the one(s) the previous answer cited,
            # unless it names another article's subject (``articles``).
            previous = cited_articles(history[-1][1], retriever.store.documents)
            within = previous if previous and not moves_on(question, previous, retriever) else None
            passages = retriever.retrieve(retrieval_query(question, history), within=within)
            told = _told(passages, history) if _ELSE.search(question) else frozenset()
            answer = self.answer(question, passages, avoid=told)
            if answer.abstained:
                answer = self.answer(fallback(question, history), passages, avoid=told)
            return dataclasses.replace(
                answer, question=question, standalone_question=fallback(question, history)
            )
        answer = self.answer(question, retriever.retrieve(question))
        if answer.abstained and history:
            standalone = fallback(question, history)
            retry = self.answer(question, retriever.retrieve(standalone))
            if not retry.abstained:
                answer = dataclasses.replace(retry, standalone_question=standalone)
        return answer


def _declined_names(answer: Answer) -> bool:
    return answer.abstained and answer.text.startswith(_DECLINED)


def _told(passages: list[Passage], history: History) -> frozenset[str]:
    """Sentences of ``passages`` that the previous answer already quoted."""
    previous = without_markers(history[-1][1])
    return frozenset(s.text for p in passages for s in p.paragraph.sentences if s.text in previous)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
