"""Les Houches event files from any generator: checks, cross-section, weights, chunks.

A file is read with pylhe and checked before Pythia showers it: complete (closed by
``</LesHouchesEvents>``, text after the tag allowed, as POWHEG writes), its beams and
energies those of the study, its cross-section the sum over every ``<init>`` process
(compared with the event weights), its weights (negative ones included) summarised, and
its MLM matching settings (MadGraph's run card, ``ickkw = 1``) read for Pythia's own
MadGraph-style jet matching.
"""

from __future__ import annotations

import gzip
import logging
import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import awkward as ak
import numpy as np
import pylhe
from particle import Particle, ParticleNotFound

from massgen.errors import InputFileError
from massgen.files import atomic_path, write_json

log = logging.getLogger(__name__)

PB_TO_FB = 1e3
PROTON = 2212
CLOSING_TAG = b"</LesHouchesEvents>"
# Agreement asked of the <init> cross-section and the event weights: relative, beyond
# the quoted errors (MadGraph's own weights agree to 1e-6).
WEIGHT_TOLERANCE = 0.02
QCD_PARTONS = (1, 2, 3, 4, 5, 21)  # the partons MLM matching counts as jets
MATCHING_KEYS = ("ickkw", "xqcut", "maxjetflavor", "alpsfact", "ktscheme")  # run card
RUN_CARD_LINE = re.compile(r"^\s*(\S+)\s*=\s*(\w+)\b", re.MULTILINE)


def _open(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def _opens(line: bytes, tag: bytes) -> bool:
    """Whether ``line`` starts element ``tag`` (``<event>`` or ``<event ...>``, not
    ``<eventgroup>``)."""
    return line.lstrip().startswith((b"<" + tag + b">", b"<" + tag + b" "))


def _beam_name(pdg_id: int) -> str:
    try:
        return Particle.from_pdgid(pdg_id).name
    except ParticleNotFound:  # not in the PDG table: say the number
        return f"PDG {pdg_id}"


def check_beams(path: Path, init: dict, sqrt_s: float) -> None:
    """Refuse a file whose beams are not protons of ``sqrt_s / 2`` GeV each."""
    ids = (int(init["beamA"]), int(init["beamB"]))
    energies = (float(init["energyA"]), float(init["energyB"]))
    if ids == (PROTON, PROTON) and all(math.isclose(e, sqrt_s / 2, rel_tol=1e-6) for e in energies):
        return
    beams = " ".join(_beam_name(i) for i in ids)
    raise InputFileError(
        f"{path}: beams {beams} at sqrt(s) = {sum(energies) / 1e3:g} TeV "
        f"({energies[0]:g} + {energies[1]:g} GeV), but the study is p p at "
        f"{sqrt_s / 1e3:g} TeV (config key sqrt_s)"
    )


def run_card(header: str) -> dict[str, str]:
    """``value = name`` lines of a MadGraph run card embedded in the LHE header."""
    match = re.search(r"<MGRunCard>(.*?)</MGRunCard>", header, re.DOTALL)
    return {} if match is None else {k: v for v, k in RUN_CARD_LINE.findall(match.group(1))}


def _header(path: Path) -> str:
    """The file's text before its first event (header and ``<init>``)."""
    header: list[bytes] = []
    with _open(path) as stream:
        next(_events(stream, header), None)
    return b"".join(header).decode(errors="replace")


def hard_jets(particles: ak.Array) -> np.ndarray:
    """Final-state partons (u, d, s, c, b, g) of each event's hard process, decay products
    of the file's resonances excluded (their mother is not an incoming parton)."""
    outgoing = (particles.status == 1) & (particles.mother1 <= 2)
    ids = np.abs(particles.id)
    parton = ak.unflatten(np.isin(ak.to_numpy(ak.flatten(ids)), QCD_PARTONS), ak.num(ids))
    return ak.to_numpy(ak.sum(outgoing & parton, axis=1))


def read_lhe(path: Path | str, sqrt_s: float | None = None) -> dict:
    """Cross-section, weights and matching settings of a (gzipped) LHE file, checked.

    Returns sigma and its error in fb, summed over every ``<init>`` process (errors in
    quadrature); the number of events; the weights (XWGTUP, pb: sum, min, max, number
    negative); the beams; and ``matching``: where MadGraph's run card says the events are
    to be merged (``ickkw`` not 0), its merging settings and the most hard-process jets
    of an event, else None. With ``sqrt_s`` (GeV), beams other than
    protons of ``sqrt_s / 2`` are refused. A truncated, corrupt or foreign file raises
    InputFileError naming it.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: LHE file not found")
    try:
        _check_closed(path)
        lhe = pylhe.LHEFile.fromfile(str(path))
        events = pylhe.to_awkward(_until_closing_tag(lhe.events))
        weights = ak.to_numpy(events.eventinfo.weight)
        init = lhe.init.initInfo
        processes = lhe.init.procInfo
    except InputFileError:
        raise
    except Exception as exc:  # gzip, XML and parsing errors all mean a damaged file
        raise InputFileError(f"{path}: not a complete LHE file ({exc})") from exc
    init = {k: getattr(init, k) for k in ("beamA", "beamB", "energyA", "energyB")}
    if sqrt_s is not None:
        check_beams(path, init, sqrt_s)
    sigma_pb = sum(float(p.xSection) for p in processes)
    error_pb = math.sqrt(sum(float(p.error) ** 2 for p in processes))
    card = run_card(_header(path))
    matching = None
    if card.get("ickkw", "0") != "0":
        matching = {key: card[key] for key in MATCHING_KEYS if key in card}
        matching["max_jets"] = int(hard_jets(events.particles).max(initial=0))
    return {
        "sigma_fb": sigma_pb * PB_TO_FB,
        "sigma_err_fb": error_pb * PB_TO_FB,
        "processes": len(processes),
        "beams": init,
        "n_events": len(weights),
        "weights_pb": {
            "sum": float(np.sum(weights)),
            "min": float(np.min(weights, initial=np.inf)),
            "max": float(np.max(weights, initial=-np.inf)),
            "negative": int(np.sum(weights < 0)),
        },
        "matching": matching,
    }


def weight_norm(path: Path | str, info: dict) -> str:
    """Which LHE convention a whole file's weights follow: ``average`` (their mean is the
    ``<init>`` sigma, MadGraph's default), ``sum`` (their sum is), or ``none`` (neither:
    logged as a warning, the cross-section is then in doubt)."""
    sigma, error = info["sigma_fb"] / PB_TO_FB, info["sigma_err_fb"] / PB_TO_FB
    total, n = info["weights_pb"]["sum"], info["n_events"]
    tolerance = WEIGHT_TOLERANCE * abs(sigma) + 3 * error
    for norm, value in (("average", total / max(n, 1)), ("sum", total)):
        if n and abs(value - sigma) <= tolerance:
            return norm
    log.warning(
        "%s: the <init> cross-section %.6g pb (summed over %d processes) agrees with "
        "neither the mean (%.6g pb) nor the sum (%.6g pb) of the event weights",
        path,
        sigma,
        info["processes"],
        total / max(n, 1),
        total,
    )
    return "none"


def inspect_lhe(source: Path | str, report: Path | str, sqrt_s: float) -> dict:
    """Check a user's LHE file once (complete, beams p p at ``sqrt_s`` GeV, weights
    against sigma, matching) and write what :func:`read_lhe` finds, with the weights'
    normalisation, as JSON; returns it."""
    info = read_lhe(source, sqrt_s)
    info["weight_norm"] = weight_norm(source, info)
    info["source"] = str(source)
    write_json(info, report)
    log.info(
        "%s: %d events, sigma = %.6g +- %.2g fb over %d processes, %d negative weights, "
        "weights normalised by %s, %s",
        source,
        info["n_events"],
        info["sigma_fb"],
        info["sigma_err_fb"],
        info["processes"],
        info["weights_pb"]["negative"],
        info["weight_norm"],
        "MLM-matched" if info["matching"] else "not matched",
    )
    return info


def _until_closing_tag(events: Iterator) -> Iterator:
    """pylhe's events, stopping cleanly at text after ``</LesHouchesEvents>``."""
    try:
        yield from events
    except Exception as exc:  # expat: "junk after document element"
        if "junk after document element" not in str(exc):
            raise


def _check_closed(path: Path) -> None:
    """Raise unless ``</LesHouchesEvents>`` closes the events (pylhe stops silently).

    Text after the tag is allowed (POWHEG writes a line there)."""
    found, tail = False, b""
    with _open(path) as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            window = tail + block
            found = found or CLOSING_TAG in window
            tail = window[-len(CLOSING_TAG) :]
    if not found:
        raise InputFileError(f"{path}: LHE file ends before </LesHouchesEvents> (truncated)")


def lhe_particles(path: Path | str) -> ak.Array:
    """The LHE events' particles (id, status, m, px, py, pz, e) as an awkward array."""
    return pylhe.to_awkward(pylhe.LHEFile.fromfile(str(path)).events).particles


def _events(stream: IO[bytes], header: list[bytes]) -> Iterator[list[bytes]]:
    """The lines of each event of an LHE stream, ``<event ...>`` to ``</event>``; the
    lines before the first event (header and ``<init>``) are appended to ``header``,
    those between events dropped."""
    inside, event = False, []
    for line in stream:
        if _opens(line, b"event"):
            inside, event = True, []
        if inside:
            event.append(line)
            if b"</event>" in line:
                inside = False
                yield event
        elif line.lstrip().startswith(CLOSING_TAG):
            return
        elif not event:
            header.append(line)


def split_lhe(source: Path | str, out_dir: Path | str, n_events: int, chunk_size: int) -> None:
    """Write the first ``n_events`` events of ``source`` as chunks of ``chunk_size``
    (``chunk<k>.lhe.gz`` in ``out_dir``, each a complete LHE file with the source's
    header and ``<init>`` block), in one pass, atomically.

    Refuses, naming the file and both numbers, a source with fewer events.
    """
    source = Path(source)
    header: list[bytes] = []
    with atomic_path(out_dir) as tmp, _open(source) as stream:
        tmp.mkdir()
        events = _events(stream, header)
        found = 0
        for chunk, first in enumerate(range(0, n_events, chunk_size)):
            with gzip.open(tmp / f"chunk{chunk}.lhe.gz", "wb") as out:
                for _ in range(min(chunk_size, n_events - first)):
                    event = next(events, None)
                    if event is None:
                        raise InputFileError(
                            f"{source}: holds {found} events, the study asks for {n_events} "
                            "(config key events)"
                        )
                    if found == first:  # the header is complete once an event is read
                        out.writelines(header)
                    out.writelines(event)
                    found += 1
                out.write(CLOSING_TAG + b"\n")
    log.info("%s: %d events in chunks of %d -> %s", source, n_events, chunk_size, out_dir)


def matching_settings(path: Path | str, matching: dict, overrides: Sequence[str] = ()) -> list[str]:
    """Pythia's MadGraph-style MLM jet matching for a file made with ``ickkw = 1``.

    Set as MadGraph's own Pythia 8 driver sets it (``madevent_interface.py``,
    ``banner.py``), from the run card rather than by Pythia's ``setMad`` (Pythia drops
    the CDATA section in which MadGraph writes its run card, and would match with its
    defaults): scheme 1, qCut = 1.5 xqcut (GeV), nQmatch = maxjetflavor, clFact =
    alpsfact, cone radius 1.0, no |eta| limit on the matched jets, the most hard-process
    jets of the file as nJetMax, shower starting scales from the file. ``overrides``
    (Pythia ``JetMatching`` lines, config ``generation.jet_matching``) come last and
    may stand in for run-card values the file lacks.
    """
    if matching["ickkw"] != "1":
        raise InputFileError(
            f"{path}: merged with ickkw = {matching['ickkw']} (FxFx or CKKW-L); only MLM "
            "matching (ickkw = 1) is showered here"
        )
    given = {line.split("=")[0].strip() for line in overrides}
    lines = [
        "JetMatching:merge = on",
        "JetMatching:setMad = off",
        "JetMatching:scheme = 1",
        "JetMatching:coneRadius = 1.0",
        "JetMatching:etaJetMax = 1000.0",
        f"JetMatching:nJetMax = {matching['max_jets']}",
        "Beams:setProductionScalesFromLHEF = on",
    ]
    from_card = {
        "JetMatching:qCut": ("xqcut", lambda v: f"{1.5 * float(v):g}"),
        "JetMatching:nQmatch": ("maxjetflavor", lambda v: str(int(v))),
        "JetMatching:clFact": ("alpsfact", lambda v: f"{float(v):g}"),
    }
    for setting, (key, value) in from_card.items():
        if setting in given:
            continue
        if key not in matching or (key == "xqcut" and float(matching[key]) <= 0):
            raise InputFileError(
                f"{path}: MLM-matched (ickkw = 1) but its run card gives no {key} (> 0); set "
                f"{setting} in config key generation.jet_matching"
            )
        lines.append(f"{setting} = {value(matching[key])}")
    return [*lines, *overrides]


def import_lhe(
    source: Path | str,
    report: Path | str,
    chunks: Path | str,
    *,
    sqrt_s: float,
    n_events: int,
    chunk_size: int,
) -> dict:
    """A user's LHE file into the workflow: checked and described once
    (:func:`inspect_lhe`, ``report``), then its first ``n_events`` events split into
    chunks of ``chunk_size`` in the directory ``chunks`` (:func:`split_lhe`)."""
    info = inspect_lhe(source, report, sqrt_s)
    split_lhe(source, chunks, n_events, chunk_size)
    return info
