"""Growth is local: a model and a method registered by a test module run in the workflow.

tests/toy_extension.py registers the model ``mean`` and the method ``head_only`` with
massgen.registry, and nothing else in the repository knows them. Named in a copy of the
smoke config's ``extensions``, they train and are evaluated on the finished smoke study's
datasets through the real rules.
"""

from __future__ import annotations

import os
import shutil

import pytest
import yaml

from massgen import paths
from massgen.config import validate_config
from massgen.errors import ConfigError
from massgen.files import read_json

from .conftest import REPO, SMOKE, snakemake


def test_unknown_method_names_the_key():
    config = {"study": "x", "masses": [150], "events": {"signal": 1, "qcd": 1}}
    with pytest.raises(ConfigError, match=r"training\.methods\[1\]: unknown method 'toy'"):
        validate_config({**config, "training": {"methods": ["baseline", "toy"]}})
    with pytest.raises(ConfigError, match=r"extensions\[0\]: cannot import 'no_such_module'"):
        validate_config({**config, "extensions": ["no_such_module"]})


@pytest.mark.slow
def test_toy_model_and_method_run_through_the_workflow(smoke_run, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(smoke_run / "results", work / "results")
    shutil.copytree(smoke_run / ".snakemake", work / ".snakemake")
    config = yaml.safe_load(SMOKE.read_text())
    config["extensions"] = ["tests.toy_extension"]
    config["models"] = {"mean": {"width": 6}}
    config["training"] |= {"models": ["mean"], "methods": ["head_only"]}
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(config))
    targets = [
        paths.METRICS.format(
            study="smoke", model="mean", method="head_only", sources="150-600", zoom=zoom, seed=seed
        )
        for zoom in ("nozoom", "zoom")
        for seed in (0, 1)
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = snakemake(work, "--configfile", str(path), "--cores", "2", *targets, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    for target in targets:
        metrics = read_json(work / target)
        assert set(metrics["auc"]) == {"150", "600"}
        model_dir = work / paths.MODEL.format(
            study="smoke",
            model="mean",
            method="head_only",
            sources="150-600",
            zoom=metrics["zoom"],
            seed=metrics["seed"],
        )
        hparams = read_json(model_dir / "hparams.json")
        assert hparams["model"]["target"] == "tests.toy_extension:build_mean"
        assert hparams["model"]["hparams"] == {"width": 6}
        assert hparams["method"]["target"] == "tests.toy_extension:prepare_head_only"
    # Only the new trainings and evaluations ran: the extension left the datasets alone.
    assert done.stderr.count("rule train_tagger:") == len(targets)
    assert done.stderr.count("rule build_datasets:") == 0
