"""The prompt files (``system.md``, ``examples.md``, ``answer.md``, ``overview.md``, ``repair.md``,
``condense.md``, ``judge.md``) and their strict renderer.

Prompts are plain text files shipped as package data and read with ``importlib.resources``;
``render`` fills ``{name}`` placeholders with LlamaIndex's ``PromptTemplate`` and raises
``PromptError`` when a placeholder has no value or a value has no placeholder, so a typo
in a prompt file fails loudly instead of sending a half-filled prompt. A directory given
as ``override_dir`` (``FOOTNOTE_PROMPTS_DIR``) is searched first, so users can adapt the
wording without editing the package. ``turns`` reads a rendered prompt written as a
conversation (``## user`` / ``## assistant`` headings, as ``examples.md``) into its turns.
This module does not decide what goes into a prompt.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

NAMES = ("system", "examples", "answer", "overview", "repair", "condense", "judge")
ROLES = ("user", "assistant")


class PromptError(ValueError):
    """A prompt file is missing, or its placeholders do not match the values given."""


def load(name: str, override_dir: str | Path | None = None) -> str:
    """The text of prompt ``name`` (from ``override_dir`` when it has that file)."""
    if name not in NAMES:
        raise PromptError(f"Unknown prompt {name!r}; expected one of {', '.join(NAMES)}.")
    if override_dir:
        custom = Path(override_dir).expanduser() / f"{name}.md"
        if custom.is_file():
            return custom.read_text(encoding="utf-8")
    return resources.files(__name__).joinpath(f"{name}.md").read_text(encoding="utf-8")


def render(name: str, override_dir: str | Path | None = None, /, **values: str) -> str:
    """Prompt ``name`` with every ``{placeholder}`` filled from ``values``, strictly."""
    from llama_index.core.prompts import PromptTemplate

    template = PromptTemplate(load(name, override_dir))
    wanted = set(template.template_vars)
    missing, unused = wanted - values.keys(), values.keys() - wanted
    if missing or unused:
        raise PromptError(
            f"Prompt {name!r}: no value for {sorted(missing)}; no placeholder for {sorted(unused)}."
        )
    return template.format(**values)


def turns(name: str, override_dir: str | Path | None = None, /, **values: str) -> list[tuple[str, str]]:
    """Prompt ``name`` rendered strictly and read as ``(role, text)`` turns.

    Each turn opens with a line ``## user`` or ``## assistant``; text before the first
    heading, an unknown role, an empty turn or two turns of one role in a row is an error."""
    text = render(name, override_dir, **values)
    parts = re.split(r"^## (\S+)[ \t]*$", text, flags=re.M)
    if parts[0].strip():
        raise PromptError(f"Prompt {name!r}: text before the first '## user' heading.")
    out: list[tuple[str, str]] = []
    for role, body in zip(parts[1::2], parts[2::2], strict=True):
        if role not in ROLES:
            raise PromptError(f"Prompt {name!r}: unknown role {role!r}; expected one of {', '.join(ROLES)}.")
        if not body.strip():
            raise PromptError(f"Prompt {name!r}: an empty '{role}' turn.")
        if out and out[-1][0] == role:
            raise PromptError(f"Prompt {name!r}: two '{role}' turns in a row.")
        out.append((role, body.strip()))
    if out and out[-1][0] != "assistant":
        raise PromptError(f"Prompt {name!r}: the last turn must be the assistant's.")
    return out


__all__ = ["NAMES", "ROLES", "PromptError", "load", "render", "turns"]
