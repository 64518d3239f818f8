"""Diagnoses of the founding paper's claims that fail in a study (docs/reproduction.md):
what a tagger's separation rests on, read from the study's per-jet scores and datasets.

- **Separation at fixed jet mass or multiplicity**: the AUC within bins of the jet mass
  (quintiles of the target's test jets) or of the constituent multiplicity (bins of 4),
  averaged over bins with weights n_signal x n_QCD. A tagger that separates only by the
  binned variable falls to 0.5; one that does not use it keeps its AUC. Beside it the
  AUC of the variable alone: -|m_J - m_Z'| (the window's own mass) and -multiplicity.
- **Planing's effective statistics**: planing weights each training jet by the inverse
  of its class's jet-mass density (massgen.training.methods.planing); jets in sparse
  bins weigh most, so the class counts as n_eff = (sum w)^2 / sum w^2 jets.
- **Regularisation at work**: the sum of |w| over the head's weight matrices (what L1
  and MetaReg penalise) of each method's trained models: an active L1 penalty shrinks it.
- **Sculpting inside and outside the sources' mass range**: Fig. 5's spread
  (massgen.evaluation.claims.sculpting_spread) of each method's QCD test jets whose mass
  lies within the source windows' span, and of those beyond it.
- **Mean output per target window**, on QCD and on Z' test jets: a tagger whose QCD
  output rises with the mass while its Z' output stays flat has standardised the signal
  but not the background (the sculpting of Fig. 5).

Run on a finished study: ``python -m massgen.evaluation.diagnosis results/<study>``
(Markdown on standard output).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import awkward as ak
import numpy as np

from massgen.config import defaults
from massgen.datasets import load_dataset
from massgen.errors import InputFileError
from massgen.evaluation.claims import sculpting_spread
from massgen.evaluation.metrics import sculpting
from massgen.evaluation.roc import roc_auc
from massgen.files import read_parquet
from massgen.models import head_weights, load_model
from massgen.paths import sources_masses
from massgen.training.methods.planing import planing_weights

MODEL = "pfn"  # the founding paper's tagger
MULTIPLICITY_BIN = 4  # constituents per bin
MASS_QUANTILES = 5  # jet-mass bins per target window


def binned_auc(label: np.ndarray, score: np.ndarray, key: np.ndarray) -> float:
    """AUC within the groups of equal ``key``, averaged with weights n_signal x n_QCD
    (groups holding one class only are left out)."""
    num = den = 0.0
    for value in np.unique(key):
        sel = key == value
        pairs = float((label[sel] == 1).sum() * (label[sel] == 0).sum())
        if pairs:
            num += pairs * roc_auc(label[sel], score[sel])
            den += pairs
    return num / den


def mass_bins(jet_mass: np.ndarray) -> np.ndarray:
    """Quintile index of each jet's mass (GeV) among the given jets."""
    edges = np.quantile(jet_mass, np.linspace(0, 1, MASS_QUANTILES + 1)[1:-1])
    return np.digitize(jet_mass, edges)


def effective_count(weights: np.ndarray) -> float:
    """(sum w)^2 / sum w^2: how many unweighted jets carry the same statistical power."""
    w = np.asarray(weights, float)
    return float(w.sum() ** 2 / (w**2).sum())


def _seeds(root: Path, method: str, sources: str, zoom: str) -> list[dict[str, np.ndarray]]:
    """Each seed's per-jet test scores of the PFN trained with ``method`` on ``sources``."""
    where = root / "scores" / MODEL / method / sources / zoom
    files = sorted(where.glob("seed*.parquet"))
    if not files:
        raise InputFileError(f"{where}: no per-jet scores (seed*.parquet)")
    scores = [read_parquet(f) for f in files]
    return [{k: ak.to_numpy(a[k]) for k in a.fields} for a in scores]


def _dataset(root: Path, mass: int, zoom: str, split: str) -> dict:
    return load_dataset(str(root / "datasets" / "point_cloud" / str(mass) / zoom / split))


@cache
def _test_jets(root: Path, mass: int, zoom: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Label, jet mass (GeV) and constituent multiplicity of a window's test jets, read
    once for all the tables that need them."""
    test = _dataset(root, mass, zoom, "test")
    return (
        np.asarray(test["label"]),
        np.asarray(test["jet_mass"]),
        np.asarray(test["mask"]).sum(axis=1),
    )


def _cell(values: list[float]) -> str:
    return f"{np.mean(values):.3f} ± {np.std(values):.3f}"


def separation(root: Path, sources: str, zoom: str, methods: list[str], masses: list[int]) -> str:
    """Markdown: per target mass, each method's AUC plain, at fixed jet mass and at fixed
    multiplicity (mean ± std over seeds), and the variables' own AUCs."""
    runs = {method: _seeds(root, method, sources, zoom) for method in methods}
    head = ["target", "−abs(m_J − m_Z') alone", "−multiplicity alone"]
    for method in methods:
        head += [f"{method}", f"{method} at fixed m_J", f"{method} at fixed multiplicity"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for mass in masses:
        label, jet_mass, multiplicity = _test_jets(root, mass, zoom)
        by_mass, by_count = mass_bins(jet_mass), multiplicity // MULTIPLICITY_BIN
        row = [
            str(mass),
            f"{roc_auc(label, -abs(jet_mass - mass)):.3f}",
            f"{roc_auc(label, -multiplicity):.3f}",
        ]
        for method in methods:
            scores = [r["score"][r["target_mass"] == mass] for r in runs[method]]
            row += [
                _cell([roc_auc(label, s) for s in scores]),
                _cell([binned_auc(label, s, by_mass) for s in scores]),
                _cell([binned_auc(label, s, by_count) for s in scores]),
            ]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def planing_statistics(root: Path, splits: list[str], bins: int) -> str:
    """Markdown: per source split, training jets per class and their effective number
    under planing's weights (``bins`` as training.planing.bins)."""
    lines = [
        "| sources | Z' jets | Z' n_eff planed | QCD jets | QCD n_eff planed |",
        "|---|---|---|---|---|",
    ]
    for sources in splits:
        train = [_dataset(root, m, "nozoom", "train") for m in sources_masses(sources)]
        label = np.concatenate([np.asarray(d["label"]) for d in train])
        event = np.concatenate([np.asarray(d["weight"]) for d in train])
        jet_mass = np.concatenate([np.asarray(d["jet_mass"]) for d in train])
        w = planing_weights(jet_mass, label, bins, event)
        cells = []
        for value in (1, 0):
            sel = label == value
            cells += [f"{effective_count(event[sel]):.0f}", f"{effective_count(w[sel]):.0f}"]
        lines.append(f"| {sources} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def window_means(root: Path, sources: list[str], zoom: str, masses: list[int]) -> str:
    """Markdown: each model's mean output on QCD and on Z' test jets per target window
    (mean over seeds)."""
    lines = [
        "| trained on | class | " + " | ".join(map(str, masses)) + " |",
        "|---|---|" + "---|" * len(masses),
    ]
    for source in sources:
        runs = _seeds(root, "baseline", source, zoom)
        for value, name in ((0, "QCD"), (1, "Z'")):
            means = [
                np.mean(
                    [
                        r["score"][(r["target_mass"] == m) & (r["label"] == value)].mean()
                        for r in runs
                    ]
                )
                for m in masses
            ]
            lines.append(f"| {source} | {name} | " + " | ".join(f"{x:.2f}" for x in means) + " |")
    return "\n".join(lines) + "\n"


def head_norms(root: Path, splits: list[str], zoom: str, methods: list[str]) -> str:
    """Markdown: per source split, each method's sum of |w| over its head's weight
    matrices (mean ± std over seeds)."""
    lines = ["| sources | " + " | ".join(methods) + " |", "|---|" + "---|" * len(methods)]
    for sources in splits:
        cells = []
        for method in methods:
            seeds = sorted((root / "models" / MODEL / method / sources / zoom).glob("seed*"))
            norms = [
                sum(float(w.detach().abs().sum()) for w in head_weights(load_model(d)).values())
                for d in seeds
            ]
            cells.append(f"{np.mean(norms):.4g} ± {np.std(norms):.2g}" if norms else "—")
        lines.append(f"| {sources} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def sculpting_by_range(
    root: Path, splits: list[str], zoom: str, methods: list[str], window_fraction: float
) -> str:
    """Markdown: per source split, each method's sculpting spread (mean ± std over seeds)
    of the QCD test jets inside the span of the source windows (m_Z' -+ ``window_fraction``
    m_Z', GeV) and of those outside it."""
    lines = [
        "| sources | jets | " + " | ".join(methods) + " |",
        "|---|---|" + "---|" * len(methods),
    ]
    for sources in splits:
        masses = sources_masses(sources)
        low, high = (1 - window_fraction) * min(masses), (1 + window_fraction) * max(masses)
        for where in ("inside", "outside"):
            cells = []
            for method in methods:
                spreads = []
                for r in _seeds(root, method, sources, zoom):
                    qcd = r["label"] == 0
                    inside = (r["jet_mass"] >= low) & (r["jet_mass"] < high)
                    sel = qcd & (inside if where == "inside" else ~inside)
                    if sel.any():
                        spreads.append(
                            sculpting_spread(sculpting(r["jet_mass"][sel], r["score"][sel]))
                        )
                cells.append(_cell(spreads) if spreads else "no jets")
            span = f"{low:g}–{high:g} GeV"
            lines.append(f"| {sources} | {where} {span} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def report(root: str | Path) -> str:
    """The diagnoses of docs/reproduction.md for the study under ``root`` (its planing
    bins and mass windows the schema's defaults)."""
    root = Path(root)
    masses = sorted(int(p.name) for p in (root / "datasets" / "point_cloud").iterdir())
    splits = sorted(
        (p.name for p in (root / "scores" / MODEL / "planing").iterdir()), key=sources_masses
    )
    ends = [str(min(masses)), str(max(masses))]
    methods = sorted(p.name for p in (root / "models" / MODEL).iterdir())
    fraction = defaults()["cuts"]["window_fraction"]
    parts = ["# Diagnoses", ""]
    for zoom in ("nozoom", "zoom"):
        for source in ends:
            parts += [f"## Separation, baseline trained at {source}, {zoom}", ""]
            parts.append(separation(root, source, zoom, ["baseline"], masses))
        for split in splits:
            parts += [f"## Separation, {split}, {zoom}", ""]
            parts.append(separation(root, split, zoom, ["baseline", "planing", "l1"], masses))
        parts += [f"## Sculpting inside and outside the sources' mass span, {zoom}", ""]
        parts.append(sculpting_by_range(root, splits, zoom, methods, fraction))
        singles = dict.fromkeys([ends[0], str(masses[(len(masses) - 1) // 2]), ends[1]])
        parts += [f"## Mean output per target window, single-mass baselines, {zoom}", ""]
        parts.append(window_means(root, list(singles), zoom, masses))
    parts += ["## Sum of |w| over the head's weights, nozoom", ""]
    parts.append(head_norms(root, splits, "nozoom", methods))
    parts += ["## Planing's effective training jets", ""]
    bins = defaults()["training"]["planing"]["bins"]
    parts.append(planing_statistics(root, splits, bins))
    return "\n".join(parts)


if __name__ == "__main__":
    sys.stdout.write(report(sys.argv[1]))
