"""The workflow's DAG, built in-process through Snakemake's Python API without running a job:
job counts per rule, the rules each generator x detector switch brings in, and that no
recorded param or shell template holds a path of this machine (moving the checkout, the
venv or the work directory reruns nothing)."""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from snakemake.api import SnakemakeApi
from snakemake.settings.enums import Quietness
from snakemake.settings.types import (
    ConfigSettings,
    DAGSettings,
    OutputSettings,
    ResourceSettings,
    WorkflowSettings,
)

from massgen import params
from massgen.config import load_config

from .conftest import REPO

SMOKE = REPO / "tests" / "smoke.yaml"
ZOOMS = 2  # every model is trained without and with zoom
GENERATION_RULES = (
    "madgraph_card",
    "madgraph_gridpack",
    "madgraph_events",
    "generate_events",
    "export_hepmc",
    "simulate_detector",
    "run_delphes",
    "read_delphes",
    "cluster_jets",
    "select_jets",
)


@dataclass(frozen=True)
class JobInfo:
    """What Snakemake records of one job: rule, params (as persisted) and shell command."""

    rule: str
    params: tuple[str, ...]
    shellcmd: str | None


@dataclass(frozen=True)
class Dag:
    """The jobs of a DAG and the shell template of every shell rule of the workflow."""

    jobs: list[JobInfo]
    templates: dict[str, str]

    def counts(self) -> Counter[str]:
        """Number of jobs per rule."""
        return Counter(job.rule for job in self.jobs)


@contextmanager
def restored_environment() -> Iterator[None]:
    """Undo the environment variables the workflow sets while it is parsed (common.smk
    exports MASSGEN_PYTHON and the tools' homes), so that they reach no other test."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        for name in set(os.environ) - set(saved):
            del os.environ[name]
        os.environ.update(saved)


def build_dag(workdir: Path, *configfiles: Path, details: bool = True) -> Dag:
    """The DAG of the default target in ``workdir`` (empty: every job is needed).

    The API has no public accessor for a DAG's jobs (DAGApi only prints them), so this uses
    what DAGApi.printdag runs: Workflow._prepare_dag and Workflow._build_dag, then
    Workflow.dag. ``details``: also record each job's params and shell command.
    """
    with (
        restored_environment(),
        SnakemakeApi(OutputSettings(quiet={Quietness.ALL})) as api,
    ):
        workflow_api = api.workflow(
            resource_settings=ResourceSettings(cores=1),
            config_settings=ConfigSettings(configfiles=list(configfiles)),
            # Snakemake's default runtime source cache is a TemporaryDirectory that is never
            # cleaned up explicitly (a ResourceWarning, an error here).
            workflow_settings=WorkflowSettings(runtime_source_cache_path=workdir / ".cache"),
            snakefile=REPO / "workflow" / "Snakefile",
            workdir=workdir,
        )
        workflow_api.dag(DAGSettings())  # sets the workflow's DAG settings
        workflow = workflow_api._workflow
        workflow._prepare_dag(
            forceall=False, ignore_incomplete=True, lock_warn_only=True, nolock=True
        )
        workflow._build_dag()
        dag = workflow.dag
        needed = list(dag.needrun_jobs())
        assert len(needed) == len(dag.jobs)
        jobs = [
            JobInfo(
                job.rule.name,
                # Persistence records repr() of the params not derived from input/output.
                tuple(repr(value) for value in job.non_derived_params) if details else (),
                job.shellcmd if details else None,
            )
            for job in needed
        ]
        templates = {rule.name: rule.shellcmd for rule in workflow.rules if rule.shellcmd}
    return Dag(jobs, templates)


def load(path: Path) -> dict:
    """A YAML config file as written (before the workflow's defaults)."""
    return yaml.safe_load(path.read_text())


def chunks(config: dict) -> dict[str, int]:
    """Generation chunks per sample: every Z' mass and the QCD pool."""
    events = config["events"]
    per_signal = -(-events["signal"] // events["chunk_size"])
    return {
        **{f"zp{mass}": per_signal for mass in config["masses"]},
        "qcd": -(-events["qcd"] // events["chunk_size"]),
    }


def trainings(config: dict, methods: list[str]) -> int:
    """Trained models: the baseline per mass, every method per source split; x zoom x seed."""
    training = config["training"]
    models = len(config["masses"]) + len(training["source_splits"]) * len(methods)
    return models * ZOOMS * training["seeds"]


def test_default_study_dag(tmp_path):
    """config.yaml (Pythia, built-in detector): jobs per rule follow from the config."""
    config = load(REPO / "config" / "config.yaml")
    counts = build_dag(tmp_path, REPO / "config" / "config.yaml", details=False).counts()
    n_chunks = sum(chunks(config).values())
    assert n_chunks == 10 * 1 + 10
    assert counts["generate_events"] == n_chunks
    assert counts["simulate_detector"] == counts["cluster_jets"] == n_chunks
    assert counts["select_jets"] == n_chunks
    assert counts["merge_cutflow"] == len(config["masses"]) + 1
    assert counts["index_window"] == counts["build_datasets"] == len(config["masses"])  # PFN
    n_models = trainings(config, config["training"]["methods"])
    assert n_models == (10 + 3 * len(config["training"]["methods"])) * 2 * 2
    assert counts["train_tagger"] == counts["evaluate_tagger"] == n_models
    for rule in ("all", "tabulate_cutflow", "summarise_scores", "plot_jet_images", "plot_scores"):
        assert counts[rule] == 1
    assert set(counts) & {"madgraph_card", "export_hepmc", "run_delphes"} == set()


def test_paper_study_dag(tmp_path):
    """The paper-scale study (680 chunks per stage, 3376 jobs): its DAG takes 4-6 s to
    build on a 2-core machine (measured: 4.3-6.2 s). Its file sets only the study's name
    and the meta-learners' iterations: everything else is the schema's defaults."""
    config = load_config(REPO / "config" / "paper.yaml")
    counts = build_dag(tmp_path, REPO / "config" / "paper.yaml", details=False).counts()
    n_chunks = sum(chunks(config).values())
    assert counts["generate_events"] == counts["select_jets"] == n_chunks
    assert counts["index_window"] == len(config["masses"])
    n_models = trainings(config, config["training"]["methods"])
    assert n_models == (10 + 3 * 7) * 2 * 5
    assert counts["train_tagger"] == counts["evaluate_tagger"] == n_models


def test_reproduction_study_dag(tmp_path):
    """config/reproduce.yaml: five methods on the three splits and the ten baselines, 3
    seeds, and the {150, 600} baseline's learning curve; on an empty results tree every chunk of its events is made (under the
    learning-curve study's tree, which it reads: tests/test_reruns.py)."""
    config = load_config(REPO / "config" / "reproduce.yaml")
    assert config["events"]["study"] == "curves"
    counts = build_dag(tmp_path, REPO / "config" / "reproduce.yaml", details=False).counts()
    assert counts["generate_events"] == sum(chunks(config).values()) == 10 * 1 + 10
    n_models = trainings(config, config["training"]["methods"])
    assert n_models == (10 + 3 * 5) * 2 * 3
    assert counts["train_tagger"] == counts["evaluate_tagger"] == n_models
    # The diagnosis's learning curve of the {150, 600} baseline: 2 N x 2 zooms x 3 seeds.
    assert config["learning_curve"]["masses"] == [[150, 600]]
    assert counts["train_curve"] == counts["evaluate_curve"] == 2 * 2 * 3


def test_anti_qcd_paper_study_dag(tmp_path):
    """config/anti_qcd_paper.yaml, seed 004 at its scale: 2.1 x 10^6 events per class,
    10^5 per unseen signal and per mass-rescaled W or top (24 of them) in chunks of
    50 000; ParticleNet with and without DisCo on four class sets, and plain on four
    mass-augmented ones; 10 seeds."""
    config = load_config(REPO / "config" / "anti_qcd_paper.yaml")
    counts = build_dag(tmp_path, REPO / "config" / "anti_qcd_paper.yaml", details=False).counts()
    assert counts["generate_events"] == counts["select_jets"] == 3 * 42 + 3 * 2 + 24 * 2
    assert counts["train_classifier"] == counts["score_anomalies"] == (4 * 2 + 4) * 10
    assert counts["index_classes"] == counts["build_class_datasets"] == 8
    assert counts["plot_anomaly_mass"] == 4 * 2 + 4
    assert counts["index_unseen"] == counts["build_unseen_dataset"] == 3
    assert set(counts) & {"index_window", "train_tagger", "tabulate_claims"} == set()
    loop = params.training(config, "particlenet", "disco")["loop"]
    assert loop["learning_rate_schedule"][1] == [8, 3.0e-3]
    assert loop["batch_size"] == 384


def test_dark_showers_paper_study_dag(tmp_path):
    """config/dark_showers_paper.yaml, seed 001's Figs. 3-5 at its scale: 1.9 x 10^6 QCD
    dijets and 10^5 events per benchmark searched, 1.6 x 10^7 simulated QCD dijets and
    7 x 10^4 events per other source benchmark, in chunks of 10^5; per benchmark, 3
    resolutions x 4 schemes x 8 injections x 10 pseudo-experiments, a pretraining and a
    meta-training per resolution."""
    config = load_config(REPO / "config" / "dark_showers_paper.yaml")
    counts = build_dag(
        tmp_path, REPO / "config" / "dark_showers_paper.yaml", details=False
    ).counts()
    assert counts["generate_events"] == counts["select_jets"] == 19 + 2 + 160 + 12
    assert counts["index_dijets"] == 16
    assert counts["build_dijet_datasets"] == 16 * 3
    assert counts["pretrain_search"] == counts["meta_train_search"] == 2 * 3
    assert counts["run_search"] == 2 * 3 * 4 * 8 * 10 == len(params.search_grid(config))
    assert counts["tabulate_search"] == 1
    assert counts["plot_significance"] == 3
    assert set(counts) & {"index_window", "train_tagger", "train_classifier"} == set()


def test_user_config_stands_on_its_own(tmp_path):
    """A three-line --configfile takes the schema's defaults (the paper's), not the laptop
    study's, even where config/config.yaml lies in the working directory: its trainings
    carry the paper's 100 epochs and seven methods, none of the laptop's 15 and three."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text((REPO / "config" / "config.yaml").read_text())
    user = tmp_path / "mine.yaml"
    user.write_text("study: mine\nmasses: [150, 300]\ntraining: {seeds: 1}\n")
    dag = build_dag(tmp_path, user)
    train = [job for job in dag.jobs if job.rule == "train_tagger"]
    loops = {next(p for p in job.params if "max_epochs" in p) for job in train}
    assert loops
    assert all("'max_epochs': 100" in loop for loop in loops)
    # The baseline on 150 and on 300, one seed, two zooms: none of the paper's source
    # splits lies within {150, 300}, so no multi-mass method trains.
    assert len(train) == 2 * ZOOMS
    # The paper's events: 7.5 x 10^5 per Z' mass and 9.5 x 10^6 QCD, in chunks of 25 000.
    assert dag.counts()["generate_events"] == 2 * 30 + 380


# (generator, detector, hepmc) switches, on tests/smoke.yaml.
SWITCHES = [
    ("pythia", "builtin", False),
    ("pythia", "builtin", True),
    ("madgraph", "builtin", False),
    ("pythia", "delphes", False),
    ("madgraph", "delphes", False),
]


@pytest.fixture(scope="module", params=SWITCHES, ids=lambda s: "-".join(map(str, s)))
def switch(request, tmp_path_factory) -> tuple[tuple[str, str, bool], Path, Dag]:
    """The smoke study's DAG with one generator x detector (x hepmc) switch."""
    generator, detector, hepmc = request.param
    workdir = tmp_path_factory.mktemp("dag")
    override = tmp_path_factory.mktemp("config") / "switch.yaml"
    override.write_text(
        yaml.safe_dump(
            {"generation": {"generator": generator, "hepmc": hepmc}, "detector": {"kind": detector}}
        )
    )
    return request.param, workdir, build_dag(workdir, SMOKE, override)


def test_switch_brings_in_its_rules(switch):
    """MadGraph adds card, gridpack (per sample) and LHE (per chunk) jobs; Delphes replaces
    simulate_detector by export_hepmc, run_delphes and read_delphes; hepmc adds export_hepmc."""
    (generator, detector, hepmc), _, dag = switch
    per_sample = chunks(load(SMOKE))
    n_samples, n_chunks = len(per_sample), sum(per_sample.values())
    madgraph = generator == "madgraph"
    delphes = detector == "delphes"
    expected = {
        "madgraph_card": n_samples if madgraph else 0,  # one card and one gridpack per sample
        "madgraph_gridpack": n_samples if madgraph else 0,
        "madgraph_events": n_chunks if madgraph else 0,  # one LHE file per chunk
        "generate_events": n_chunks,
        "export_hepmc": n_chunks if delphes or hepmc else 0,
        "simulate_detector": 0 if delphes else n_chunks,
        "run_delphes": n_chunks if delphes else 0,
        "read_delphes": n_chunks if delphes else 0,
        "cluster_jets": n_chunks,
        "select_jets": n_chunks,
    }
    counts = dag.counts()
    assert {rule: counts[rule] for rule in GENERATION_RULES} == expected


def forbidden_paths(workdir: Path) -> set[str]:
    """This machine's paths: the checkout, the work directory, the Python and its venv."""
    paths = {REPO, workdir, Path(sys.executable), Path(sys.prefix)}
    return {str(p) for p in paths} | {os.path.realpath(p) for p in paths}


def test_params_hold_no_local_path(switch):
    """Recorded params (a change reruns the job) hold no path of this checkout or machine."""
    _, workdir, dag = switch
    forbidden = forbidden_paths(workdir)
    found = {
        (job.rule, param)
        for job in dag.jobs
        for param in job.params
        if any(path in param for path in forbidden)
    }
    assert not found, sorted(found)


ABSOLUTE = re.compile(r"(?:^|[\s'\"=:])[/~]")


def test_shell_commands_hold_no_local_path(switch):
    """Shell templates (recorded for the code trigger) hold no absolute path; a job's
    command holds the checkout only where its template says {workflow.basedir}."""
    (generator, detector, _), workdir, dag = switch
    assert bool(dag.templates) == (generator == "madgraph" or detector == "delphes")
    for rule, template in dag.templates.items():
        assert not ABSOLUTE.search(template), (rule, template)
    forbidden = forbidden_paths(workdir) - {str(REPO), os.path.realpath(REPO)}
    for job in dag.jobs:
        if job.shellcmd is None:
            continue
        assert not any(path in job.shellcmd for path in forbidden), job
        basedirs = dag.templates[job.rule].count("{workflow.basedir}")
        assert job.shellcmd.count(str(REPO)) == basedirs, job


def test_delphes_card_is_a_param_of_every_delphes_job(switch):
    """detector.delphes_card reaches each run_delphes job's recorded params (a new card
    reruns them); the smoke study's rerun table sees only the built-in detector."""
    (_, detector, _), _, dag = switch
    card = repr(load_config(SMOKE)["detector"]["delphes_card"])
    delphes_jobs = [job for job in dag.jobs if job.rule == "run_delphes"]
    assert bool(delphes_jobs) == (detector == "delphes")
    assert all(card in job.params for job in delphes_jobs)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("events/zp175/chunk0.parquet", "zp175: not a sample of study 'smoke'"),
        ("jets/qcd/chunk9.parquet", "qcd chunk 9: study 'smoke' has chunks 0-1"),
        ("datasets/index/175/train.parquet", "mass 175: not in the masses [150, 600]"),
        ("scores/pfn/baseline/175/nozoom/seed0.json", "pfn/baseline/175: no such training"),
        ("scores/pfn/metareg/150/zoom/seed0.json", "pfn/metareg/150: no such training"),
        ("scores/efn/baseline/150/zoom/seed0.json", "efn/baseline/150: no such training"),
        ("datasets/image/150/zoom/test", "representation image: not built in study 'smoke'"),
    ],
)
def test_targets_off_the_grid_are_refused(target, message, tmp_path):
    """A target asked for by path passes the grid checks a config must pass."""
    from .conftest import snakemake

    done = snakemake(tmp_path, "--configfile", str(SMOKE), "-n", f"results/smoke/{target}")
    assert done.returncode != 0
    assert f"ConfigError: {message}" in done.stderr + done.stdout
