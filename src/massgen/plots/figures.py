"""Figures 1, 3, 4 and 5 of Dolan & Ore (arXiv:2111.06047) from the pipeline's outputs.

Fig. 1: average jet images without and with zoom (QCD and Z' at several masses).
Fig. 3: AUC versus target mass of baseline PFNs trained on single masses.
Fig. 4: domain score versus target mass per source split and method.
Fig. 5: mean tagger output on QCD jets versus jet mass (sculpting).
Curves are means over seeds; bands are one standard deviation.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import matplotlib.pyplot as plt
import mplhep
import numpy as np
from matplotlib.colors import LogNorm

from massgen.evaluation.summary import band, read_summary
from massgen.files import atomic_path, read_json

ZOOM_TITLES = {"nozoom": "no zoom", "zoom": "zoom"}


def _save(fig: plt.Figure, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    plt.close(fig)


def _style() -> None:
    plt.style.use(mplhep.style.ROOT)
    plt.rcParams.update({"font.size": 11, "axes.labelsize": 11, "legend.fontsize": 8})


def fig1_jet_images(images: dict[tuple[int, str], str], path: str | Path) -> None:
    """Rows: QCD / Z' without zoom, QCD / Z' with zoom; columns: target masses."""
    _style()
    masses = sorted({m for m, _ in images})
    fig, axes = plt.subplots(
        4, len(masses), figsize=(2.8 * len(masses), 11.5), squeeze=False, layout="constrained"
    )
    rows = [("nozoom", "qcd"), ("nozoom", "signal"), ("zoom", "qcd"), ("zoom", "signal")]
    for col, mass in enumerate(masses):
        for row, (zoom, kind) in enumerate(rows):
            stored = np.load(images[(mass, zoom)])
            image, extent = stored[kind], float(stored["extent"])
            ax = axes[row, col]
            ax.imshow(
                image.T,
                origin="lower",
                extent=(-extent, extent, -extent, extent),
                norm=LogNorm(vmin=1e-5, vmax=1.0),
                cmap="viridis",
            )
            label = "QCD" if kind == "qcd" else f"Z' {mass} GeV"
            ax.set_title(f"{label}, {ZOOM_TITLES[zoom]}", fontsize=9)
            ax.set_xlabel(r"$\eta'$")
            ax.set_ylabel(r"$\phi'$")
    _save(fig, path)


def _by_model(rows: list[dict]) -> dict[tuple[str, str, str], list[dict]]:
    grouped = defaultdict(list)
    for r in rows:
        grouped[(r["method"], r["sources"], r["zoom"])].append(r)
    return grouped


def fig3_single_domain_auc(summary: str | Path, path: str | Path) -> None:
    """AUC vs target mass of each single-mass baseline; left no zoom, right zoom."""
    _style()
    grouped = _by_model(read_summary(summary))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True, layout="constrained")
    for ax, zoom in zip(axes, ZOOM_TITLES, strict=True):
        singles = sorted(
            int(s) for (m, s, z) in grouped if m == "baseline" and z == zoom and "-" not in s
        )
        colours = plt.cm.viridis(np.linspace(0, 1, max(len(singles), 2)))
        for colour, source in zip(colours, singles, strict=False):
            x, mean, std = band(grouped[("baseline", str(source), zoom)], "auc")
            ax.plot(x, mean, color=colour, label=f"trained on {source}")
            ax.fill_between(x, mean - std, mean + std, color=colour, alpha=0.25)
        ax.set_title(ZOOM_TITLES[zoom])
        ax.set_xlabel(r"target $m_{Z'}$ [GeV]")
        ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    axes[0].set_ylabel("AUC")
    axes[1].legend(ncol=2)
    _save(fig, path)


def _split_grid(
    grouped: dict,
    value: str,
    path: str | Path,
    ylabel: str,
    x_is_mass_bins: bool = False,
    metrics: dict | None = None,
) -> None:
    splits = sorted(
        {s for (_, s, _) in grouped if "-" in s}, key=lambda s: [int(m) for m in s.split("-")]
    )
    methods = sorted({m for (m, _, _) in grouped})
    fig, axes = plt.subplots(
        2,
        max(len(splits), 1),
        figsize=(4.6 * max(len(splits), 1), 8.5),
        squeeze=False,
        layout="constrained",
    )
    for col, sources in enumerate(splits):
        for row, zoom in enumerate(ZOOM_TITLES):
            ax = axes[row, col]
            for method in methods:
                if (method, sources, zoom) not in grouped:
                    continue
                if x_is_mass_bins:
                    x, mean, std = _sculpting_band(metrics[(method, sources, zoom)])
                else:
                    x, mean, std = band(grouped[(method, sources, zoom)], value)
                (line,) = ax.plot(x, mean, label=method)
                ax.fill_between(x, mean - std, mean + std, color=line.get_color(), alpha=0.25)
            for m in sources.split("-"):
                ax.axvline(int(m), color="grey", ls="--", lw=0.8)
            ax.set_title(
                f"sources {{{sources.replace('-', ', ')}}}, {ZOOM_TITLES[zoom]}", fontsize=10
            )
            ax.set_xlabel(r"jet mass [GeV]" if x_is_mass_bins else r"target $m_{Z'}$ [GeV]")
            ax.set_ylabel(ylabel)
            ax.legend()
    _save(fig, path)


def fig4_domain_scores(summary: str | Path, path: str | Path) -> None:
    """Domain score vs target mass; rows no zoom / zoom, columns source splits."""
    _style()
    _split_grid(_by_model(read_summary(summary)), "domain_score", path, "domain score")


def _sculpting_band(metric_files: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    edges = np.asarray(metric_files[0]["sculpting"]["bin_edges"])
    values = np.array(
        [[np.nan if v is None else v for v in m["sculpting"]["mean_score"]] for m in metric_files]
    )
    centres = 0.5 * (edges[1:] + edges[:-1])
    return centres, np.nanmean(values, axis=0), np.nanstd(values, axis=0)


def fig5_qcd_sculpting(metrics_paths: list[str], path: str | Path) -> None:
    """Mean output on QCD test jets vs jet mass; rows no zoom / zoom, columns source splits."""
    _style()
    metrics = defaultdict(list)
    for p in metrics_paths:
        m = read_json(p)
        metrics[(m["method"], m["sources"], m["zoom"])].append(m)
    _split_grid(metrics, "", path, "mean PFN output (QCD)", x_is_mass_bins=True, metrics=metrics)
