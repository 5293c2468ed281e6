"""The citation forms and declines models actually write, read into footnote's canonical forms.

``canonical_markers`` rewrites the ways a model points at paragraphs into the canonical
markers ``[¶N]`` (``[doc ¶N]`` with a document id): ``[3]``, ``[2, 5]``, ``(¶3)``,
``[¶2, ¶5]``, ``(¶¶2-3)``, ``(paragraph 3)``, ``[paragraphs 2 and 5]``, a bare ``¶ 3`` or
``paragraph 3`` in the prose, and lead-ins such as "According to paragraph 3, X." or
"Paragraph 3 says that X." (the marker then goes to the end of the sentence). Numbers that
are not paragraph pointers are left alone: "3 days", "in 2019", "(3)" and "[sic]" are
prose (round brackets need a ¶ or the word "paragraph"; numbers have at most 3 digits).
``is_decline`` recognises a sentence saying the article does not answer ("does not
mention", "no information", "not specified in the article"...), but not a hedge about the
previous sentence ("This is not mentioned in the article"). This module does not resolve
paragraph numbers or score support (see ``support``).
"""

from __future__ import annotations

import re

from ..citations import MARKER

_KEYWORD = r"(?:¶+|paragraphs?\b|paras?\b\.?|p\.)"
_NUM = r"\d{1,3}(?!\d)"
_RANGE = re.compile(r"(\d{1,3})\s*(?:-|–|—|to)\s*(?:¶+\s*|paragraphs?\s+)?(\d{1,3})$")
_WORDS_NOT_IDS = frozenset(
    [
        "see",
        "in",
        "from",
        "cf",
        "cf.",
        "source",
        "sources",
        "per",
        "at",
        "and",
        "or",
        "also",
        "the",
        "a",
        "an",
        "ref",
        "refs",
    ]
)
_BRACKETS = re.compile(r"\s*([\[(])([^\[\]()\n]{1,160})([\])])")
_ITEM = re.compile(
    rf"^(?:(?!(?:paragraphs?|paras?)\b)(?P<doc>[\w.-]*[A-Za-z][\w.-]*)\s+)?(?P<kw>{_KEYWORD})?\s*"
    rf"(?P<a>{_NUM})(?:\s*(?:-|–|—|to)\s*(?:¶+\s*|paragraphs?\s+)?(?P<b>{_NUM}))?$",
    re.I,
)
_DOC_COMMA = re.compile(r"([A-Za-z][\w.-]*)\s*[,:]\s*(?=¶|paragraph|para)", re.I)
_SPLIT = re.compile(r"\s*(?:[,;&]|\band\b)\s*", re.I)
_NUMS = rf"{_NUM}(?:\s*(?:,|;|&|\band\b|-|–|—|\bto\b)\s*(?:¶+\s*)?{_NUM})*"
# "paragraph 3 of the law" names another text's paragraph: not a pointer into the article.
_BARE = re.compile(rf"(?:\s*[,;:])?\s*(?:¶+\s*|\b(?:paragraphs?|paras?\.?)\s+)({_NUMS})\b(?!\s+of\b)", re.I)
_LEAD_IN = re.compile(
    rf"(?:(?<=^)|(?<=[.!?…]\s))(?:according to|as (?:stated|mentioned|noted|said|reported) in|"
    rf"in|from|see)\s+(?:¶+\s*|paragraphs?\s+)({_NUMS})\s*(?:,|:)?\s*"
    rf"(?:the (?:article|text) (?:says|states|notes|reports|mentions)(?: that)?\s+)?([^.!?…\n]+[.!?…])",
    re.I,
)
_SAYS = re.compile(
    rf"(?:(?<=^)|(?<=[.!?…]\s))(?:¶+\s*|paragraphs?\s+)({_NUMS})\s+"
    rf"(?:says|states|notes|reports|mentions|explains|tells us)(?: that)?\s*,?\s*([^.!?…\n]+[.!?…])",
    re.I,
)
_MAX_RANGE = 12

_ARTICLE = r"(?:the |this )?(?:article|text|context|passage|story|report|source|document)s?"
_VERBS = (
    r"(?:say|mention|state|specify|answer|contain|provide|include|tell|discuss|give|address|"
    r"indicate|reveal|report|identify|name|describe|explain|detail|list)"
)
# A decline is about the article (or the speaker), never about the world: "Weapons were not
# given to Russia" or "There is no indication that Putin will attend" are claims to check.
_DECLINE = re.compile(
    rf"\b(?:{_ARTICLE}|it) (?:does|do|did)(?: not|n[’']t) (?:\w+ )?{_VERBS}|"
    rf"\b(?:{_ARTICLE}|it) (?:is|was) (?:silent|unclear)|"
    rf"^\W*(?:there (?:is|was) )?no (?:information|mention|details?|data|answer)\b|"
    rf"\bno (?:information|mention|details?|data|answer)\b.*\b(?:in|from|by) {_ARTICLE}\b|"
    rf"\bnot (?:\w+ )?(?:mentioned|stated|specified|provided|given|discussed|included|addressed|reported|"
    rf"explained|described|answered) (?:in|by) {_ARTICLE}\b|"
    rf"\b(?:is|are|was|were) not (?:\w+ )?(?:mentioned|stated|specified)\W*$|"
    rf"\b(?:i|we) (?:do not|don[’']t|cannot|can[’']t|could not|couldn[’']t) "
    rf"(?:know|answer|find|tell|say|determine)\b|"
    rf"\b(?:cannot|can[’']t|unable to) (?:be )?(?:answer|answered|determine|determined)\b.*"
    rf"\b(?:from|in|based on) {_ARTICLE}\b",
    re.I,
)
# "This is a detail that is not mentioned in the article": about the sentence before, not the question.
_HEDGE = re.compile(r"^\W*(?:this|that|these|those|which)\b(?! article| text| passage)", re.I)


def _numbers(first: str, last: str | None) -> list[int]:
    a = int(first)
    b = int(last) if last else a
    if b < a or b - a > _MAX_RANGE:
        return [a] if last is None or b < a else [a, b]
    return list(range(a, b + 1))


def _labels(items: list[tuple[str | None, int]]) -> str:
    out: list[str] = []
    for doc, n in items:
        label = f"[{doc} ¶{n}]" if doc else f"[¶{n}]"
        if label not in out:
            out.append(label)
    return "".join(out)


def _list(text: str, square: bool) -> str | None:
    """Markers for a bracket's content when it is a list of paragraph pointers, else None."""
    items: list[tuple[str | None, int]] = []
    doc: str | None = None
    keyword = False
    for part in _SPLIT.split(_DOC_COMMA.sub(r"\1 ", text.strip())):
        m = _ITEM.match(part.strip())
        if not m:
            return None
        if m.group("doc") and m.group("doc").lower() not in _WORDS_NOT_IDS:
            doc = m.group("doc")
        elif m.group("doc") and not m.group("kw"):
            return None  # "(in 3)" is prose, not a pointer
        keyword = keyword or bool(m.group("kw"))
        items += [(doc, n) for n in _numbers(m.group("a"), m.group("b"))]
    if not items or not (keyword or square):
        return None
    return _labels(items)


def _bare(numbers: str) -> str:
    items: list[tuple[str | None, int]] = []
    for part in _SPLIT.split(numbers):
        m = _RANGE.match(part.strip().lstrip("¶").strip())
        if m:
            items += [(None, n) for n in _numbers(m.group(1), m.group(2))]
        elif part.strip().lstrip("¶").strip().isdigit():
            items.append((None, int(part.strip().lstrip("¶").strip())))
    return _labels(items)


def _end_with(sentence: str, labels: str) -> str:
    sentence = sentence[0].upper() + sentence[1:]
    return f"{sentence[:-1].rstrip()} {labels}{sentence[-1]}"


def canonical_markers(text: str) -> str:
    """``text`` with every recognised paragraph pointer written as ``[¶N]`` / ``[doc ¶N]``."""
    text = _LEAD_IN.sub(lambda m: _end_with(m.group(2), _bare(m.group(1))), text)
    text = _SAYS.sub(lambda m: _end_with(m.group(2), _bare(m.group(1))), text)

    def group(m: re.Match[str]) -> str:
        if MARKER.fullmatch(m.group(0).strip()):
            return m.group(0)
        square = m.group(1) == "[" and m.group(3) == "]"
        labels = _list(m.group(2), square)
        return m.group(0) if labels is None else " " + labels

    text = _BRACKETS.sub(group, text)
    # Bare pointers in the prose, outside the canonical markers now in the text.
    pieces = re.split(f"({MARKER.pattern})", text)
    out = []
    for i, piece in enumerate(pieces):
        if i % 4 == 0:  # the text between markers (re.split also returns the two inner groups)
            out.append(_BARE.sub(lambda m: " " + _bare(m.group(1)), piece))
        elif i % 4 == 1:
            out.append(piece)
    return "".join(out)


def is_decline(sentence: str) -> bool:
    """Does ``sentence`` say the article does not answer (and is not a hedge about the one before)?"""
    return bool(_DECLINE.search(sentence)) and not _HEDGE.search(sentence)
