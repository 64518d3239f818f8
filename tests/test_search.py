"""Seed 001's search: the signal-region and sideband index, the pools a pseudo-experiment
draws from, a pseudo-experiment on separable toy images (CWoLa approaches the
supervised classifier with much signal), the tables and their findings, and the grid."""

from __future__ import annotations

import json
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
import yaml

from massgen.config import validate_config
from massgen.errors import ConfigError
from massgen.evaluation.search_summary import learning_threshold, summarise, tables
from massgen.event_pools import Pool, gather, sideband_ratio
from massgen.files import read_json, write_json, write_parquet
from massgen.params import GridCheck, search_grid, search_job, training
from massgen.search import run_experiment
from massgen.selection import dijet_index

from .conftest import DARK_SHOWERS_SMOKE

PIXELS = 25


def write_dataset(
    directory: Path,
    features: np.ndarray,
    label: np.ndarray,
    region: np.ndarray | None = None,
    sideband_ratio: float = 1.0,
) -> str:
    """A dataset directory of two-jet images as build_dijet_datasets writes one: every
    event in the signal region unless ``region`` says otherwise."""
    directory.mkdir(parents=True)
    region = np.ones(len(label)) if region is None else region
    arrays = {
        "features": features.astype(np.float32),
        "label": label.astype(np.int8),
        "region": region.astype(np.int8),
    }
    for name, values in arrays.items():
        np.save(directory / f"{name}.npy", values)
    meta = {
        "representation": "dijet_image",
        "jets": 2,
        "pixels": PIXELS,
        "extent": {"nozoom": 1.0, "zoom": 0.5},
        "n_classes": 2,
        "n_jets": len(label),
        "sideband_ratio": sideband_ratio,
        "arrays": list(arrays),
    }
    (directory / "meta.json").write_text(json.dumps(meta))
    return str(directory)


def toy_images(n: int, two_prong: bool, rng: np.random.Generator) -> np.ndarray:
    """Both jets of ``n`` events: one hard pixel at the centre (QCD-like), or the pT
    shared by two pixels apart (a two-prong jet), over faint noise."""
    images = rng.uniform(0.0, 0.02, (n, 2, PIXELS, PIXELS))
    centre = PIXELS // 2
    if two_prong:
        images[:, :, centre, centre - 4] += 0.5
        images[:, :, centre, centre + 4] += 0.5
    else:
        images[:, :, centre, centre] += 1.0
    return images


def test_the_index_keeps_the_signal_region_and_sidebands_with_their_region(tmp_path):
    events = ak.zip(
        {
            "event_id": np.arange(6, dtype=np.int64),
            "split": np.array(["train", "val", "test", "train", "train", "test"]),
            "mjj": np.array([4000.0, 4500.0, 5000.0, 5600.0, 6000.0, 4800.0]),
            "window_signal_region": np.array([0, 0, 1, 0, 0, 1], bool),
            "window_sidebands": np.array([0, 1, 0, 1, 0, 0], bool),
            "weight": np.full(6, 2.0),
        }
    )
    write_parquet(events, tmp_path / "chunk0.parquet")
    index = dijet_index([str(tmp_path / "chunk0.parquet")], "hv_indirect_lambda10", 2.0)
    assert index.event_id.tolist() == [1, 2, 3, 5]
    assert index.region.tolist() == [0, 1, 0, 1]
    assert index.label.tolist() == [1, 1, 1, 1]
    assert index.weight.tolist() == [1.0] * 4
    assert index.split.tolist() == ["val", "test", "train", "test"]
    assert ak.all(index.balanced)


def test_a_pool_numbers_its_splits_in_order_and_gathers_by_number(tmp_path):
    parts = []
    for k, n in enumerate((5, 3)):
        features = np.arange(n * 10, n * 10 + n, dtype=float)[:, None, None, None] * np.ones(
            (1, 2, PIXELS, PIXELS)
        )
        parts.append(write_dataset(tmp_path / f"d{k}", features, np.zeros(n), np.arange(n) % 2))
    first = Pool(parts[:1])
    pool = Pool(parts, offset=len(first))
    assert len(pool) == 8
    assert pool.rows(1).tolist() == [6, 8, 11]  # rows 1, 3 of the first split, 1 of the second
    wanted = np.array([12, 5, 9, 7, 0, 10])
    values = gather({"a": first, "b": pool}, wanted, "features")[:, 0, 0, 0]
    # first: 50..54 at numbers 0-4; pool: 50..54 at 5-9, then 30..32 at 10-12
    assert values.tolist() == [32.0, 50.0, 54.0, 52.0, 50.0, 30.0]


def toy_search(
    tmp_path: Path, scheme: str, injected: int, max_epochs: int = 12, pretrained: str | None = None
) -> dict:
    """One pseudo-experiment on toy images: background one-prong, signal two-prong; a
    transfer scheme starts from the weights ``pretrained``."""
    rng = np.random.default_rng(5)
    pools, test = {}, {}
    for name, two_prong, ratio in (("background", False, 1.0), ("signal", True, 0.1)):
        region = np.r_[np.ones(300), np.zeros(300)]
        pools[name] = []
        for split, n in (("train", 500), ("val", 100)):
            part = region[:n] if split == "train" else region[500:]
            pools[name].append(
                write_dataset(
                    tmp_path / name / split,
                    toy_images(n, two_prong, rng),
                    np.full(n, two_prong),
                    part,
                    ratio,
                )
            )
        test[name] = write_dataset(
            tmp_path / name / "test", toy_images(60, two_prong, rng), np.full(60, two_prong)
        )
    config = yaml.safe_load(DARK_SHOWERS_SMOKE.read_text())
    config["training"].update(batch_size=25, max_epochs=max_epochs, learning_rate=1e-3)
    config["dark_showers"]["search"]["background"] = 100
    validate_config(config)
    job = training(config, "cnn_dijet", "baseline")
    search = search_job(config, "hv_indirect_lambda10", PIXELS, scheme, injected, 0)
    out = tmp_path / "runs" / f"{scheme}{injected}"
    return run_experiment(
        job["model"],
        job["loop"],
        pools,
        test,
        search,
        str(out),
        str(out) + ".json",
        pretrained=pretrained,
    )


def test_with_much_signal_cwola_approaches_the_supervised_classifier(tmp_path):
    supervised = toy_search(tmp_path / "a", "supervised", 200)
    cwola = toy_search(tmp_path / "b", "cwola", 200)
    assert supervised["counts"] == {
        "background signal_region": 100,
        "background sidebands": 100,
        "signal signal_region": 200,
        "signal sidebands": 20,
    }
    assert supervised["test_events"] == {"background": 50, "signal": 50}  # test_events
    assert supervised["auc"] > 0.95
    assert cwola["auc"] > 0.9
    written = read_json(tmp_path / "b" / "runs" / "cwola200.json")
    assert written == cwola
    assert [c["background_efficiency"] for c in cwola["cuts"]] == [0.1, 0.01]
    # A good cut keeps most of the signal and a tenth of the background: more significant.
    assert cwola["cuts"][0]["significance"] > cwola["significance_before"]


def test_same_experiment_same_weights(tmp_path):
    first = toy_search(tmp_path / "a", "cwola", 50, max_epochs=1)
    again = toy_search(tmp_path / "b", "cwola", 50, max_epochs=1)
    assert first == again
    weights = [(tmp_path / d / "runs" / "cwola50" / "model.pt").read_bytes() for d in "ab"]
    assert weights[0] == weights[1]


def test_the_sideband_ratio_needs_signal_region_events(tmp_path):
    path = tmp_path / "cutflow.json"
    write_json({"weighted": {"window": {"signal_region": 4.0, "sidebands": 3.0}}}, path)
    assert sideband_ratio(str(path)) == 0.75
    write_json({"weighted": {"window": {"signal_region": 0.0, "sidebands": 3.0}}}, path)
    with pytest.raises(Exception, match="no selected event in the signal region"):
        sideband_ratio(str(path))


def metrics(scheme: str, injected: int, experiment: int, auc: float, after: float) -> dict:
    return {
        "signal": "hv_indirect_lambda10",
        "pixels": 25,
        "scheme": scheme,
        "injected": injected,
        "experiment": experiment,
        "significance_before": injected / 10,
        "auc": auc,
        "cuts": [
            {"background_efficiency": 0.1, "signal_efficiency": 0.5, "significance": after},
            {"background_efficiency": 0.01, "signal_efficiency": 0.1, "significance": after / 2},
        ],
    }


def test_summary_means_over_experiments_and_finds_the_learning_threshold():
    runs = [
        metrics("cwola", 10, 0, 0.50, 0.5),
        metrics("cwola", 10, 1, 0.52, 0.7),
        metrics("cwola", 20, 0, 0.60, 2.5),  # helps here (2.5 > 2.0) ...
        metrics("cwola", 30, 0, 0.70, 2.0),  # ... but not here: the threshold is above
        metrics("cwola", 40, 0, 0.80, 6.0),
        metrics("cwola", 50, 0, 0.85, 9.0),
        metrics("supervised", 50, 0, 0.95, 12.0),
    ]
    rows = summarise(runs)
    first = rows[0]
    assert (first["scheme"], first["injected"], first["experiments"]) == ("cwola", 10, 2)
    assert first["auc"] == pytest.approx(0.51)
    assert first["auc_std"] == pytest.approx(0.01)
    assert first["cuts"][0]["significance"] == pytest.approx(0.6)
    assert first["cuts"][0]["significance_std"] == pytest.approx(0.1)
    assert learning_threshold([r for r in rows if r["scheme"] == "cwola"])["injected"] == 40
    assert learning_threshold(rows[:1]) is None  # 10 injected events alone: never helps
    text = tables(rows, ["cwola", "supervised"])
    assert "| 50 | 5.00 | 0.850 ± 0.000 | 9.00 ± 0.00 | 4.50 ± 0.00 | 0.950 ± 0.000 |" in text
    assert "| 10 | 1.00 | 0.510 ± 0.010 | 0.60 ± 0.10 | 0.30 ± 0.05 | — | — | — |" in text
    assert "raises the significance from 40 injected signal events on" in text
    assert "CWoLa's AUC is 0.850 ± 0.000, the supervised one's 0.950 ± 0.000" in text


def test_the_grid_holds_every_pseudo_experiment_and_refuses_others():
    config = yaml.safe_load(DARK_SHOWERS_SMOKE.read_text())
    config["dark_showers"]["search"].update(injected=[10, 20], experiments=2)
    validate_config(config)
    grid = search_grid(config)
    assert len(grid) == 1 * 1 * 4 * 2 * 2  # signals, pixels, schemes, injections, experiments
    assert ("hv_indirect_lambda10", 25, "cwola", 20, 1) in grid
    check = GridCheck(config)
    point = {"signal": "hv_indirect_lambda10", "pixels": "25", "scheme": "cwola"}
    check({**point, "injected": "20", "experiment": "1"})
    with pytest.raises(ConfigError, match=r"s30/exp0: no such pseudo-experiment .*search\)"):
        check({**point, "injected": "30", "experiment": "0"})
    with pytest.raises(ConfigError, match=r"50 pixels: not a resolution .*gives \[25\]"):
        check({"sample": "qcd_dijet", "pixels": "50"})
    founding = {"study": "s"}
    validate_config(founding)
    assert search_grid(founding) == []
