"""Seed 004's anti-QCD evaluation: every test jet scored by one trained classifier, and
the seed's tables from the scores of every model, method and seed.

A classifier of the study's training classes (QCD first, label 0) scores the test split
of those classes and every unseen signal (label K, one past the classes) with -p_QCD and
with the Mahalanobis distance of its latent vector from the QCD class, fitted on QCD
training jets (:mod:`massgen.evaluation.anomaly`). Each signal (a non-QCD class or an
unseen sample) is then told from the QCD test jets: AUC, 1/eps_B and eps_S/sqrt(eps_B)
at eps_S = 0.5. The tables give each (model, method) as a single model (mean +- std over
seeds) and as the deep ensemble of its seeds (scores averaged jet by jet), beside the
seed's Tables 2, 3 and 6 where it has the row.
"""

from __future__ import annotations

import logging
from collections import defaultdict

import awkward as ak
import numpy as np

from massgen.datasets import load_dataset
from massgen.evaluation.anomaly import (
    QCD_LABEL,
    Mahalanobis,
    ensemble,
    figures_of_merit,
    minus_p_qcd,
    probabilities_and_latent,
)
from massgen.files import atomic_path, read_parquet, write_json, write_parquet
from massgen.models import load_model
from massgen.training.loop import choose_device

log = logging.getLogger(__name__)

SCORES = ("minus_p_qcd", "mahalanobis")
SCORE_NAMES = {"minus_p_qcd": "-p_QCD", "mahalanobis": "MD"}

# Seed 004's AUCs (mean, std over its 10 runs; None where it gives no std) for its
# unseen signals, by (model, method, scoring, single model or ensemble): Table 2
# (ParticleNet), Table 3 (DisCo, lambda = 100) and Table 6 (FCN, one model).
SEED_SIGNALS = ("hh4b_m174_mh20", "hh4b_m174_mh80", "ttbar_zprime_m1500_mw20")
SEED_AUC: dict[tuple[str, str, str, str], tuple[tuple[float, float | None], ...]] = {
    ("particlenet", "baseline", "minus_p_qcd", "single"): (
        (0.782, 0.004),
        (0.872, 0.001),
        (0.768, 0.004),
    ),
    ("particlenet", "baseline", "mahalanobis", "single"): (
        (0.840, 0.008),
        (0.856, 0.006),
        (0.815, 0.008),
    ),
    ("particlenet", "baseline", "minus_p_qcd", "ensemble"): (
        (0.786, 0.001),
        (0.878, None),
        (0.774, 0.001),
    ),
    ("particlenet", "baseline", "mahalanobis", "ensemble"): (
        (0.848, 0.001),
        (0.866, 0.001),
        (0.824, 0.001),
    ),
    ("particlenet", "disco", "minus_p_qcd", "single"): (
        (0.595, None),
        (0.740, None),
        (0.648, None),
    ),
    ("particlenet", "disco", "mahalanobis", "single"): (
        (0.645, None),
        (0.745, None),
        (0.681, None),
    ),
    ("fcn", "baseline", "minus_p_qcd", "single"): ((0.715, None), (0.857, None), (0.742, None)),
    ("fcn", "baseline", "mahalanobis", "single"): ((0.747, None), (0.730, None), (0.773, None)),
}


def _rows(model, directory: str, sample_of: dict[int, str], mahalanobis: Mahalanobis) -> dict:
    """Scores and observers of every jet of one dataset directory."""
    data = load_dataset(directory)
    probabilities, latent = probabilities_and_latent(model, data["features"], data.get("mask"))
    label = np.asarray(data["label"]).astype(np.int8)
    return {
        "sample": np.asarray([sample_of[int(k)] for k in label]),
        "label": label,
        "minus_p_qcd": minus_p_qcd(probabilities).astype(np.float32),
        "mahalanobis": mahalanobis.distance(latent).astype(np.float32),
        "jet_mass": np.asarray(data["jet_mass"], np.float32),
        "jet_pt": np.asarray(data["jet_pt"], np.float32),
    }


def signal_metrics(jets: dict[str, np.ndarray]) -> dict[str, dict[str, dict[str, float]]]:
    """Per signal sample (every sample but the QCD class) and anomaly score, the figures
    of merit of its jets against the QCD jets (:func:`figures_of_merit`)."""
    qcd = jets["label"] == QCD_LABEL
    out: dict[str, dict[str, dict[str, float]]] = {}
    for sample in dict.fromkeys(jets["sample"][~qcd].tolist()):
        rows = qcd | (jets["sample"] == sample)
        truth = (~qcd[rows]).astype(np.int8)
        out[sample] = {s: figures_of_merit(truth, jets[s][rows]) for s in SCORES}
    return out


def score_job(
    model_dir: str,
    train_dir: str,
    test_dir: str,
    unseen_dirs: dict[str, str],
    classes: list[str],
    metrics_path: str,
    scores_path: str,
    labels: dict,
    fit_jets: int,
) -> dict:
    """Score the classes' test split and every unseen signal with one trained classifier;
    write the per-jet scores (parquet: sample, label, minus_p_qcd, mahalanobis, jet_mass,
    jet_pt in GeV) and the figures of merit per signal (json, with ``labels``).

    The Mahalanobis distance is fitted on the latent vectors of the first ``fit_jets``
    QCD jets of ``train_dir`` (the seed: 100 000)."""
    model = load_model(model_dir, choose_device())
    train = load_dataset(train_dir)
    qcd_rows = np.flatnonzero(np.asarray(train["label"]) == QCD_LABEL)[:fit_jets]
    mask = train.get("mask")
    _, latent = probabilities_and_latent(
        model, train["features"][qcd_rows], None if mask is None else mask[qcd_rows]
    )
    mahalanobis = Mahalanobis.fit(latent)
    sample_of = dict(enumerate(classes))
    parts = [_rows(model, test_dir, sample_of, mahalanobis)]
    for sample, directory in unseen_dirs.items():
        parts.append(_rows(model, directory, {len(classes): sample}, mahalanobis))
    jets = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    metrics = {**labels, "fit_jets": len(qcd_rows), "signals": signal_metrics(jets)}
    write_parquet(ak.Array(jets), scores_path)
    write_json(metrics, metrics_path)
    log.info("scored %d jets, Mahalanobis fitted on %d QCD jets", len(jets["label"]), len(qcd_rows))
    return metrics


def _cell(values: list[float]) -> str:
    return (
        f"{np.mean(values):.3f} ± {np.std(values):.3f}" if len(values) > 1 else f"{values[0]:.3f}"
    )


def _seed_cell(entry: tuple[float, float | None]) -> str:
    mean, std = entry
    return f"{mean:.3f}" if std is None else f"{mean:.3f} ± {std:.3f}"


def tables(scores: dict[tuple[str, str, int], str], unseen: list[str]) -> str:
    """Markdown: AUC, and 1/eps_B at eps_S = 0.5, of each anomaly score on each unseen
    signal and each non-QCD class, per (model, method), as single models (mean ± std over
    seeds) and as the ensemble of all seeds; seed 004's AUC beside where it has the row
    and the signal. ``scores`` maps (model, method, seed) to a score_job parquet."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for (model, method, _seed), path in sorted(scores.items()):
        jets = read_parquet(path)
        groups[(model, method)].append({k: ak.to_numpy(jets[k]) for k in ak.fields(jets)})
    first = next(iter(groups.values()))[0]
    signals = list(dict.fromkeys(first["sample"][first["label"] != QCD_LABEL].tolist()))
    signals = [s for s in signals if s not in unseen] + [s for s in signals if s in unseen]
    header = "| model | method | score | models | " + " | ".join(signals) + " |"
    lines = [header, "|" + "---|" * (4 + len(signals))]
    for (model, method), members in groups.items():
        per_seed = [signal_metrics(jets) for jets in members]
        pooled = {k: v for k, v in members[0].items() if k not in SCORES}
        pooled |= {s: ensemble([m[s] for m in members]) for s in SCORES}
        together = signal_metrics(pooled)
        for score in SCORES:
            for kind in ("single", "ensemble"):
                if kind == "ensemble" and len(members) == 1:
                    continue
                cells = []
                for signal in signals:
                    if kind == "single":
                        aucs = [m[signal][score]["auc"] for m in per_seed]
                        rej = [m[signal][score]["rejection"] for m in per_seed]
                        cell = f"{_cell(aucs)} (1/ε_B {np.mean(rej):.1f})"
                    else:
                        merit = together[signal][score]
                        cell = f"{merit['auc']:.3f} (1/ε_B {merit['rejection']:.1f})"
                    seed = SEED_AUC.get((model, method, score, kind))
                    if seed is not None and signal in SEED_SIGNALS:
                        cell += f"; seed {_seed_cell(seed[SEED_SIGNALS.index(signal)])}"
                    cells.append(cell)
                size = f"{len(members)}" if kind == "ensemble" else f"1 (of {len(members)})"
                name = SCORE_NAMES[score]
                lines.append(
                    f"| {model} | {method} | {name} | {size} | " + " | ".join(cells) + " |"
                )
    return "\n".join(lines) + "\n"


def write_tables(
    scores: dict[tuple[str, str, int], str], unseen: list[str], classes: list[str], path: str
) -> str:
    """The seed's tables (:func:`tables`) with a heading, written to ``path``."""
    text = (
        "# Anti-QCD tagging (seed 004, Tables 2, 3 and 6)\n\n"
        f"Training classes: {', '.join(classes)} (QCD first). Each cell: AUC of the score "
        "on the signal's jets against the QCD test jets (1/ε_B at ε_S = 0.5); 'seed' is "
        "seed 004's AUC for the same model, method and signal. Columns left of the unseen "
        "signals are the training classes' own test jets.\n\n" + tables(scores, unseen)
    )
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return text
