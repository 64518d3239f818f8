"""The founding paper's claims (Dolan & Ore, arXiv:2111.06047, Secs. V and VI) tested on a
study's scores: each claim in the paper's words, the quantities that test it (mean ± std
over seeds) and a verdict.

A claim compares two quantities, A (what the paper says is larger) against B. The
verdict is "holds" where A - B exceeds twice its standard error (the seeds' standard
deviations over the square root of their number, added in quadrature), "does not" where
B - A does, and "not resolved" in between; a claim made of several comparisons holds
where all hold. Claims whose trainings the study lacks are "not in this study"; they
compare the paper's methods only (the config schema's default training.methods).
Quantities: AUC of the single-mass baseline; the mean domain score over target masses
outside the sources ("off-source") or on them; its spread over targets (std); and QCD
sculpting, how much a model's mean output on QCD test jets varies with the jet mass: the
standard deviation of the mean output in 25 GeV jet-mass bins (Fig. 5) over the QCD
test jets of every target, each bin weighted by its jets (a flat curve gives 0; sparse
bins at the edges of the mass range count little).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from massgen.config import defaults
from massgen.evaluation.summary import read_summary
from massgen.files import read_json, write_text
from massgen.paths import sources_label

SIGNIFICANCE = 2.0  # standard errors a difference needs for a verdict

Rows = list[dict]


@dataclass(frozen=True)
class Comparison:
    """A against B, per seed."""

    what: str
    a_label: str
    a: list[float]
    b_label: str
    b: list[float]

    def verdict(self) -> str:
        """'holds', 'does not' or 'not resolved' (see the module docstring)."""
        if not self.a or not self.b:
            return "not in this study"
        diff = np.mean(self.a) - np.mean(self.b)
        err = np.hypot(np.std(self.a) / np.sqrt(len(self.a)), np.std(self.b) / np.sqrt(len(self.b)))
        if diff > SIGNIFICANCE * err:
            return "holds"
        if -diff > SIGNIFICANCE * err:
            return "does not"
        return "not resolved"


@dataclass(frozen=True)
class Claim:
    """One of the paper's statements and the comparisons that test it."""

    key: str
    section: str
    words: str
    comparisons: list[Comparison]

    def verdict(self) -> str:
        """The comparisons' common verdict, or how many of them hold."""
        verdicts = [c.verdict() for c in self.comparisons]
        if len(set(verdicts)) == 1:
            return verdicts[0]
        return f"{verdicts.count('holds')} of {len(verdicts)} hold"


def sculpting_spread(sculpting: dict) -> float:
    """Std of a model's mean QCD output over jet-mass bins, weighted by the bins' jets
    (``sculpting`` as :func:`massgen.evaluation.metrics.sculpting` writes it)."""
    counts = np.array(sculpting["counts"], float)
    means = np.array([np.nan if m is None else m for m in sculpting["mean_score"]])
    filled = counts > 0
    return float(np.sqrt(np.cov(means[filled], aweights=counts[filled], bias=True)))


def _per_seed(rows: Rows, value: Callable[[Rows], float]) -> list[float]:
    """``value`` of each seed's rows."""
    seeds = defaultdict(list)
    for r in rows:
        seeds[r["seed"]].append(r)
    return [value(seeds[s]) for s in sorted(seeds)]


# The paper's methods: the config schema's default training.methods.
PAPER_METHODS = frozenset(defaults()["training"]["methods"])


class Scores:
    """A study's score table (summary.csv rows) and sculpting (metrics.json), one model."""

    def __init__(self, rows: Rows, metrics: list[dict], model: str) -> None:
        self.rows = [r for r in rows if r["model"] == model]
        self.metrics = [m for m in metrics if m["model"] == model]

    def _rows(self, method: str, sources: list[int], zoom: str) -> Rows:
        label = sources_label(sources)
        return [
            r
            for r in self.rows
            if (r["method"], r["sources"], r["zoom"]) == (method, label, zoom)
            and np.isfinite(r["domain_score"])
        ]

    def auc(self, source: int, zoom: str, target: int) -> list[float]:
        """AUC at ``target`` of the baseline trained at ``source`` alone, per seed."""
        rows = [r for r in self._rows("baseline", [source], zoom) if r["target"] == target]
        return [r["auc"] for r in sorted(rows, key=lambda r: r["seed"])]

    def off_source_auc(self, source: int, zoom: str) -> list[float]:
        """Mean AUC over the other target masses of the baseline trained at ``source``."""
        rows = [r for r in self._rows("baseline", [source], zoom) if r["target"] != source]
        return _per_seed(rows, lambda rs: float(np.mean([r["auc"] for r in rs])))

    def domain_score(
        self, method: str, sources: list[int], zoom: str, where: Callable[[int], bool]
    ) -> list[float]:
        """Mean domain score over the target masses ``where`` accepts, per seed."""
        rows = [r for r in self._rows(method, sources, zoom) if where(r["target"])]
        return _per_seed(rows, lambda rs: float(np.mean([r["domain_score"] for r in rs])))

    def spread(self, method: str, sources: list[int], zoom: str) -> list[float]:
        """Std of the domain score over all target masses, per seed."""
        rows = self._rows(method, sources, zoom)
        return _per_seed(rows, lambda rs: float(np.std([r["domain_score"] for r in rs])))

    def sculpting(self, method: str, sources: list[int], zoom: str) -> list[float]:
        """Jet-weighted std of the mean QCD output over jet-mass bins, per seed."""
        label = sources_label(sources)
        out = []
        for m in sorted(self.metrics, key=lambda m: m["seed"]):
            if (m["method"], m["sources"], m["zoom"]) == (method, label, zoom):
                out.append(sculpting_spread(m["sculpting"]))
        return out

    def methods(self) -> list[str]:
        """The paper's methods with a multi-mass training in the table: its claims compare
        those (a study's other methods, e.g. mass decorrelation, are left out: a tagger
        that learnt nothing sculpts nothing and would win every sculpting claim)."""
        return sorted({r["method"] for r in self.rows if "-" in r["sources"]} & PAPER_METHODS)


SPLITS_L1 = ([150, 200], [150, 200, 250])
# "Away from the domain": three mass points (GeV) or more, where the mass windows
# |m_J - m_Z'| < m_Z'/4 of neighbours no longer hold mostly the same jets.
AWAY = 150
PEAKS = (
    "(The domain score divides by 'the peaks in Fig. 3': each single-mass baseline the "
    "best at its own mass.)"
)
DEGRADES = (
    "... the performance of each network degrades substantially away from the domain in "
    "which it was trained."
)
EXTREMES = [150, 600]


def _outside(sources: list[int]) -> Callable[[int], bool]:
    return lambda target: target not in sources


def _between(sources: list[int]) -> Callable[[int], bool]:
    return lambda target: min(sources) < target < max(sources)


def _best_other(
    scores: Scores, method: str, value: Callable[[str], list[float]], lower: bool
) -> tuple[str, list[float]]:
    """The other method whose mean ``value`` is best (lowest where ``lower``)."""
    others = [(m, values) for m in scores.methods() if m != method and (values := value(m))]
    if not others:
        return "other methods", []
    sign = 1 if lower else -1
    return min(others, key=lambda item: sign * float(np.mean(item[1])))


def claims(scores: Scores, masses: list[int]) -> list[Claim]:
    """The paper's claims on the single-mass baselines (each peaks at its own mass, the
    peak falls with the mass), zoom, the 150-trained model at 600, L1, planing and
    sculpting, each tested on ``scores`` of a study on ``masses``."""
    out = []
    for key, distance, what, quote in (
        ("peaks", 0, "the best other", PEAKS),
        ("degrades away", AWAY, f"the best trained {AWAY} GeV or more away", DEGRADES),
    ):
        comparisons = []
        for target in masses:
            rival, rival_values = max(
                (
                    (f"trained at {s}", scores.auc(s, "nozoom", target))
                    for s in masses
                    if s != target and abs(s - target) >= distance
                ),
                key=lambda item: float(np.mean(item[1])) if item[1] else -1.0,
                default=("other masses", []),
            )
            comparisons.append(
                Comparison(
                    f"no zoom, AUC at {target}: its own baseline against {what}",
                    f"trained at {target}",
                    scores.auc(target, "nozoom", target),
                    rival,
                    rival_values,
                )
            )
        out.append(Claim(key, "Sec. V, Fig. 3 left", quote, comparisons))
    out.append(
        Claim(
            "harder at high mass",
            "Sec. V, Fig. 3",
            "The maximum AUC achieved at each mass decreases at larger masses ...",
            [
                Comparison(
                    "no zoom: in-domain AUC of the lightest and the heaviest mass",
                    f"{min(masses)} at {min(masses)}",
                    scores.auc(min(masses), "nozoom", min(masses)),
                    f"{max(masses)} at {max(masses)}",
                    scores.auc(max(masses), "nozoom", max(masses)),
                )
            ],
        )
    )
    out.append(
        Claim(
            "zoom",
            "Sec. V, Fig. 3",
            "Zooming improves generalisation for all source masses, particularly for "
            "networks trained at low masses which generalise to high masses.",
            [
                Comparison(
                    f"baseline trained at {m}: mean AUC on the other masses",
                    "zoom",
                    scores.off_source_auc(m, "zoom"),
                    "no zoom",
                    scores.off_source_auc(m, "nozoom"),
                )
                for m in masses
            ],
        )
    )
    out.append(
        Claim(
            "zoom 150 to 600",
            "Sec. V, Fig. 3",
            "... particularly for networks trained at low masses which generalise to high masses.",
            [
                Comparison(
                    "baseline trained at 150: AUC at 600",
                    "zoom",
                    scores.auc(150, "zoom", 600),
                    "no zoom",
                    scores.auc(150, "nozoom", 600),
                )
            ],
        )
    )
    in_domain = scores.auc(600, "nozoom", 600)
    midpoint = [(0.5 + a) / 2 for a in in_domain]
    out.append(
        Claim(
            "150 at 600",
            "Sec. V, Fig. 3 left",
            "A network trained in the m_Z' = 150 GeV domain is only slightly better than a "
            "random classifier at 600 GeV.",
            [
                Comparison(
                    "no zoom, AUC at 600: halfway between random and the 600-trained "
                    "baseline, against the 150-trained baseline",
                    "(0.5 + AUC of 600-trained)/2",
                    midpoint,
                    "AUC of 150-trained",
                    scores.auc(150, "nozoom", 600),
                )
            ],
        )
    )
    for sources in SPLITS_L1:
        name = "{" + ", ".join(map(str, sources)) + "}"
        out.append(
            Claim(
                f"L1 on {name}",
                "Sec. V, Fig. 4 top",
                "... the L1-regularised model achieves vastly improved generalisation at "
                "the cost of slightly poorer classification on the source masses.",
                [
                    Comparison(
                        f"{name}, no zoom: mean domain score off the sources",
                        "l1",
                        scores.domain_score("l1", sources, "nozoom", _outside(sources)),
                        "baseline",
                        scores.domain_score("baseline", sources, "nozoom", _outside(sources)),
                    ),
                    Comparison(
                        f"{name}, no zoom: mean domain score on the sources",
                        "baseline",
                        scores.domain_score("baseline", sources, "nozoom", sources.__contains__),
                        "l1",
                        scores.domain_score("l1", sources, "nozoom", sources.__contains__),
                    ),
                ],
            )
        )
    between = _between(EXTREMES)
    rival, rival_values = _best_other(
        scores,
        "planing",
        lambda m: scores.domain_score(m, EXTREMES, "nozoom", between),
        lower=False,
    )
    out.append(
        Claim(
            "planing on {150, 600}, no zoom",
            "Sec. V, Fig. 4 top",
            "The mass-planed network ... is the best at interpolating between distant "
            "source domains as in S = {D150, D600}.",
            [
                Comparison(
                    "{150, 600}, no zoom: mean domain score at 200-550, against the best "
                    "other method",
                    "planing",
                    scores.domain_score("planing", EXTREMES, "nozoom", between),
                    rival,
                    rival_values,
                )
            ],
        )
    )
    rival, rival_values = _best_other(
        scores, "planing", lambda m: scores.spread(m, EXTREMES, "zoom"), lower=True
    )
    out.append(
        Claim(
            "planing on {150, 600}, zoom",
            "Sec. V, Fig. 4 bottom",
            "... when the source domains are chosen at the extremities so that S = {D150, "
            "D600}, mass-planing exhibits the most uniform performance across all the "
            "domains.",
            [
                Comparison(
                    "{150, 600}, zoom: std of the domain score over the target masses, "
                    "the most uniform other method against planing",
                    rival,
                    rival_values,
                    "planing",
                    scores.spread("planing", EXTREMES, "zoom"),
                )
            ],
        )
    )
    splits = [*SPLITS_L1, EXTREMES]
    planing_best = []
    for sources in splits:
        for zoom in ("nozoom", "zoom"):
            rival, rival_values = _best_other(
                scores, "planing", lambda m, s=sources, z=zoom: scores.sculpting(m, s, z), True
            )
            planing_best.append(
                Comparison(
                    f"{sources_label(sources)}, {zoom}: sculpting, the flattest other "
                    "method against planing",
                    rival,
                    rival_values,
                    "planing",
                    scores.sculpting("planing", sources, zoom),
                )
            )
    out.append(
        Claim(
            "sculpting: planing",
            "Sec. VI, Fig. 5",
            "The best decorrelation is achieved by the mass-planed PFN as expected.",
            planing_best,
        )
    )
    out.append(
        Claim(
            "sculpting: L1, no zoom",
            "Sec. VI, Fig. 5",
            "... the L1-regularized PFN is noticeably decorrelated compared to the baseline.",
            [
                Comparison(
                    f"{sources_label(s)}, no zoom: sculpting",
                    "baseline",
                    scores.sculpting("baseline", s, "nozoom"),
                    "l1",
                    scores.sculpting("l1", s, "nozoom"),
                )
                for s in splits
            ],
        )
    )
    out.append(
        Claim(
            "sculpting: zoom",
            "Sec. VI, Fig. 5",
            "When jets are zoomed all models behave similarly, with far less correlation "
            "than the unzoomed baseline.",
            [
                Comparison(
                    f"{sources_label(s)}: sculpting, unzoomed baseline against zoomed {method}",
                    "baseline, no zoom",
                    scores.sculpting("baseline", s, "nozoom"),
                    f"{method}, zoom",
                    scores.sculpting(method, s, "zoom"),
                )
                for s in splits
                for method in scores.methods()
            ],
        )
    )
    return out


def _value(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{np.mean(values):.3f} ± {np.std(values):.3f}"


def markdown(claims_: list[Claim], model: str) -> str:
    """The claims as Markdown: a verdict per claim, then each comparison's numbers."""
    lines = [
        f"# The founding paper's claims, tagger {model}",
        "",
        (
            "A against B, mean ± std over seeds; a verdict needs the difference to exceed "
            f"{SIGNIFICANCE:g} standard errors (massgen.evaluation.claims)."
        ),
        "",
        "| claim | section | verdict | the paper's words |",
        "|---|---|---|---|",
    ]
    lines += [f"| {c.key} | {c.section} | {c.verdict()} | {c.words} |" for c in claims_]
    lines += ["", "| claim | quantity | A | B | verdict |", "|---|---|---|---|---|"]
    for c in claims_:
        for comp in c.comparisons:
            lines.append(
                f"| {c.key} | {comp.what} | {comp.a_label}: {_value(comp.a)} | "
                f"{comp.b_label}: {_value(comp.b)} | {comp.verdict()} |"
            )
    return "\n".join(lines) + "\n"


def tabulate(
    summary: str | Path, metrics_paths: list[str], masses: list[int], out: str | Path
) -> str:
    """Test the claims on a study's score table and metrics, for each of its taggers,
    and write them as Markdown to ``out``; returns the text."""
    rows = read_summary(summary)
    metrics = [read_json(p) for p in metrics_paths]
    models = list(dict.fromkeys(r["model"] for r in rows))
    text = "\n".join(markdown(claims(Scores(rows, metrics, m), masses), m) for m in models)
    write_text(text, out)
    return text
