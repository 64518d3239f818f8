"""Seed 001's CWoLa pseudo-experiments: counts at one luminosity and their draw."""

from __future__ import annotations

import numpy as np
import pytest

from massgen.cwola import draw, luminosity_counts

POOLS = {
    ("background", "signal_region"): np.arange(0, 3000),
    ("background", "sidebands"): np.arange(3000, 5000),
    ("signal", "signal_region"): np.arange(5000, 5600),
    ("signal", "sidebands"): np.arange(5600, 5800),
}


def test_sidebands_hold_what_the_same_luminosity_puts_there():
    counts = luminosity_counts(2500, 100, background_ratio=0.57, signal_ratio=0.24)
    assert counts == {
        ("background", "signal_region"): 2500,
        ("background", "sidebands"): 1425,
        ("signal", "signal_region"): 100,
        ("signal", "sidebands"): 24,
    }


def test_a_pseudo_experiment_draws_each_group_once_with_a_fifth_for_validation():
    counts = luminosity_counts(2500, 100, 0.57, 0.24)
    out = draw(POOLS, counts, seed=7)
    assert len(out["row"]) == sum(counts.values())
    assert len(np.unique(out["row"])) == len(out["row"])  # without replacement
    for (kind, region), n in counts.items():
        rows = set(POOLS[(kind, region)].tolist())
        picked = [r in rows for r in out["row"].tolist()]
        assert sum(picked) == n
        group = np.array(picked)
        assert np.all(out["truth"][group] == (kind == "signal"))
        assert np.all(out["label"][group] == (region == "signal_region"))
        assert out["val"][group].sum() == round(0.2 * n)


def test_same_seed_same_draw_another_seed_another():
    counts = luminosity_counts(1000, 50, 0.5, 0.2)
    a, b, c = (draw(POOLS, counts, seed) for seed in (1, 1, 2))
    np.testing.assert_array_equal(a["row"], b["row"])
    assert not np.array_equal(a["row"], c["row"])


def test_too_small_a_pool_is_named():
    counts = luminosity_counts(100, 700, 0.5, 0.2)
    with pytest.raises(ValueError, match="700 signal events in the signal_region; the pool"):
        draw(POOLS, counts, seed=1)
