"""Where footnote keeps its state and which settings come from the environment.

``FOOTNOTE_HOME`` (default ``~/.footnote``) holds the indexes; one index per set of
sources, named after them. The LLM settings (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``,
``FOOTNOTE_LLM_MODEL``, ...) are read by ``llm_config``. Nothing here is global state:
callers pass these values on explicitly. This module does not open indexes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from index.reader import SourceFile, slugify

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"


def home() -> Path:
    return Path(os.environ.get("FOOTNOTE_HOME") or Path.home() / ".footnote").expanduser()


def default_index_dir(sources: list[SourceFile], roots: list[str | Path] | None = None) -> Path:
    """A stable index location for a set of sources (same files, same index).

    With ``roots`` (the files and folders the user named), the location depends on those
    only, so adding or deleting a file in a folder updates the same index incrementally
    (a folder's index is named after the folder, not after its files, so it does not move
    when the folder goes from one article to two).
    """
    paths = [Path(r).expanduser().resolve() for r in roots] if roots else [s.path.resolve() for s in sources]
    key = "\n".join(sorted(str(p) for p in paths))
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    if len(paths) == 1 and paths[0].is_dir():
        name = slugify(f"{paths[0].name}-corpus")
    else:
        name = slugify(sources[0].doc_id if len(sources) == 1 else f"{sources[0].path.parent.name}-corpus")
    return home() / "indexes" / f"{name[:40]}-{digest}"
