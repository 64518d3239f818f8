"""Jet trees (seed 003) on real jets: FastJet's clustering histories reproduced by an
independent reference, the pT sequences and random trees, the canonical order the
networks read, the perturbations of the robustness tables, and the tree datasets."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from massgen.detector.delphes import read_delphes
from massgen.jets import leading_jets
from massgen.perturbations import SOFT_COUNT, SOFT_PT, perturb, perturb_jets
from massgen.representations import tree as tree_representation
from massgen.trees import ALGORITHMS, ORDERS, TREE_RADIUS, canonical, depths, merge_tree

ZZ_DELPHES = "delphes-3.5.1-cms-pythia8-zz-nunuqq-ptmin1000.root"


@pytest.fixture(scope="module")
def real_jets(testdata) -> ak.Array:
    """The leading anti-kt R = 1.0 jets of Delphes' Z Z -> nu nu q q events (pT > 1 TeV)."""
    return leading_jets(read_delphes(testdata / ZZ_DELPHES), 1.0)[:40]


def constituents(jet) -> np.ndarray:
    """(pt, eta, phi, mass) rows of one jet's constituents, the hardest first."""
    c = jet.constituents
    return np.stack([ak.to_numpy(c[f]).astype(np.float64) for f in ("pt", "eta", "phi", "mass")], 1)


def reference_merges(p4: np.ndarray, power: int, radius: float) -> list[frozenset]:
    """Generalised-kt clustering by hand (E-scheme, rapidity-azimuth distances, as
    FastJet's pp algorithms), O(N^3): the leaves of each pairwise merge, in order."""
    objects = {i: (p4[i].copy(), frozenset([i])) for i in range(len(p4))}
    merges = []
    while len(objects) > 1:
        keys = list(objects)
        mom = np.array([objects[k][0] for k in keys])
        kt2 = mom[:, 0] ** 2 + mom[:, 1] ** 2
        y = 0.5 * np.log((mom[:, 3] + mom[:, 2]) / (mom[:, 3] - mom[:, 2]))
        phi = np.arctan2(mom[:, 1], mom[:, 0])
        dphi = np.abs(phi[:, None] - phi[None, :])
        dphi = np.minimum(dphi, 2 * np.pi - dphi)
        dr2 = (y[:, None] - y[None, :]) ** 2 + dphi**2
        scale = kt2**power
        dij = np.minimum(scale[:, None], scale[None, :]) * dr2 / radius**2
        np.fill_diagonal(dij, np.inf)
        i, j = np.unravel_index(np.argmin(dij), dij.shape)
        assert dij[i, j] < min(scale[i], scale[j]), "a beam merge before the last pair"
        a, b = keys[i], keys[j]
        merged = (objects[a][0] + objects[b][0], objects[a][1] | objects[b][1])
        del objects[a], objects[b]
        objects[len(p4) + len(merges)] = merged
        merges.append(merged[1])
    return merges


def leaves_of(tree, node: int) -> frozenset:
    """The constituents below ``node``."""
    left, right = tree.children[node]
    if left < 0:
        return frozenset([int(tree.leaf[node])])
    return leaves_of(tree, left) | leaves_of(tree, right)


@pytest.mark.parametrize("order", ORDERS)
def test_every_tree_has_2n_minus_1_nodes_and_the_jets_four_momentum(real_jets, order):
    for jet in real_jets[:10]:
        rows = constituents(jet)
        tree = merge_tree(tree_representation.cartesian(rows), order, np.random.default_rng(1))
        assert len(tree.children) == 2 * len(rows) - 1
        assert (tree.children[: len(rows)] == -1).all()
        assert (tree.children[len(rows) :] >= 0).all()
        root = tree.momenta[tree.root]
        pt, eta, e = np.hypot(*root[:2]), np.arcsinh(root[2] / np.hypot(*root[:2])), root[3]
        assert pt == pytest.approx(float(jet.jet_pt), rel=1e-5)
        assert eta == pytest.approx(float(jet.jet_eta), abs=1e-5)
        assert e == pytest.approx(float(jet.jet_e), rel=1e-5)
        assert leaves_of(tree, tree.root) == frozenset(range(len(rows)))


@pytest.mark.parametrize(("order", "power"), [("kt", 1), ("cambridge", 0), ("antikt", -1)])
def test_clustering_trees_merge_in_fastjets_order(real_jets, order, power):
    """Each merge joins the same constituents, in the same order, as a by-hand
    generalised-kt clustering of the same four-momenta."""
    checked = 0
    for jet in real_jets:
        rows = constituents(jet)
        if len(rows) > 40:  # the reference is O(N^3)
            continue
        p4 = tree_representation.cartesian(rows)
        tree = merge_tree(p4, order)
        ours = [leaves_of(tree, node) for node in range(len(rows), len(tree.children))]
        assert ours == reference_merges(p4, power, TREE_RADIUS)
        checked += 1
    assert checked >= 5


def test_pt_sequences_and_random_trees():
    rng = np.random.default_rng(0)
    rows = np.stack([np.sort(rng.exponential(20, 12))[::-1], rng.normal(0, 0.3, 12),
                     rng.normal(0, 0.3, 12), np.zeros(12)], 1)  # fmt: skip
    p4 = tree_representation.cartesian(rows)
    desc = merge_tree(p4, "desc_pt")
    asc = merge_tree(p4, "asc_pt")
    assert leaves_of(desc, 12) == {0, 1}  # the two hardest first
    assert leaves_of(asc, 12) == {10, 11}  # the two softest first
    for chain in (desc, asc):
        assert depths(canonical(chain)).max() == 11  # a chain: depth N - 1
    a, b = (merge_tree(p4, "random", np.random.default_rng(5)) for _ in range(2))
    assert np.array_equal(a.children, b.children)
    c = merge_tree(p4, "random", np.random.default_rng(6))
    assert not np.array_equal(a.children, c.children)
    with pytest.raises(ValueError, match="unknown tree order 'ca'"):
        merge_tree(p4, "ca")


@pytest.mark.parametrize("order", ORDERS)
def test_canonical_order_puts_parents_first_and_the_harder_child_left(real_jets, order):
    rows = constituents(real_jets[0])
    tree = canonical(
        merge_tree(tree_representation.cartesian(rows), order, np.random.default_rng(2))
    )
    assert tree.root == 0
    inner = np.flatnonzero(tree.children[:, 0] >= 0)
    assert (tree.children[inner] > inner[:, None]).all()
    left, right = tree.children[inner].T
    np.testing.assert_allclose(
        tree.momenta[inner], tree.momenta[left] + tree.momenta[right], rtol=1e-12
    )
    pt = np.hypot(tree.momenta[:, 0], tree.momenta[:, 1])
    assert (pt[left] >= pt[right]).all()
    assert sorted(tree.leaf[tree.leaf >= 0]) == list(range(len(rows)))


@pytest.mark.parametrize("order", list(ALGORITHMS))
def test_clustering_trees_do_not_depend_on_the_constituents_order(real_jets, order):
    for seed, jet in enumerate(real_jets[:10]):
        p4 = tree_representation.cartesian(constituents(jet))
        shuffled = p4[np.random.default_rng(seed).permutation(len(p4))]
        ours, theirs = (canonical(merge_tree(x, order)) for x in (p4, shuffled))
        np.testing.assert_array_equal(ours.children, theirs.children)
        np.testing.assert_allclose(ours.momenta, theirs.momenta, rtol=1e-12)


def test_collinear_splits_keep_the_jet_and_soft_particles_join_within_the_radius(real_jets):
    jet = real_jets[0]
    rows = constituents(jet)
    axis = (float(jet.jet_eta), float(jet.jet_phi))
    rng = np.random.default_rng(3)
    total = tree_representation.cartesian(rows).sum(axis=0)
    for scenario, added in [("collinear1", 1), ("collinear10", 10), ("collinear1_max", 1),
                            ("collinear10_max", 10)]:  # fmt: skip
        split = perturb(rows, scenario, rng, axis, 1.0)
        assert len(split) == len(rows) + added
        assert (np.diff(split[:, 0]) <= 0).all()
        np.testing.assert_allclose(
            tree_representation.cartesian(split).sum(axis=0), total, rtol=1e-9
        )
    hardest = perturb(rows, "collinear1_max", rng, axis, 1.0)
    daughters = hardest[(hardest[:, 1] == rows[0, 1]) & (hardest[:, 2] == rows[0, 2])]
    assert len(daughters) == 2
    assert daughters[:, 0].sum() == pytest.approx(rows[0, 0])
    soft = perturb(rows, "soft", rng, axis, 1.0)
    added = soft[soft[:, 0] == SOFT_PT]
    assert 0 < len(added) < SOFT_COUNT
    dphi = np.mod(added[:, 2] - axis[1] + np.pi, 2 * np.pi) - np.pi
    assert (np.hypot(added[:, 1] - axis[0], dphi) < 1.0).all()
    assert np.array_equal(perturb(rows, "nominal", rng, axis, 1.0), rows)


def test_perturbed_jets_keep_every_field(real_jets):
    jets = real_jets[:5]
    for scenario in ("collinear10_max", "soft"):
        perturbed = perturb_jets(jets, scenario, 1.0)
        assert ak.fields(perturbed.constituents) == ak.fields(jets.constituents)
        assert ak.all(ak.num(perturbed.constituents) > ak.num(jets.constituents))
        assert ak.all(perturbed.jet_pt == jets.jet_pt)
        for field in ak.fields(jets.constituents):
            assert (
                perturbed.constituents[field].type.content == jets.constituents[field].type.content
            )
    soft = perturb_jets(jets, "soft", 1.0).constituents
    added = soft[soft.pt == SOFT_PT]
    assert ak.all(added.pid == 22)
    assert ak.all(added.charge == 0)
    split = perturb_jets(jets, "collinear1_max", 1.0).constituents
    assert ak.all(
        ak.sum(split.charge, axis=1)
        == ak.sum(jets.constituents.charge, axis=1) + jets.constituents.charge[:, 0]
    )
    assert perturb_jets(jets, "nominal", 1.0) is jets


def test_soft_particles_hang_off_the_kt_tree(real_jets):
    """kt merges a 1e-5 GeV particle before anything hard: every merge above the soft
    particles joins the same hard constituents as without them."""
    rows = constituents(real_jets[1])
    soft = perturb(rows, "soft", np.random.default_rng(4), (float(real_jets[1].jet_eta),
                   float(real_jets[1].jet_phi)), 1.0)  # fmt: skip
    hard = soft[:, 0] > SOFT_PT
    tree = merge_tree(tree_representation.cartesian(soft), "kt")
    nominal = merge_tree(tree_representation.cartesian(rows), "kt")
    index = np.cumsum(hard) - 1  # position among the hard constituents
    hard_merges: list[frozenset] = []
    for node in range(len(soft), len(tree.children)):
        below = frozenset(int(index[i]) for i in leaves_of(tree, node) if hard[i])
        if len(below) > 1 and below not in hard_merges:
            hard_merges.append(below)
    expected = [leaves_of(nominal, node) for node in range(len(rows), len(nominal.children))]
    assert len(soft) > len(rows)
    assert hard_merges == expected


def test_tree_datasets_are_reproducible_and_padded(real_jets):
    settings = {"max_constituents": 30, "order": "random"}
    jets = perturb_jets(real_jets[:8], "soft", 1.0)
    a = tree_representation.encode(jets, settings, zoom=False)
    b = tree_representation.encode(perturb_jets(real_jets[:8], "soft", 1.0), settings, zoom=False)
    assert a["features"].tobytes() == b["features"].tobytes()
    assert a["features"].shape == (8, 59, 8)
    n = ak.to_numpy(np.minimum(ak.num(real_jets[:8].constituents), 30))
    assert (a["mask"].sum(axis=1) >= 2 * n - 1).all()  # soft particles may take free slots
    assert not a["features"][~a["mask"]].any()
    zoomed = tree_representation.encode(jets, settings, zoom=True)
    same = [0, 1, 4, 5, 6, 7]
    np.testing.assert_array_equal(zoomed["features"][..., same], a["features"][..., same])
    for plain, scaled, mask in zip(a["features"], zoomed["features"], a["mask"], strict=True):
        ratio = scaled[mask, 2:4][plain[mask, 2:4] != 0] / plain[mask, 2:4][plain[mask, 2:4] != 0]
        assert np.allclose(ratio, ratio[0], rtol=1e-5)
        assert ratio[0] != 1
