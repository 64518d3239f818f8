"""Seed 001's search (kind weak_supervision): the two-jet selection with its dijet-mass
signal region and sidebands, the config checks, and the workflow end to end on
tests/dark_showers_smoke.yaml (real Pythia dark showers and QCD dijets)."""

from __future__ import annotations

import copy

import awkward as ak
import numpy as np
import pytest
import yaml

from massgen import paths
from massgen.config import validate_config
from massgen.errors import ConfigError
from massgen.files import read_json, read_parquet
from massgen.params import pythia_settings, selection
from massgen.samples import of_study
from massgen.selection import dijet_mass, select_dijets, window_flags

from .conftest import DARK_SHOWERS_SMOKE
from .test_reruns import dry_run

CONFIG = yaml.safe_load(DARK_SHOWERS_SMOKE.read_text())
STUDY = CONFIG["study"]
FRACTIONS = {"train": 0.75, "val": 0.10, "test": 0.15}
REGIONS = {"signal_region": [[4700.0, 5500.0]], "sidebands": [[4400.0, 4700.0], [5500.0, 5800.0]]}


def back_to_back(pts: list[list[float]], etas: list[list[float]]) -> ak.Array:
    """Events of massless jets: the first two back to back in phi."""
    n = len(pts)
    phis = [[0.0, np.pi, 1.0][: len(p)] for p in pts]
    return ak.zip(
        {
            "event_id": np.arange(n, dtype=np.int64),
            "weight": np.ones(n),
            "jet_pt": ak.Array(pts),
            "jet_eta": ak.Array(etas),
            "jet_phi": ak.Array(phis),
            "jet_mass": ak.Array([[0.0] * len(p) for p in pts]),
            "jet_e": ak.Array(
                [
                    [pt * np.cosh(eta) for pt, eta in zip(p, e, strict=True)]
                    for p, e in zip(pts, etas, strict=True)
                ]
            ),
        },
        depth_limit=1,
    )


def test_dijet_mass_of_massless_back_to_back_jets():
    # M^2 = 2 pT1 pT2 (cosh(eta1 - eta2) - cos(dphi)); back to back at eta 0: 2 pT.
    jets = back_to_back([[2500.0, 2500.0], [1000.0, 1000.0, 50.0]], [[0.0, 0.0], [1.0, -1.0, 0.0]])
    expected = [5000.0, np.sqrt(2e6 * (np.cosh(2.0) + 1.0))]
    np.testing.assert_allclose(dijet_mass(jets), expected, rtol=1e-9)


def test_both_leading_jets_are_cut_and_the_regions_flagged():
    jets = back_to_back(
        [
            [2500.0, 2500.0],  # M 5000: signal region
            [2250.0, 2250.0],  # M 4500: a sideband
            [2800.0, 2800.0],  # M 5600: the other sideband
            [2750.0, 2750.0],  # M 5500: the upper edge belongs to the sideband
            [2000.0, 2000.0],  # M 4000: neither
            [2500.0, 740.0],  # second jet below 750 GeV
            [2500.0, 2500.0],  # second jet at |eta| 2.1
            [3000.0],  # one jet
        ],
        [[0.0, 0.0]] * 6 + [[0.0, 2.1], [0.0]],
    )
    selected = select_dijets(
        jets, "qcd_dijet", FRACTIONS, jet_pt_min=750.0, jet_eta_max=2.0, regions=REGIONS
    )
    np.testing.assert_array_equal(selected.event_id, [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(selected.window_signal_region, [1, 0, 0, 0, 0])
    np.testing.assert_array_equal(selected.window_sidebands, [0, 1, 1, 1, 0])
    assert ak.all(ak.num(selected.jet_pt) == 2)
    flags = window_flags(selected, "qcd_dijet", list(REGIONS))
    assert {k: int(v.sum()) for k, v in flags.items()} == {"signal_region": 1, "sidebands": 3}


def test_the_smoke_config_makes_the_seeds_search():
    config = validate_config(copy.deepcopy(CONFIG))
    assert [s.name for s in of_study(config)] == [
        "qcd_dijet",
        "hv_indirect_lambda10",
        "hv_direct_lambda10",  # transfer learning's source data
        "hv_indirect_lambda5",
        "qcd_dijet_source",
    ]
    settings = pythia_settings(config, "qcd_dijet")
    assert "PhaseSpace:pTHatMin = 700.0" in settings
    assert "PhaseSpace:mHatMin = 3000.0" in settings
    cuts = selection(config)
    assert cuts["regions"] == REGIONS
    assert (cuts["jet_pt_min"], cuts["jet_eta_max"]) == (750.0, 2.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"jets": {"radius": 0.8, "n_leading": 1}}, "jets.n_leading: .* two leading jets"),
        ({"dark_showers": {"signals": ["wprime_m600"]}}, r"signals\[0\]: .* not a dark shower"),
        (
            {"dark_showers": {"signals": ["hv_sideways_lambda10"]}},
            r"signals\[0\]: .* scenario must be one of",
        ),
        ({"dark_showers": {"background": "wprime_m600"}}, "background: .* is a signal"),
        ({"dark_showers": {"signal_region": [5500.0, 4700.0]}}, "signal_region: .* is empty"),
        ({"dark_showers": {"sidebands": [[4400.0, 4800.0]]}}, r"sidebands\[0\]: .* overlaps"),
    ],
)
def test_the_search_is_checked(change, message):
    config = copy.deepcopy(CONFIG)
    for key, value in change.items():
        config[key] = {**config.get(key, {}), **value}
    with pytest.raises(ConfigError, match=message):
        validate_config(config)


def test_other_kinds_keep_one_jet():
    with pytest.raises(ConfigError, match=r"jets.n_leading: .* leading jet alone"):
        validate_config({"study": "s", "jets": {"n_leading": 2}})


@pytest.mark.slow
def test_dark_shower_search_end_to_end(dark_showers_run, tmp_path):
    results = dark_showers_run / "results" / STUDY
    mjj = {}
    for sample in ("qcd_dijet", "hv_indirect_lambda10"):
        flow = read_json(dark_showers_run / paths.CUTFLOW.format(study=STUDY, sample=sample))
        chunks = sorted((results / "jets" / sample / "selected").glob("chunk*.parquet"))
        events = ak.concatenate([read_parquet(c) for c in chunks])
        assert flow["pt_cut"] == len(events)
        assert ak.all(events.jet_pt > 750.0)
        assert ak.all(abs(events.jet_eta) < 2.0)
        assert flow["window"]["signal_region"] == int(ak.sum(events.window_signal_region))
        mjj[sample] = np.asarray(events.mjj)
    # The seed's Fig. 1: the dark showers peak near 5.2 TeV, the QCD dijet mass falls
    # steeply from the 3 TeV parton cut.
    assert 4900.0 < np.median(mjj["hv_indirect_lambda10"]) < 5500.0
    qcd, _ = np.histogram(mjj["qcd_dijet"], [3000.0, 3700.0, 4400.0, 5800.0])
    assert qcd[0] > qcd[1] > qcd[2]
    assert qcd[0] > 2 * qcd[2]
    assert (results / "plots" / "dijet_mass.png").stat().st_size > 10_000
    assert "| hv_indirect_lambda10 |" in (results / "cutflow.md").read_text()
    # The search: each scheme's pseudo-experiment drew the search's events at one
    # luminosity and scored the test split's signal-region events.
    search = CONFIG["dark_showers"]["search"]
    for scheme in search["schemes"]:
        where = {"study": STUDY, "signal": "hv_indirect_lambda10", "pixels": 25, "scheme": scheme}
        run = read_json(
            dark_showers_run / paths.SEARCH_METRICS.format(**where, injected=10, experiment=0)
        )
        assert run["counts"]["background signal_region"] == search["background"]
        assert run["counts"]["signal signal_region"] == 10
        assert 0.0 <= run["auc"] <= 1.0
        assert all(n > 0 for n in run["test_events"].values())
        history = read_json(
            dark_showers_run / paths.SEARCH_HISTORY.format(**where, injected=10, experiment=0)
        )
        assert len(history["epochs"]) == CONFIG["training"]["max_epochs"]
    # Transfer and meta-transfer learning pretrained on the other two benchmarks and the
    # simulated background, for the searched benchmark.
    where = {"study": STUDY, "signal": "hv_indirect_lambda10", "pixels": 25}
    pretrained = read_json(dark_showers_run / paths.PRETRAINED_HISTORY.format(**where))
    assert pretrained["sources"] == ["hv_direct_lambda10", "hv_indirect_lambda5"]
    assert len(pretrained["epochs"]) == 2
    meta = read_json(dark_showers_run / paths.META_HISTORY.format(**where))
    assert meta["tasks"] == ["hv_direct_lambda10", "hv_indirect_lambda5"]
    assert 1 <= len(meta["episodes"]) <= 2
    flows = (results / "cutflow.md").read_text()
    assert "| qcd_dijet_source |" in flows
    table = (results / "dark_showers.md").read_text()
    assert "## hv_indirect_lambda10, 25² pixels" in table
    assert "| 10 | " in table
    assert "transfer's best-cut significance minus cwola's" in table
    for figure in paths.SIGNIFICANCE_FIGURES:
        assert (results / "plots" / f"{figure}.png").stat().st_size > 10_000
    # Nothing left to do; a new signal region reruns the selection and what reads it, a
    # new parton cut the background's chunks, a new injection its pseudo-experiments.
    assert dry_run(dark_showers_run, CONFIG, tmp_path, "again") == {}
    # Five samples: the searched two and the source data's other two benchmarks and
    # simulated background (QCD in five chunks each).
    downstream = {
        "index_dijets": 5,
        "build_dijet_datasets": 5,
        "pretrain_search": 1,
        "meta_train_search": 1,
        "run_search": 4,
        "tabulate_search": 1,
        "plot_significance": 3,
    }
    moved = copy.deepcopy(CONFIG)
    moved["dark_showers"]["signal_region"] = [4800.0, 5500.0]
    moved["dark_showers"]["sidebands"] = [[4400.0, 4800.0], [5500.0, 5800.0]]
    assert dry_run(dark_showers_run, moved, tmp_path, "moved") == {
        "select_jets": 13,
        "merge_cutflow": 5,
        "tabulate_cutflow": 1,
        "plot_dijet_mass": 1,
        **downstream,
    }
    harder = copy.deepcopy(CONFIG)
    harder["dark_showers"]["parton_cuts"] = {"mjj_min": 3500.0}
    background_chunks = dict.fromkeys(
        ("generate_events", "simulate_detector", "cluster_jets", "select_jets"), 10
    )
    assert dry_run(dark_showers_run, harder, tmp_path, "harder") == {
        **background_chunks,  # the searched and the simulated QCD
        "merge_cutflow": 2,
        "tabulate_cutflow": 1,
        "plot_dijet_mass": 1,
        **downstream,
        "index_dijets": 2,
        "build_dijet_datasets": 2,
    }
    more = copy.deepcopy(CONFIG)
    more["dark_showers"]["search"]["injected"] = [10, 20]
    assert dry_run(dark_showers_run, more, tmp_path, "more") == {
        "run_search": 4,
        "tabulate_search": 1,
        "plot_significance": 3,
    }
    finer = copy.deepcopy(CONFIG)
    finer["dark_showers"]["search"]["pixels"] = [25, 50]
    assert dry_run(dark_showers_run, finer, tmp_path, "finer") == {
        "build_dijet_datasets": 5,
        "pretrain_search": 1,
        "meta_train_search": 1,
        "run_search": 4,
        "tabulate_search": 1,
        "plot_significance": 3,
    }
    # Meta-training's settings rerun it and the meta-transfer experiments alone;
    # pretraining's rerun both source trainings and both transfer schemes (Figs. 4-5).
    episodes = copy.deepcopy(CONFIG)
    episodes["dark_showers"]["meta_training"]["max_episodes"] = 3
    assert dry_run(dark_showers_run, episodes, tmp_path, "episodes") == {
        "meta_train_search": 1,
        "run_search": 1,
        "tabulate_search": 1,
        "plot_significance": 1,  # Fig. 5 alone shows meta-transfer learning
    }
    longer = copy.deepcopy(CONFIG)
    longer["dark_showers"]["pretraining"]["max_epochs"] = 3
    assert dry_run(dark_showers_run, longer, tmp_path, "longer") == {
        "pretrain_search": 1,
        "meta_train_search": 1,
        "run_search": 2,
        "tabulate_search": 1,
        "plot_significance": 2,
    }
