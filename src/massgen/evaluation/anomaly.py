"""Anomaly scores of a K-class jet classifier for signals it never saw (seed 004, Sec. 2
and 4), and their figures of merit against QCD.

A classifier trained on QCD (label 0), W and top jets flags a jet as non-QCD by
- ``-p_QCD``, minus its softmax probability of being QCD;
- the Mahalanobis distance of its penultimate latent vector (the input of the head's
  last layer) from the QCD class, with mean and covariance from QCD training jets;
- a deep ensemble: either score averaged over models trained from different seeds.
Figures of merit (Tables 2 and 3): AUC, background rejection 1/eps_B at 50 % signal
efficiency, and the significance improvement eps_S / sqrt(eps_B) there. Mass sculpting
(Figs. 6 and 7, right): how far a cut on the score moves the QCD jet-mass distribution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import jensenshannon

from massgen.evaluation.metrics import class_probabilities
from massgen.evaluation.roc import rejection_at, roc_auc, roc_curve
from massgen.models import Tagger, last_linear

QCD_LABEL = 0
EFFICIENCY = 0.5  # the seed's working point: 50 % of the signal jets kept
SCULPTING_ACCEPTANCE = 0.1  # QCD jets a cut on the score keeps, for mass sculpting
SCULPTING_BIN = 20.0  # GeV, jet-mass bins of the sculpting measure


def minus_p_qcd(probabilities: np.ndarray) -> np.ndarray:
    """The anomaly score -p_QCD of each jet from its class probabilities (n_jets, K)."""
    return -probabilities[:, QCD_LABEL]


@dataclass(frozen=True)
class Mahalanobis:
    """The QCD class's latent mean and the pseudo-inverse of its maximum-likelihood
    covariance (the estimate scikit-learn's EmpiricalCovariance makes)."""

    mean: np.ndarray
    precision: np.ndarray

    @classmethod
    def fit(cls, latent: np.ndarray) -> Mahalanobis:
        """From the latent vectors (n_jets, width) of QCD training jets."""
        latent = np.asarray(latent, dtype=np.float64)
        mean = latent.mean(axis=0)
        centred = latent - mean
        covariance = centred.T @ centred / len(latent)
        return cls(mean, np.linalg.pinv(covariance, hermitian=True))

    def distance(self, latent: np.ndarray) -> np.ndarray:
        """Squared Mahalanobis distance of each latent vector from the QCD class."""
        centred = np.asarray(latent, dtype=np.float64) - self.mean
        return np.einsum("ij,jk,ik->i", centred, self.precision, centred)


def ensemble(scores: list[np.ndarray]) -> np.ndarray:
    """A deep ensemble's score: the members' scores of the same jets, averaged."""
    if len({len(s) for s in scores}) != 1:
        raise ValueError("ensemble members must score the same jets")
    return np.mean(scores, axis=0)


def figures_of_merit(label: np.ndarray, score: np.ndarray) -> dict[str, float]:
    """AUC, 1/eps_B and eps_S / sqrt(eps_B) at eps_S = 50 % of an anomaly score on signal
    (label 1) against QCD (label 0) jets; infinite where no QCD jet passes."""
    signal_eff, background_eff = roc_curve(label, score)
    rejection = rejection_at(signal_eff, background_eff, EFFICIENCY)
    return {
        "auc": roc_auc(label, score),
        "rejection": rejection,
        "significance_improvement": EFFICIENCY * np.sqrt(rejection),
    }


def probabilities_and_latent(
    model: Tagger,
    features: np.ndarray,
    mask: np.ndarray | None = None,
    batch_size: int = 4000,
) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities (n_jets, K) and penultimate latent vectors (the input of the
    head's last linear layer) of each jet; ``mask`` marks the real entries of padded
    inputs, None for inputs without padding."""
    last = last_linear(model)
    latent = [np.zeros((0, last.in_features), np.float32)]
    hook = last.register_forward_hook(lambda _m, args, _out: latent.append(args[0].cpu().numpy()))
    try:
        probabilities = class_probabilities(model, features, mask, batch_size)
    finally:
        hook.remove()
    return probabilities, np.concatenate(latent)


def mass_sculpting(
    jet_mass: np.ndarray,
    score: np.ndarray,
    acceptance: float = SCULPTING_ACCEPTANCE,
    bin_width: float = SCULPTING_BIN,
) -> float:
    """Jensen-Shannon divergence (bits: 0 for the same shape, 1 for disjoint ones) between
    the mass distribution of QCD jets (``jet_mass`` in GeV) and that of the ``acceptance``
    fraction of them with the highest ``score``: 0 for a score blind to the mass, up to
    the statistical floor of the kept jets (:func:`sculpting_floor`)."""
    jet_mass = np.asarray(jet_mass, dtype=np.float64)
    order = np.argsort(-np.asarray(score), kind="stable")
    kept = order[: max(1, round(acceptance * len(order)))]
    edges = np.arange(0.0, jet_mass.max() + bin_width, bin_width)
    every, _ = np.histogram(jet_mass, edges)
    passing, _ = np.histogram(jet_mass[kept], edges)
    return float(jensenshannon(every, passing, base=2) ** 2)


def sculpting_floor(jet_mass: np.ndarray, acceptance: float = SCULPTING_ACCEPTANCE) -> float:
    """:func:`mass_sculpting` of a score blind to everything (a fixed random permutation):
    the divergence statistics alone give with this many jets."""
    blind = np.random.default_rng(0).permutation(len(jet_mass))
    return mass_sculpting(jet_mass, blind, acceptance)
