"""Preprocessing invariants of the paper's point clouds (Sec. III)."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from massgen.preprocess import (
    GPID,
    ZOOM_DISTANCE,
    g_pid,
    mean_distance,
    point_clouds,
    summed_jet_image,
)

CHARGES = {22: 0, 211: 1, -211: -1, 0: 0, 11: -1, 321: 1, 2212: 1, 3222: 1}


def random_jets(n: int = 50, seed: int = 0) -> tuple[ak.Array, np.ndarray]:
    """Jets of 5-150 constituents around random axes, ordered by pT; phi crosses +-pi."""
    rng = np.random.default_rng(seed)
    jets, jet_pt = [], []
    for _ in range(n):
        k = int(rng.integers(5, 150))
        pt = np.sort(rng.exponential(10.0, k))[::-1]
        axis_phi = rng.uniform(-np.pi, np.pi)
        phi = np.mod(axis_phi + rng.normal(0, 0.3, k) + np.pi, 2 * np.pi) - np.pi
        pid = rng.choice(list(CHARGES), k)
        jets.append(
            {
                "pt": pt,
                "eta": rng.normal(0, 0.3, k) + rng.uniform(-2, 2),
                "phi": phi,
                "pid": pid,
                "charge": np.array([CHARGES[p] for p in pid]),
            }
        )
        jet_pt.append(pt.sum() * 0.97)
    arr = ak.zip({field: ak.Array([j[field].tolist() for j in jets]) for field in jets[0]})
    return arr, np.array(jet_pt)


@pytest.fixture(scope="module", params=[False, True], ids=["nozoom", "zoom"])
def processed(request):
    constituents, jet_pt = random_jets()
    features, mask = point_clouds(constituents, jet_pt, 100, zoom=request.param)
    return constituents, jet_pt, features, mask, request.param


def test_shapes_and_padding(processed):
    constituents, _, features, mask, _ = processed
    assert features.shape == (50, 100, 4)
    assert features.dtype == np.float32
    assert np.array_equal(mask.sum(axis=1), np.minimum(ak.to_numpy(ak.num(constituents)), 100))
    assert np.all(features[~mask] == 0)


def test_leading_constituent_at_origin(processed):
    _, _, features, _, _ = processed
    assert np.allclose(features[:, 0, 1:3], 0, atol=1e-6)
    assert np.all(features[:, 0, 0] >= features[:, 1, 0])


def test_centroid_lies_below_leading(processed):
    _, _, features, mask, _ = processed
    w = features[..., 0] * mask
    eta_c = (w * features[..., 1]).sum(axis=1) / w.sum(axis=1)
    phi_c = (w * features[..., 2]).sum(axis=1) / w.sum(axis=1)
    assert np.allclose(eta_c, 0, atol=1e-5)
    assert np.all(phi_c < 0)


def test_zoomed_mean_distance(processed):
    _, _, features, mask, zoom = processed
    distance = mean_distance(features[..., 1].astype(float), features[..., 2].astype(float), mask)
    if zoom:
        assert np.allclose(distance, ZOOM_DISTANCE, rtol=1e-4)
    else:
        assert not np.allclose(distance, ZOOM_DISTANCE, rtol=1e-2)


def test_pt_fractions_sum_to_scalar_sum_over_jet_pt(processed):
    """DESIGN.md: fractions sum to sum(pT_i)/pT_J (>= 1 for untruncated jets), not <= 1."""
    constituents, jet_pt, features, _, _ = processed
    expected = ak.to_numpy(ak.sum(constituents.pt[:, :100], axis=1)) / jet_pt
    assert np.allclose(features[..., 0].sum(axis=1), expected, rtol=1e-5)


def test_g_pid_table():
    assert GPID[22] == pytest.approx(0.05)
    assert GPID[2212] == pytest.approx(1.15)
    values = g_pid(
        np.array([22, 11, -11, 13, 0, 211, -211, 321, 2212, 3222, 3112, 130]),
        np.array([0, -1, 1, -1, 0, 1, -1, 1, 1, 1, -1, 0]),
    )
    assert np.allclose(
        values, [0.05, 0.25, 0.15, 0.45, 0.55, 0.75, 0.65, 0.95, 1.15, 0.75, 0.65, 0.55]
    )


def test_jet_image_normalisation(processed):
    _, _, features, _, zoom = processed
    image = summed_jet_image(features, pixels=20, extent=0.5 if zoom else 1.0)
    assert image.shape == (20, 20)
    assert image.sum() <= features[..., 0].sum() + 1e-6


def test_jet_image_edges():
    """Bins [lo, hi) as np.histogram2d's (hist would leave out a point on the top edge),
    the last one [lo, extent] closed; points outside are left out."""
    features = np.zeros((2, 4, 4), np.float32)
    features[..., 0] = [[0.5, 0.25, 0.125, 0.0625], [1.0, 0.0, 0.0, 0.0]]
    features[0, :, 1:3] = [[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5], [1.5, 0.0]]
    image = summed_jet_image(features, pixels=4, extent=1.0)
    expected = np.zeros((4, 4))
    expected[2, 2] = 0.5 + 1.0  # (0, 0): the lower edge of bin 2
    expected[3, 3] = 0.25  # (+extent, +extent): the last bin
    expected[0, 3] = 0.125  # (-extent, 0.5): bin 0, lower edge of bin 3
    assert np.array_equal(image, expected)  # (1.5, 0) outside
