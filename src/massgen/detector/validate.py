"""The built-in detector against Delphes on the same generated events.

For one set of final-state particles and Delphes' output on them, both detectors'
leading anti-kt jets are compared with the leading jet of the visible particles
(truth): jet pT response (reco / truth pT; mean and resolution = standard deviation /
mean), jet-mass peak (mode of a kernel density estimate) and width (half the 16-84 %
interval), and missing ET. Units: GeV.
"""

from __future__ import annotations

from pathlib import Path

import awkward as ak
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

from massgen.detector.simulate import simulate
from massgen.files import atomic_path
from massgen.jets import leading_jets, truth_jets

QUANTITIES = {
    "response_mean": "jet pT response, mean",
    "response_resolution": "jet pT resolution (std / mean)",
    "pt_mean": "jet pT, mean (GeV)",
    "mass_median": "jet mass, median (GeV)",
    "mass_peak": "jet mass, peak (GeV)",
    "mass_width": "jet mass, width (GeV)",
    "met_median": "MET, median (GeV)",
}


def kde_peak(values: np.ndarray, lo: float, hi: float) -> float:
    """Mode of a kernel density estimate (bandwidth 0.1 x std) within [lo, hi]."""
    grid = np.linspace(lo, hi, 400)
    return float(grid[np.argmax(stats.gaussian_kde(values, 0.1)(grid))])


def jet_summary(truth: ak.Array, jets: ak.Array, mass_range: tuple[float, float] | None) -> dict:
    """Response, mass and MET figures of reco leading ``jets`` against ``truth`` jets,
    matched by event id. The jet-mass peak is looked for within ``mass_range``; None
    (a sample without a resonance, such as Z+jet) leaves it NaN."""
    common, i_truth, i_reco = np.intersect1d(
        ak.to_numpy(truth.event_id), ak.to_numpy(jets.event_id), return_indices=True
    )
    response = ak.to_numpy(jets.jet_pt)[i_reco] / ak.to_numpy(truth.jet_pt)[i_truth]
    mass = ak.to_numpy(jets.jet_mass)
    low, high = np.percentile(mass, [16, 84])
    return {
        "events": len(common),
        "response_mean": float(np.mean(response)),
        "response_resolution": float(np.std(response) / np.mean(response)),
        "pt_mean": float(np.mean(ak.to_numpy(jets.jet_pt))),
        "mass_median": float(np.median(mass)),
        "mass_peak": np.nan if mass_range is None else kde_peak(mass, *mass_range),
        "mass_width": float((high - low) / 2),
        "met_median": float(np.median(ak.to_numpy(jets.met))),
    }


def compare(
    events: ak.Array,
    delphes: ak.Array,
    seed: int,
    radius: float = 1.0,
    mass_range: tuple[float, float] | None = None,
) -> dict[str, dict]:
    """Figures of truth, the built-in detector (seeded ``seed``) and Delphes on ``events``."""
    truth = truth_jets(events, radius)
    ours = leading_jets(simulate(events, seed), radius)
    theirs = leading_jets(delphes, radius)
    return {
        "truth": {"jets": truth, **jet_summary(truth, truth, mass_range)},
        "builtin": {"jets": ours, **jet_summary(truth, ours, mass_range)},
        "delphes": {"jets": theirs, **jet_summary(truth, theirs, mass_range)},
    }


def table(results: dict[str, dict[str, dict]]) -> str:
    """Markdown table: one row per (sample, quantity), columns built-in, Delphes, ratio."""
    lines = [
        "| sample | quantity | built-in | Delphes | built-in / Delphes |",
        "|---|---|---|---|---|",
    ]
    for sample, figures in results.items():
        for key, label in QUANTITIES.items():
            ours, theirs = figures["builtin"][key], figures["delphes"][key]
            if np.isnan(ours):
                continue
            lines.append(
                f"| {sample} | {label} | {ours:.4g} | {theirs:.4g} | {ours / theirs:.3f} |"
            )
    return "\n".join(lines) + "\n"


def plot(results: dict[str, dict[str, dict]], path: Path | str) -> None:
    """Jet pT, jet mass and MET of truth, built-in and Delphes, one row per sample."""
    fig, axes = plt.subplots(len(results), 3, figsize=(13, 3.8 * len(results)), squeeze=False)
    for row, (sample, figures) in zip(axes, results.items(), strict=False):
        for name, style, colour in (
            ("truth", ":", "grey"),
            ("builtin", "-", "tab:blue"),
            ("delphes", "--", "tab:orange"),
        ):
            jets = figures[name]["jets"]
            for ax, field, bins in zip(
                row,
                ("jet_pt", "jet_mass", "met"),
                (np.linspace(800, 2200, 36), np.linspace(0, 300, 41), np.linspace(800, 2200, 36)),
                strict=False,
            ):
                if name == "truth" and field == "met":
                    continue
                values = ak.to_numpy(jets[field])
                ax.hist(values, bins, histtype="step", ls=style, color=colour, label=name)
        for ax, xlabel in zip(
            row, ("leading-jet pT [GeV]", "leading-jet mass [GeV]", "MET [GeV]"), strict=False
        ):
            ax.set_xlabel(xlabel)
            ax.set_ylabel("events")
            ax.set_title(sample)
            ax.legend()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)
