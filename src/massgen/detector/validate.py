"""Detector response: the built-in detector against Delphes on the same generated events
(scripts/validate_detector.py), and a study's own detector against truth (the
detector_response rule, :func:`study_validation`).

Reco leading anti-kt jets are compared with the leading jet of the visible particles
(truth): jet pT response (reco / truth pT; mean and resolution = standard deviation /
mean), jet-mass peak (mode of a kernel density estimate) and width (half the 16-84 %
interval), and missing ET. Units: GeV.

One run of either detector on 200 events scatters with its seed (the ZZ jet-mass peak
by about 2.7 GeV rms, the median by 1.3 GeV), so a bias shows only in figures averaged
over several seeds of both (:func:`seed_average`).
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


def pt_response(truth: ak.Array, jets: ak.Array) -> np.ndarray:
    """Reco over truth leading-jet pT of the events both have, matched by event id."""
    _, i_truth, i_reco = np.intersect1d(
        ak.to_numpy(truth.event_id), ak.to_numpy(jets.event_id), return_indices=True
    )
    return ak.to_numpy(jets.jet_pt)[i_reco] / ak.to_numpy(truth.jet_pt)[i_truth]


def jet_summary(truth: ak.Array, jets: ak.Array, mass_range: tuple[float, float] | None) -> dict:
    """Response, mass and MET figures of reco leading ``jets`` against ``truth`` jets,
    matched by event id. The jet-mass peak is looked for within ``mass_range``; None
    (a sample without a resonance, such as Z+jet) leaves it NaN."""
    response = pt_response(truth, jets)
    mass = ak.to_numpy(jets.jet_mass)
    low, high = np.percentile(mass, [16, 84])
    return {
        "events": len(response),
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


def seed_average(
    events: ak.Array,
    delphes_runs: list[ak.Array],
    seeds: list[int],
    radius: float = 1.0,
    mass_range: tuple[float, float] | None = None,
) -> dict[str, dict[str, list[float]]]:
    """[mean, standard error] of each figure over the built-in detector run with each of
    ``seeds`` and over ``delphes_runs`` (Delphes on the same ``events`` with as many
    RandomSeeds)."""
    truth = truth_jets(events, radius)
    runs = {"builtin": [simulate(events, seed) for seed in seeds], "delphes": delphes_runs}
    averages = {}
    for name, reco in runs.items():
        summaries = [jet_summary(truth, leading_jets(r, radius), mass_range) for r in reco]
        averages[name] = {}
        for key in ("events", *QUANTITIES):
            values = [summary[key] for summary in summaries]
            error = np.std(values, ddof=1) / np.sqrt(len(values))
            averages[name][key] = [float(np.mean(values)), float(error)]
    return averages


def table(results: dict[str, dict[str, dict]]) -> str:
    """Markdown table: one row per (sample, quantity), columns built-in, Delphes, ratio.
    A figure given as [mean, standard error] (:func:`seed_average`) is written as
    mean ± error, and the ratio's error propagated."""
    lines = [
        "| sample | quantity | built-in | Delphes | built-in / Delphes |",
        "|---|---|---|---|---|",
    ]
    for sample, figures in results.items():
        for key, label in QUANTITIES.items():
            (ours, ours_err), (theirs, theirs_err) = (
                _with_error(figures[name][key]) for name in ("builtin", "delphes")
            )
            if np.isnan(ours):
                continue
            ratio = ours / theirs
            ratio_err = ratio * np.hypot(ours_err / ours, theirs_err / theirs)
            lines.append(
                f"| {sample} | {label} | {_figure(ours, ours_err, '.4g')} | "
                f"{_figure(theirs, theirs_err, '.4g')} | {_figure(ratio, ratio_err, '.3f')} |"
            )
    return "\n".join(lines) + "\n"


def _with_error(figure: float | list[float]) -> tuple[float, float]:
    """(value, standard error) of a figure: a [mean, error] pair, or one value (error 0)."""
    return (figure[0], figure[1]) if isinstance(figure, list) else (figure, 0.0)


def _figure(value: float, error: float, form: str) -> str:
    """``value`` in format ``form``, followed by ``± error`` (two digits) where known."""
    return f"{value:{form}}" + (f" ± {error:.2g}" if error else "")


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


def study_validation(
    events: ak.Array, jets: ak.Array, radius: float, mass: int | None
) -> dict[str, dict]:
    """The study's own detector on one chunk: its leading reco ``jets`` (any detector)
    against the truth jets of the same ``events``. ``mass`` (GeV) of a resonance sets
    where the jet-mass peak is looked for (0.5 to 1.5 times it); None for a background."""
    truth = truth_jets(events, radius)
    mass_range = None if mass is None else (0.5 * mass, 1.5 * mass)
    return {
        "truth": {"jets": truth, **jet_summary(truth, truth, mass_range)},
        "reco": {
            "jets": jets,
            "response": pt_response(truth, jets),
            **jet_summary(truth, jets, mass_range),
        },
    }


def study_table(results: dict[str, dict[str, dict]], detector: str) -> str:
    """Markdown table: one row per sample, the reco figures of :data:`QUANTITIES` and
    the truth jet-mass median beside the reco one."""
    keys = [k for k in QUANTITIES if k != "met_median"]
    header = ["sample", "events", *(QUANTITIES[k] for k in keys), "truth jet mass, median (GeV)"]
    lines = [
        f"Detector: {detector}; reco leading jets against the truth jets of the same events.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for sample, figures in results.items():
        reco = figures["reco"]
        cells = [f"{reco[k]:.4g}" if not np.isnan(reco[k]) else "-" for k in keys]
        lines.append(
            f"| {sample} | {reco['events']} | "
            + " | ".join(cells)
            + f" | {figures['truth']['mass_median']:.4g} |"
        )
    return "\n".join(lines) + "\n"
