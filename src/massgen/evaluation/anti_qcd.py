"""Seed 004's anti-QCD evaluation: every test jet scored by one trained classifier, and
the seed's tables from the scores of every classifier and seed.

A classifier of a set of the study's training classes (QCD alone first, label 0; class
set "all": each class alone) scores the test split of all the classes and every unseen
signal with -p_QCD and with the Mahalanobis distance of its latent vector from the QCD
class, fitted on QCD jets of its own train split (:mod:`massgen.evaluation.anomaly`).
Each signal (a non-QCD class or an unseen sample) is then told from the QCD test jets:
AUC, 1/eps_B and eps_S/sqrt(eps_B) at eps_S = 0.5. The tables give each classifier as a
single model (mean +- std over seeds) and as the deep ensemble of its seeds (scores
averaged jet by jet), a one-vs-all classifier also combined with "all" (the seed's
OVA-AVA), beside the seed's Tables 1, 2, 3 (DisCo) and 6 where it has the row.
"""

from __future__ import annotations

import logging
from collections import defaultdict

import awkward as ak
import numpy as np

from massgen.datasets import load_dataset
from massgen.evaluation.anomaly import (
    QCD_LABEL,
    SCULPTING_ACCEPTANCE,
    SCULPTING_BIN,
    Mahalanobis,
    ensemble,
    figures_of_merit,
    mass_sculpting,
    minus_p_qcd,
    probabilities_and_latent,
    sculpting_floor,
)
from massgen.files import atomic_path, read_parquet, write_json, write_parquet
from massgen.models import load_model
from massgen.params import ALL_CLASSES
from massgen.training.loop import choose_device

log = logging.getLogger(__name__)

SCORES = ("minus_p_qcd", "mahalanobis")
SCORE_NAMES = {"minus_p_qcd": "-p_QCD", "mahalanobis": "MD"}
OVA_AVA = "ova_ava"  # the seed's combination of the one-vs-all and all-vs-all classifiers
MATCHED = " (M)"  # the seed's mass-decorrelated (augmented) classifier of the same classes
# Models whose rows show the seed's numbers of the model they stand in for on a laptop
SEED_STAND_INS = {"particlenet_lite": "particlenet"}
MODEL_NAMES = {"particlenet": "ParticleNet"}

# Seed 004's AUCs (mean, std over its 10 runs; None where it gives no std), by (model,
# method, classifier, score, single model or ensemble) and signal: Table 1 (binary
# QCD/W and QCD/top ParticleNets, -p_QCD, plain and mass-decorrelated), Table 2 (the
# three-class ParticleNet: "all", and OVA-AVA), Table 3 (the same, mass-decorrelated by
# augmentation, and its DisCo row, lambda = 100) and Table 6 (FCN, one model).
_H20, _H80, _TOP20 = "hh4b_m174_mh20", "hh4b_m174_mh80", "ttbar_zprime_m1500_mw20"
_W, _TOP = "wprime_m1250", "ttbar_zprime_m1500"
SEED_AUC: dict[tuple[str, str, str, str, str], dict[str, tuple[float, float | None]]] = {
    ("particlenet", "baseline", "qcd_w", "minus_p_qcd", "single"): {
        _W: (0.979, None),
        _TOP: (0.783, None),
    },
    ("particlenet", "baseline", "qcd_top", "minus_p_qcd", "single"): {
        _TOP: (0.966, None),
        _W: (0.891, None),
    },
    ("particlenet", "baseline", ALL_CLASSES, "minus_p_qcd", "single"): {
        _H20: (0.782, 0.004),
        _H80: (0.872, 0.001),
        _TOP20: (0.768, 0.004),
    },
    ("particlenet", "baseline", ALL_CLASSES, "mahalanobis", "single"): {
        _H20: (0.840, 0.008),
        _H80: (0.856, 0.006),
        _TOP20: (0.815, 0.008),
    },
    ("particlenet", "baseline", ALL_CLASSES, "minus_p_qcd", "ensemble"): {
        _H20: (0.786, 0.001),
        _H80: (0.878, None),
        _TOP20: (0.774, 0.001),
    },
    ("particlenet", "baseline", ALL_CLASSES, "mahalanobis", "ensemble"): {
        _H20: (0.848, 0.001),
        _H80: (0.866, 0.001),
        _TOP20: (0.824, 0.001),
    },
    ("particlenet", "baseline", OVA_AVA, "minus_p_qcd", "single"): {
        _H20: (0.784, 0.002),
        _H80: (0.876, 0.001),
        _TOP20: (0.772, 0.002),
    },
    ("particlenet", "baseline", OVA_AVA, "mahalanobis", "single"): {
        _H20: (0.852, 0.005),
        _H80: (0.861, 0.003),
        _TOP20: (0.822, 0.004),
    },
    ("particlenet", "disco", ALL_CLASSES, "minus_p_qcd", "single"): {
        _H20: (0.595, None),
        _H80: (0.740, None),
        _TOP20: (0.648, None),
    },
    ("particlenet", "disco", ALL_CLASSES, "mahalanobis", "single"): {
        _H20: (0.645, None),
        _H80: (0.745, None),
        _TOP20: (0.681, None),
    },
    ("particlenet", "baseline", "qcd_w" + MATCHED, "minus_p_qcd", "single"): {
        _W: (0.958, None),
        _TOP: (0.860, None),
    },
    ("particlenet", "baseline", "qcd_top" + MATCHED, "minus_p_qcd", "single"): {
        _TOP: (0.876, None),
        _W: (0.915, None),
    },
    ("particlenet", "baseline", ALL_CLASSES + MATCHED, "minus_p_qcd", "single"): {
        _H20: (0.937, 0.001),
        _H80: (0.824, 0.001),
        _TOP20: (0.846, 0.002),
    },
    ("particlenet", "baseline", ALL_CLASSES + MATCHED, "mahalanobis", "single"): {
        _H20: (0.931, 0.005),
        _H80: (0.757, 0.012),
        _TOP20: (0.836, 0.008),
    },
    ("particlenet", "baseline", ALL_CLASSES + MATCHED, "minus_p_qcd", "ensemble"): {
        _H20: (0.940, None),
        _H80: (0.828, None),
        _TOP20: (0.849, None),
    },
    ("particlenet", "baseline", ALL_CLASSES + MATCHED, "mahalanobis", "ensemble"): {
        _H20: (0.941, 0.001),
        _H80: (0.770, 0.004),
        _TOP20: (0.851, 0.001),
    },
    ("particlenet", "baseline", OVA_AVA + MATCHED, "minus_p_qcd", "single"): {
        _H20: (0.938, 0.001),
        _H80: (0.825, 0.001),
        _TOP20: (0.848, 0.001),
    },
    ("particlenet", "baseline", OVA_AVA + MATCHED, "mahalanobis", "single"): {
        _H20: (0.933, 0.004),
        _H80: (0.746, 0.013),
        _TOP20: (0.831, 0.006),
    },
    ("fcn", "baseline", ALL_CLASSES, "minus_p_qcd", "single"): {
        _H20: (0.715, None),
        _H80: (0.857, None),
        _TOP20: (0.742, None),
    },
    ("fcn", "baseline", ALL_CLASSES, "mahalanobis", "single"): {
        _H20: (0.747, None),
        _H80: (0.730, None),
        _TOP20: (0.773, None),
    },
}


def _seed_row(
    seed_key: tuple[str, str, str], score: str, kind: str
) -> tuple[dict[str, tuple[float, float | None]], str]:
    """The seed's AUCs for a row and how the cells name them: "seed" for the seed's own
    model; "seed ParticleNet" beside a stand-in of it (:data:`SEED_STAND_INS`)."""
    model, *rest = seed_key
    own = SEED_AUC.get((model, *rest, score, kind))
    if own is not None or model not in SEED_STAND_INS:
        return own or {}, "seed"
    stood_for = SEED_STAND_INS[model]
    return SEED_AUC.get((stood_for, *rest, score, kind), {}), f"seed {MODEL_NAMES[stood_for]}"


def seed_classifier(
    name: str, groups: list[list[str]], all_classes: list[str], matched: bool = False
) -> str:
    """Which of the seed's classifiers a class set is, by the training classes in its
    groups (a mass-augmented set's groups add rescaled samples of the same classes):
    "all" (each class alone), "ova" (QCD against every other class together), "qcd_w" /
    "qcd_top" (QCD against the seed's W or top alone), each with :data:`MATCHED` for a
    set with equal jet-mass histograms; else its own name."""
    if name == ALL_CLASSES:
        return name
    classes = [[sample for sample in group if sample in all_classes] for group in groups]
    suffix = MATCHED if matched else ""
    if classes == [[c] for c in all_classes]:
        return ALL_CLASSES + suffix
    if len(classes) == 2 and sorted(classes[1]) == sorted(all_classes[1:]):
        return "ova" + suffix
    if classes[1:] in ([[_W]], [[_TOP]]):
        return ("qcd_w" if classes[1] == [_W] else "qcd_top") + suffix
    return name


def _rows(model, directory: str, sample_of: dict[int, str], mahalanobis: Mahalanobis) -> dict:
    """Scores and observers of every jet of one dataset directory."""
    data = load_dataset(directory)
    probabilities, latent = probabilities_and_latent(model, data["features"], data.get("mask"))
    label = np.asarray(data["label"]).astype(np.int8)
    keys = np.asarray(sorted(sample_of))  # the labels, looked up for all jets at once
    return {
        "sample": np.asarray([sample_of[k] for k in keys])[np.searchsorted(keys, label)],
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


def _read(path: str) -> dict[str, np.ndarray]:
    jets = read_parquet(path)
    return {key: ak.to_numpy(jets[key]) for key in ak.fields(jets)}


def ova_ava(ova: dict[str, np.ndarray], ava: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The seed's OVA-AVA scores of the same jets from a one-vs-all and an all-vs-all
    classifier: -p_QCD averaged, the Mahalanobis distances summed (the seed: "we sum up
    the MDs")."""
    if not np.array_equal(ova["sample"], ava["sample"]):
        raise ValueError("OVA-AVA: the two classifiers scored different jets")
    combined = {k: v for k, v in ava.items() if k not in SCORES}
    combined["minus_p_qcd"] = (ova["minus_p_qcd"] + ava["minus_p_qcd"]) / 2
    combined["mahalanobis"] = ova["mahalanobis"] + ava["mahalanobis"]
    return combined


def _rows_of(
    label: tuple[str, str, str],
    members: list[dict[str, np.ndarray]],
    signals: list[str],
    seed_key: tuple[str, str, str],
    ensembles: bool = True,
) -> list[str]:
    """Table rows of one classifier (model, method, name): single models, and the
    ensemble of its seeds where there are several."""
    per_seed = [signal_metrics(jets) for jets in members]
    pooled = {k: v for k, v in members[0].items() if k not in SCORES}
    pooled |= {s: ensemble([m[s] for m in members]) for s in SCORES}
    together = signal_metrics(pooled)
    lines = []
    for score in SCORES:
        for kind in ("single", "ensemble"):
            if kind == "ensemble" and (len(members) == 1 or not ensembles):
                continue
            seed, seed_label = _seed_row(seed_key, score, kind)
            cells = []
            for signal in signals:
                if kind == "single":
                    aucs = [m[signal][score]["auc"] for m in per_seed]
                    rejection = np.mean([m[signal][score]["rejection"] for m in per_seed])
                    cell = f"{_cell(aucs)} (1/ε_B {rejection:.1f})"
                else:
                    merit = together[signal][score]
                    cell = f"{merit['auc']:.3f} (1/ε_B {merit['rejection']:.1f})"
                if signal in seed:
                    cell += f"; {seed_label} {_seed_cell(seed[signal])}"
                cells.append(cell)
            size = f"{len(members)}" if kind == "ensemble" else f"1 (of {len(members)})"
            lines.append(
                f"| {' | '.join(label)} | {SCORE_NAMES[score]} | {size} | "
                + " | ".join(cells)
                + " |"
            )
    return lines


Members = dict[tuple[str, str, str], list[dict[str, np.ndarray]]]


def read_members(scores: dict[tuple[str, str, str, int], str]) -> Members:
    """The per-jet scores of every classifier (model, method, class set), one entry per
    seed in seed order, from ``scores``: (model, method, class set, seed) -> score_job
    parquet."""
    members: Members = defaultdict(list)
    for (model, method, class_set, _seed), path in sorted(scores.items(), key=lambda i: i[0][3]):
        members[(model, method, class_set)].append(_read(path))
    return members


def tables(
    members: Members,
    class_sets: dict[str, list[list[str]]],
    unseen: list[str],
    matched: frozenset[str] = frozenset(),
) -> str:
    """Markdown: AUC, and 1/eps_B at eps_S = 0.5, of each anomaly score on each non-QCD
    class and each unseen signal against the QCD test jets, per classifier (model,
    method, class set), as single models (mean ± std over seeds) and as the ensemble of
    all seeds, and for a one-vs-all class set beside its all-vs-all partner ("all", or
    the mass-decorrelated set of all classes) their OVA-AVA combination; seed 004's AUC
    beside where it has the row. ``matched`` names the class sets with equal jet-mass
    histograms (the seed's mass-decorrelated classifiers)."""
    all_classes = [group[0] for group in class_sets[ALL_CLASSES]]
    signals = [*all_classes[1:], *unseen]
    header = "| model | method | classes | score | models | " + " | ".join(signals) + " |"
    lines = [header, "|" + "---|" * (5 + len(signals))]
    kinds = {
        name: seed_classifier(name, class_sets[name], all_classes, name in matched)
        for name in class_sets
    }
    for (model, method, class_set), jets in members.items():
        kind = kinds[class_set]
        lines += _rows_of((model, method, class_set), jets, signals, (model, method, kind))
        if not kind.startswith("ova"):
            continue
        suffix = kind.removeprefix("ova")
        partner = next((n for n, k in kinds.items() if k == ALL_CLASSES + suffix), None)
        if (model, method, partner) in members:
            combined = [
                ova_ava(ova, ava)
                for ova, ava in zip(jets, members[(model, method, partner)], strict=True)
            ]
            label = (model, method, f"{class_set} + {partner} (OVA-AVA)")
            key = (model, method, OVA_AVA + suffix)
            lines += _rows_of(label, combined, signals, key, ensembles=False)
    return "\n".join(lines) + "\n"


def sculpting_table(members: Members) -> str:
    """Markdown: per classifier and anomaly score, the mass sculpting of the QCD test jets
    (:func:`mass_sculpting`: Jensen-Shannon divergence, bits, of their mass distribution
    before and after a cut keeping the highest-scoring fraction) as single models (mean ±
    std over seeds) and as the ensemble; beside it the floor a blind score gives."""
    percent = f"{SCULPTING_ACCEPTANCE:.0%}"
    lines = [
        "| model | method | classes | score | JSD, 1 model | JSD, ensemble | floor |",
        "|---|---|---|---|---|---|---|",
    ]
    for (model, method, class_set), jets in members.items():
        qcd = jets[0]["label"] == QCD_LABEL
        mass = jets[0]["jet_mass"][qcd]
        floor = sculpting_floor(mass)
        for score in SCORES:
            single = [mass_sculpting(mass, j[score][qcd]) for j in jets]
            pooled = mass_sculpting(mass, ensemble([j[score][qcd] for j in jets]))
            lines.append(
                f"| {model} | {method} | {class_set} | {SCORE_NAMES[score]} | {_cell(single)} "
                f"| {pooled:.3f} | {floor:.3f} |"
            )
    return f"QCD jets kept: the {percent} with the highest score.\n\n" + "\n".join(lines) + "\n"


def write_tables(
    scores: dict[tuple[str, str, str, int], str],
    class_sets: dict[str, list[list[str]]],
    unseen: list[str],
    path: str,
    matched: frozenset[str] = frozenset(),
) -> str:
    """The seed's tables (:func:`tables`) and the mass sculpting (:func:`sculpting_table`)
    with headings, written to ``path``."""
    described = "; ".join(
        f"{name}{' (equal jet-mass histograms)' if name in matched else ''}: "
        + " / ".join("+".join(group) for group in groups)
        for name, groups in class_sets.items()
    )
    members = read_members(scores)
    text = (
        "# Anti-QCD tagging (seed 004, Tables 1, 2, 3 and 6)\n\n"
        f"Classifiers by class set ({described}). Each cell: AUC of the score on the "
        "signal's jets against the QCD test jets (1/ε_B at ε_S = 0.5); 'seed' is seed "
        "004's AUC for the same model, method, classifier and signal ('seed ParticleNet' "
        "beside ParticleNet-Lite: the seed's full ParticleNet). The columns left of "
        "the unseen signals are the training classes' own test jets (for a classifier "
        "that did not train on a class, that class is unseen too).\n\n"
        + tables(members, class_sets, unseen, matched)
        + "\n## Mass sculpting (the seed's Figs. 6 and 7, right)\n\n"
        "Jensen-Shannon divergence (bits; 0: the same shape) between the jet-mass "
        f"distribution of the QCD test jets in {SCULPTING_BIN:g} GeV bins and that of the "
        "jets a cut on the score keeps; 'floor': a score blind to everything, what "
        "statistics alone give with this many jets.\n\n" + sculpting_table(members)
    )
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return text
