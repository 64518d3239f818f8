"""Seed 003's evaluation (Louppe et al., arXiv:1702.00748; Cranmer's slides): W against
QCD jets, ROC AUC and background rejection R at 50 % signal efficiency, on the test jets
as they are and after each infrared and collinear perturbation (Table II), and the tables
with the seed's numbers beside ours.

The seed's numbers are its "particles" rows beside jets of particle-flow candidates
and its "towers" rows (Delphes towers, without image preprocessing) beside jets of
towers (config ``jets.inputs``), mean +- std over 30 models with distinct seeds. The
seed's Table II has particle rows only.
"""

from __future__ import annotations

import logging

import numpy as np

from massgen.datasets import load_dataset
from massgen.evaluation.metrics import predict
from massgen.evaluation.roc import rejection_at, roc_auc, roc_curve
from massgen.files import write_json
from massgen.grid import SCENARIOS
from massgen.models import load_model
from massgen.training.loop import choose_device

log = logging.getLogger(__name__)

SIGNAL_EFFICIENCY = 0.5  # R_{eps=50%}
# Table I per input (jets.inputs: eflow beside the seed's particles, towers beside its
# towers): (order, gated) -> (AUC, its std, R at 50 %, its std).
SEED_PARTICLES = {
    ("kt", False): (0.9185, 0.0006, 68.3, 1.8),
    ("cambridge", False): (0.9192, 0.0008, 68.3, 3.6),
    ("antikt", False): (0.9096, 0.0013, 51.7, 3.5),
    ("asc_pt", False): (0.9130, 0.0031, 52.5, 7.3),
    ("desc_pt", False): (0.9189, 0.0009, 70.4, 3.6),
    ("random", False): (0.9121, 0.0008, 51.1, 2.0),
    ("kt", True): (0.9195, 0.0009, 74.3, 2.4),
    ("cambridge", True): (0.9222, 0.0007, 81.8, 3.1),
    ("antikt", True): (0.9156, 0.0012, 68.3, 3.2),
    ("asc_pt", True): (0.9137, 0.0046, 54.8, 11.7),
    ("desc_pt", True): (0.9212, 0.0005, 83.3, 3.1),
    ("random", True): (0.9106, 0.0035, 50.7, 6.7),
}
SEED_TOWERS = {
    ("kt", False): (0.8807, 0.0010, 24.1, 0.6),
    ("cambridge", False): (0.8831, 0.0010, 24.2, 0.7),
    ("antikt", False): (0.8737, 0.0017, 22.3, 0.8),
    ("asc_pt", False): (0.8835, 0.0009, 26.2, 0.7),
    ("desc_pt", False): (0.8838, 0.0010, 25.1, 0.6),
    ("random", False): (0.8704, 0.0011, 20.4, 0.3),
    ("kt", True): (0.8822, 0.0006, 25.4, 0.4),
    ("cambridge", True): (0.8861, 0.0014, 26.2, 0.8),
    ("antikt", True): (0.8804, 0.0010, 24.4, 0.4),
    ("asc_pt", True): (0.8849, 0.0012, 27.2, 0.8),
    ("desc_pt", True): (0.8864, 0.0007, 27.5, 0.6),
    ("random", True): (0.8751, 0.0029, 22.8, 1.2),
}
SEED_TABLE_I = {"eflow": SEED_PARTICLES, "towers": SEED_TOWERS}
SEED_INPUT_NAME = {"eflow": "particle", "towers": "tower"}
# Table II, particles, without gating: (scenario, order) -> (AUC, std, R at 50 %, std).
SEED_TABLE_II = {
    ("nominal", "kt"): (0.9185, 0.0006, 68.3, 1.8),
    ("nominal", "desc_pt"): (0.9189, 0.0009, 70.4, 3.6),
    ("collinear1", "kt"): (0.9183, 0.0006, 68.7, 2.0),
    ("collinear1", "desc_pt"): (0.9188, 0.0010, 70.7, 4.0),
    ("collinear10", "kt"): (0.9174, 0.0006, 67.5, 2.6),
    ("collinear10", "desc_pt"): (0.9178, 0.0011, 67.9, 4.3),
    ("collinear1_max", "kt"): (0.9184, 0.0006, 68.5, 2.8),
    ("collinear1_max", "desc_pt"): (0.9191, 0.0010, 72.4, 4.3),
    ("collinear10_max", "kt"): (0.9159, 0.0009, 65.7, 2.7),
    ("collinear10_max", "desc_pt"): (0.9140, 0.0016, 63.5, 5.2),
    ("soft", "kt"): (0.9179, 0.0006, 68.2, 2.3),
    ("soft", "desc_pt"): (0.9188, 0.0009, 70.2, 3.7),
}


def recnn_variant(model: str) -> tuple[str, bool] | None:
    """(tree order, gated) of a recursive network's model name (recnn_<order>,
    recnn_gated_<order>); None for another model."""
    if not model.startswith("recnn_"):
        return None
    rest = model.removeprefix("recnn_")
    gated = rest.startswith("gated_")
    return rest.removeprefix("gated_"), gated


def figures_of_merit(label: np.ndarray, score: np.ndarray) -> dict[str, float | None]:
    """ROC AUC and background rejection 1/eps_B at 50 % signal efficiency (None where no
    background jet passes)."""
    rejection = rejection_at(*roc_curve(label, score), SIGNAL_EFFICIENCY)
    return {
        "auc": roc_auc(label, score),
        "r50": None if np.isinf(rejection) else rejection,
        "jets": len(label),
    }


def score_job(model_dir: str, datasets: dict[str, str], metrics_path: str, labels: dict) -> dict:
    """Score one trained tagger (class 1 the signal) on the test datasets of every
    scenario (``datasets[scenario]``); write the figures of merit per scenario (json,
    with ``labels``)."""
    model = load_model(model_dir, choose_device())
    scenarios = {}
    for scenario, directory in datasets.items():
        data = load_dataset(directory)
        score = predict(model, data["features"], data.get("mask"))
        scenarios[scenario] = figures_of_merit(np.asarray(data["label"]), score)
        log.info("%s: AUC %.4f", scenario, scenarios[scenario]["auc"])
    metrics = {**labels, "scenarios": scenarios}
    write_json(metrics, metrics_path)
    return metrics


def _cell(values: list[float | None], digits: int) -> str:
    finite = [v for v in values if v is not None]
    if not finite:
        return "—"
    if len(finite) == 1:
        return f"{finite[0]:.{digits}f}"
    return f"{np.mean(finite):.{digits}f} ± {np.std(finite):.{digits}f}"


def _seed(entry: tuple[float, float, float, float] | None) -> tuple[str, str]:
    if entry is None:
        return "", ""
    auc, auc_std, rejection, rejection_std = entry
    return f"{auc:.4f} ± {auc_std:.4f}", f"{rejection:.1f} ± {rejection_std:.1f}"


def tables(metrics: list[dict], classifiers: list[tuple[str, str]], inputs: str) -> str:
    """Seed 003's Tables I and II as Markdown from every classifier's metrics (one dict
    per (model, method, seed)), ``classifiers`` the (model, method) rows in order:
    mean +- std over seeds, the seed's numbers for the jets' ``inputs`` (eflow, towers)
    beside, and per perturbation the change of each seed's AUC from its nominal one."""
    seed_table_i = SEED_TABLE_I[inputs]
    seed_table_ii = SEED_TABLE_II if inputs == "eflow" else {}
    by_row: dict[tuple[str, str], list[dict]] = {}
    for entry in metrics:
        by_row.setdefault((entry["model"], entry["method"]), []).append(entry["scenarios"])
    scenarios = [s for s in SCENARIOS if s in next(iter(by_row.values()))[0]] if by_row else []
    seeds = max((len(v) for v in by_row.values()), default=0)
    lines = [
        "# Recursive networks on jet trees (seed 003)",
        "",
        (
            f"W against QCD jets; mean ± std over {seeds} seeds. R: background rejection "
            f"1/ε_B at 50 % signal efficiency. Jets of {inputs}; the seed's numbers are its "
            f"{SEED_INPUT_NAME[inputs]}-input rows (30 seeds)"
            + ("." if inputs == "eflow" else "; its Table II has particle rows only.")
        ),
        "",
        "## Table I: classification",
        "",
        "| model | method | ROC AUC | R | seed AUC | seed R |",
        "|---|---|---|---|---|---|",
    ]
    for model, method in classifiers:
        runs = by_row.get((model, method), [])
        nominal = [r["nominal"] for r in runs if "nominal" in r]
        variant = recnn_variant(model)
        seed_auc, seed_r = _seed(seed_table_i.get(variant) if variant else None)
        lines.append(
            f"| {model} | {method} | {_cell([n['auc'] for n in nominal], 4)} | "
            f"{_cell([n['r50'] for n in nominal], 1)} | {seed_auc} | {seed_r} |"
        )
    lines += [
        "",
        "## Table II: infrared and collinear perturbations",
        "",
        "ΔAUC: each seed's AUC on the perturbed jets minus its nominal AUC.",
        "",
        "| scenario | model | method | ROC AUC | ΔAUC | R | seed AUC | seed ΔAUC | seed R |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for scenario in scenarios:
        for model, method in classifiers:
            runs = by_row.get((model, method), [])
            auc = [r[scenario]["auc"] for r in runs]
            shift = [r[scenario]["auc"] - r["nominal"]["auc"] for r in runs if "nominal" in r]
            variant = recnn_variant(model)
            entry = (
                seed_table_ii.get((scenario, variant[0])) if variant and not variant[1] else None
            )
            seed_auc, seed_r = _seed(entry)
            nominal = seed_table_ii.get(("nominal", variant[0])) if entry else None
            seed_shift = f"{entry[0] - nominal[0]:+.4f}" if entry and nominal else ""
            lines.append(
                f"| {scenario} | {model} | {method} | {_cell(auc, 4)} | "
                f"{_cell(shift, 4) if shift else '—'} | "
                f"{_cell([r[scenario]['r50'] for r in runs], 1)} | {seed_auc} | {seed_shift} | "
                f"{seed_r} |"
            )
    return "\n".join(lines) + "\n"
