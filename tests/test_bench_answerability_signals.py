"""``bench/answerability_signals.py``: its AUC, and a run over a real suite with the shipped reader."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PATH = Path(__file__).resolve().parent.parent / "bench" / "answerability_signals.py"
_spec = importlib.util.spec_from_file_location("answerability_signals", _PATH)
signals = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(signals)


def test_auc_is_the_chance_an_answerable_question_scores_higher_with_ties_counting_half():
    assert signals.auc([3.0, 4.0], [1.0, 2.0]) == 1.0
    assert signals.auc([1.0, 2.0], [3.0, 4.0]) == 0.0
    assert signals.auc([1.0, 3.0], [2.0]) == 0.5
    assert signals.auc([2.0], [2.0]) == 0.5


def test_the_seed_suite_gets_one_auc_per_signal(capsys):
    assert signals.main(["seed"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("seed "))
    answerable, _, unanswerable = row.split()[1:4]
    assert int(answerable) > 0 and int(unanswerable) > 0
    aucs = [float(v) for v in row.split()[4:]]
    assert len(aucs) == 2 and all(0.0 <= v <= 1.0 for v in aucs)
    # The shipped reading model tells the seed's answerable questions from its unanswerable
    # ones far better than chance (its AUC there is 0.91 at the time of writing).
    assert aucs[1] > 0.7


def test_a_missing_reading_model_is_a_clear_error(tmp_path, capsys):
    assert signals.main(["seed", "--reading-model", str(tmp_path / "none.onnx")]) == 2
    assert "No reading model" in capsys.readouterr().err
