"""The built-in detector against Delphes 3.5.1 (CMS card) on the same generated events.

The shared test data hold 200 Pythia ZZ -> nu nu q q events as HepMC3 and the Delphes
output made from exactly those events; our detector runs on the HepMC3 file.
"""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from massgen.detector.delphes import read_delphes
from massgen.detector.simulate import NEUTRAL_HADRON, PHOTON, TRACK, impact_point, simulate
from massgen.errors import InputFileError
from massgen.files import read_parquet, write_parquet
from massgen.generation.hepmc import read_hepmc
from massgen.jets import leading_jets

ZZ_HEPMC = "pythia8-zz-nunuqq-ptmin1000.hepmc3.gz"
ZZ_DELPHES = "delphes-3.5.1-cms-pythia8-zz-nunuqq-ptmin1000.root"


@pytest.fixture(scope="module")
def both(testdata):
    ours = simulate(read_hepmc(testdata / ZZ_HEPMC), seed=7)
    delphes = read_delphes(testdata / ZZ_DELPHES)
    return ours, delphes


def test_same_events(both):
    ours, delphes = both
    assert len(ours) == len(delphes) == 200
    assert ak.all(ours.event_id == delphes.event_id)


@pytest.mark.parametrize("kind", [TRACK, PHOTON, NEUTRAL_HADRON])
def test_candidate_multiplicities_agree(both, kind):
    ours, delphes = both
    n_ours = ak.mean(ak.sum(ours.candidates.kind == kind, axis=1))
    n_delphes = ak.mean(ak.sum(delphes.candidates.kind == kind, axis=1))
    assert n_ours == pytest.approx(n_delphes, rel=0.08)


def test_met_agrees(both):
    ours, delphes = both
    assert np.median(ak.to_numpy(ours.met)) == pytest.approx(
        np.median(ak.to_numpy(delphes.met)), rel=0.03
    )


@pytest.mark.parametrize("radius", [0.8, 1.0])
def test_jet_mass_and_pt_agree(both, radius):
    ours, delphes = (leading_jets(x, radius) for x in both)
    for field, rel in (("jet_mass", 0.05), ("jet_pt", 0.02)):
        a, b = (np.median(ak.to_numpy(j[field])) for j in (ours, delphes))
        assert a == pytest.approx(b, rel=rel), field


def test_delphes_fatjet_is_reproduced_by_reclustering(testdata):
    """Our reader + FastJet at R = 0.8 give the card's FatJet mass (its definition)."""
    import uproot

    fat = uproot.open(testdata / ZZ_DELPHES)["Delphes"]["FatJet.Mass"].array()
    jets = leading_jets(read_delphes(testdata / ZZ_DELPHES), 0.8)
    assert np.allclose(ak.to_numpy(jets.jet_mass), ak.to_numpy(ak.firsts(fat)), rtol=1e-3)


def test_neutrinos_are_invisible_and_met_balances():
    """One neutrino and one photon back to back: MET equals the neutrino pT."""
    events = ak.zip(
        {
            "event_id": np.array([0]),
            "particles": ak.Array(
                [
                    [
                        {"px": 500.0, "py": 0.0, "pz": 0.0, "e": 500.0, "pid": 12, "charge": 0.0},
                        {"px": -500.0, "py": 0.0, "pz": 0.0, "e": 500.0, "pid": 22, "charge": 0.0},
                    ]
                ]
            ),
        },
        depth_limit=1,
    )
    reco = simulate(events, seed=1)
    assert ak.to_list(reco.candidates.kind) == [[PHOTON]]
    assert float(reco.met[0]) == pytest.approx(500.0, rel=0.05)


def test_charged_particles_bend_clockwise_for_positive_charge():
    pt, eta, phi, pz = np.array([2.0, 2.0, 2.0]), np.zeros(3), np.zeros(3), np.zeros(3)
    _, phi_pos = impact_point(pt, eta, phi, pz, np.array([1.0, -1.0, 0.0]))
    assert phi_pos[0] < 0 < phi_pos[1]
    assert phi_pos[2] == 0


def test_same_seed_same_output(both, testdata):
    events = read_hepmc(testdata / ZZ_HEPMC)[:20]
    a, b, c = simulate(events, 3), simulate(events, 3), simulate(events, 4)
    assert ak.to_list(a) == ak.to_list(b)
    assert ak.to_list(a) != ak.to_list(c)


def test_corrupt_delphes_file(tmp_path, testdata):
    bad = tmp_path / "bad.root"
    bad.write_bytes((testdata / ZZ_DELPHES).read_bytes()[:50_000])
    with pytest.raises(InputFileError, match=r"bad\.root"):
        read_delphes(bad)


def test_truncated_events_file_leaves_no_output(tmp_path, testdata):
    from massgen.detector.simulate import run_detector

    good = tmp_path / "events.parquet"
    write_parquet(read_hepmc(testdata / ZZ_HEPMC)[:5], good)
    truncated = tmp_path / "truncated.parquet"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    out = tmp_path / "reco.parquet"
    with pytest.raises(InputFileError, match=r"truncated\.parquet"):
        run_detector(str(truncated), str(out), 1)
    assert sorted(tmp_path.iterdir()) == sorted([good, truncated])
    assert len(read_parquet(good)) == 5
