"""Selection: windows, hash-based splits and cutflows."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from massgen.files import write_parquet
from massgen.seeding import derive_seed, hash_uniform
from massgen.selection import (
    assign_split,
    chunk_cutflow,
    in_window,
    merge_cutflows,
    select_jets,
    window_flags,
    window_index,
)

FRACTIONS = {"train": 0.75, "val": 0.10, "test": 0.15}
CUTS = {"jet_pt_min": 1200.0, "window_fraction": 0.25}


def fake_jets(n: int, seed: int = 0) -> ak.Array:
    rng = np.random.default_rng(seed)
    return ak.zip(
        {
            "event_id": np.arange(n, dtype=np.int64),
            "jet_pt": rng.uniform(1000, 1600, n).astype(np.float32),
            "jet_mass": rng.uniform(0, 800, n).astype(np.float32),
        }
    )


def test_split_fractions_and_stability():
    ids = np.arange(200_000)
    split = assign_split("qcd", ids, FRACTIONS)
    for name, frac in FRACTIONS.items():
        assert np.mean(split == name) == pytest.approx(frac, abs=0.005)
    assert np.array_equal(split[:1000], assign_split("qcd", ids[:1000], FRACTIONS))
    assert not np.array_equal(split, assign_split("zp150", ids, FRACTIONS))


def test_hash_uniform_is_uniform():
    u = hash_uniform("x", np.arange(100_000))
    assert u.min() >= 0
    assert u.max() < 1
    assert np.histogram(u, 10, (0, 1))[0].min() > 9500


def test_derive_seed_depends_on_every_part():
    seeds = {derive_seed(1, "s", "qcd", c) for c in range(100)}
    assert len(seeds) == 100
    assert derive_seed(1, "s", "qcd", 0) == derive_seed(1, "s", "qcd", 0)
    assert derive_seed(1, "s", "qcd", 0) != derive_seed(2, "s", "qcd", 0)


def test_window():
    assert list(in_window(np.array([112.6, 187.4, 112.4, 187.6]), 150, 0.25)) == [
        True,
        True,
        False,
        False,
    ]


def test_qcd_jet_keeps_its_split_in_every_window():
    jets = select_jets(fake_jets(5000), "qcd", [150, 200, 250], FRACTIONS, **CUTS)
    assert ak.all(jets.jet_pt > 1200)
    both = jets[jets.window_150 & jets.window_200]
    assert len(both) > 0
    again = select_jets(fake_jets(5000), "qcd", [200], FRACTIONS, **CUTS)
    lookup = dict(zip(ak.to_list(again.event_id), ak.to_list(again.split), strict=True))
    assert all(
        lookup[i] == s
        for i, s in zip(ak.to_list(both.event_id), ak.to_list(both.split), strict=True)
    )


def test_signal_only_in_its_own_window():
    jets = select_jets(fake_jets(5000), "zp200", [150, 200, 250], FRACTIONS, **CUTS)
    assert not ak.any(jets.window_150)
    assert not ak.any(jets.window_250)
    assert ak.sum(jets.window_200) > 0


def test_cutflow_counts_and_merge():
    jets = select_jets(fake_jets(1000), "qcd", [150, 600], FRACTIONS, **CUTS)
    flows = [
        chunk_cutflow(
            {"sample": "qcd", "n_generated": 600, "n_parton_cuts": 590, "sigma_fb": 1.0},
            np.ones(600),
            jets,
            window_flags(jets, "qcd", [150, 600]),
        ),
        chunk_cutflow(
            {"sample": "qcd", "n_generated": 400, "n_parton_cuts": 400, "sigma_fb": 2.0},
            np.ones(400),
            jets,
            window_flags(jets, "qcd", [150, 600]),
        ),
    ]
    assert flows[0]["pt_cut"] == len(jets)
    assert flows[0]["window"]["150"] == int(ak.sum(jets.window_150))
    flow = merge_cutflows(flows)
    assert flow["generated"] == 1000
    assert flow["parton_cuts"] == 990
    assert flow["window"]["600"] == 2 * int(ak.sum(jets.window_600))
    assert flow["sigma_fb"] == pytest.approx(1.4)
    # unweighted events weigh 1 each: the sums of weights are the counts
    assert flow["weighted"]["pt_cut"] == flow["pt_cut"]
    assert flow["weighted"]["window"]["600"] == flow["window"]["600"]


def test_window_index_is_balanced_per_split(tmp_path):
    paths = {}
    for sample, seed in (("qcd", 1), ("zp200", 2)):
        jets = select_jets(fake_jets(4000, seed), sample, [200], FRACTIONS, **CUTS)
        paths[sample] = [str(tmp_path / f"{sample}.parquet")]
        write_parquet(jets, paths[sample][0])
    index = window_index(paths, 200, {"qcd": 1.0, "zp200": 1.0})
    assert set(ak.to_list(index.label)) == {0, 1}
    for split in FRACTIONS:
        part = index[(index.split == split) & index.balanced]
        assert ak.sum(part.label == 1) == ak.sum(part.label == 0) > 0
    assert ak.all(index.jet_mass > 150)
    assert ak.all(index.jet_mass < 250)
