"""Reduced Table I grid search for MetaReg and Feature-Critic (paper Sec. IV).

As the paper: train on S = {150, 200, 250} with zoom, pick the setting with the best
AUC on the 300 GeV test set. Reduced to what fits a 2-core machine: 200 meta-iterations,
beta in {1e-2, 1e-3, 1e-4}; MetaReg regulariser in {weighted L1, weighted L2} with k = 4,
l = 1 (the values the paper's Table I appears to mark); Feature-Critic gamma in
{1e-2, 1e-3} with S = 1. Fine-tuning as in the default study (<= 15 epochs).

Run by hand on a finished default study:
``.venv/bin/python benchmarks/select_meta_hparams.py results/default``.
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
from pathlib import Path

from massgen import params
from massgen.config import validate_config
from massgen.datasets import load_dataset
from massgen.evaluation.metrics import predict
from massgen.evaluation.roc import roc_auc
from massgen.models import load_model
from massgen.training.run import train_job


def grid() -> list[tuple[str, dict]]:
    out = []
    for beta, reg in itertools.product((1e-2, 1e-3, 1e-4), ("weighted_l1", "weighted_l2")):
        out.append(
            ("metareg", {"iterations": 200, "beta": beta, "regulariser": reg, "k": 4, "l": 1})
        )
    for beta, gamma in itertools.product((1e-2, 1e-3, 1e-4), (1e-2, 1e-3)):
        out.append(
            ("feature_critic", {"iterations": 200, "beta": beta, "gamma": gamma, "held_out": 1})
        )
    return out


def main(study: Path) -> None:
    data = study / "datasets" / "point_cloud"
    train = [str(data / str(m) / "zoom" / "train") for m in (150, 200, 250)]
    val = [str(data / str(m) / "zoom" / "val") for m in (150, 200, 250)]
    test = load_dataset(data / "300" / "zoom" / "test")
    results = []
    for method, options in grid():
        config = validate_config(
            {
                "study": "select",
                "masses": [150, 200, 250, 300],
                "events": {"signal": 1, "qcd": 1},
                "training": {"max_epochs": 15, method: options},
            }
        )
        job = params.training(config, "pfn", method)
        with tempfile.TemporaryDirectory() as out:
            train_job(job["model"], job["method"], train, val, out, 0, job["loop"])
            model = load_model(out)
            auc = roc_auc(test["label"], predict(model, test["features"], test["mask"]))
        results.append({"method": method, **options, "auc_300": auc})
        print(json.dumps(results[-1]), flush=True)
    for method in ("metareg", "feature_critic"):
        best = max((r for r in results if r["method"] == method), key=lambda r: r["auc_300"])
        print("best", json.dumps(best))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "results/default"))
