"""The learned weights ship as data files with their provenance, checked against the code."""

import json

import pytest

from assistant.extractive import answerability
from assistant.extractive.features import FEATURES
from assistant.extractive.reader import WEIGHTS_FILE
from assistant.retriever import PARAGRAPH_FEATURES
from assistant.retriever import WEIGHTS_FILE as RETRIEVAL_FILE
from assistant.weights import linear, read


@pytest.mark.parametrize(
    ("path", "sections"),
    [
        (WEIGHTS_FILE, {"sentence": FEATURES}),
        (RETRIEVAL_FILE, {None: PARAGRAPH_FEATURES}),
    ],
)
def test_shipped_weights_name_their_data_and_match_the_features(path, sections):
    data = read(path)
    for key in ("trained_by", "data", "split", "fitted", "commit"):
        assert data[key], key
    root = RETRIEVAL_FILE.parent.parent
    assert "xquad" in data["data"] and (root / data["trained_by"]).is_file()
    for section, features in sections.items():
        model = linear(data[section] if section else data, features, path)
        assert model.features == tuple(features) and any(model.weights)


def test_weights_fitted_for_other_features_fail_loudly(tmp_path):
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"features": ["cos", "share"], "weights": [1.0, 2.0]}))
    with pytest.raises(RuntimeError, match=r"refit with training/fit\.py"):
        linear(read(path), ("share", "cos"), path)


def test_shipped_answerability_model_reads_computed_evidence():
    section = read(WEIGHTS_FILE)["answerable"]
    model = answerability.load(section, WEIGHTS_FILE)
    assert set(model.features) <= set(answerability.EVIDENCE)
    assert 0.0 < float(section["threshold"]) < 1.0 and (any(model.weights) or model.trees)


def test_answerability_fitted_for_unknown_evidence_fails_loudly():
    with pytest.raises(RuntimeError, match=r"refit with training/fit\.py"):
        answerability.load({"features": ["best", "no_such_thing"], "weights": [1.0, 2.0]}, "x")
