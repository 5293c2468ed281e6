"""The README's Python example is a promise: run it as written and compare what it prints.

The code block under "## Python" is executed in a fresh interpreter from the project root
(``FOOTNOTE_HOME`` in the test's ``tmp_path``, so the seed article is indexed from scratch, as
on a new machine), and its output must equal the block after "Output:" line for line.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def blocks() -> tuple[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    output = re.search(r"Output:\s*\n+```\n(.*?)```", section, re.S).group(1)
    return code, output


@pytest.mark.slow
def test_the_python_example_prints_what_the_readme_shows(tmp_path):
    code, expected = blocks()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FOOTNOTE_"))
    }  # the example's default backend: offline
    env["FOOTNOTE_HOME"] = str(tmp_path / "home")
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines() == expected.splitlines()
