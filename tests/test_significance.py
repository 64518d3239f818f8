"""Seed 001's significance (Eqs. 2 and 8) and the cut on a classifier that it scores."""

from __future__ import annotations

import numpy as np
import pytest

from massgen.evaluation.significance import (
    discovery_significance,
    discovery_significance_systematic,
    signal_efficiency_at,
    significance_after_cut,
)


@pytest.mark.parametrize(("s", "b"), [(1.0, 1e4), (30.0, 25_000.0), (5.0, 1e6)])
def test_significance_is_s_over_root_b_for_small_signal(s, b):
    assert discovery_significance(s, b) == pytest.approx(s / np.sqrt(b), rel=s / b * 2)


def test_significance_of_a_large_signal():
    # Known value: s = b = 10 gives sqrt(2 (20 ln 2 - 10)) = 2.7796.
    assert discovery_significance(10.0, 10.0) == pytest.approx(2.7796, abs=1e-4)
    assert discovery_significance(10.0, 10.0) > 10 / np.sqrt(20)


def test_systematic_lowers_the_significance_and_vanishes_into_eq_2():
    s, b = 300.0, 25_000.0
    plain = discovery_significance(s, b)
    assert discovery_significance_systematic(s, b, 0.0) == plain
    assert discovery_significance_systematic(s, b, 1e-3) == pytest.approx(plain, rel=1e-6)
    one_percent = discovery_significance_systematic(s, b, 0.01 * b)
    # With sigma_b = 1 % of 25k (250 events) the 300 signal events are about
    # s / sqrt(b + sigma_b^2) = 1.18 sigma.
    assert one_percent == pytest.approx(s / np.sqrt(b + (0.01 * b) ** 2), rel=0.05)
    assert one_percent < plain


def test_signal_efficiency_at_background_efficiency_reads_the_roc():
    label = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    score = np.array([0.1, 0.2, 0.3, 0.6, 0.4, 0.7, 0.8, 0.9])
    # Cuts from the top: 3 signal pass before the first background jet (0.6).
    eff = signal_efficiency_at(label, score, np.array([0.0, 0.25, 0.5, 1.0]))
    np.testing.assert_allclose(eff, [0.75, 1.0, 1.0, 1.0])


def test_a_perfect_cut_keeps_the_signal_and_gains_significance():
    rng = np.random.default_rng(0)
    label = np.repeat([0, 1], 10_000)
    score = np.where(label == 1, rng.uniform(0.5, 1.0, 20_000), rng.uniform(0.0, 0.5, 20_000))
    out = significance_after_cut(label, score, 100.0, 25_000.0, np.array([1.0, 0.1, 0.01]))
    np.testing.assert_allclose(out["signal_efficiency"], [1.0, 1.0, 1.0], atol=0.01)
    z = out["significance"]
    assert z[0] == pytest.approx(100 / np.sqrt(25_000), rel=0.01)
    assert z[2] == pytest.approx(discovery_significance(100.0, 250.0), rel=0.02)
    assert z[0] < z[1] < z[2]
