"""Physics checks on real Pythia events through the built-in detector and FastJet.

Expectations from DESIGN.md: R = 1.0 jets at pT ~ 1.3 TeV carry UE/ISR mass, so the
Z' jet-mass peak is within 5 % of m_Z', the median within 12 % at 150 GeV and 3 % at
600 GeV; the jet pT response is centred on 1 within 5 %. Peak and median are taken over
the jets whose mass lies in [m/2, 3m/2]: at 600 GeV and pT ~ 1.2 TeV the decay opening
angle 2m/pT ~ 1 equals R, and about a quarter of the leading jets miss one quark
(measured separately below). The peak at 150 GeV is allowed 12 %, not 5 %: DESIGN.md's
estimate scaled the UE/ISR mass from the shared Delphes ZZ file at pT ~ 1.1 TeV, but
that mass^2 grows with the jet pT (~1.35 TeV here), which predicts a peak ~ +6 % and a
median ~ +10 % at 150 GeV (measured on 2700 jets: KDE mode +4.5 to +6 %, core fit +7 %,
median +11 %). On the ~1000 jets of one test sample the KDE mode scatters: +3.1, +6.6,
+10.4 and +5.6 % for four seeds (mean +6.4 %, spread 3 %), so 8 % failed for one seed;
12 % is that mean plus twice the spread. The detector itself is checked against Delphes
in test_detector.py (our ZZ peak is 3 GeV below Delphes').
"""

from __future__ import annotations

import awkward as ak
import fastjet
import numpy as np
import pytest
import vector

from massgen.detector.delphes import read_delphes
from massgen.detector.simulate import simulate
from massgen.detector.validate import kde_peak
from massgen.files import read_parquet
from massgen.generation.hepmc import read_hepmc
from massgen.jets import jet_kinematics, leading_jets, to_cartesian, truth_jets

ZZ_DELPHES = "delphes-3.5.1-cms-pythia8-zz-nunuqq-ptmin1000.root"
ZZ_HEPMC = "pythia8-zz-nunuqq-ptmin1000.hepmc3.gz"


def reco_jets(path, seed=3):
    return leading_jets(simulate(read_parquet(path), seed), 1.0)


def test_kinematics_are_scikit_hep_vectors_but_for_rounding_and_the_mass_clamp(testdata):
    """to_cartesian and jet_kinematics (kept for their bytes, see massgen.jets) compute what
    scikit-hep vector does on Delphes' candidates and on the R = 0.4 jets clustered from
    them: px, py, pz and phi to the bit, E, pt and eta to rounding, mass^2 to the rounding
    of E^2. The one difference by design: a four-vector whose m^2 rounds below 0 (many
    one-particle jets) has mass 0 here, where vector gives -sqrt(|m^2|)."""
    candidates = read_delphes(testdata / ZZ_DELPHES).candidates
    ours = to_cartesian(candidates)
    theirs = vector.zip(
        {f: ak.values_astype(candidates[f], np.float64) for f in ("pt", "eta", "phi", "mass")}
    )
    for field in ("px", "py", "pz"):
        assert ak.all(ours[field] == getattr(theirs, field)), field
    assert np.allclose(
        ak.to_numpy(ak.flatten(ours.E)), ak.to_numpy(ak.flatten(theirs.E)), rtol=2e-15, atol=0
    )
    sequence = fastjet.ClusterSequence(ours, fastjet.JetDefinition(fastjet.antikt_algorithm, 0.4))
    jets = ak.flatten(sequence.inclusive_jets())
    px, py, pz, e = (ak.to_numpy(jets[f]) for f in ("px", "py", "pz", "E"))
    kin = jet_kinematics(px, py, pz, e)
    ref = vector.array({"px": px, "py": py, "pz": pz, "E": e})
    assert np.allclose(kin["pt"], ref.pt, rtol=2e-15, atol=0)
    assert np.allclose(kin["eta"], ref.eta, rtol=2e-15, atol=1e-15)
    assert np.array_equal(kin["phi"], ref.phi)
    assert np.all(np.abs(kin["mass"] ** 2 - ref.tau2) <= 1e-14 * e**2)
    assert np.all(kin["mass"] >= 0.0)
    assert np.any(ref.mass < 0)  # vector's -sqrt(|m^2|): why jet_kinematics is kept


def test_truth_jet_constituents_carry_the_particles_kinematics(testdata):
    """Truth jets' constituents: pt, eta, phi of the final-state particles' momenta and
    their mass (pions 0.1396 GeV, photons 0, never negative)."""
    events = read_hepmc(testdata / ZZ_HEPMC)[:40]
    constituents = ak.flatten(truth_jets(events, 0.8).constituents)
    assert len(constituents) > 1000
    particles = ak.flatten(events.particles)
    for field in ("pt", "eta", "phi"):
        assert set(ak.to_numpy(constituents[field])) <= set(
            jet_kinematics(*(ak.to_numpy(particles[f]) for f in ("px", "py", "pz", "e")))[field]
        ), field
    pid, mass = np.abs(ak.to_numpy(constituents.pid)), ak.to_numpy(constituents.mass)
    assert np.all(mass >= 0.0)
    assert np.allclose(mass[pid == 211], 0.13957, rtol=1e-3)
    assert np.all(mass[pid == 22] < 1e-3)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mass", "median_tolerance", "peak_tolerance"), [(150, 0.12, 0.12), (600, 0.03, 0.05)]
)
def test_signal_jet_mass(generated, mass, median_tolerance, peak_tolerance):
    jets = reco_jets(generated[f"zp{mass}"])
    jets = jets[jets.jet_pt > 1200]
    m = ak.to_numpy(jets.jet_mass)
    core = m[(m > 0.5 * mass) & (m < 1.5 * mass)]
    assert len(core) > 500
    assert abs(np.median(core) / mass - 1) < median_tolerance, np.median(core)
    top = kde_peak(core, 0.5 * mass, 1.5 * mass)
    assert abs(top / mass - 1) < peak_tolerance, top


@pytest.mark.slow
@pytest.mark.parametrize(("mass", "lo", "hi"), [(150, 0.0, 0.03), (600, 0.10, 0.45)])
def test_uncontained_fraction(generated, mass, lo, hi):
    """Leading jets below m/2 (a decay quark outside R = 1.0): rare at 150, common at 600."""
    jets = reco_jets(generated[f"zp{mass}"])
    m = ak.to_numpy(jets[jets.jet_pt > 1200].jet_mass)
    assert lo <= np.mean(m < 0.5 * mass) < hi


@pytest.mark.slow
def test_qcd_jet_mass_falls_steeply(generated):
    m = ak.to_numpy(reco_jets(generated["qcd"]).jet_mass)
    assert np.mean((m > 112.5) & (m < 187.5)) > 3 * np.mean((m > 450) & (m < 750))


@pytest.mark.slow
@pytest.mark.parametrize("sample", ["zp150", "qcd"])
def test_jet_pt_response(generated, sample):
    events = read_parquet(generated[sample])
    truth = truth_jets(events, 1.0)
    reco = reco_jets(generated[sample])
    truth = truth[np.isin(ak.to_numpy(truth.event_id), ak.to_numpy(reco.event_id))]
    assert ak.all(truth.event_id == reco.event_id)
    dphi = np.angle(np.exp(1j * ak.to_numpy(truth.jet_phi - reco.jet_phi)))
    matched = np.hypot(ak.to_numpy(truth.jet_eta - reco.jet_eta), dphi) < 0.5
    assert matched.mean() > 0.95
    response = ak.to_numpy(reco.jet_pt / truth.jet_pt)[matched]
    assert abs(response.mean() - 1) < 0.05
    assert 0.01 < response.std() < 0.15


@pytest.mark.slow
def test_two_leading_jets(generated):
    """n_jets = 2 keeps the hardest two jets per event, hardest first; the first is the
    one-jet clustering's jet, constituents and all."""
    reco = simulate(read_parquet(generated["qcd"]), 3)
    one, two = leading_jets(reco, 1.0), leading_jets(reco, 1.0, n_jets=2)
    assert ak.all(ak.num(two.jet_pt) <= 2)
    assert ak.mean(ak.num(two.jet_pt) == 2) > 0.9
    assert ak.all(two.jet_pt[:, 0] == one.jet_pt)
    assert ak.all(two.jet_pt[:, 0] >= ak.fill_none(ak.pad_none(two.jet_pt, 2)[:, 1], 0))
    assert ak.to_list(two.constituents[:5, 0].pt) == ak.to_list(one.constituents[:5].pt)
    assert ak.all(two.n_constituents == ak.num(two.constituents, axis=2))
    # The two jets share no candidate: together they hold no more pT than the event.
    reco = reco[ak.num(reco.candidates) > 0]
    both = ak.sum(ak.flatten(two.constituents.pt, axis=2), axis=1)
    assert ak.all(both <= ak.sum(reco.candidates.pt, axis=1) * (1 + 1e-6))
    assert ak.all(both >= ak.sum(one.constituents.pt, axis=1))
