"""Progress bars for long work (ingest) on stderr, shared by the command line and the UI.

``progress_bar()`` returns the ``(stage, done, total)`` callback that ``index.store.build_index``
reports to, and a ``close()`` for the end. One tqdm bar per stage; nothing else.
"""

from __future__ import annotations

import sys
from collections.abc import Callable


def progress_bar(
    label: str = "", leave: bool = True
) -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    """``(update, close)``: one bar per stage, described by the stage and ``label``."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}
    units = {"parse": "file", "embed": "text", "store": "node"}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(
                total=total,
                desc=f"{stage:>6} {label}".rstrip()[:60],
                unit=units.get(stage, "it"),
                file=sys.stderr,
                leave=leave,
            )
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return update, close
