"""The built-in detector against Delphes 3.5.1 (CMS card) on the same generated events.

The shared test data hold 200 Pythia ZZ -> nu nu q q events as HepMC3 and the Delphes
output made from exactly those events, and 200 Z+jet events whose final-state particles
sit in the Delphes file's Particle branch; our detector runs on those particles.
"""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest

from massgen.detector import card
from massgen.detector.card import NEUTRAL_HADRON, PHOTON, TRACK
from massgen.detector.delphes import (
    delphes_to_reco,
    read_delphes,
    read_delphes_particles,
    run_delphes,
)
from massgen.detector.simulate import simulate
from massgen.detector.validate import compare
from massgen.errors import InputFileError
from massgen.files import read_parquet, write_parquet
from massgen.generation.hepmc import read_hepmc
from massgen.jets import cluster_file, leading_jets

from .conftest import REPO

ZZ_HEPMC = "pythia8-zz-nunuqq-ptmin1000.hepmc3.gz"
ZZ_DELPHES = "delphes-3.5.1-cms-pythia8-zz-nunuqq-ptmin1000.root"
ZJET_DELPHES = "delphes-3.5.1-cms-pythia8-zjet-ptmin1000.root"


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


def test_tower_multiplicity_and_energy_agree(both):
    ours = both[0]
    for measure, rel in ((ak.num, 0.05), (lambda t: ak.sum(t.pt, axis=1), 0.02)):
        a, b = (float(ak.mean(measure(x.towers))) for x in both)
        assert a == pytest.approx(b, rel=rel)
    assert set(np.unique(ak.to_numpy(ak.flatten(ours.towers.kind)))) == {card.TOWER}
    assert ak.all(ours.towers.mass == 0)
    assert ak.all(ours.towers.charge == 0)


@pytest.mark.parametrize("source", ["ours", "delphes"])
def test_every_neutral_candidate_sits_on_its_tower(both, source):
    """SimpleCalorimeter makes a neutral from a tower's unexplained energy, at the
    tower's (smeared) position and with at most its energy: so in Delphes' output and
    ours, each photon and neutral hadron has a tower at its exact (eta, phi)."""
    events = both[0] if source == "ours" else both[1]
    for event in events[:50]:
        towers = {(t["eta"], t["phi"]): t["pt"] for t in event.towers.to_list()}
        for c in event.candidates[event.candidates.kind != TRACK].to_list():
            assert towers[(c["eta"], c["phi"])] >= c["pt"] * (1 - 1e-6)


def test_tower_jets_agree_with_delphes_and_with_eflow_jets(both):
    ours, delphes = (leading_jets(x, 1.0, inputs="towers") for x in both)
    eflow = leading_jets(both[1], 1.0)
    for field, rel in (("jet_mass", 0.05), ("jet_pt", 0.02)):
        a, b = (np.median(ak.to_numpy(j[field])) for j in (ours, delphes))
        assert a == pytest.approx(b, rel=rel), field
    assert set(np.unique(ak.to_numpy(ak.flatten(ours.constituents.kind)))) == {card.TOWER}
    # Towers merge what particle flow resolves: fewer constituents, the same jet pT.
    assert ak.mean(delphes.n_constituents) < 0.8 * ak.mean(eflow.n_constituents)
    assert np.median(ak.to_numpy(delphes.jet_pt)) == pytest.approx(
        np.median(ak.to_numpy(eflow.jet_pt)), rel=0.03
    )


@pytest.mark.parametrize("name", [ZZ_DELPHES, ZJET_DELPHES])
def test_delphes_fatjet_is_reproduced_by_reclustering(testdata, name):
    """Our reader + FastJet at R = 0.8 give the card's FatJet (its definition: anti-kt
    0.8 on the EFlow objects, track masses kept) to 0.1 % in every event."""
    import uproot

    tree = uproot.open(testdata / name)["Delphes"]
    jets = leading_jets(read_delphes(testdata / name), 0.8)
    for ours, field in (("jet_pt", "FatJet.PT"), ("jet_mass", "FatJet.Mass")):
        fat = ak.to_numpy(ak.firsts(tree[field].array()))
        assert np.allclose(ak.to_numpy(jets[ours]), fat, rtol=1e-3, atol=0), field


def test_met_is_the_files_missinget(testdata):
    import uproot

    met = uproot.open(testdata / ZJET_DELPHES)["Delphes"]["MissingET.MET"].array()
    reco = read_delphes(testdata / ZJET_DELPHES)
    assert np.array_equal(ak.to_numpy(reco.met), ak.to_numpy(ak.firsts(met)).astype(np.float32))


@pytest.fixture(scope="module")
def validation(testdata):
    """Built-in vs Delphes at R = 1.0 on the ZZ (HepMC3) and Z+jet (Particle) events."""
    zz = compare(
        read_hepmc(testdata / ZZ_HEPMC),
        read_delphes(testdata / ZZ_DELPHES),
        7,
        mass_range=(40, 250),
    )
    zjet = compare(
        read_delphes_particles(testdata / ZJET_DELPHES), read_delphes(testdata / ZJET_DELPHES), 7
    )
    return {"ZZ": zz, "Z+jet": zjet}


@pytest.mark.parametrize("sample", ["ZZ", "Z+jet"])
def test_builtin_matches_delphes_at_r10(validation, sample):
    ours, theirs = validation[sample]["builtin"], validation[sample]["delphes"]
    assert ours["events"] == theirs["events"] == 200
    assert ours["pt_mean"] / theirs["pt_mean"] == pytest.approx(1, abs=0.03)
    assert ours["mass_median"] / theirs["mass_median"] == pytest.approx(1, abs=0.05)
    assert ours["response_resolution"] == pytest.approx(theirs["response_resolution"], rel=0.25)


def test_zz_jet_mass_peak_matches_delphes(testdata):
    """The mode of 200 jet masses scatters by about 2.5 GeV (rms) from one detector seed
    to the next, so the built-in peak is averaged over 32 seeds (-3.8 GeV against
    Delphes; eight seeds alone give -8.4 to 0.0) and compared with Delphes' (one fixed
    sample, itself as uncertain as one of our seeds: over 48 Delphes seeds its peak
    averages 99.9 GeV, 3.8 below this file's; see test_real_path)."""
    events, delphes = read_hepmc(testdata / ZZ_HEPMC), read_delphes(testdata / ZZ_DELPHES)
    peaks = [
        compare(events, delphes, seed, mass_range=(40, 250))["builtin"]["mass_peak"]
        for seed in range(1, 33)
    ]
    theirs = compare(events, delphes, 1, mass_range=(40, 250))["delphes"]["mass_peak"]
    assert abs(np.mean(peaks) - theirs) < 5.0
    assert 85 < theirs < 115  # the hadronic Z


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
    """A 2 GeV track at eta 0 turns by asin(R / 2r) = 0.188 rad before the barrel."""
    (eta_plus, phi_plus), (_, phi_minus) = (card.impact(2.0, 0.0, 0.0, q) for q in (1.0, -1.0))
    assert phi_plus == pytest.approx(-np.arcsin(1.29 * 0.3 * 3.8 / 4.0))
    assert phi_minus == -phi_plus
    assert eta_plus == 0


def test_endcap_shortcut_keeps_every_impact():
    """impact() skips the barrel arc when |pz| / pT > half-length / radius; on a grid
    across the barrel-endcap boundary it must agree with always computing the arc first."""

    def helix(pt: float, pz: float) -> tuple[float, float]:
        diameter = 2 * pt / (0.3 * card.BZ)
        turn = np.arcsin(min(card.RADIUS / diameter, 1.0))
        z, rho = diameter * turn * pz / pt, card.RADIUS
        if diameter <= card.RADIUS or abs(z) > card.HALF_LENGTH:
            turn = card.HALF_LENGTH * pt / max(abs(pz), 1e-12) / diameter
            z, rho = np.copysign(card.HALF_LENGTH, pz), diameter * abs(np.sin(turn))
        return np.arcsinh(z / max(rho, 1e-12)), (np.pi - turn) % (2 * np.pi) - np.pi

    for pt in np.geomspace(0.2, 500.0, 25):
        for eta in np.linspace(-3.5, 3.5, 57):
            pz = pt * np.sinh(eta)
            assert card.impact(pt, pz, 0.0, 1.0) == pytest.approx(helix(pt, pz), abs=1e-9)


def test_non_finite_momentum_is_refused(testdata):
    """A NaN must not reach the compiled loop, which does not check indices."""
    events = read_hepmc(testdata / ZZ_HEPMC)[:3]
    bad = ak.to_list(events)
    bad[2]["particles"][5]["px"] = float("nan")
    with pytest.raises(ValueError, match=f"event {bad[2]['event_id']}: .* not finite"):
        simulate(ak.Array(bad), seed=1)
    assert card.locate(card.ECAL_ID, float("nan"), 0.0)[0] == -1
    assert card.locate(card.ECAL_ID, 0.1, float("nan"))[0] == -1


def test_tower_lookup_matches_a_search_of_the_card_edges():
    """The compiled eta-bin lookup agrees with a binary search of the card's edges, and
    phi bins wrap at +-pi."""
    rng = np.random.default_rng(5)
    edges = np.array(sorted(e for e, _ in card._ecal_entries()))
    etas = np.concatenate([rng.uniform(-5.2, 5.2, 20000), edges, np.nextafter(edges, 9)])
    expected = np.searchsorted(edges, etas, "left") - 1
    expected[(expected < 0) | (expected >= len(edges) - 1)] = -1
    found = [card.locate(card.ECAL_ID, eta, 0.0)[0] for eta in etas]
    assert found == expected.tolist()
    assert card.locate(card.ECAL_ID, 0.1, -np.pi)[1] == 0
    assert card.locate(card.ECAL_ID, 0.1, np.pi)[1] == 359


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


def test_root_file_without_eflow_branches(tmp_path):
    import uproot

    bad = tmp_path / "no_eflow.root"
    with uproot.recreate(bad) as f:
        f["Delphes"] = {"Event.Number": np.arange(3, dtype=np.int64)}
    with pytest.raises(InputFileError, match=r"no_eflow\.root.*branch EFlowTrack\.PT"):
        read_delphes(bad)


@pytest.mark.parametrize("cut", [50_000, 3_000_000])
def test_truncated_delphes_file_leaves_no_reco(tmp_path, testdata, cut):
    bad = tmp_path / "truncated.root"
    bad.write_bytes((testdata / ZZ_DELPHES).read_bytes()[:cut])
    out = tmp_path / "reco.parquet"
    with pytest.raises(InputFileError, match=r"truncated\.root") as error:
        delphes_to_reco(bad, tmp_path / "events.parquet", out)
    assert "\n" not in str(error.value)
    assert sorted(tmp_path.iterdir()) == [bad]


def test_failed_delphes_run_says_why_and_leaves_no_output(tmp_path, testdata):
    out = tmp_path / "out.root"
    with pytest.raises(RuntimeError, match=r"RandomSeed 5.*zz.*failed:\n.*setup\.sh"):
        run_delphes(
            REPO / "workflow" / "scripts" / "delphes.sh", testdata / ZZ_HEPMC, out, 5, tmp_path
        )
    assert list(tmp_path.iterdir()) == []


def test_delphes_events_take_their_weights_from_the_generated_events(tmp_path, testdata):
    """Event.Number ties each Delphes event to its generated event and its weight."""
    numbers = ak.to_numpy(read_delphes(testdata / ZZ_DELPHES).event_id)
    weights = np.linspace(-1.0, 2.0, len(numbers))
    events = tmp_path / "events.parquet"
    write_parquet(ak.zip({"event_id": numbers, "weight": weights}), events)
    out = tmp_path / "reco.parquet"
    delphes_to_reco(testdata / ZZ_DELPHES, events, out)
    np.testing.assert_array_equal(ak.to_numpy(read_parquet(out).weight), weights)
    write_parquet(ak.zip({"event_id": numbers + 1, "weight": weights}), events)
    with pytest.raises(InputFileError, match="not those of"):
        delphes_to_reco(testdata / ZZ_DELPHES, events, tmp_path / "other.parquet")


def test_clustering_towers_of_a_reco_file_without_them_says_so(tmp_path, testdata):
    reco = read_delphes(testdata / ZZ_DELPHES)[:5]
    path = tmp_path / "reco.parquet"
    write_parquet(reco[[f for f in reco.fields if f != "towers"]], path)
    with pytest.raises(InputFileError, match=r"reco\.parquet: no towers"):
        cluster_file(str(path), str(tmp_path / "jets.parquet"), 1.0, 1, "towers")
    assert not (tmp_path / "jets.parquet").exists()
    assert cluster_file(str(path), str(tmp_path / "jets.parquet"), 1.0, 1, "eflow") == 5
