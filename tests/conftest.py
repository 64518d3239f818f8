"""Shared fixtures: the repository, the shared test data, and small real Pythia samples."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from massgen.config import validate_config

REPO = Path(__file__).resolve().parents[1]
TESTDATA = REPO.parent / "shared" / "testdata"


def small_config(**events) -> dict:
    """A validated study configuration for tests (study 'unit')."""
    return validate_config(
        {
            "study": "unit",
            "masses": [150, 600],
            "events": {"signal": 1200, "qcd": 1200, "chunk_size": 1200, **events},
        }
    )


def generate(config: dict, sample: str, chunk: int, events, metadata, lhe=None) -> dict:
    """Generate one chunk as the workflow's generate_events job would for ``config``."""
    from massgen import params
    from massgen.generation.pythia import generate_chunk

    if lhe is not None:
        config = {**config, "generation": {**config["generation"], "generator": "madgraph"}}
    job = params.generation(config, sample, chunk)
    return generate_chunk(sample, chunk, events, metadata, lhe=lhe, **job)


def default_pfn(n_features: int = 4, n_classes: int = 2, **hparams):
    """A PFN with the config's default hyper-parameters, except ``hparams``."""
    from massgen.config import defaults
    from massgen.models.pfn import PFN

    return PFN(n_features, n_classes, **{**defaults()["models"]["pfn"], **hparams})


def train_settings(**changes):
    """The training loop's default settings (config ``training``), except ``changes``."""
    from massgen.config import defaults
    from massgen.params import LOOP_KEYS
    from massgen.training.loop import TrainSettings

    loop = {key: defaults()["training"][key] for key in LOOP_KEYS}
    return TrainSettings(**{**loop, **changes})


def method_settings(method: str, **changes) -> dict:
    """A method's default settings (config ``training.<method>``), except ``changes``."""
    from massgen.config import defaults

    return {**defaults()["training"].get(method, {}), **changes}


@pytest.fixture(scope="session")
def testdata() -> Path:
    """The shared real input files (Delphes ROOT, HepMC3, LHE)."""
    if not TESTDATA.is_dir():
        pytest.fail(f"shared test data not found at {TESTDATA}")
    return TESTDATA


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict[str, Path]:
    """Real Pythia chunks (1200 events) of zp150, zp600 and qcd, generated once per session."""
    out = tmp_path_factory.mktemp("generated")
    config = small_config()
    paths = {}
    for sample in ("zp150", "zp600", "qcd"):
        generate(config, sample, 0, out / f"{sample}.parquet", out / f"{sample}.json")
        paths[sample] = out / f"{sample}.parquet"
    return paths


SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "workflow" / "Snakefile")]
SMOKE = REPO / "tests" / "smoke.yaml"


def snakemake(
    workdir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the workflow in ``workdir`` and return the finished process."""
    return subprocess.run(
        [*SNAKEMAKE, "--directory", str(workdir), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
        env=env,
    )


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory) -> Path:
    """tests/smoke.yaml run locally on 2 cores, once per session."""
    workdir = tmp_path_factory.mktemp("smoke")
    start = time.perf_counter()
    done = snakemake(workdir, "--configfile", str(SMOKE), "--cores", "2")
    (workdir / "seconds.txt").write_text(f"{time.perf_counter() - start:.1f}\n")
    assert done.returncode == 0, done.stderr[-3000:]
    return workdir


ANTI_QCD_SMOKE = REPO / "tests" / "anti_qcd_smoke.yaml"
RECURSIVE_SMOKE = REPO / "tests" / "recursive_smoke.yaml"
DARK_SHOWERS_SMOKE = REPO / "tests" / "dark_showers_smoke.yaml"


def study_run(tmp_path_factory, name: str, configfile: Path) -> Path:
    """A tiny study (``configfile``) run locally on 2 cores in a fresh folder."""
    workdir = tmp_path_factory.mktemp(name)
    done = snakemake(workdir, "--configfile", str(configfile), "--cores", "2")
    assert done.returncode == 0, done.stderr[-3000:]
    return workdir


@pytest.fixture(scope="session")
def anti_qcd_run(tmp_path_factory) -> Path:
    """tests/anti_qcd_smoke.yaml (seed 004's study, tiny), once per session."""
    return study_run(tmp_path_factory, "anti_qcd", ANTI_QCD_SMOKE)


@pytest.fixture(scope="session")
def recursive_run(tmp_path_factory) -> Path:
    """tests/recursive_smoke.yaml (seed 003's study, tiny), once per session."""
    return study_run(tmp_path_factory, "recursive", RECURSIVE_SMOKE)


@pytest.fixture(scope="session")
def dark_showers_run(tmp_path_factory) -> Path:
    """tests/dark_showers_smoke.yaml (seed 001's search, tiny), once per session."""
    return study_run(tmp_path_factory, "dark_showers", DARK_SHOWERS_SMOKE)


KITS = REPO.parent / "shared" / "tools"
TOOLS = Path(os.environ.get("MASSGEN_TOOLS_CACHE", REPO / ".tools"))
REAL_CONFIG = REPO / "tests" / "madgraph_delphes.yaml"
REAL_STUDY = "results/mgdelphes"


@pytest.fixture(scope="session")
def tools() -> dict[str, str]:
    """MASSGEN_MADGRAPH / MASSGEN_DELPHES of installations made by our installers."""
    if not KITS.is_dir():
        pytest.fail(f"offline MadGraph/Delphes kits not found at {KITS}")
    env = {**os.environ, "PYTHON": sys.executable}
    for name in ("madgraph", "delphes"):
        done = subprocess.run(
            [
                "bash",
                REPO / "scripts" / "install_tools.sh",
                name,
                TOOLS / name,
                "--kit",
                KITS / name,
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=TOOLS.parent,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return {
        "MASSGEN_MADGRAPH": str(TOOLS / "madgraph" / "MG5_aMC_v3_5_7"),
        "MASSGEN_DELPHES": str(TOOLS / "delphes"),
    }


@pytest.fixture(scope="session")
def real_run(tools, tmp_path_factory) -> Path:
    """tests/madgraph_delphes.yaml through selection, MadGraph and Delphes installed."""
    workdir = tmp_path_factory.mktemp("real_path")
    start = time.perf_counter()
    done = snakemake(
        workdir,
        "--configfile",
        str(REAL_CONFIG),
        "--cores",
        "2",
        f"{REAL_STUDY}/cutflow.md",
        f"{REAL_STUDY}/datasets/index/150/train.parquet",
        env={**os.environ, **tools},
    )
    (workdir / "seconds.txt").write_text(f"{time.perf_counter() - start:.1f}\n")
    assert done.returncode == 0, done.stderr[-4000:]
    return workdir / REAL_STUDY


def pytest_collection_modifyitems(items):
    """Unless CI=true, skip tests marked madgraph/delphes/podman/slurm whose program (or
    what installing it needs) is missing here; see tests/tiers.py."""
    import shutil

    from .tiers import skip_missing, this_host

    skip_missing(items, which=shutil.which, env=os.environ, kits=KITS, host=this_host())
