"""What the model's text and the article may not smuggle through: markup, leaks, instructions.

``sanitize`` removes Markdown images, link targets, HTML tags, script/style blocks and the
``<think>`` blocks of reasoning models from a model's reply. ``LeakGuard`` recognises text
that repeats the system prompt (a canary-like token, six words in a row) or contains a
secret such as the API key. ``is_instruction`` spots article sentences that address the
assistant ("ignore previous instructions ..."), which must never count as support. This
module does not score support (see ``support``) and does not call the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..lexicon import fold

_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"  # a link target, one level of nested parentheses
_IMAGE = re.compile(r"!\[[^\]\n]*\]" + _TARGET)
_LINK = re.compile(r"\[([^\]\n¶]*)\]" + _TARGET)
# Script/style blocks, and the <think> blocks reasoning models (e.g. via Ollama) put first.
_SCRIPT = re.compile(r"<(script|style|think)\b.*?(?:</\1\s*>|$)", re.I | re.S)
_TAG = re.compile(r"</?[A-Za-z!][^<>\n]*(?:>|$)")
_SCHEME = re.compile(r"\b(?:javascript|vbscript|data):\S*", re.I)
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?]{0,60}\b(?:instructions?|prompts?|rules|directions)\b|"
    r"\bsystem prompt\b|\byou are now\b|\bnew instructions\b|\b(?:reply|respond|answer)\s+(?:only\s+)?with\b",
    re.I,
)


def is_instruction(sentence: str) -> bool:
    """Does an article sentence talk to the assistant rather than report something?"""
    return bool(_INSTRUCTION.search(sentence))


def sanitize(text: str) -> str:
    """The model's text without Markdown images, link targets and HTML tags.

    By hand: answers are plain text, so markup is removed outright rather than cleaned into
    safe HTML (an HTML sanitiser would keep it); the UI and CLI still escape what is left.
    """
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _SCRIPT.sub("", text)
    text = _TAG.sub("", text)
    return _SCHEME.sub("", text)


class LeakGuard:
    """Recognises text that repeats the system prompt or contains a secret."""

    def __init__(self, prompt: str, secrets: Sequence[str], allowed: str) -> None:
        allowed_folded = fold(allowed)
        allowed_words = " " + " ".join(re.findall(r"\w+", allowed_folded)) + " "
        self.secrets = [s for s in secrets if s]
        self.tokens = {
            t.lower()
            for t in re.findall(r"[A-Za-z0-9][A-Za-z0-9_-]{5,}", prompt)
            if re.search(r"\d", t) and t.lower() not in allowed_folded
        }
        words = re.findall(r"\w+", fold(prompt))
        self.shingles = {
            " ".join(words[i : i + 6])
            for i in range(len(words) - 5)
            if f" {' '.join(words[i : i + 6])} " not in allowed_words
        }

    def leaks(self, text: str) -> bool:
        if any(s in text for s in self.secrets):
            return True
        folded = fold(text)
        if any(t in folded for t in self.tokens):
            return True
        words = " " + " ".join(re.findall(r"\w+", folded)) + " "
        return any(f" {s} " in words for s in self.shingles)

    def redact(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, "[redacted]")
        return text
