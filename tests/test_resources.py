"""Slurm runtime of the training jobs, sized from their data (massgen.resources)."""

from __future__ import annotations

import numpy as np

from massgen.config import load_config
from massgen.resources import dataset_jets, training_minutes

from .conftest import REPO


def test_dataset_jets_reads_the_labels(tmp_path):
    for name, n in (("a", 7), ("b", 5)):
        (tmp_path / name).mkdir()
        np.save(tmp_path / name / "label.npy", np.zeros(n, np.int64))
    assert dataset_jets([str(tmp_path / "a"), str(tmp_path / "b")]) == 12
    assert dataset_jets([str(tmp_path / "missing")]) == 0  # before build_datasets ran


def test_paper_trainings_fit_a_day_on_one_gpu():
    """The paper's largest training ({150, 200, 250}: 3 x 10^6 jets in its windows, 85 %
    of them in train and val, 100 epochs) and its MetaReg asks for more than the smallest
    but less than a day, the usual limit of a GPU partition."""
    config = load_config(REPO / "config" / "paper.yaml")
    loop = {k: config["training"][k] for k in ("max_epochs", "batch_size")}
    jets = int(3 * 1e6 * 0.85)
    baseline = training_minutes(jets, loop, {})
    metareg = training_minutes(jets, loop, config["training"]["metareg"])
    assert 60 < baseline < metareg < 24 * 60
    assert training_minutes(jets // 3, loop, {}) < baseline
    assert training_minutes(100, {"max_epochs": 3, "batch_size": 50}, {}) == 10


def test_slower_taggers_ask_for_more_within_a_day():
    """A tagger slower per jet than the PFN asks for more time, never beyond the GPU
    partition's day (a longer one resumes from its checkpoint when rerun)."""
    loop = {"max_epochs": 100, "batch_size": 200}
    jets = 200_000
    pfn = training_minutes(jets, loop, {}, "pfn")
    assert pfn < training_minutes(jets, loop, {}, "particlenet_lite")
    assert training_minutes(jets, loop, {}, "particlenet") == 24 * 60
    assert training_minutes(jets, loop, {}, "an_extension_model") == pfn
