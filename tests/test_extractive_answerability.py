"""The answerability model: exported boosted trees and folded logistic weights equal scikit-learn's."""

import numpy as np
import pytest

from assistant.extractive.answerability import EVIDENCE, load

sklearn = pytest.importorskip("sklearn")


def _data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    x[rng.random((n, 4)) < 0.05] = np.nan  # missing values take the learnt branch
    y = (np.nan_to_num(x[:, 0]) + 0.5 * np.nan_to_num(x[:, 1]) ** 2 + rng.normal(scale=0.5, size=n)) > 0.4
    return x, y.astype(int)


def test_exported_trees_equal_sklearn_predict_proba():
    from training.abstention import boosted, export_trees

    x, y = _data()
    model = boosted(max_iter=40, max_leaf_nodes=8).fit(x, y)
    section = {"features": list(EVIDENCE[:4]), **export_trees(model)}
    ours = load(section, "test")
    full = np.zeros((len(x), len(EVIDENCE)))
    full[:, :4] = x
    got = np.array([ours.probability(list(row)) for row in full])
    want = model.predict_proba(x)[:, 1]
    assert np.allclose(got, want, atol=1e-9)
    assert got.min() < 0.2 and got.max() > 0.8  # the trees separate the classes


def test_folded_logistic_equals_the_scaled_pipeline():
    from training.abstention import export_logistic, logistic

    x, y = _data(seed=1)
    x = np.nan_to_num(x)
    model = logistic().fit(x, y)
    section = {"features": list(EVIDENCE[:4]), **export_logistic(model)}
    ours = load(section, "test")
    full = np.zeros((len(x), len(EVIDENCE)))
    full[:, :4] = x
    got = np.array([ours.probability(list(row)) for row in full])
    assert np.allclose(got, model.predict_proba(x)[:, 1], atol=1e-9)
