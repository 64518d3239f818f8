"""Generate one chunk of a sample's events with Pythia 8 (:mod:`massgen.samples`).

Hadron level at the configured sqrt(s), with MPI and ISR/FSR on (Pythia's defaults).
Either Pythia makes the hard process itself (the parton-level missing-ET cut is the 2->2
``pTHatMin``, Z pT = MET before the shower) or it showers an LHE file, MadGraph's or a
user's (``Beams:frameType = 4``; cross-section and weights then come from the LHE, and
Pythia's MadGraph-style MLM matching applies to a file made with ``ickkw = 1``). The
|eta| < 2 cut of the founding study on the Z' (signal) or the recoiling parton (QCD) is
applied to the hard-process record, and both counts go to the metadata; families without
that cut (seed 004's) keep every event. Events are pulled with Pythia's vectorised
``nextBatch``, and final-state particles are written as parquet.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import awkward as ak
import numpy as np
import pyhepmc
import pythia8mc

import massgen
from massgen.errors import InputFileError
from massgen.files import atomic_path, read_json, read_parquet, write_json, write_parquet
from massgen.generation.settings import ZPRIME_ID
from massgen.generation.zprime import FFbarToZZprime
from massgen.samples import parse_sample

log = logging.getLogger(__name__)

MB_TO_FB = 1e12
BATCH = 250  # events per nextBatch call, between progress reports
HARD_ENTRIES = 16  # event-record entries holding the hard process (2 -> n, n <= 11)


@dataclass
class Generator:
    """A Pythia instance with the Python objects it calls back into kept alive."""

    pythia: pythia8mc.Pythia
    keep: list = field(default_factory=list)


def make_generator(
    settings: list[str],
    seed: int,
    user_process: str | None = None,
    coupling: float | None = None,
    matching: bool = False,
) -> Generator:
    """Initialise Pythia with ``settings`` and ``Random:seed = seed``.

    ``user_process`` is None (built-in processes only), ``"zzprime"`` (our f fbar -> Z Z')
    or ``"zzprime-as-zz"`` (the same class with the Z' given the Z's couplings).
    ``matching`` installs Pythia's MadGraph-style MLM jet matching hook (the
    ``JetMatching`` settings are in ``settings``; without the hook they do nothing).
    """
    pythia = pythia8mc.Pythia("", False)
    for line in [*settings, "Random:setSeed = on", f"Random:seed = {seed}"]:
        if not pythia.readString(line):
            raise ValueError(f"Pythia rejected the setting {line!r}")
    gen = Generator(pythia)
    if user_process == "zzprime" and coupling is None:
        raise ValueError("the zzprime user process needs the Z' coupling")
    if user_process is not None:
        sigma = FFbarToZZprime(
            coupling,
            sin2w=pythia.settings.parm("StandardModel:sin2thetaW"),
            sin2w_bar=pythia.settings.parm("StandardModel:sin2thetaWbar"),
            particle_data=pythia.particleData,
            zprime_like_z=user_process == "zzprime-as-zz",
        )
        pythia.setSigmaPtr(sigma)
        gen.keep.append(sigma)
    if matching:
        hook = pythia8mc.JetMatchingMadgraph()
        pythia.setUserHooksPtr(hook)
        gen.keep.append(hook)
    if not pythia.init():
        raise RuntimeError("Pythia initialisation failed; see the log for Pythia's messages")
    return gen


def _charges(pythia: pythia8mc.Pythia, pid: np.ndarray) -> np.ndarray:
    """Electric charge (units of e) of each PDG id, looked up once per distinct id."""
    ids, inverse = np.unique(pid, return_inverse=True)
    table = np.array([pythia.particleData.charge(int(i)) for i in ids], dtype=np.float32)
    return table[inverse]


def _pseudorapidity(px: ak.Array, py: ak.Array, pz: ak.Array) -> ak.Array:
    """Pseudorapidity arcsinh(pz / pT) of momenta in GeV (finite at pT = 0)."""
    # Not scikit-hep vector's eta: importing vector (and sympy) costs each job 0.4 s.
    pt = np.hypot(px, py)
    return np.arcsinh(pz / np.maximum(pt, 1e-12))


def hard_parton_eta(prt: ak.Array, source: str = "Pythia", first: int = 0) -> np.ndarray:
    """|eta| of the Z' (signal) or of the hardest parton recoiling against the Z (QCD).

    The candidates are the outgoing particles of the hard process (status 22 or 23,
    daughters of the incoming partons at entries 3 and 4, which the first
    ``HARD_ENTRIES`` entries of the event record hold): the Z' if there is one, else the
    quark or gluon of highest pT (one for a 2 -> 2 process, the leading one for a
    matched Z + n jets or an NLO real emission). An event with neither (a foreign LHE
    file's Z Z, say) is refused, naming ``source`` and the event's number (``first`` +
    position, from 1).
    """
    hard = prt[:, :HARD_ENTRIES]
    ident, status = np.abs(hard.id), np.abs(hard.status)
    outgoing = ((status == 22) | (status == 23)) & (hard.mother1 == 3)
    zprime = outgoing & (ident == ZPRIME_ID)
    parton = outgoing & ((ident <= 6) | (ident == 21))
    candidate = ak.where(ak.any(zprime, axis=1), zprime, parton)
    lacking = np.flatnonzero(~ak.to_numpy(ak.any(candidate, axis=1)))
    if len(lacking):
        found = ", ".join(
            str(int(i)) for i in ak.to_numpy(hard.id[lacking[0]][outgoing[lacking[0]]])
        )
        raise InputFileError(
            f"{source}: event {first + lacking[0] + 1} has no Z' and no quark or gluon "
            f"recoiling against the Z in its hard process (outgoing ids {found}), which "
            "the parton |eta| cut needs"
        )
    pt = ak.where(candidate, np.hypot(hard.p.px, hard.p.py), -1.0)
    eta = np.abs(_pseudorapidity(hard.p.px, hard.p.py, hard.p.pz))
    chosen = ak.firsts(eta[ak.argmax(pt, axis=1, keepdims=True)])
    return ak.to_numpy(ak.fill_none(chosen, np.nan))  # every event has a candidate


def mpi_count(prt: ak.Array) -> np.ndarray:
    """Number of parton-parton interactions per event, the hard one included (Pythia's
    ``Info::nMPI``): each further interaction has two incoming partons of status 31."""
    return ak.to_numpy(ak.sum(np.abs(prt.status) == 31, axis=1) // 2 + 1).astype(np.int32)


def final_state(pythia: pythia8mc.Pythia, prt: ak.Array) -> ak.Array:
    """Final-state particles (px, py, pz, E in GeV; pid; charge) per event."""
    fs = prt[prt.status > 0]
    counts = ak.num(fs)
    pid = ak.to_numpy(ak.flatten(fs.id))
    flat = {
        "px": ak.flatten(fs.p.px),
        "py": ak.flatten(fs.p.py),
        "pz": ak.flatten(fs.p.pz),
        "e": ak.flatten(fs.p.e),
        "pid": pid,
        "charge": _charges(pythia, pid),
    }
    return ak.unflatten(ak.zip(flat, depth_limit=1), counts)


def _fraction(part: float, whole: float) -> float:
    """``part / whole`` of sums of event weights (0 where the whole is 0)."""
    return float(part / whole) if whole else 0.0


def export_hepmc(
    events_path: Path | str, meta_path: Path | str, hepmc_path: Path | str, sqrt_s: float
) -> None:
    """Convert a chunk's events parquet into HepMC3 (see :func:`write_hepmc`)."""
    meta = read_json(meta_path)
    sigma_pb = (meta["sigma_fb"] / 1e3, meta["sigma_err_fb"] / 1e3)
    write_hepmc(read_parquet(events_path), sqrt_s / 2.0, sigma_pb, Path(hepmc_path))


def write_hepmc(
    events: ak.Array, beams_pz: float, sigma_pb: tuple[float, float], path: Path
) -> None:
    """Write final-state particles as HepMC3 (Asciiv3): beams -> one vertex -> particles.

    The pruned record that Delphes needs: particles listed parents first, the number of
    interactions as the ``mpi`` attribute (Delphes' Event.MPI) and the sample's
    cross-section (pb) with its error on every event.
    """
    with atomic_path(path) as tmp, pyhepmc.open(tmp, "w") as out:
        for number, ev in enumerate(events):
            p = ev.particles
            n = len(p)
            beam = np.array([beams_pz, -beams_pz])
            px = np.concatenate([[0.0, 0.0], ak.to_numpy(p.px)])
            py = np.concatenate([[0.0, 0.0], ak.to_numpy(p.py)])
            pz = np.concatenate([beam, ak.to_numpy(p.pz)])
            en = np.concatenate([np.abs(beam), ak.to_numpy(p.e)])
            mass = np.sqrt(np.maximum(en**2 - px**2 - py**2 - pz**2, 0.0))
            pid = np.concatenate([[2212, 2212], ak.to_numpy(p.pid)]).astype(np.int32)
            status = np.concatenate([[4, 4], np.ones(n)]).astype(np.int32)
            parents = np.zeros((n + 2, 2), dtype=np.int32)
            parents[2:] = (1, 2)
            gen_event = pyhepmc.GenEvent(pyhepmc.Units.GEV, pyhepmc.Units.MM)
            gen_event.from_hepevt(number, px, py, pz, en, mass, pid, status, parents)
            gen_event.event_number = int(ev.event_id)
            gen_event.attributes["mpi"] = int(ev.n_mpi)
            cross_section = pyhepmc.GenCrossSection()
            cross_section.set_cross_section(*sigma_pb)
            gen_event.cross_section = cross_section
            out.write(gen_event)


def generate_chunk(
    sample: str,
    chunk: int,
    events_out: Path | str,
    metadata_out: Path | str,
    *,
    seed: int,
    first_event_id: int,
    settings: list[str],
    parton_eta_max: float | None,
    n_events: int | None = None,
    user_process: str | None = None,
    coupling: float | None = None,
    lhe: Path | str | None = None,
    lhe_report: Path | str | None = None,
    jet_matching: Sequence[str] = (),
    process: str | None = None,
    study: str = "",
    base_seed: int | None = None,
) -> dict:
    """Generate chunk ``chunk`` of ``sample`` and write events and metadata.

    Parameters
    ----------
    seed
        Pythia's ``Random:seed`` (derived from the study's seed, study, sample and chunk,
        so a chunk's content does not depend on which job or how many jobs run).
    first_event_id
        Id of the chunk's first event; event ids are ``first_event_id + i``.
    settings
        Pythia readString lines of the sample (:func:`massgen.params.pythia_settings`).
    parton_eta_max
        |eta| cut on the Z' (signal) or the recoiling parton (QCD), applied to the hard
        process record; None for a family without it (every event kept, |eta| not read).
    n_events
        Events to generate; without it (the MadGraph path) every event of ``lhe``.
    user_process, coupling
        ``"zzprime"`` for our f fbar -> Z Z' process with that Z' coupling, or None.
    lhe
        An LHE file to shower (MadGraph's chunk, or one a user brought): its summed
        ``<init>`` cross-section and its weights go to the metadata, each event's weight
        to the events; a file made with MLM matching (``ickkw = 1``) is matched.
    lhe_report
        Where ``lhe`` is a chunk of a user's file, that file's description
        (:func:`massgen.generation.lhe.inspect_lhe`): errors name the user's file and
        count its events, and matching takes nJetMax from the whole file.
    jet_matching
        Pythia ``JetMatching`` lines that override those read from a matched file.
    process
        What Pythia alone generates, in words, for the metadata.
    study, base_seed
        Provenance written to the metadata: the study that owns the events (whose name
        is in ``seed``) and its configured seed. Another study reading these events
        (``events.study``) is checked against the metadata
        (:func:`massgen.shared_events.check_shared_events`).

    Returns the metadata dictionary.
    """
    if lhe is not None:  # pylhe (through lhe) costs a Pythia-only job 0.5 s of start-up
        from massgen.generation.lhe import matching_settings, read_lhe

    lhe_info = None if lhe is None else read_lhe(lhe)
    source, offset = "Pythia" if lhe is None else str(lhe), 0
    if lhe_report is not None:  # a chunk of the user's file: name it, count in it
        whole = read_json(lhe_report)
        lhe_info["matching"] = whole["matching"]  # nJetMax from the whole file
        source, offset = whole["source"], first_event_id
    matched = lhe_info is not None and lhe_info["matching"] is not None
    if lhe is not None:
        n_events = lhe_info["n_events"]
        matching = matching_settings(source, lhe_info["matching"], jet_matching) if matched else []
        settings = [f"Beams:LHEF = {lhe}", *settings, *matching]
    gen = make_generator(settings, seed, user_process, coupling, matched)

    start = time.perf_counter()
    parts, etas, mpis, weights = [], [], [], []
    while (done := sum(len(e) for e in etas)) < n_events:
        batch = gen.pythia.nextBatch(min(BATCH, n_events - done))
        if len(batch) == 0:  # the LHE file ran out (matching vetoes, unshowerable events)
            break
        parts.append(final_state(gen.pythia, batch.prt))
        etas.append(
            np.full(len(batch), np.nan)
            if parton_eta_max is None
            else hard_parton_eta(batch.prt, source, offset + done)
        )
        mpis.append(mpi_count(batch.prt))
        weights.append(ak.to_numpy(batch.info.weights[:, 0]))
        rate = (done + len(batch)) / (time.perf_counter() - start)
        log.info(
            "%s chunk %d: %d/%d events, %.0f events/s",
            sample,
            chunk,
            done + len(batch),
            n_events,
            rate,
        )
    particles = ak.concatenate(parts)
    eta = np.concatenate(etas)
    if lhe is not None and len(eta) < n_events:
        log.warning(
            "%s: %d of its %d events were %s",
            lhe,
            n_events - len(eta),
            n_events,
            "vetoed by MLM matching" if matched else "rejected by Pythia (see its messages)",
        )
    event_id = first_event_id + np.arange(len(eta), dtype=np.int64)
    weight = np.concatenate(weights)
    keep = np.ones(len(eta), bool) if parton_eta_max is None else eta < parton_eta_max
    events = ak.zip(
        {
            "event_id": event_id[keep],
            "n_mpi": np.concatenate(mpis)[keep],
            "weight": weight[keep],
            "particles": particles[keep],
        },
        depth_limit=1,
    )

    info = gen.pythia.infoPython()
    pass_fraction = _fraction(np.sum(weight[keep]), np.sum(weight))
    if lhe is None:
        sigma_fb, sigma_err_fb = info.sigmaGen() * MB_TO_FB, info.sigmaErr() * MB_TO_FB
    else:  # the file's, times the (weighted) fraction showered: matching vetoes some
        showered_all = len(eta) == lhe_info["n_events"]  # 1, not 1 + rounding
        accepted = 1.0 if showered_all else _fraction(np.sum(weight), lhe_info["weights_pb"]["sum"])
        sigma_fb = lhe_info["sigma_fb"] * accepted
        sigma_err_fb = lhe_info["sigma_err_fb"] * accepted
        process = f"LHE file {Path(source).name}" + (", MLM-matched" if matched else "")
    metadata = {
        "sample": sample,
        "mass": parse_sample(sample).mass,
        "chunk": chunk,
        "seed": seed,
        "base_seed": base_seed,
        "study": study,
        "first_event_id": first_event_id,
        "parton_eta_max": parton_eta_max,
        "user_process": user_process,
        "coupling": coupling,
        "process": process,
        "n_tried": int(info.nTried()),
        "n_generated": len(eta),
        "n_parton_cuts": int(keep.sum()),
        "weights": {  # sums of the events' weights, and negative ones after the cuts
            "generated": float(np.sum(weight)),
            "parton_cuts": float(np.sum(weight[keep])),
            "negative": int(np.sum(weight[keep] < 0)),
        },
        "sigma_fb": sigma_fb,
        "sigma_err_fb": sigma_err_fb,
        "sigma_after_parton_cuts_fb": sigma_fb * pass_fraction,
        "lhe": lhe_info,
        "settings": settings,
        "versions": {"pythia8mc": version("pythia8mc"), "massgen": massgen.__version__},
    }
    write_parquet(events, events_out)
    write_json(metadata, metadata_out)
    log.info(
        "%s chunk %d done: sigma = %.4g +- %.2g fb",
        sample,
        chunk,
        metadata["sigma_fb"],
        metadata["sigma_err_fb"],
    )
    return metadata
