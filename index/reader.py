"""Find article files, read their bytes and decode them into text, by a stated policy.

Decoding policy: a BOM (UTF-8, UTF-16, UTF-32) is honoured; otherwise UTF-8 is tried
strictly; text that is not UTF-8 but has no control bytes is decoded as Windows-1252
(the usual culprit, a superset of Latin-1 for printable text) with a warning. Bytes that
look binary (NUL bytes or many control characters) are refused. Line endings are
normalised to ``\\n`` so that character offsets are the same on every platform.

This module does not parse the article (see ``parser``).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".text")
MAX_FILE_BYTES = 5_000_000  # documented in the README: a news article is far smaller

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Invisible characters that can hide text from a reader but not from a model.
_HIDDEN = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


class DecodingWarning(UserWarning):
    """A file was decoded with a fallback encoding; some characters may be wrong."""


@dataclass(frozen=True)
class SourceFile:
    """An article file found on disk, with the stable document id it is indexed under."""

    path: Path
    doc_id: str


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "article"


def find_sources(paths: list[str | Path]) -> list[SourceFile]:
    """Expand files and folders into article files, each with a unique document id."""
    if not paths:
        raise SourceError("No sources given: pass at least one article file or folder.")
    files: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise SourceError(f"Source not found: {raw}")
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in supported_suffixes()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise SourceError(
                    f"No article files in {raw} (looked for {', '.join(supported_suffixes())})."
                )
            files.extend(found)
        elif path.suffix.lower() not in supported_suffixes():
            raise SourceError(
                f"Unsupported file type {path.suffix or '(none)'} for {raw}: "
                f"use one of {', '.join(supported_suffixes())}."
            )
        else:
            files.append(path)
    seen: dict[Path, None] = {}
    for f in files:
        seen.setdefault(f.resolve(), None)
    out: list[SourceFile] = []
    used: set[str] = set()
    for f in seen:
        doc_id = slugify(f.stem)
        if doc_id in used:  # same name in another folder: disambiguate stably by path
            import hashlib

            doc_id = f"{doc_id}-{hashlib.sha1(str(f).encode()).hexdigest()[:6]}"
        used.add(doc_id)
        out.append(SourceFile(f, doc_id))
    return out


def supported_suffixes() -> tuple[str, ...]:
    from .html import HTML_SUFFIXES  # HTML support is optional at import time

    return SUPPORTED_SUFFIXES + HTML_SUFFIXES


def decode(data: bytes, name: str = "input") -> str:
    """Decode article bytes by the module's policy; raise ``SourceError`` if not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise SourceError(f"{name} is not valid {encoding} text despite its BOM.") from exc
            break
    else:
        if b"\x00" in data:
            raise SourceError(f"{name} is not a text file (it contains NUL bytes).")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            warnings.warn(
                f"{name} is not UTF-8; decoded it as Windows-1252 (Latin-1).",
                DecodingWarning,
                stacklevel=2,
            )
    if len(_CONTROL.findall(text[:10000])) > max(8, len(text[:10000]) // 100):
        raise SourceError(f"{name} does not look like text (too many control characters).")
    return clean(text)


def clean(text: str) -> str:
    """Normalise line endings and strip hidden text (HTML comments, invisible characters)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _HTML_COMMENT.sub("", text)
    text = _HIDDEN.sub("", text)
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


def read_text(path: Path, name: str | None = None) -> str:
    """Read and decode one article file; refuse empty, huge or binary files clearly."""
    name = name or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceError(f"{name} is too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,}).")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise SourceError(f"Source not found: {name}") from exc
    except IsADirectoryError as exc:
        raise SourceError(f"{name} is a folder, not an article file.") from exc
    except PermissionError as exc:
        raise SourceError(f"Cannot read {name}: permission denied.") from exc
    text = decode(data, name)
    if not text.strip():
        raise SourceError(f"{name} is empty: there is no article text to index.")
    return text
