"""Seed 001's results from the search's pseudo-experiments: per signal, resolution,
scheme and injected signal, the mean and standard deviation over pseudo-experiments of
the test AUC and of the significance after each cut (the seed's Fig. 3 averages 10), the
tables (``dark_showers.md``) and what they say of the seed's findings.

The seed gives figures, not tables; its findings are read off them: a learning
threshold (Sec. 3: below it "the NN cuts background and signal indiscriminately and the
significance is even worse than without employing the NN"; the curves turn up "around 2
to 4 sigma"), CWoLa's classifier approaching the supervised one with much signal,
transfer learning cutting the signal needed for a discovery "by a factor of a few"
(Sec. 4), and meta-transfer learning's further, smaller gain (Sec. 5).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

GROUP = ("signal", "pixels", "scheme", "injected")


def summarise(metrics: list[dict]) -> list[dict]:
    """One row per (signal, pixels, scheme, injected): experiments, significance before
    cuts, AUC mean and std, and per background efficiency the significance after the cut
    (mean, std) and the signal efficiency (mean)."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for m in metrics:
        groups[tuple(m[key] for key in GROUP)].append(m)
    rows = []
    for key, runs in sorted(groups.items()):
        auc = np.array([r["auc"] for r in runs])
        cuts = []
        for i, cut in enumerate(runs[0]["cuts"]):
            z = np.array([r["cuts"][i]["significance"] for r in runs])
            eff = np.array([r["cuts"][i]["signal_efficiency"] for r in runs])
            cuts.append(
                {
                    "background_efficiency": cut["background_efficiency"],
                    "significance": float(z.mean()),
                    "significance_std": float(z.std()),
                    "signal_efficiency": float(eff.mean()),
                }
            )
        rows.append(
            {
                **dict(zip(GROUP, key, strict=True)),
                "experiments": len(runs),
                "significance_before": runs[0]["significance_before"],
                "auc": float(auc.mean()),
                "auc_std": float(auc.std()),
                "cuts": cuts,
            }
        )
    return rows


def best_significance(row: dict) -> tuple[float, float]:
    """The largest mean significance after a cut of a row, and its std."""
    best = max(row["cuts"], key=lambda c: c["significance"])
    return best["significance"], best["significance_std"]


def learning_threshold(rows: list[dict]) -> dict | None:
    """The smallest injected signal from which the scheme's cut raises the significance
    above the one before cuts at every larger injection (mean over pseudo-experiments,
    best cut): the seed's learning threshold, or None where it never does."""
    ordered = sorted(rows, key=lambda r: r["injected"])
    helped = [best_significance(r)[0] > r["significance_before"] for r in ordered]
    for i, row in enumerate(ordered):
        if all(helped[i:]):
            return row
    return None


DISCOVERY = 5.0  # sigma


def signal_needed(rows: list[dict], target: float = DISCOVERY) -> tuple[str, float]:
    """The injected signal at which a scheme's mean significance after its best cut first
    reaches ``target`` (linear between injections): ("=", events), ("<=", the smallest
    injection) where even that reaches it, (">", the largest) where none does."""
    ordered = sorted(rows, key=lambda r: r["injected"])
    z = [best_significance(r)[0] for r in ordered]
    n = [r["injected"] for r in ordered]
    if z[0] >= target:
        return "<=", float(n[0])
    for i in range(1, len(ordered)):
        if z[i] >= target:
            return "=", float(
                n[i - 1] + (target - z[i - 1]) * (n[i] - n[i - 1]) / (z[i] - z[i - 1])
            )
    return ">", float(n[-1])


def _needed(bound: str, events: float) -> str:
    return {"=": f"{events:.0f}", "<=": f"≤ {events:.0f}", ">": f"> {events:.0f}"}[bound]


def _pm(mean: float, std: float, digits: int = 2) -> str:
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def tables(rows: list[dict], schemes: list[str]) -> str:
    """Markdown: per signal and resolution, the significance before and after each cut and
    the AUC of every scheme per injected signal, then the findings."""
    lines = [
        "# Seed 001's search: significance and AUC per injected signal",
        "",
        "Mean ± std over pseudo-experiments. Significance: the seed's Eq. 2 (Eq. 8 with a",
        "background systematic) of the signal region's injected signal and background",
        "events, before cuts and after a cut on the classifier's output keeping the",
        "background efficiency ε_b of the test set's ROC curve.",
    ]
    by_panel: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        by_panel[(row["signal"], row["pixels"])].append(row)
    findings = []
    for (signal, pixels), panel in sorted(by_panel.items()):
        efficiencies = [c["background_efficiency"] for c in panel[0]["cuts"]]
        header = ["injected", "σ before"]
        for scheme in schemes:
            header += [f"{scheme}: AUC"] + [f"{scheme}: σ at ε_b {e:g}" for e in efficiencies]
        lines += ["", f"## {signal}, {pixels}² pixels", ""]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        by_injected: dict[int, dict[str, dict]] = defaultdict(dict)
        for row in panel:
            by_injected[row["injected"]][row["scheme"]] = row
        for injected, of_scheme in sorted(by_injected.items()):
            before = next(iter(of_scheme.values()))["significance_before"]
            cells = [str(injected), f"{before:.2f}"]
            for scheme in schemes:
                row = of_scheme.get(scheme)
                if row is None:
                    cells += ["—"] * (1 + len(efficiencies))
                    continue
                cells.append(_pm(row["auc"], row["auc_std"], 3))
                cells += [_pm(c["significance"], c["significance_std"]) for c in row["cuts"]]
            lines.append("| " + " | ".join(cells) + " |")
        findings += _findings(signal, pixels, panel)
    return "\n".join([*lines, "", "## What the rows show", "", *findings]) + "\n"


def _findings(signal: str, pixels: int, panel: list[dict]) -> list[str]:
    """The seed's findings measured on one panel: CWoLa's learning threshold, and CWoLa's
    AUC against the supervised one at the largest injection."""
    of_scheme: dict[str, list[dict]] = defaultdict(list)
    for row in panel:
        of_scheme[row["scheme"]].append(row)
    where = f"{signal}, {pixels}²"
    out = []
    if "cwola" in of_scheme:
        threshold = learning_threshold(of_scheme["cwola"])
        if threshold is None:
            out.append(
                f"- {where}: CWoLa's cut never raises the significance above the one before cuts."
            )
        else:
            z, dz = best_significance(threshold)
            out.append(
                f"- {where}: CWoLa's cut raises the significance from {threshold['injected']} "
                f"injected signal events on (σ {threshold['significance_before']:.2f} before "
                f"cuts, {_pm(z, dz)} after the best cut), and at every larger injection."
            )
    if "cwola" in of_scheme and "supervised" in of_scheme:
        largest = max(r["injected"] for r in of_scheme["cwola"])
        cw = next(r for r in of_scheme["cwola"] if r["injected"] == largest)
        sup = next((r for r in of_scheme["supervised"] if r["injected"] == largest), None)
        if sup is not None:
            out.append(
                f"- {where}: at {largest} injected signal events CWoLa's AUC is "
                f"{_pm(cw['auc'], cw['auc_std'], 3)}, the supervised one's "
                f"{_pm(sup['auc'], sup['auc_std'], 3)}."
            )
    needed = {scheme: signal_needed(rows) for scheme, rows in of_scheme.items()}
    if len(needed) > 1:
        out.append(
            f"- {where}: injected signal events for {DISCOVERY:g}σ after the best cut: "
            + ", ".join(f"{scheme} {_needed(*needed[scheme])}" for scheme in needed)
            + "."
        )
    for scheme, reference in (("transfer", "cwola"), ("meta_transfer", "transfer")):
        if scheme not in of_scheme or reference not in of_scheme:
            continue
        theirs = {r["injected"]: r for r in of_scheme[reference]}
        gains = [
            f"{r['injected']}: {best_significance(r)[0] - best_significance(theirs[r['injected']])[0]:+.2f}σ"
            for r in sorted(of_scheme[scheme], key=lambda r: r["injected"])
            if r["injected"] in theirs
        ]
        out.append(
            f"- {where}: {scheme}'s best-cut significance minus {reference}'s, per injected "
            f"signal: {', '.join(gains)}."
        )
    return out
