"""Learning curves: AUC of single-mass baselines trained on N jets per class, per target.

Each point is the baseline of one model trained at one mass or on one source split
(``sources``, e.g. '150' or '150-600') on ``jets`` jets per class, without or with zoom, one seed, evaluated on the test split of every target
mass. The CSV holds one row per point and target; the Markdown table the mean +- std over
seeds, one row per (model, trained mass, zoom, target) and one column per N. In domain
(target = trained mass) a curve shows how the tagger's own AUC grows with its data; across
domains, whether a tagger trained at one mass falls toward random at another as it learns
its own (the founding paper's 150-trained PFN at 600 GeV).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from massgen.files import atomic_path, read_json
from massgen.paths import sources_masses

COLUMNS = ("model", "sources", "zoom", "jets", "seed", "target", "auc")


def tabulate(
    metrics_paths: list[str], table_path: str | Path, markdown_path: str | Path
) -> list[dict]:
    """Collect the learning-curve metrics.json files into the CSV table and its Markdown
    summary; returns the rows."""
    rows = []
    for path in metrics_paths:
        m = read_json(path)
        rows += [
            {**{key: m[key] for key in COLUMNS[:5]}, "target": int(target), "auc": auc}
            for target, auc in m["auc"].items()
        ]
    with atomic_path(table_path) as tmp, tmp.open("w", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    with atomic_path(markdown_path) as tmp:
        tmp.write_text(markdown(rows))
    return rows


def read_curves(path: str | Path) -> list[dict]:
    """Rows of the learning-curve CSV with numbers converted."""
    with Path(path).open() as f:
        return [
            {
                **r,
                "jets": int(r["jets"]),
                "seed": int(r["seed"]),
                "target": int(r["target"]),
                "auc": float(r["auc"]),
            }
            for r in csv.DictReader(f)
        ]


def curves(rows: list[dict]) -> dict[tuple[str, str, str, int], tuple[np.ndarray, ...]]:
    """(jets, mean AUC, std over seeds) per (model, trained masses, zoom, target), jets
    increasing."""
    pool = defaultdict(lambda: defaultdict(list))
    for r in rows:
        pool[(r["model"], r["sources"], r["zoom"], r["target"])][r["jets"]].append(r["auc"])
    out = {}
    for key, by_jets in pool.items():
        jets = np.array(sorted(by_jets))
        out[key] = (
            jets,
            np.array([np.mean(by_jets[n]) for n in jets]),
            np.array([np.std(by_jets[n]) for n in jets]),
        )
    return out


def markdown(rows: list[dict]) -> str:
    """Mean +- std over seeds of the AUC: one row per (model, trained masses, zoom, target),
    one column per number of training jets per class."""
    table = curves(rows)
    ladder = sorted({r["jets"] for r in rows})
    seeds = len({r["seed"] for r in rows})
    lines = [
        f"AUC, mean +- std over {seeds} seeds, against training jets per class",
        "",
        "| model | trained on | zoom | target | " + " | ".join(f"N = {n}" for n in ladder) + " |",
        "|---|---|---|---|" + "---|" * len(ladder),
    ]
    for key in sorted(table, key=lambda k: (k[0], sources_masses(k[1]), k[2], k[3])):
        jets, mean, std = table[key]
        cells = dict(zip(jets.tolist(), zip(mean, std, strict=True), strict=True))
        values = [f"{cells[n][0]:.3f} ± {cells[n][1]:.3f}" if n in cells else "" for n in ladder]
        lines.append("| " + " | ".join([*map(str, key), *values]) + " |")
    return "\n".join(lines) + "\n"
