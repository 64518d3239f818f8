"""Figures 1, 3, 4 and 5 of Dolan & Ore (arXiv:2111.06047) from the pipeline's outputs.

Fig. 1: average jet images without and with zoom (QCD and Z' at several masses).
Figs. 3-5, one set per tagger (the paper's is the PFN):
Fig. 3: AUC versus target mass of baselines trained on single masses.
Fig. 4: domain score versus target mass per source split and method.
Fig. 5: mean tagger output on QCD jets versus jet mass (sculpting).
Model comparison: domain score versus target mass of every tagger and method on one split.
Per trained model: ROC curves on every target mass and the training curves.
Learning curves: AUC versus training jets per class of single-mass baselines.
Curves are means over seeds; bands are one standard deviation. Every figure is built by
a function that returns it (the plot tests compare it with a baseline image) and written
by :func:`save` (PNG, and PDF beside the paper's figures and the detector response) in
mplhep's ROOT style with the label "Simulation" and the study's sqrt(s).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import matplotlib.pyplot as plt
import mplhep
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from massgen.evaluation.curves import curves, read_curves
from massgen.evaluation.roc import roc_auc, roc_curve
from massgen.evaluation.summary import band, read_summary
from massgen.files import atomic_path, read_json
from massgen.paths import sources_masses
from massgen.registry import METHODS

ZOOM_TITLES = {"nozoom": "no zoom", "zoom": "zoom"}


def save(fig: Figure, *paths: str | Path) -> None:
    """Write ``fig`` to each of ``paths`` (PNG or PDF, by suffix), atomically; the same
    figure gives the same bytes (no creation date in the PDF)."""
    for path in map(Path, paths):
        kind = path.suffix.lstrip(".")
        metadata = {"CreationDate": None} if kind == "pdf" else None
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=kind, dpi=120, metadata=metadata)
        fig.set_layout_engine("none")  # the first file's layout serves the next (0.5 s)
    plt.close(fig)


def method_order(methods: set[str]) -> list[str]:
    """Methods in the registry's order, then any of an extension (not registered in this
    process) by name: the order of legends and of tab10's colours."""
    known = list(METHODS)
    return sorted(methods, key=lambda m: (known.index(m) if m in known else len(known), m))


def use_style() -> None:
    """mplhep's ROOT style, for every figure of the workflow."""
    mplhep.style.use("ROOT")


def label(ax: Axes, sqrt_s: float) -> None:
    """The experiment label over the axes: "Simulation" left, the collision energy
    (``sqrt_s`` in GeV) right."""
    # mplhep's add_text, not its exp_label: exp_label draws the whole figure to measure
    # its text, 0.9 s per axes (two thirds of a model figure's time, 76 figures in the
    # laptop study); add_text places the same words in the same spots without a draw.
    mplhep.label.add_text("Simulation", loc="over left", ax=ax, fontsize=14, fontstyle="italic")
    mplhep.label.add_text(f"√s = {sqrt_s / 1000:g} TeV", loc="over right", ax=ax, fontsize=14)


def fig1_jet_images(images: dict[tuple[int, str], dict], sqrt_s: float) -> Figure:
    """Rows: QCD / Z' without zoom, QCD / Z' with zoom; columns: target masses. Pixels
    are the mean pT fraction per jet, on one logarithmic colour scale. ``images`` maps
    (mass, zoom) to the average images (``qcd``, ``signal``) and their half-width
    ``extent`` (:func:`massgen.datasets.average_jet_images`)."""
    use_style()
    masses = sorted({m for m, _ in images})
    fig, axes = plt.subplots(
        4, len(masses), figsize=(5.2 * len(masses) + 2, 19), squeeze=False, layout="constrained"
    )
    rows = [("nozoom", "qcd"), ("nozoom", "signal"), ("zoom", "qcd"), ("zoom", "signal")]
    norm = LogNorm(vmin=1e-5, vmax=1.0)
    for col, mass in enumerate(masses):
        for row, (zoom, kind) in enumerate(rows):
            stored = images[(mass, zoom)]
            image, extent = stored[kind], float(stored["extent"])
            edges = np.linspace(-extent, extent, image.shape[0] + 1)
            ax = axes[row, col]
            artists = mplhep.hist2dplot(
                image, edges, edges, ax=ax, cbar=False, norm=norm, cmap="viridis", flow=None
            )
            name = "QCD" if kind == "qcd" else f"Z' {mass} GeV"
            ax.set_title(f"{name}, {ZOOM_TITLES[zoom]}", fontsize=13, pad=22)
            ax.set_xlabel(r"$\eta'$")
            ax.set_ylabel(r"$\phi'$")
            ax.set(xlim=(-extent, extent), ylim=(-extent, extent), aspect="equal")
            label(ax, sqrt_s)
    fig.colorbar(artists.pcolormesh, ax=axes, label=r"mean $p_T / p_{T,J}$ per pixel", shrink=0.6)
    return fig


def _by_model(rows: list[dict], model: str) -> dict[tuple[str, str, str], list[dict]]:
    """Summary rows of one tagger by (method, sources, zoom)."""
    grouped = defaultdict(list)
    for r in rows:
        if r["model"] == model:
            grouped[(r["method"], r["sources"], r["zoom"])].append(r)
    return grouped


def fig3_single_domain_auc(summary: str | Path, model: str, sqrt_s: float) -> Figure:
    """AUC vs target mass of each single-mass baseline of one tagger; left no zoom, right
    zoom."""
    use_style()
    grouped = _by_model(read_summary(summary), model)
    fig, axes = plt.subplots(1, 2, figsize=(15, 6.5), sharey=True, layout="constrained")
    for ax, zoom in zip(axes, ZOOM_TITLES, strict=True):
        singles = sorted(
            int(s) for (m, s, z) in grouped if m == "baseline" and z == zoom and "-" not in s
        )
        colours = plt.cm.viridis(np.linspace(0, 1, max(len(singles), 2)))
        for colour, source in zip(colours, singles, strict=False):
            x, mean, std = band(grouped[("baseline", str(source), zoom)], "auc")
            ax.plot(x, mean, color=colour, label=f"trained on {source}")
            ax.fill_between(x, mean - std, mean + std, color=colour, alpha=0.25)
        ax.set_title(ZOOM_TITLES[zoom], pad=24)
        ax.set_xlabel(r"target $m_{Z'}$ [GeV]")
        ax.axhline(0.5, color="grey", lw=0.8, ls=":")
        label(ax, sqrt_s)
    axes[0].set_ylabel("AUC")
    axes[1].legend(ncol=2, fontsize=11)
    return fig


def _split_grid(
    grouped: dict,
    value: str,
    sqrt_s: float,
    ylabel: str,
    x_is_mass_bins: bool = False,
    metrics: dict | None = None,
) -> Figure:
    splits = sorted(
        {s for (_, s, _) in grouped if "-" in s}, key=lambda s: [int(m) for m in s.split("-")]
    )
    methods = method_order({m for (m, _, _) in grouped})
    fig, axes = plt.subplots(
        2,
        max(len(splits), 1),
        figsize=(6.5 * max(len(splits), 1), 12),
        squeeze=False,
        layout="constrained",
    )
    for col, sources in enumerate(splits):
        for row, zoom in enumerate(ZOOM_TITLES):
            ax = axes[row, col]
            for i, method in enumerate(methods):
                if (method, sources, zoom) not in grouped:
                    continue
                if x_is_mass_bins:
                    x, mean, std = _sculpting_band(metrics[(method, sources, zoom)])
                else:
                    x, mean, std = band(grouped[(method, sources, zoom)], value)
                colour = plt.cm.tab10(i % 10)
                ax.plot(x, mean, color=colour, label=method)
                ax.fill_between(x, mean - std, mean + std, color=colour, alpha=0.2)
            for m in sources.split("-"):
                ax.axvline(int(m), color="grey", ls="--", lw=0.8)
            ax.set_title(
                f"sources {{{sources.replace('-', ', ')}}}, {ZOOM_TITLES[zoom]}",
                fontsize=14,
                pad=24,
            )
            ax.set_xlabel(r"jet mass [GeV]" if x_is_mass_bins else r"target $m_{Z'}$ [GeV]")
            ax.set_ylabel(ylabel)
            ax.legend(fontsize=11)
            label(ax, sqrt_s)
    return fig


def fig4_domain_scores(summary: str | Path, model: str, sqrt_s: float) -> Figure:
    """Domain score vs target mass of one tagger; rows no zoom / zoom, columns source
    splits."""
    use_style()
    grouped = _by_model(read_summary(summary), model)
    return _split_grid(grouped, "domain_score", sqrt_s, "domain score")


def _sculpting_band(metric_files: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    edges = np.asarray(metric_files[0]["sculpting"]["bin_edges"])
    values = np.array(
        [[np.nan if v is None else v for v in m["sculpting"]["mean_score"]] for m in metric_files]
    )
    centres = 0.5 * (edges[1:] + edges[:-1])
    filled = ~np.isnan(values).all(axis=0)  # a bin no seed had a QCD jet in stays empty
    mean, std = np.full(len(centres), np.nan), np.full(len(centres), np.nan)
    mean[filled] = np.nanmean(values[:, filled], axis=0)
    std[filled] = np.nanstd(values[:, filled], axis=0)
    return centres, mean, std


def fig5_qcd_sculpting(metrics_paths: list[str], sqrt_s: float) -> Figure:
    """Mean output on QCD test jets vs jet mass of the models of ``metrics_paths`` (one
    tagger's); rows no zoom / zoom, columns source splits."""
    use_style()
    metrics = defaultdict(list)
    for p in metrics_paths:
        m = read_json(p)
        metrics[(m["method"], m["sources"], m["zoom"])].append(m)
    return _split_grid(
        metrics, "", sqrt_s, "mean tagger output (QCD)", x_is_mass_bins=True, metrics=metrics
    )


def model_comparison(summary: str | Path, sources: str, sqrt_s: float) -> Figure:
    """Domain score vs target mass of every tagger (colour) and method (line style)
    trained on the split ``sources`` (e.g. "150-200-250"); left no zoom, right zoom."""
    use_style()
    rows = [r for r in read_summary(summary) if r["sources"] == sources]
    models = list(dict.fromkeys(r["model"] for r in rows))
    methods = method_order({r["method"] for r in rows})
    styles = ["-", "--", ":", "-."]
    fig, axes = plt.subplots(1, 2, figsize=(15, 6.5), sharey=True, layout="constrained")
    for ax, zoom in zip(axes, ZOOM_TITLES, strict=True):
        for i, model in enumerate(models):
            for j, method in enumerate(methods):
                mine = [
                    r for r in rows if (r["model"], r["method"], r["zoom"]) == (model, method, zoom)
                ]
                if not mine:
                    continue
                x, mean, std = band(mine, "domain_score")
                colour = plt.cm.tab10(i % 10)
                ax.plot(
                    x, mean, color=colour, ls=styles[j % len(styles)], label=f"{model} {method}"
                )
                ax.fill_between(x, mean - std, mean + std, color=colour, alpha=0.15)
        for m in sources.split("-"):
            ax.axvline(int(m), color="grey", ls="--", lw=0.8)
        ax.set_title(f"sources {{{sources.replace('-', ', ')}}}, {ZOOM_TITLES[zoom]}", pad=24)
        ax.set_xlabel(r"target $m_{Z'}$ [GeV]")
        label(ax, sqrt_s)
    axes[0].set_ylabel("domain score")
    axes[1].legend(ncol=2, fontsize=10)
    return fig


def model_figure(history: dict, scores: dict[str, np.ndarray], title: str, sqrt_s: float) -> Figure:
    """One model: left, background rejection against signal efficiency on each target
    mass (``scores``: per-jet target_mass, label, score); right, training and validation
    loss and validation accuracy per epoch from its ``history``."""
    use_style()
    fig, (roc, curves) = plt.subplots(1, 2, figsize=(15, 6.5), layout="constrained")
    masses = np.unique(scores["target_mass"])
    colours = plt.cm.viridis(np.linspace(0, 1, max(len(masses), 2)))
    for colour, mass in zip(colours, masses, strict=False):
        on = scores["target_mass"] == mass
        signal_eff, background_eff = roc_curve(scores["label"][on], scores["score"][on])
        passed = background_eff > 0
        auc = roc_auc(scores["label"][on], scores["score"][on])
        roc.plot(
            signal_eff[passed],
            1 / background_eff[passed],
            color=colour,
            label=f"{mass} GeV (AUC {auc:.3f})",
        )
    roc.set_yscale("log")
    roc.set_xlim(0, 1)
    roc.set_xlabel(r"signal efficiency $\varepsilon_S$")
    roc.set_ylabel(r"background rejection $1/\varepsilon_B$")
    roc.legend(title="target", fontsize=10, title_fontsize=11, ncol=2)
    epochs = [e["epoch"] for e in history["epochs"]]
    curves.plot(epochs, [e["train_loss"] for e in history["epochs"]], label="train loss")
    curves.plot(epochs, [e["val_loss"] for e in history["epochs"]], label="validation loss")
    curves.axvline(history["best_epoch"], color="grey", ls="--", lw=0.8)
    curves.set_xlabel("epoch")
    curves.set_ylabel("cross-entropy")
    accuracy = curves.twinx()
    accuracy.plot(
        epochs,
        [e["val_accuracy"] for e in history["epochs"]],
        color="tab:green",
        label="validation accuracy",
    )
    accuracy.set_ylabel("validation accuracy")
    lines = curves.get_legend_handles_labels()
    more = accuracy.get_legend_handles_labels()
    curves.legend(lines[0] + more[0], lines[1] + more[1], fontsize=11, loc="best")
    for ax in (roc, curves):
        ax.set_title(title, fontsize=14, pad=24)
        label(ax, sqrt_s)
    return fig


def detector_figure(results: dict[str, dict[str, dict]], sqrt_s: float) -> Figure:
    """Left: reco over truth leading-jet pT of each sample (matched events: the reco
    ``response``); right: the leading-jet mass, reco solid and truth dotted (``results``
    of massgen.detector.validate.study_validation)."""
    use_style()
    fig, (response, mass) = plt.subplots(1, 2, figsize=(15, 6.5), layout="constrained")
    colours = plt.cm.viridis(np.linspace(0, 1, max(len(results), 2)))
    ratio_edges, mass_edges = np.linspace(0.7, 1.3, 61), np.linspace(0, 800, 81)
    for colour, (sample, figures) in zip(colours, results.items(), strict=False):
        truth, reco = figures["truth"]["jets"], figures["reco"]["jets"]
        counts = np.histogram(figures["reco"]["response"], ratio_edges)
        mplhep.histplot(counts, ax=response, color=colour, label=sample, density=True)
        for jets, style in ((reco, "-"), (truth, ":")):
            counts = np.histogram(np.asarray(jets.jet_mass), mass_edges)
            mplhep.histplot(counts, ax=mass, color=colour, ls=style, density=True)
    response.set_xlabel(r"reco / truth leading-jet $p_T$")
    mass.set_xlabel("leading-jet mass [GeV] (truth dotted)")
    for ax in (response, mass):
        ax.set_ylabel("density")
        label(ax, sqrt_s)
    response.legend(fontsize=10, ncol=2)
    return fig


def learning_curves(table: str | Path, sqrt_s: float) -> Figure:
    """AUC against training jets per class (log scale): one column per trained mass or
    source split, one row per model and zoom; a line per learning-curve mass as target, the
    trained masses (in domain) solid, the others (across domains) dashed; mean +- std over
    seeds. The ticks are the ladder's N; the legend below the panels gives the targets'
    colours."""
    use_style()
    table = curves(read_curves(table))
    trained = sorted({k[1] for k in table}, key=sources_masses)
    targets = sorted({m for source in trained for m in sources_masses(source)})
    rows = list(dict.fromkeys((k[0], k[2]) for k in sorted(table, key=lambda k: (k[0], k[2]))))
    fig, axes = plt.subplots(
        len(rows),
        len(trained),
        figsize=(6.5 * len(trained), 5.5 * len(rows)),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    shades = np.linspace(0, 0.9, len(targets))
    colours = {m: plt.cm.viridis(x) for m, x in zip(targets, shades, strict=True)}
    ladder = sorted({int(n) for jets, _, _ in table.values() for n in jets})
    for (model, zoom), row in zip(rows, axes, strict=True):
        for source, ax in zip(trained, row, strict=True):
            for target, colour in colours.items():
                key = (model, source, zoom, target)
                if key not in table:
                    continue
                jets, mean, std = table[key]
                style = "-" if target in sources_masses(source) else "--"
                ax.plot(jets, mean, color=colour, ls=style, marker="o", label=f"target {target}")
                ax.fill_between(jets, mean - std, mean + std, color=colour, alpha=0.2)
            ax.set_xscale("log")
            ax.set_xticks(ladder, [str(n) for n in ladder])  # the ladder's own N, no 10^k
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.margins(x=0.08)  # the ladder's end points whole
            ax.axhline(0.5, color="grey", lw=0.8, ls=":")
            ax.set_title(f"{model} trained on {source}, {ZOOM_TITLES[zoom]}", pad=24)
            ax.set_xlabel("training jets per class")
            label(ax, sqrt_s)
        row[0].set_ylabel("AUC")
    handles, labels = axes[0][-1].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=13, loc="outside lower center", ncols=len(labels))
    return fig
