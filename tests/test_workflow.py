"""The Snakemake workflow end to end on tests/smoke.yaml."""

from __future__ import annotations

import shutil

import awkward as ak
import pytest
import yaml

from massgen import paths
from massgen.config import defaults
from massgen.files import read_json, read_parquet

from .conftest import REPO, snakemake


@pytest.mark.slow
def test_smoke_outputs(smoke_run):
    config = yaml.safe_load((REPO / "tests" / "smoke.yaml").read_text())
    table = (smoke_run / paths.CUTFLOW_TABLE.format(study="smoke")).read_text()
    for sample in ("zp150", "zp600", "qcd"):
        assert f"| {sample} |" in table
        flow = read_json(smoke_run / paths.CUTFLOW.format(study="smoke", sample=sample))
        assert flow["generated"] >= flow["parton_cuts"] >= flow["pt_cut"] > 0
    for mass in config["masses"]:
        labels = set()
        for split in ("train", "val", "test"):
            index = read_parquet(
                smoke_run / paths.INDEX.format(study="smoke", mass=mass, split=split)
            )
            labels |= set(ak.to_list(index.label))
        assert labels == {0, 1}
    assert (smoke_run / paths.log("generate_events", "qcd/chunk1").format(study="smoke")).is_file()
    # A finished training leaves no state to resume from.
    assert not list((smoke_run / "results").rglob("checkpoint.pt"))
    assert not list((smoke_run / "results").rglob("meta.pt"))
    names = [*paths.FIGURES, "detector_response", *(f"pfn/{f}" for f in paths.MODEL_FIGURES)]
    for name in names:
        png = smoke_run / paths.plot(name).format(study="smoke")
        assert png.stat().st_size > 10_000
        assert png.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    response = (smoke_run / paths.DETECTOR_RESPONSE.format(study="smoke")).read_text()
    assert all(f"| {sample} | " in response for sample in ("zp150", "zp600", "qcd"))


@pytest.mark.slow
def test_scores_and_report(smoke_run):
    methods = defaults()["training"]["methods"]  # the smoke study trains them all
    summary = (smoke_run / paths.SUMMARY.format(study="smoke")).read_text().splitlines()
    # Baselines on 150 and 600, every method on 150-600; x 2 zooms x 2 seeds x 2 targets.
    assert len(summary) == 1 + (2 + len(methods)) * 2 * 2 * 2
    assert (
        summary[0]
        == "model,method,sources,zoom,seed,target,auc,domain_score,rejection_30,rejection_50"
    )
    trained = {tuple(line.split(",")[:2]) for line in summary[1:]}
    assert trained == {("pfn", method) for method in methods}
    # The paper's claims: those of the split {150, 600} tested, the others not in the study.
    claims = (smoke_run / paths.CLAIMS.format(study="smoke")).read_text()
    assert "| planing on {150, 600}, zoom | Sec. V, Fig. 4 bottom | " in claims
    assert "| L1 on {150, 200} | Sec. V, Fig. 4 top | not in this study |" in claims
    assert "| sculpting: planing | 150-600, zoom: sculpting, the flattest" in claims
    # Every test jet of every target, scored by each model.
    scores = read_parquet(
        smoke_run
        / paths.SCORES.format(
            study="smoke", model="pfn", method="l1", sources="150-600", zoom="zoom", seed=1
        )
    )
    assert ak.fields(scores) == ["target_mass", "label", "score", "jet_mass", "jet_pt", "weight"]
    tests = [
        len(read_parquet(smoke_run / paths.INDEX.format(study="smoke", mass=m, split="test")))
        for m in (150, 600)
    ]
    assert sorted(set(ak.to_list(scores.target_mass))) == [150, 600]
    assert len(scores) <= sum(tests)  # the balanced subset of each window's test jets
    assert ak.all((scores.score >= 0) & (scores.score <= 1))
    report = snakemake(
        smoke_run, "--configfile", str(REPO / "tests" / "smoke.yaml"), "--report", "report.html"
    )
    assert report.returncode == 0, report.stderr[-2000:]
    html = (smoke_run / "report.html").read_text()
    for shown in ("fig4_domain_scores.png", "summary.csv", "cutflow.md", "detector_response.png"):
        assert shown in html, shown
    # One ROC and training-curve figure per model, under Models and its method.
    figures = list((smoke_run / paths.MODEL_PLOTS.format(study="smoke")).rglob("*.png"))
    assert len(figures) == (2 + len(methods)) * 2 * 2
    assert "feature_critic" in html
    assert html.count("seed1.png") >= len(figures) // 2


@pytest.mark.slow
def test_rerun_is_a_no_op_and_one_stage_reruns(smoke_run):
    dry = snakemake(smoke_run, "--configfile", str(REPO / "tests" / "smoke.yaml"), "-n")
    assert "Nothing to be done" in dry.stdout + dry.stderr
    forced = snakemake(
        smoke_run,
        "--configfile",
        str(REPO / "tests" / "smoke.yaml"),
        "-n",
        "--forcerun",
        "cluster_jets",
    )
    out = forced.stdout + forced.stderr
    assert "cluster_jets" in out
    assert "generate_events" not in out


@pytest.mark.parametrize(
    ("change", "key"),
    [({"masess": [150]}, "masess"), ({"masses": [150, 625]}, "masses[1]")],
)
def test_bad_config_stops_the_run_naming_the_key(tmp_path, change, key):
    config = {**yaml.safe_load((REPO / "tests" / "smoke.yaml").read_text()), **change}
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(config))
    run = snakemake(tmp_path, "--configfile", str(bad), "-n")
    assert run.returncode != 0
    assert key in run.stderr + run.stdout
    assert not (tmp_path / "results").exists()


def test_corrupt_chunk_fails_its_job_without_output(smoke_run, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(smoke_run / "results", work / "results")
    events = work / paths.EVENTS.format(events_study="smoke", sample="qcd", chunk=0)
    events.write_bytes(events.read_bytes()[:1000])
    reco = work / paths.RECO.format(study="smoke", sample="qcd", chunk=0)
    reco.unlink()
    run = snakemake(
        work,
        "--configfile",
        str(REPO / "tests" / "smoke.yaml"),
        "--cores",
        "1",
        str(reco.relative_to(work)),
    )
    assert run.returncode != 0
    log = work / paths.log("simulate_detector", "qcd/chunk0").format(study="smoke")
    assert "not a readable parquet file" in log.read_text()
    assert not reco.exists()


@pytest.mark.slow
def test_learning_curve_points_train_on_their_jets(smoke_run, tmp_path):
    """Learning-curve points drawn on the finished smoke study: each trains on its N jets
    per class and is evaluated on every target mass (the table and figure are
    tests/test_curves.py's); a ladder beyond the train split fails its job with the key
    named, leaving no model."""
    work = tmp_path / "work"
    shutil.copytree(smoke_run / "results", work / "results")
    config = yaml.safe_load((REPO / "tests" / "smoke.yaml").read_text())
    config["training"]["seeds"] = 1
    config["learning_curve"] = {"masses": [150], "jets": [10, 20]}
    path = tmp_path / "curves.yaml"
    path.write_text(yaml.safe_dump(config))
    point = {"study": "smoke", "model": "pfn", "sources": "150", "zoom": "zoom", "seed": 0}
    metrics = [paths.CURVE_METRICS.format(jets=n, **point) for n in (10, 20)]
    run = snakemake(work, "--configfile", str(path), "--cores", "2", *metrics)
    assert run.returncode == 0, run.stderr[-3000:]
    for n, metric in zip((10, 20), metrics, strict=True):
        assert read_json(work / paths.CURVE_HPARAMS.format(jets=n, **point))["train_jets"] == n
        log = work / paths.log("train_curve", "pfn/150/zoom/n{jets}/seed0").format(jets=n, **point)
        assert f"training on {2 * n} jets" in log.read_text()
        assert set(read_json(work / metric)["auc"]) == {"150", "600"}

    config["learning_curve"]["jets"] = [100000]
    path.write_text(yaml.safe_dump(config))
    model = paths.CURVE_WEIGHTS.format(jets=100000, **point)
    run = snakemake(work, "--configfile", str(path), "--cores", "1", model)
    assert run.returncode != 0
    log = work / paths.log("train_curve", "pfn/150/zoom/n100000/seed0").format(**point)
    assert "learning_curve.jets: 100000 jets per class asked" in log.read_text()
    assert not (work / model).exists()
