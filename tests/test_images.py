"""Jet images (seed 001's preprocessing) on constructed jets with a known answer."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from massgen.detector.delphes import read_delphes
from massgen.jets import leading_jets
from massgen.preprocess import image_coordinates, images
from massgen.representations import dijet_image


def constituents(jets: list[list[tuple[float, float, float]]]) -> ak.Array:
    """Jets of (pt GeV, eta, phi) constituents, pT-ordered as the selection writes them."""
    return ak.Array(
        [
            [
                {"pt": pt, "eta": eta, "phi": phi, "pid": 211, "charge": 1}
                for pt, eta, phi in sorted(jet, reverse=True)
            ]
            for jet in jets
        ]
    )


# A jet along a line at 30 degrees through (eta, phi) = (0.3, 3.0), crossing phi = pi,
# with a hardest constituent below and left of its centroid.
ANGLE = np.radians(30)
LINE = [(100.0, -0.2), (60.0, 0.1), (40.0, 0.25), (20.0, -0.05)]
JET = [
    (pt, 0.3 + t * np.cos(ANGLE), (3.0 + t * np.sin(ANGLE) + np.pi) % (2 * np.pi) - np.pi)
    for pt, t in LINE
]


def padded(jet):
    pt, eta, phi = (np.array([[c[i] for c in sorted(jet, reverse=True)]]) for i in range(3))
    return pt, eta, phi, np.ones_like(pt, bool)


def test_centroid_principal_axis_and_flip():
    pt, eta, phi, mask = padded(JET)
    x, y = image_coordinates(pt, eta, phi, mask, zoom=False)
    weight = pt / pt.sum()
    assert np.sum(weight * x) == pytest.approx(0, abs=1e-12)  # centroid at the centre
    assert np.sum(weight * y) == pytest.approx(0, abs=1e-12)
    assert np.abs(y).max() < 1e-12  # a straight line lies on the horizontal axis
    assert x[0, 0] > 0  # the hardest constituent is flipped to the right
    distances = np.array([t for _, t in LINE]) - np.average([t for _, t in LINE], weights=pt[0])
    assert np.allclose(np.sort(np.abs(x[0])), np.sort(np.abs(distances)))


def test_hardest_constituent_in_the_upper_right():
    """A jet off its axis: the hardest constituent lands at x > 0, y > 0, whichever of
    the four mirror images the jet starts as."""
    base = [(100.0, 0.1, 0.05), (50.0, -0.2, 0.0), (30.0, 0.0, -0.1), (10.0, 0.3, 0.2)]
    for sx in (1, -1):
        for sy in (1, -1):
            jet = [(pt, sx * eta, 1.0 + sy * phi) for pt, eta, phi in base]
            x, y = image_coordinates(*padded(jet), zoom=False)
            assert x[0, 0] > 0
            assert y[0, 0] > 0


def test_pixels_hold_pt_fractions_on_the_centre_pixel():
    """A one-constituent jet fills the centre pixel with its pT fraction; the image of the
    line jet sums to the fraction of pT inside [-1, 1]^2 and is symmetric in phi'."""
    jets = constituents([[(80.0, 1.0, -2.0)], JET])
    image = images(jets, np.array([100.0, 220.0]), pixels=25, zoom=False)
    assert image.shape == (2, 25, 25)
    assert image.dtype == np.float32
    assert image[0, 12, 12] == pytest.approx(0.8)
    assert image[0].sum() == pytest.approx(0.8)
    assert image[1].sum() == pytest.approx(1.0)
    assert np.array_equal(np.nonzero(image[1].sum(axis=0))[0], [12])  # all on the eta' axis
    hardest = np.unravel_index(np.argmax(image[1]), (25, 25))
    assert hardest[0] > 12  # right of the centre


def test_zoom_rescales_by_the_point_cloud_factor():
    from massgen.preprocess import ZOOM_DISTANCE, mean_distance

    pt, eta, phi, mask = padded(JET)
    x, _ = image_coordinates(pt, eta, phi, mask, zoom=False)
    zx, _ = image_coordinates(pt, eta, phi, mask, zoom=True)
    deta, dphi = eta - eta[:, :1], (phi - phi[:, :1] + np.pi) % (2 * np.pi) - np.pi
    scale = ZOOM_DISTANCE / mean_distance(deta, dphi, mask)
    assert np.allclose(zx, x * scale[:, None])


def test_dijet_images_are_each_leading_jets_image(testdata):
    """Seed 001's event input on real two-jet events (Delphes' Z + jet test file,
    anti-kt R = 0.8): image j of an event is the image of its j-th leading jet."""
    reco = read_delphes(testdata / "delphes-3.5.1-cms-pythia8-zjet-ptmin1000.root")
    events = leading_jets(reco, 0.8, n_jets=2)
    events = events[ak.num(events.jet_pt) == 2]
    settings = {"image_pixels": 25}
    pair = dijet_image.encode(events, settings, zoom=False)["features"]
    assert (
        pair.shape
        == (len(events), 2, 25, 25)
        == dijet_image.arrays(len(events), settings)["features"][0]
    )
    assert len(events) > 150
    for j in range(2):
        one = images(events.constituents[:, j], ak.to_numpy(events.jet_pt[:, j]), 25, False)
        np.testing.assert_array_equal(pair[:, j], one)
    # Each image holds its jet's constituents within |eta'|, |phi'| < 1: about all of
    # an R = 0.8 jet's pT.
    assert np.median(pair.sum(axis=(2, 3)), axis=0) == pytest.approx([1.0, 1.0], abs=0.05)
    one_jet = ak.zip(
        {"jet_pt": events.jet_pt[:3, :1], "constituents": events.constituents[:3, :1]},
        depth_limit=1,
    )
    with pytest.raises(ValueError, match="need 2 jets per event; an event has 1"):
        dijet_image.encode(one_jet, settings, zoom=False)
