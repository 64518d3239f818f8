"""The study's score table: AUC, domain score and background rejection per trained model
and target mass.

domain score = AUC / AUC of the same tagger's single-domain baseline at the target mass
(the paper's PFN), the latter averaged over seeds, for the same zoom setting (paper
Sec. IV). Rejection
1/epsilon_B at each working point of massgen.evaluation.roc, empty where no background
jet passed.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from massgen.evaluation.roc import WORKING_POINTS
from massgen.files import atomic_path, read_json

REJECTION = {f"{e:g}": f"rejection_{round(100 * e)}" for e in WORKING_POINTS}
COLUMNS = (
    "model",
    "method",
    "sources",
    "zoom",
    "seed",
    "target",
    "auc",
    "domain_score",
    *REJECTION.values(),
)


def domain_denominators(rows: list[dict]) -> dict[tuple[str, str, int], float]:
    """Mean AUC of the baseline trained on the target mass alone, per (model, zoom,
    target)."""
    pool = defaultdict(list)
    for r in rows:
        if r["method"] == "baseline" and r["sources"] == str(r["target"]):
            pool[(r["model"], r["zoom"], r["target"])].append(r["auc"])
    return {key: float(np.mean(v)) for key, v in pool.items()}


def summarise(metrics_paths: list[str], summary_path: str | Path) -> list[dict]:
    """Collect metrics.json files into ``summary.csv``; returns the rows."""
    rows = []
    for path in metrics_paths:
        m = read_json(path)
        for target, auc in m["auc"].items():
            rows.append(
                {
                    "model": m["model"],
                    "method": m["method"],
                    "sources": m["sources"],
                    "zoom": m["zoom"],
                    "seed": m["seed"],
                    "target": int(target),
                    "auc": auc,
                    **{
                        column: m["rejection"][target][point] for point, column in REJECTION.items()
                    },
                }
            )
    denominators = domain_denominators(rows)
    for r in rows:
        den = denominators.get((r["model"], r["zoom"], r["target"]))
        r["domain_score"] = r["auc"] / den if den else float("nan")
    with atomic_path(summary_path) as tmp, tmp.open("w", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def read_summary(path: str | Path) -> list[dict]:
    """Rows of ``summary.csv`` with numbers converted."""
    with Path(path).open() as f:
        return [
            {
                **r,
                "seed": int(r["seed"]),
                "target": int(r["target"]),
                "auc": float(r["auc"]),
                "domain_score": float(r["domain_score"]),
                **{c: float(r[c]) if r[c] else float("inf") for c in REJECTION.values()},
            }
            for r in csv.DictReader(f)
        ]


def band(rows: list[dict], value: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(targets, mean, std over seeds) of ``value`` for rows of one model configuration."""
    by_target = defaultdict(list)
    for r in rows:
        by_target[r["target"]].append(r[value])
    targets = np.array(sorted(by_target))
    return (
        targets,
        np.array([np.mean(by_target[t]) for t in targets]),
        np.array([np.std(by_target[t]) for t in targets]),
    )
