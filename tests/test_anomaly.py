"""Anomaly scores (seed 004): the Mahalanobis distance against scikit-learn's, the
figures of merit on a toy with a known ROC, the ensemble, and the latent vectors a
model's head reads, mass sculpting, and which of the seed's classifiers a class set
is."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.covariance import EmpiricalCovariance

from massgen.evaluation.anomaly import (
    Mahalanobis,
    ensemble,
    figures_of_merit,
    mass_sculpting,
    minus_p_qcd,
    probabilities_and_latent,
    sculpting_floor,
)
from massgen.evaluation.anti_qcd import MATCHED, seed_classifier, tables
from massgen.models import last_linear

from .conftest import default_pfn


def test_mahalanobis_equals_scikit_learns():
    rng = np.random.default_rng(0)
    mixing = rng.normal(size=(8, 8))
    qcd = rng.normal(size=(500, 8)) @ mixing + 3.0
    others = rng.normal(size=(200, 8)) @ mixing
    ours = Mahalanobis.fit(qcd).distance(others)
    theirs = EmpiricalCovariance().fit(qcd).mahalanobis(others)
    assert np.allclose(ours, theirs, rtol=1e-9, atol=0)


def test_mahalanobis_of_a_degenerate_latent_space_is_finite():
    """Dead ReLU units give a singular covariance: the pseudo-inverse ignores them."""
    rng = np.random.default_rng(1)
    qcd = np.c_[rng.normal(size=(300, 3)), np.zeros((300, 2))]
    ours = Mahalanobis.fit(qcd).distance(qcd[:50])
    theirs = EmpiricalCovariance().fit(qcd).mahalanobis(qcd[:50])
    assert np.all(np.isfinite(ours))
    assert np.allclose(ours, theirs, rtol=1e-9, atol=1e-9)


def test_figures_of_merit_on_a_known_roc():
    """QCD scores uniform on [0, 1], signal on [0.25, 1.25]: half the signal passes
    above 0.75, where a quarter of the QCD jets pass, so 1/eps_B = 4 and
    eps_S / sqrt(eps_B) = 1; AUC = 1 - 0.75^2 / 2."""
    n = 40001
    score = np.r_[np.linspace(0, 1, n), np.linspace(0.25, 1.25, n)]
    label = np.r_[np.zeros(n), np.ones(n)]
    merit = figures_of_merit(label, score)
    assert merit["rejection"] == pytest.approx(4.0, rel=1e-3)
    assert merit["significance_improvement"] == pytest.approx(1.0, rel=1e-3)
    assert merit["auc"] == pytest.approx(1 - 0.75**2 / 2, rel=1e-4)


def test_minus_p_qcd_and_the_ensemble():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    assert minus_p_qcd(probabilities).tolist() == [-0.7, -0.1]
    assert ensemble([np.array([1.0, 2.0]), np.array([3.0, 6.0])]).tolist() == [2.0, 4.0]
    with pytest.raises(ValueError, match="same jets"):
        ensemble([np.zeros(2), np.zeros(3)])


def test_latent_is_what_the_heads_last_layer_reads():
    """The head's last linear layer maps the latent vectors to the logits whose softmax
    is the probabilities; batches join in order."""
    torch.manual_seed(0)
    model = default_pfn(n_classes=3).eval()
    rng = np.random.default_rng(2)
    features = rng.normal(size=(50, 10, 4)).astype(np.float32)
    mask = rng.random((50, 10)) < 0.8
    probabilities, latent = probabilities_and_latent(model, features, mask, batch_size=16)
    assert probabilities.shape == (50, 3)
    assert latent.shape[0] == 50
    last = last_linear(model)
    with torch.no_grad():
        again = torch.softmax(last(torch.as_tensor(latent)), dim=1).numpy()
    assert np.allclose(again, probabilities, atol=1e-6)
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-6)
    assert not last._forward_hooks, "the hook is removed"
    empty = probabilities_and_latent(model, features[:0], mask[:0])
    assert [a.shape for a in empty] == [(0, 3), (0, latent.shape[1])]


def test_mass_sculpting_tells_a_mass_cut_from_a_blind_one():
    """A score that is the jet mass keeps the heaviest 10 % of QCD jets: their mass
    distribution shares almost nothing with the whole (JSD near 1 bit); a blind score
    keeps the shape up to statistics (the floor), which shrinks with more jets."""
    rng = np.random.default_rng(4)
    mass = rng.gamma(4.0, 25.0, 20000)
    assert mass_sculpting(mass, mass) > 0.6
    assert mass_sculpting(mass, -mass) > 0.6  # the lightest jets: as sculpted
    blind = mass_sculpting(mass, rng.random(len(mass)))
    assert blind < 0.02
    assert sculpting_floor(mass) < 0.02
    assert sculpting_floor(mass[:500]) > sculpting_floor(mass)
    # a score leaning on the mass a little sculpts a little, more than a blind one
    slight = mass_sculpting(mass, rng.normal(0, 1, len(mass)) + mass / 100)
    assert blind < slight < mass_sculpting(mass, mass)


def test_class_sets_are_told_apart_by_their_training_classes():
    """A class set is one of the seed's classifiers by the training classes in its
    groups; a mass-augmented set (rescaled samples beside the classes) is its (M) row."""
    classes = ["qcd_dijet", "wprime_m1250", "ttbar_zprime_m1500"]
    w = ["wprime_m1250", "wprime_m1250_mw150"]
    top = ["ttbar_zprime_m1500", "ttbar_zprime_m1500_mt250"]
    qcd = ["qcd_dijet"]
    cases = [
        ("all", [[c] for c in classes], False, "all"),
        ("augmented", [qcd, w, top], True, "all" + MATCHED),
        ("plain", [qcd, w[:1], top[:1]], False, "all"),
        ("ova", [qcd, classes[1:]], False, "ova"),
        ("ova_m", [qcd, w + top], True, "ova" + MATCHED),
        ("qcd_w_m", [qcd, w], True, "qcd_w" + MATCHED),
        ("qcd_top", [qcd, top[:1]], False, "qcd_top"),
        ("own", [qcd, ["wprime_m1250_mw150"]], False, "own"),
    ]
    for name, groups, matched, kind in cases:
        assert seed_classifier(name, groups, classes, matched) == kind, name


def test_tables_show_the_seeds_numbers_beside_its_model_and_a_stand_in():
    """ParticleNet-Lite's rows carry the seed's ParticleNet AUCs, named as such; the FCN's
    its own (Table 6); the PFN's none (the seed has no PFN)."""
    rng = np.random.default_rng(5)
    n = 400
    sample = rng.choice(["qcd_dijet", "wprime_m1250", "hh4b_m174_mh20"], n)
    jets = {
        "sample": sample,
        "label": np.where(sample == "qcd_dijet", 0, 1),
        "minus_p_qcd": rng.random(n),
        "mahalanobis": rng.random(n),
        "jet_mass": rng.uniform(20, 300, n),
    }
    members = {(m, "baseline", "all"): [jets, jets] for m in ("particlenet_lite", "fcn", "pfn")}
    class_sets = {"all": [["qcd_dijet"], ["wprime_m1250"]]}
    rows = tables(members, class_sets, ["hh4b_m174_mh20"]).splitlines()

    def row(model: str) -> str:
        return next(r for r in rows if r.startswith(f"| {model} | baseline | all | -p_QCD | 1 "))

    assert "seed ParticleNet 0.782 ± 0.004" in row("particlenet_lite")
    assert "; seed 0.715" in row("fcn")
    assert "seed" not in row("pfn")
