"""Shared fixtures: the repository, the shared test data, and small real Pythia samples."""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def testdata() -> Path:
    """The shared real input files (Delphes ROOT, HepMC3, LHE)."""
    if not TESTDATA.is_dir():
        pytest.fail(f"shared test data not found at {TESTDATA}")
    return TESTDATA


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict[str, Path]:
    """Real Pythia chunks (1200 events) of zp150, zp600 and qcd, generated once per session."""
    from massgen.generation.pythia import generate_chunk

    out = tmp_path_factory.mktemp("generated")
    config = small_config()
    paths = {}
    for sample in ("zp150", "zp600", "qcd"):
        generate_chunk(config, sample, 0, out / f"{sample}.parquet", out / f"{sample}.json")
        paths[sample] = out / f"{sample}.parquet"
    return paths
