"""The figures against baseline images (pytest-mpl, tests/baseline/): built from constructed
inputs whose numbers are known, so that a change in a figure, not in the training, is
seen. After a deliberate change: pytest tests/test_plots.py --mpl-generate-path=tests/baseline
(and look at the new images before committing them)."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from massgen.evaluation.curves import tabulate
from massgen.evaluation.search_summary import summarise as summarise_search
from massgen.evaluation.summary import summarise
from massgen.files import write_json
from massgen.plots.dijet import significance
from massgen.plots.figures import (
    detector_figure,
    fig1_jet_images,
    fig3_single_domain_auc,
    fig4_domain_scores,
    fig5_qcd_sculpting,
    learning_curves,
    model_comparison,
    model_figure,
)

SQRT_S = 13000.0  # GeV
MASSES = (150, 300, 600)
from .test_search import metrics as search_metrics

COMPARE = {"tolerance": 2, "savefig_kwargs": {"dpi": 60}}


def constructed_metrics(tmp_path, tagger: str = "pfn", offset: float = 0.0) -> list[str]:
    """metrics.json of one tagger's single-mass baselines peaking at their mass and of
    three methods on {150, 600}, two seeds each: AUC falls with the distance (GeV) from
    the sources, ``offset`` lower for the multi-mass trainings."""
    paths = []
    models = [("baseline", str(m)) for m in MASSES]
    models += [(method, "150-600") for method in ("baseline", "planing", "l1")]
    for k, (method, sources) in enumerate(models):
        centres = [int(m) for m in sources.split("-")]
        for zoom in ("nozoom", "zoom"):
            for seed in range(2):
                lower = offset * (k + 1) if "-" in sources else 0.0
                aucs = {
                    str(t): 0.9 - 0.0004 * min(abs(t - c) for c in centres) + 0.01 * seed - lower
                    for t in MASSES
                }
                edges = list(np.arange(100.0, 775.0, 25.0))
                means = [0.2 + 0.01 * k + 0.3 * np.exp(-(((e - 150) / 200) ** 2)) for e in edges]
                path = tmp_path / f"{tagger}-{method}-{sources}-{zoom}-{seed}.json"
                write_json(
                    {
                        "model": tagger,
                        "method": method,
                        "sources": sources,
                        "zoom": zoom,
                        "seed": seed,
                        "auc": aucs,
                        "rejection": {t: {"0.3": 10.0, "0.5": 4.0} for t in aucs},
                        "sculpting": {
                            "bin_edges": edges,
                            "mean_score": [*means[:-2], None],
                            "counts": [10] * (len(edges) - 1),
                        },
                    },
                    path,
                )
                paths.append(str(path))
    return paths


@pytest.fixture
def summary(tmp_path) -> str:
    path = tmp_path / "summary.csv"
    summarise(constructed_metrics(tmp_path), path)
    return str(path)


@pytest.mark.mpl_image_compare(**COMPARE)
def test_fig1_jet_images():
    """A Gaussian core of known width and a second prong, log colour scale, colour bar."""
    edges = np.linspace(-1, 1, 41)
    centres = 0.5 * (edges[1:] + edges[:-1])
    eta, phi = np.meshgrid(centres, centres, indexing="ij")
    images = {}
    for mass in (150, 600):
        for zoom, extent in (("nozoom", 1.0), ("zoom", 0.5)):
            core = np.exp(-(eta**2 + phi**2) / 0.02)
            prong = np.exp(-(eta**2 + (phi + 0.3 * 150 / mass) ** 2) / 0.01)
            images[(mass, zoom)] = {
                "qcd": core / core.sum(),
                "signal": (core + prong) / 2 / core.sum(),
                "extent": extent,
            }
    return fig1_jet_images(images, SQRT_S)


@pytest.mark.mpl_image_compare(**COMPARE)
def test_fig3_single_domain_auc(summary):
    return fig3_single_domain_auc(summary, "pfn", SQRT_S)


@pytest.mark.mpl_image_compare(**COMPARE)
def test_fig4_domain_scores(summary):
    return fig4_domain_scores(summary, "pfn", SQRT_S)


@pytest.mark.mpl_image_compare(**COMPARE)
def test_model_comparison(tmp_path):
    """Two taggers, three methods on {150, 600}: the second tagger's multi-mass trainings
    score 0.01-0.04 lower (its domain scores fall below the first's)."""
    path = tmp_path / "summary.csv"
    metrics = constructed_metrics(tmp_path) + constructed_metrics(tmp_path, "efn", 0.01)
    rows = summarise(metrics, path)
    assert {r["model"] for r in rows} == {"pfn", "efn"}
    return model_comparison(path, "150-600", SQRT_S)


@pytest.mark.mpl_image_compare(**COMPARE)
def test_fig5_qcd_sculpting(tmp_path):
    return fig5_qcd_sculpting(constructed_metrics(tmp_path), SQRT_S)


@pytest.mark.mpl_image_compare(**COMPARE)
def test_model_figure():
    """Two targets: a separable one (rejection rises steeply) and a weaker one; five epochs
    of falling loss, the best at epoch 3."""
    rng = np.random.default_rng(7)
    n = 2000
    label = np.tile(np.r_[np.ones(n // 2), np.zeros(n // 2)], 2).astype(np.int8)
    shift = np.r_[np.full(n, 2.0), np.full(n, 0.7)]
    score = 1 / (1 + np.exp(-(rng.normal(size=2 * n) + shift * (2 * label - 1))))
    scores = {"target_mass": np.repeat([150, 600], n), "label": label, "score": score}
    history = {
        "best_epoch": 3,
        "epochs": [
            {
                "epoch": e,
                "train_loss": 0.7 - 0.05 * e,
                "val_loss": 0.69 - 0.04 * min(e, 3),
                "val_accuracy": 0.5 + 0.06 * min(e, 3),
            }
            for e in range(5)
        ],
    }
    return model_figure(history, scores, "baseline/150-600/zoom/seed0", SQRT_S)


@pytest.mark.mpl_image_compare(**COMPARE)
def test_detector_figure():
    """Truth and reco jets of two samples, reco smeared by 5 % in pT and mass."""
    rng = np.random.default_rng(2)
    results = {}
    for sample, mass in (("zp150", 150.0), ("qcd", 60.0)):
        pt = rng.normal(1400, 150, 500)
        m = np.abs(rng.normal(mass, 20, 500))
        truth = ak.Array({"jet_pt": pt, "jet_mass": m})
        reco = ak.Array(
            {"jet_pt": pt * rng.normal(1, 0.05, 500), "jet_mass": m * rng.normal(1, 0.05, 500)}
        )
        response = np.asarray(reco.jet_pt) / pt
        results[sample] = {"truth": {"jets": truth}, "reco": {"jets": reco, "response": response}}
    return detector_figure(results, SQRT_S)


@pytest.mark.mpl_image_compare(**COMPARE)
def test_learning_curves(tmp_path):
    """Trained at 150 and 600 on 100 and 1000 jets per class: in domain (solid) the AUC
    grows with log N, across domains (dashed) less, the farther the less."""
    from .test_curves import curve_metrics

    table = tmp_path / "curves.csv"
    tabulate(curve_metrics(tmp_path), table, tmp_path / "curves.md")
    return learning_curves(table, SQRT_S)


@pytest.mark.mpl_image_compare(**COMPARE)
def test_significance():
    """Seed 001's Fig. 3 from constructed pseudo-experiments: CWoLa below the slope-1
    line at small injections and above it from 40 events on, the supervised reference
    above it; two background efficiencies each, std bars from two experiments."""
    runs = [
        search_metrics(scheme, injected, experiment, auc, after * (1 + 0.1 * experiment))
        for scheme, points in (
            ("cwola", [(10, 0.5, 0.6), (20, 0.6, 1.5), (40, 0.8, 6.0), (50, 0.85, 9.0)]),
            ("supervised", [(10, 0.9, 2.0), (20, 0.9, 4.0), (40, 0.95, 9.0), (50, 0.95, 12.0)]),
        )
        for injected, auc, after in points
        for experiment in (0, 1)
    ]
    return significance(summarise_search(runs), ["cwola", "supervised"], SQRT_S)
