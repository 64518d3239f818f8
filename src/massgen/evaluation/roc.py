"""ROC curves of a tagger on one target mass: the area under it (AUC), the curve, and
the background rejection at fixed signal efficiency, the working points analysts quote.

Written here in numpy rather than taken from scikit-learn, which is only a test
dependency (tests/test_metrics.py checks both against ``sklearn.metrics``): an
evaluation or plotting job should not import it for one sort and a cumulative sum.
Jets count once each.
"""

from __future__ import annotations

import numpy as np

# Signal efficiencies at which the background rejection 1 / epsilon_B is quoted.
WORKING_POINTS = (0.3, 0.5)


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``values``, tied values sharing the mean of their ranks (as
    ``scipy.stats.rankdata``, whose import alone costs an evaluation job about 1 s of
    CPU, a quarter of the job; tests/test_metrics.py checks the two agree). Any NaN
    makes every rank NaN, as there."""
    if np.isnan(values).any():
        return np.full(len(values), np.nan)
    order = np.argsort(values, kind="stable")
    ordered = np.asarray(values)[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(ordered)]  # a tie group's ranks are starts+1 .. ends
    ranks = np.empty(len(ordered), np.float64)
    ranks[order] = np.repeat(0.5 * (starts + 1 + ends), ends - starts)
    return ranks


def roc_auc(label: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U with tied ranks averaged)."""
    label = np.asarray(label).astype(bool)
    n_pos, n_neg = label.sum(), (~label).sum()
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs both classes")
    ranks = average_ranks(np.asarray(score))
    return float((ranks[label].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def roc_curve(label: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(signal efficiency, background efficiency) at every distinct threshold on
    ``score``, from the highest down, starting at (0, 0): jets with ``score`` at or above
    the threshold pass; ``label`` 1 is signal."""
    label = np.asarray(label).astype(bool)
    score = np.asarray(score)
    if label.all() or not label.any():
        raise ValueError("a ROC curve needs both classes")
    order = np.argsort(-score, kind="stable")
    ordered = score[order]
    last = np.r_[np.flatnonzero(ordered[1:] != ordered[:-1]), len(ordered) - 1]
    passed_signal = np.cumsum(label[order])[last]
    passed_background = np.cumsum(~label[order])[last]
    return (
        np.r_[0.0, passed_signal / label.sum()],
        np.r_[0.0, passed_background / (~label).sum()],
    )


def rejection_at(signal_eff: np.ndarray, background_eff: np.ndarray, efficiency: float) -> float:
    """Background rejection 1 / epsilon_B at signal efficiency ``efficiency``: the lowest
    background efficiency that reaches it (where a background jet's threshold adds to
    epsilon_B alone, the curve rises vertically), linear in between; infinite where no
    background jet passes."""
    reached, lowest = np.unique(signal_eff, return_index=True)  # epsilon_B grows along
    background = float(np.interp(efficiency, reached, background_eff[lowest]))
    return 1.0 / background if background > 0 else float("inf")


def working_points(label: np.ndarray, score: np.ndarray) -> dict[str, float | None]:
    """Background rejection at each of WORKING_POINTS, keyed by the efficiency; None
    (JSON's null) where no background jet of the test set passes."""
    signal_eff, background_eff = roc_curve(label, score)
    rejections = {f"{e:g}": rejection_at(signal_eff, background_eff, e) for e in WORKING_POINTS}
    return {k: (None if np.isinf(v) else v) for k, v in rejections.items()}
