"""Seed 001's Figs. 1 and 3.

Fig. 1: the dijet mass of the selected events (two leading jets with pT > 750 GeV and
|eta| < 2), with the signal region and the sidebands shaded.

Left: the QCD background's cross-section per bin (fb), each event weighted by its
sample's cross-section after the parton cuts over its event count (the cutflow's), on a
logarithmic scale: the steep fall the sidebands interpolate. Right: every sample's
distribution normalised to unit area, the dark showers' peak near the Z' mass of 5.5 TeV
(the seed's: about 5.2 TeV) against the falling QCD.

Fig. 3 (:func:`significance`): the search's significance after a cut on the classifier
against the one before.
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import mplhep
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from massgen.files import read_json, read_parquet
from massgen.plots.figures import label, use_style
from massgen.samples import parse_sample

MJJ_EDGES = np.arange(3000.0, 7050.0, 100.0)  # GeV
REGION_STYLE = {
    "signal_region": ("tab:red", "signal region"),
    "sidebands": ("tab:gray", "sidebands"),
}


def selected_mjj(paths: list[str]) -> np.ndarray:
    """Dijet masses (GeV) of the selected events of a sample's chunks."""
    if not paths:
        return np.zeros(0)
    return np.concatenate([np.asarray(read_parquet(p, columns=["mjj"]).mjj) for p in paths])


def _shade(ax: Axes, regions: dict[str, list[list[float]]]) -> None:
    for name, intervals in regions.items():
        colour, text = REGION_STYLE[name]
        for i, (low, high) in enumerate(intervals):
            ax.axvspan(low, high, color=colour, alpha=0.15, label=text if i == 0 else None)


def dijet_mass(
    selected: dict[str, list[str]],
    cutflows: dict[str, str],
    regions: dict[str, list[list[float]]],
    sqrt_s: float,
) -> Figure:
    """The figure from each sample's selected chunks (``selected[sample]``) and cutflow
    (``cutflows[sample]``); ``regions`` are the dijet-mass intervals of
    :func:`massgen.params.selection`."""
    use_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(16, 7), layout="constrained")
    for i, (sample, paths) in enumerate(selected.items()):
        mjj = selected_mjj(paths)
        counts, _ = np.histogram(mjj, MJJ_EDGES)
        colour = f"C{i % 10}"
        if parse_sample(sample).label == 0:
            flow = read_json(cutflows[sample])
            per_event = flow["sigma_after_parton_cuts_fb"] / flow["parton_cuts"]
            error = np.sqrt(counts) * per_event
            mplhep.histplot(
                counts * per_event, MJJ_EDGES, yerr=error, ax=left, label=sample, color=colour
            )
        if len(mjj):
            mplhep.histplot(
                counts / len(mjj),
                MJJ_EDGES,
                ax=right,
                label=f"{sample} ({len(mjj)} events)",
                color=colour,
            )
    left.set_yscale("log")
    left.set_ylabel("QCD cross-section per 100 GeV [fb]")
    right.set_yscale("log")
    right.set_ylabel("fraction of events per 100 GeV")
    for ax in (left, right):
        _shade(ax, regions)
        ax.set_xlabel(r"$M_{jj}$ [GeV]")
        ax.set_xlim(MJJ_EDGES[0], MJJ_EDGES[-1])
        ax.legend(fontsize=12)
        label(ax, sqrt_s)
    return fig


SCHEME_STYLE = {"cwola": "C0", "supervised": "C3", "transfer": "C2", "meta_transfer": "C1"}
CUT_STYLES = (("o", "-"), ("s", "--"), ("^", "-."), ("D", ":"))  # marker, line per cut


def significance(rows: list[dict], schemes: list[str], sqrt_s: float) -> Figure:
    """Seed 001's Figs. 3-5: the significance after a cut on the classifier's output against
    the one before any cut, mean ± std over pseudo-experiments, for every scheme and
    background efficiency; a panel per resolution (rows) and signal (columns), the
    dotted line of slope 1 where the cut neither helps nor harms. ``rows`` are
    :func:`massgen.evaluation.search_summary.summarise`'s."""
    use_style()
    signals = sorted({r["signal"] for r in rows})
    pixels = sorted({r["pixels"] for r in rows})
    fig, axes = plt.subplots(
        len(pixels),
        len(signals),
        figsize=(8 * len(signals), 7 * len(pixels)),
        layout="constrained",
        squeeze=False,
    )
    for (i, px), (j, signal) in itertools.product(enumerate(pixels), enumerate(signals)):
        ax = axes[i][j]
        panel = [r for r in rows if r["signal"] == signal and r["pixels"] == px]
        top = max((r["significance_before"] for r in panel), default=1.0)
        for scheme in [s for s in schemes if any(r["scheme"] == s for r in panel)]:
            mine = sorted((r for r in panel if r["scheme"] == scheme), key=lambda r: r["injected"])
            before = [r["significance_before"] for r in mine]
            for k, cut in enumerate(mine[0]["cuts"]):
                ax.errorbar(
                    before,
                    [r["cuts"][k]["significance"] for r in mine],
                    yerr=[r["cuts"][k]["significance_std"] for r in mine],
                    color=SCHEME_STYLE.get(scheme),
                    marker=CUT_STYLES[k % len(CUT_STYLES)][0],
                    linestyle=CUT_STYLES[k % len(CUT_STYLES)][1],
                    capsize=3,
                    label=rf"{scheme}, $\epsilon_b$ = {cut['background_efficiency']:g}",
                )
        ax.plot([0, top], [0, top], ":", color="black", label="slope 1")
        ax.set_xlabel(r"significance before the cut [$\sigma$]")
        ax.set_ylabel(r"significance after the cut [$\sigma$]")
        ax.set_title(f"{signal}, {px}×{px} pixels", fontsize=14, pad=24)
        ax.legend(fontsize=11)
        label(ax, sqrt_s)
    return fig
