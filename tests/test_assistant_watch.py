"""``footnote watch FOLDER`` (a real process, real files): new, changed and removed articles are
picked up, one line per update; a second watcher of the same index is refused."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from index.store import open_index
from tests.index_fakes import paragraphs, write_article
from tests.live_children import ROOT, Child


def _documents(index: Path, encoder) -> dict[str, int]:
    store = open_index(index, encoder)
    try:
        return {d.id: d.paragraphs for d in store.documents.values()}
    finally:
        store.close()


def _next_update(watch: Child, what: str) -> None:
    before = len(watch.lines)
    line = watch.wait_for(lambda line: " updated: " in line and watch.lines.index(line) >= before, timeout=60)
    assert what in line, line


def test_watch_picks_up_a_new_a_changed_and_a_removed_file(tmp_path, encoder):
    folder = tmp_path / "news"
    folder.mkdir()
    write_article(folder / "harbour.md", "Harbour", paragraphs("harbour", 3))
    index = tmp_path / "index"
    cmd = [sys.executable, "-m", "assistant.cli", "watch", str(folder), "--index-dir", str(index)]
    watch = Child([*cmd, "--debounce", "0.2"])
    try:
        watch.wait_for(lambda line: line.startswith("watching"), timeout=120)
        assert any("updated: 1 added" in line for line in watch.lines)

        second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert second.returncode == 3 and "Another footnote watch" in second.stderr
        assert "Traceback" not in second.stderr

        started = time.monotonic()
        write_article(folder / "budget.md", "Budget", paragraphs("budget", 4))
        _next_update(watch, "1 added, 0 changed, 0 removed")
        picked_up = time.monotonic() - started
        assert _documents(index, encoder) == {"harbour": 3, "budget": 4}

        write_article(folder / "harbour.md", "Harbour", paragraphs("harbour", 5))
        _next_update(watch, "0 added, 1 changed, 0 removed")
        assert _documents(index, encoder) == {"harbour": 5, "budget": 4}

        (folder / "budget.md").unlink()
        (folder / ".notes.md").write_text("hidden files are ignored", encoding="utf-8")
        _next_update(watch, "0 added, 0 changed, 1 removed")
        assert _documents(index, encoder) == {"harbour": 5}
    finally:
        watch.stop()
    updates = [line for line in watch.lines if " updated: " in line]
    assert len(updates) == 4, watch.lines  # one line per update, nothing for the hidden file
    print(f"\nnew file indexed {picked_up:.2f} s after it was written (debounce 0.2 s)")
