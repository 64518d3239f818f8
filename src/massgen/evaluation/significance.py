"""Seed 001's figure of merit: the discovery significance of a cut on a classifier's
output in the signal region (Sec. 3, Eq. 2; App. A, Eq. 8 with a background
systematic), at chosen background efficiencies of the test set's ROC curve.

Both formulas are the Asimov median significance for discovery (the seed's reference
ATLAS:2020yaz, Cowan et al.'s Eq. 97 and its form with an uncertain background); they
are written here from the seed's equations: a few lines of numpy, where a statistics
library would bring a dependency for two closed forms.
"""

from __future__ import annotations

import numpy as np

from massgen.evaluation.roc import roc_curve


def discovery_significance(n_signal, n_background):
    """Eq. 2: sqrt(2 ((N_s + N_b) ln(1 + N_s / N_b) - N_s)) for N_s signal and N_b
    background events (numbers or arrays); S / sqrt(B) for S << B."""
    s, b = np.asarray(n_signal, float), np.asarray(n_background, float)
    return np.sqrt(2 * ((s + b) * np.log1p(s / b) - s))


def discovery_significance_systematic(n_signal, n_background, sigma_background):
    """Eq. 8: the significance with an absolute uncertainty ``sigma_background`` on the
    background count; Eq. 2 where it is zero."""
    s, b, sigma = (np.asarray(x, float) for x in (n_signal, n_background, sigma_background))
    n, var = s + b, sigma**2
    with np.errstate(divide="ignore", invalid="ignore"):
        first = n * np.log(n * (b + var) / (b**2 + n * var))
        second = b**2 / var * np.log1p(var * s / (b * (b + var)))
        z = np.sqrt(np.maximum(2 * (first - second), 0.0))
    return np.where(var > 0, z, discovery_significance(s, b))


def signal_efficiency_at(
    label: np.ndarray, score: np.ndarray, background_efficiency: np.ndarray
) -> np.ndarray:
    """The signal efficiency of the cut on ``score`` that keeps each fraction of the
    background (label 0): the best the ROC curve reaches there, linear between its
    points (a randomised cut)."""
    signal_eff, background_eff = roc_curve(label, score)
    reached, first = np.unique(background_eff, return_index=True)
    # Along the curve both efficiencies grow: a background value's last point is its best.
    best = signal_eff[np.r_[first[1:] - 1, len(signal_eff) - 1]]
    return np.interp(background_efficiency, reached, best)


def significance_after_cut(
    label: np.ndarray,
    score: np.ndarray,
    n_signal: float,
    n_background: float,
    background_efficiency: np.ndarray,
    relative_systematic: float = 0.0,
) -> dict[str, np.ndarray]:
    """Significance of the signal region's ``n_signal`` and ``n_background`` events after
    cuts keeping each ``background_efficiency`` of the background, the signal
    efficiencies read from the test set's ROC (``label`` 1 signal, ``score``); with
    ``relative_systematic`` (seed 001's App. A: 1 %) on the background before and after
    the cut, Eq. 8 instead of Eq. 2."""
    eps_b = np.asarray(background_efficiency, float)
    eps_s = signal_efficiency_at(label, score, eps_b)
    s, b = eps_s * n_signal, eps_b * n_background
    z = discovery_significance_systematic(s, b, relative_systematic * b)
    return {"background_efficiency": eps_b, "signal_efficiency": eps_s, "significance": z}
