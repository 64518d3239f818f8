"""MadGraph cards and seeds, LHE reading, and Pythia showering a real LHE file."""

from __future__ import annotations

import gzip

import awkward as ak
import numpy as np
import pyhepmc
import pytest

from massgen import params
from massgen.errors import InputFileError
from massgen.files import read_json, read_parquet
from massgen.generation.lhe import read_lhe
from massgen.generation.madgraph import process_card
from massgen.generation.pythia import export_hepmc
from massgen.seeding import MADGRAPH_SEED_MAX

from .conftest import generate, small_config

JJ_LHE = "madgraph5-3.5.8-pp_to_jj.lhe.gz"


def test_signal_card_cuts_the_zprime_itself():
    card = process_card(**params.madgraph_card(small_config(), "zp150")).splitlines()
    assert "generate p p > z zp, z > vl vl~" in card
    assert "import model ./SM_Zprime_UFO" in card
    for line in (
        "set eta_max_pdg {32: 2.0}",
        "set misset 1200.0",
        "set pdlabel nn23lo1",
        "set MZp 150",
        "set gZp 0.263",
        "set WZp auto",
        "set gridpack True",
        "set ebeam1 6500.0",
    ):
        assert line in card, line
    assert not any(line.startswith("set etaj") for line in card)


def test_background_card_cuts_the_jet():
    card = process_card(**params.madgraph_card(small_config(), "qcd")).splitlines()
    assert "generate p p > z j, z > vl vl~" in card
    assert "set etaj 2.0" in card
    assert not any("MZp" in line or "eta_max_pdg" in line for line in card)


def test_seeds_are_stable_distinct_and_accepted_by_madgraph():
    config = small_config()
    seeds = [params.madgraph_seed(config, "qcd", chunk) for chunk in range(200)]
    assert len(set(seeds)) == 200
    assert all(0 < s < MADGRAPH_SEED_MAX for s in seeds)
    assert seeds[3] == params.madgraph_seed(small_config(), "qcd", 3)
    assert params.madgraph_seed(config, "zp150", 3) != seeds[3]


def test_read_lhe_gives_the_init_cross_section_and_weights(testdata):
    info = read_lhe(testdata / JJ_LHE)
    assert info["n_events"] == 1000
    assert info["sigma_fb"] == pytest.approx(6.996707e11, rel=1e-6)  # 6.996707e8 pb
    # unweighted events: MadGraph gives every event the weight sigma (pb)
    weights = info["weights_pb"]
    assert weights["min"] == weights["max"] == pytest.approx(info["sigma_fb"] / 1e3, rel=1e-6)
    assert weights["sum"] == pytest.approx(1000 * weights["max"])


def _cut_lhe(testdata, tmp_path, keep_bytes):
    text = gzip.decompress((testdata / JJ_LHE).read_bytes())
    bad = tmp_path / "cut.lhe.gz"
    bad.write_bytes(gzip.compress(text[:keep_bytes]))
    return bad


def test_lhe_cut_mid_event_is_named(testdata, tmp_path):
    bad = _cut_lhe(testdata, tmp_path, 200_000)
    with pytest.raises(InputFileError, match=str(bad)):
        read_lhe(bad)


def test_corrupt_gzip_is_named(testdata, tmp_path):
    bad = tmp_path / "corrupt.lhe.gz"
    bad.write_bytes((testdata / JJ_LHE).read_bytes()[:30_000])
    with pytest.raises(InputFileError, match=str(bad)) as error:
        read_lhe(bad)
    assert "\n" not in str(error.value)


@pytest.fixture(scope="module")
def showered(testdata, tmp_path_factory):
    """The 1000 MadGraph p p > j j events showered by Pythia, as chunk 0 of 'qcd'."""
    out = tmp_path_factory.mktemp("lhe_shower")
    config = small_config()
    meta = generate(
        config, "qcd", 0, out / "events.parquet", out / "meta.json", lhe=testdata / JJ_LHE
    )
    return config, out, meta


def test_shower_carries_the_lhe_cross_section(showered, testdata):
    _, out, meta = showered
    assert read_json(out / "meta.json") == meta
    assert meta["n_generated"] == 1000
    assert meta["sigma_fb"] == pytest.approx(read_lhe(testdata / JJ_LHE)["sigma_fb"])
    assert meta["sigma_err_fb"] > 0
    assert "Beams:frameType = 4" in meta["settings"]


def test_shower_makes_hadron_level_events(showered):
    _, out, _ = showered
    events = read_parquet(out / "events.parquet")
    assert ak.all(events.n_mpi >= 1)
    assert ak.mean(events.n_mpi) > 2
    pid = np.abs(ak.to_numpy(ak.flatten(events.particles.pid)))
    assert np.isin([211, 22, 2212], pid).all()
    assert not np.isin([1, 2, 21], pid).any()  # no free partons after hadronisation


def test_hepmc_has_mpi_cross_section_and_parents_first(showered, tmp_path):
    config, out, meta = showered
    hepmc = tmp_path / "events.hepmc3"
    export_hepmc(out / "events.parquet", out / "meta.json", hepmc, config["sqrt_s"])
    events = read_parquet(out / "events.parquet")
    with pyhepmc.open(hepmc) as f:
        first = next(iter(f))
    assert first.attributes["mpi"].astype(int) == events.n_mpi[0]
    assert first.cross_section.xsec() == pytest.approx(meta["sigma_fb"] / 1e3)
    assert [p.status for p in first.particles[:2]] == [4, 4]
    assert [p.pid for p in first.particles[:2]] == [2212, 2212]
    assert all(parent.id < p.id for p in first.particles for parent in p.parents)
    assert all(len(p.parents) == 2 for p in first.particles[2:])


def test_truncated_lhe_leaves_no_events(testdata, tmp_path):
    bad = _cut_lhe(testdata, tmp_path, 200_000)
    with pytest.raises(InputFileError, match=str(bad)):
        generate(small_config(), "qcd", 0, tmp_path / "ev.parquet", tmp_path / "ev.json", lhe=bad)
    assert not (tmp_path / "ev.parquet").exists()
    assert not (tmp_path / "ev.json").exists()
