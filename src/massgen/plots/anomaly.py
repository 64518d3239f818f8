"""Seed 004's Figs. 6 and 7 for one anti-QCD classifier: its anomaly scores against the
jet mass of the QCD test jets (left) and their mass distribution after cuts on the score
(right), one row per score (-p_QCD, the Mahalanobis distance).

Left: the mean score per jet-mass bin, mean +- std over seeds (as Fig. 5 of the founding
study). Right: the QCD jets the ensemble's score keeps at several background acceptances
eps (the fraction of QCD jets kept), each with its Jensen-Shannon divergence from the
uncut distribution (:func:`massgen.evaluation.anomaly.mass_sculpting`); a score blind to
the mass keeps the shape.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from massgen.evaluation.anomaly import QCD_LABEL, ensemble, mass_sculpting
from massgen.evaluation.anti_qcd import SCORE_NAMES, SCORES
from massgen.files import read_parquet
from massgen.plots.figures import label, use_style

ACCEPTANCES = (1.0, 0.5, 0.2, 0.1)  # fractions of QCD jets kept, right-hand panels
MASS_EDGES = np.arange(0.0, 410.0, 10.0)  # GeV


def _qcd_scores(paths: list[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Jet mass (GeV) of the QCD test jets and each score, (n_seeds, n_jets)."""
    jets = [read_parquet(p) for p in paths]
    qcd = np.asarray(jets[0]["label"]) == QCD_LABEL
    mass = np.asarray(jets[0]["jet_mass"])[qcd]
    return mass, {s: np.stack([np.asarray(j[s])[qcd] for j in jets]) for s in SCORES}


def anomaly_vs_mass(score_paths: list[str], title: str, sqrt_s: float) -> Figure:
    """The figure for one classifier from its seeds' score_job parquets."""
    use_style()
    mass, scores = _qcd_scores(score_paths)
    centres = 0.5 * (MASS_EDGES[1:] + MASS_EDGES[:-1])
    which = np.digitize(mass, MASS_EDGES) - 1
    fig, axes = plt.subplots(2, 2, figsize=(14, 11), layout="constrained")
    for row, score in zip(axes, SCORES, strict=True):
        per_seed = np.array(
            [
                [
                    s[which == b].mean() if np.any(which == b) else np.nan
                    for b in range(len(centres))
                ]
                for s in scores[score]
            ]
        )
        mean, std = per_seed.mean(axis=0), per_seed.std(axis=0)
        row[0].plot(centres, mean, color="C0", drawstyle="steps-mid")
        row[0].fill_between(centres, mean - std, mean + std, color="C0", alpha=0.25, step="mid")
        row[0].set_xlabel("jet mass [GeV]")
        row[0].set_ylabel(f"mean {SCORE_NAMES[score]} (QCD)")
        pooled = ensemble(list(scores[score]))
        order = np.argsort(-pooled, kind="stable")
        for i, acceptance in enumerate(ACCEPTANCES):
            kept = mass[order[: max(1, round(acceptance * len(order)))]]
            divergence = mass_sculpting(mass, pooled, acceptance)
            name = f"ε = {acceptance:g}" + ("" if acceptance == 1 else f", JSD {divergence:.3f}")
            row[1].hist(kept, MASS_EDGES, density=True, histtype="step", color=f"C{i}", label=name)
        row[1].set_xlabel("jet mass [GeV]")
        row[1].set_ylabel("QCD jets (normalised)")
        row[1].legend(title=f"{SCORE_NAMES[score]}, ensemble of {len(scores[score])}")
    for ax in axes.flat:
        label(ax, sqrt_s)
    fig.suptitle(title)
    return fig
