"""Fitting the extractive reader's and the retriever's learned weights, apart from the benchmarks.

``fit`` fits the shipped coefficients on one split of xquad-dev, reports another, and writes
them with their provenance to ``assistant/extractive/weights.json`` and
``assistant/retrieval_weights.json``; ``data`` builds the indexed corpus they are fitted on;
``paraphrase_dev`` checks rewordings and typos. scikit-learn is used here only (a test
extra), never at run time; nothing here downloads data.
"""
