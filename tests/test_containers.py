"""Every rule inside its own image: `--sdm apptainer` through Snakemake's real code path.

Apptainer cannot be installed here, so tests/containers/apptainer, a test-only stand-in,
forwards Snakemake's `apptainer pull` and `apptainer exec` calls to podman (it is not
apptainer). The three images are built once per session with scripts/build_images.sh
from the offline kits (podman's layer cache makes later builds quick). Checks: each
rule's log shows the marker of the image it names, results equal those of the runs
without containers, and an image that does not exist fails with Snakemake's pull error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import massgen
from massgen.files import read_json

from .conftest import KITS, REAL_CONFIG, REPO, SMOKE, snakemake

pytestmark = pytest.mark.podman

CONTAINERS = REPO / "tests" / "containers"

PREFIX = "localhost/massgen"
IMAGES = {
    "python": f"docker://{PREFIX}/massgen:{massgen.__version__}",
    "madgraph": f"docker://{PREFIX}/madgraph:3.5.7",
    "delphes": f"docker://{PREFIX}/delphes:3.5.1",
}
MARKERS = {
    "python": f"massgen-python {massgen.__version__}",
    "madgraph": "massgen-madgraph 3.5.7",
    "delphes": "massgen-delphes 3.5.1",
}


def container_env(log: Path) -> dict[str, str]:
    """The stand-in first on PATH, podman's settings, no host installations of the tools."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASSGEN_")}
    env["PATH"] = f"{CONTAINERS}{os.pathsep}{env['PATH']}"
    env["CONTAINERS_CONF"] = str(CONTAINERS / "containers.conf")
    env["APPTAINER_STANDIN_LOG"] = str(log)
    return env


@pytest.fixture(scope="session")
def images(tmp_path_factory) -> dict[str, str]:
    """Build (or refresh from podman's cache) the three images; installs podman if needed."""
    if shutil.which("podman") is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            pytest.fail("podman is missing: apt-get install podman runc debootstrap")
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "podman", "runc", "debootstrap"],
            check=True,
            capture_output=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    log = tmp_path_factory.mktemp("images") / "build.log"
    with log.open("w") as stream:
        done = subprocess.run(
            ["bash", REPO / "scripts" / "build_images.sh", "--kits", KITS, "--prefix", PREFIX],
            stdout=stream,
            stderr=subprocess.STDOUT,
            env=container_env(log.with_suffix(".exec")),
            check=False,
        )
    assert done.returncode == 0, log.read_text()[-4000:]
    return IMAGES


def images_config(tmp_path: Path, **images: str) -> Path:
    path = tmp_path / "images.yaml"
    path.write_text("images:\n" + "".join(f"  {k}: {v}\n" for k, v in images.items()))
    return path


def run_in_containers(workdir: Path, config: Path, images: dict, *targets: str):
    exec_log = workdir / "apptainer.log"
    args = (
        "--configfile",
        str(config),
        str(images_config(workdir, **images)),
        "--cores",
        "2",
        "--sdm",
        "apptainer",
        f"--apptainer-args=--bind {REPO}",
        *targets,
    )
    start = time.perf_counter()
    done = snakemake(workdir, *args, env=container_env(exec_log))
    (workdir / "seconds.txt").write_text(f"{time.perf_counter() - start:.1f}\n")
    return done, exec_log


@pytest.fixture(scope="session")
def smoke_in_containers(images, tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("smoke_containers")
    done, _ = run_in_containers(workdir, SMOKE, images)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return workdir


@pytest.fixture(scope="session")
def real_path_in_containers(images, tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("real_containers")
    done, _ = run_in_containers(workdir, REAL_CONFIG, images, "results/mgdelphes/cutflow.md")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return workdir


def marker_of(log: Path) -> str:
    """The image marker a job wrote at the top of its log."""
    for line in log.read_text().splitlines():
        if "image: " in line:
            return line.split("image: ", 1)[1].strip()
    return ""


def test_smoke_jobs_ran_in_our_image(smoke_in_containers):
    logs = sorted((smoke_in_containers / "results" / "smoke" / "logs").rglob("*.log"))
    assert len(logs) > 50
    assert {marker_of(log) for log in logs} == {MARKERS["python"]}
    exec_log = (smoke_in_containers / "apptainer.log").read_text().splitlines()
    assert len(exec_log) == len(logs)
    assert {line.split("\t")[0] for line in exec_log} == {f"{PREFIX}/massgen:{massgen.__version__}"}


def test_smoke_scores_equal_the_local_run(smoke_in_containers, smoke_run):
    ours = (smoke_in_containers / "results" / "smoke" / "scores" / "summary.csv").read_text()
    assert ours == (smoke_run / "results" / "smoke" / "scores" / "summary.csv").read_text()


@pytest.mark.parametrize(
    ("rule", "image"),
    [
        ("madgraph_gridpack", "madgraph"),
        ("madgraph_events", "madgraph"),
        ("generate_events", "python"),
        ("export_hepmc", "python"),
        ("run_delphes", "delphes"),
        ("read_delphes", "python"),
        ("cluster_jets", "python"),
    ],
)
def test_real_path_rules_ran_in_their_images(real_path_in_containers, rule, image):
    logs = sorted(
        (real_path_in_containers / "results" / "mgdelphes" / "logs" / rule).rglob("*.log")
    )
    assert logs
    assert {marker_of(log) for log in logs} == {MARKERS[image]}


@pytest.mark.madgraph
@pytest.mark.delphes
def test_real_path_results_equal_the_run_without_containers(real_path_in_containers, real_run):
    for sample in ("zp150", "qcd"):
        ours = read_json(
            real_path_in_containers / "results/mgdelphes/jets" / sample / "cutflow.json"
        )
        assert ours == read_json(real_run / "jets" / sample / "cutflow.json")


def test_missing_image_fails_with_the_pull_error(images, tmp_path):
    missing = f"docker://{PREFIX}/no-such-image:0"
    target = "results/smoke/events/qcd/chunk0.parquet"
    done, _ = run_in_containers(tmp_path, SMOKE, {**images, "python": missing}, target)
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert f"Failed to pull singularity image from {missing}" in output
    results = tmp_path / "results"
    assert not results.exists() or not list(results.rglob("*.parquet"))
