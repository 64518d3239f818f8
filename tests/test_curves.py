"""Learning curves: the per-class draw of training jets, the curve grid, the tables."""

from __future__ import annotations

import numpy as np
import pytest

from massgen import params
from massgen.config import validate_config
from massgen.errors import ConfigError
from massgen.evaluation.curves import curves, read_curves, tabulate
from massgen.files import write_json
from massgen.paths import sources_masses
from massgen.training.run import jets_per_class

MASSES = (150, 300, 600)
LADDER = (100, 1000)


def toy_arrays(signal: int = 300, background: int = 500) -> dict[str, np.ndarray]:
    """Jets numbered by row, background first then signal, as a dataset's arrays."""
    n = signal + background
    return {
        "label": np.repeat([0, 1], [background, signal]),
        "features": np.arange(n, dtype=np.float32)[:, None, None] * np.ones((1, 3, 4)),
        "domain": np.zeros(n, np.int64),
    }


def test_jets_per_class_draws_nested_subsets_per_seed():
    arrays = toy_arrays()
    small, large = (jets_per_class(arrays, n, seed=3) for n in (50, 200))
    for subset, n in ((small, 50), (large, 200)):
        assert np.bincount(subset["label"]).tolist() == [n, n]
        rows = subset["features"][:, 0, 0].astype(int)
        assert np.all(np.diff(rows) > 0)  # dataset order kept
        assert np.array_equal(arrays["label"][rows], subset["label"])
    # One seed: the smaller draw is part of the larger; another seed draws other jets.
    assert set(small["features"][:, 0, 0]) <= set(large["features"][:, 0, 0])
    other = jets_per_class(arrays, 50, seed=4)
    assert not np.array_equal(other["features"], small["features"])
    again = jets_per_class(arrays, 50, seed=3)
    assert np.array_equal(again["features"], small["features"])


def test_too_few_jets_names_the_key():
    with pytest.raises(ConfigError, match=r"^learning_curve\.jets: 400 jets per class asked.*300"):
        jets_per_class(toy_arrays(), 400, seed=0)


def config(**curve) -> dict:
    return validate_config(
        {
            "study": "curves",
            "masses": list(MASSES),
            "events": {"signal": 10, "qcd": 10},
            "training": {"models": ["pfn", "efn"]},
            "learning_curve": curve,
        }
    )


def test_curve_grid_and_its_check():
    study = config(masses=[150, 600], jets=list(LADDER))
    grid = params.curve_grid(study)
    assert len(grid) == 2 * 2 * 2
    assert ("efn", "600", 1000) in grid
    assert params.curve_grid(config()) == []  # no masses, no curves
    check = params.GridCheck(study)
    check({"model": "pfn", "sources": "150", "zoom": "zoom", "jets": "100", "seed": "0"})
    with pytest.raises(ConfigError, match=r"^pfn/300/n100: no such learning-curve training"):
        check({"model": "pfn", "sources": "300", "zoom": "zoom", "jets": "100", "seed": "0"})
    with pytest.raises(ConfigError, match=r"learning_curve\.masses\[1\]: masses \[250\] are not"):
        config(masses=[150, 250])


def test_curve_of_a_source_split():
    """An entry may be a source split: its baseline on N jets per class of the split's
    aggregated train split (e.g. planing's effective statistics on {150, 600})."""
    study = config(masses=[150, [600, 150]], jets=list(LADDER))
    assert ("pfn", "150-600", 100) in params.curve_grid(study)
    assert ("pfn", "600", 100) not in params.curve_grid(study)
    params.GridCheck(study)(
        {"model": "pfn", "sources": "150-600", "zoom": "zoom", "jets": "100", "seed": "0"}
    )
    with pytest.raises(ConfigError, match=r"learning_curve\.masses\[0\]: masses \[250\] are not"):
        config(masses=[[150, 250]])


def curve_metrics(tmp_path) -> list[str]:
    """metrics.json of pfn baselines at 150 and 600 on each N of the ladder, 2 seeds, 2 zooms:
    in domain the AUC grows with log N; across domains it falls with the distance."""
    files = []
    for source in (150, 600, "150-600"):
        for jets in LADDER:
            for zoom in ("nozoom", "zoom"):
                for seed in range(2):
                    nearest = {
                        t: min(abs(t - m) for m in sources_masses(str(source))) for t in MASSES
                    }
                    aucs = {
                        str(t): 0.5 + (0.1 * np.log10(jets) + 0.01 * seed) * (1 - nearest[t] / 600)
                        for t in MASSES
                    }
                    path = tmp_path / f"{source}-{jets}-{zoom}-{seed}.json"
                    write_json(
                        {
                            "model": "pfn",
                            "method": "baseline",
                            "sources": str(source),
                            "zoom": zoom,
                            "jets": jets,
                            "seed": seed,
                            "auc": aucs,
                        },
                        path,
                    )
                    files.append(str(path))
    return files


def test_tables(tmp_path):
    table, markdown = tmp_path / "curves.csv", tmp_path / "curves.md"
    rows = tabulate(curve_metrics(tmp_path), table, markdown)
    assert len(rows) == 3 * 2 * 2 * 2 * 3
    assert read_curves(table) == rows
    jets, mean, std = curves(rows)[("pfn", "150", "nozoom", 150)]
    assert jets.tolist() == list(LADDER)
    assert mean == pytest.approx([0.705, 0.805])  # 0.5 + 0.1 log10 N + 0.005 (seed mean)
    assert std == pytest.approx([0.005, 0.005])
    text = markdown.read_text()
    assert "| model | trained on | zoom | target | N = 100 | N = 1000 |" in text
    assert "| pfn | 150 | nozoom | 150 | 0.705 ± 0.005 | 0.805 ± 0.005 |" in text
    # {150, 600} at 300: 150 GeV from the nearest source, 0.5 + (0.1 log10 N + 0.005) * 0.75
    assert "| pfn | 150-600 | nozoom | 300 | 0.654 ± 0.004 | 0.729 ± 0.004 |" in text
    assert len(text.splitlines()) == 4 + 3 * 2 * 3
    # Rows in the order of the trained masses: single masses by mass, a split after its first.
    trained = [line.split(" | ")[1] for line in text.splitlines()[4:]]
    assert list(dict.fromkeys(trained)) == ["150", "150-600", "600"]
