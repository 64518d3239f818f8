"""Write a Pythia 8 LHE file of Z Z events: hard processes made by Pythia 8.317
(``WeakDoubleBoson:ffbar2gmZgmZ``, pT-hat > 1 TeV, Z -> nu nu / q q), written with
pylhe. A file from a generator other than MadGraph whose hard process holds no parton
recoiling against the Z. (pythia8mc's LHEF3FromPythia8 writes no events and crashes.)

    python pythia_zz.py OUT.lhe.gz N SEED   (the test file: 10 events, seed 3301)
"""

from __future__ import annotations

import sys

import pylhe
import pythia8mc

out, n_events, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pythia = pythia8mc.Pythia("", False)
for line in [
    "Beams:eCM = 13000",
    "WeakDoubleBoson:ffbar2gmZgmZ = on",
    "WeakZ0:gmZmode = 2",
    "PhaseSpace:pTHatMin = 1000",
    "PartonLevel:all = off",
    "HadronLevel:all = off",
    "Print:quiet = on",
    f"Random:seed = {seed}",
    "Random:setSeed = on",
]:
    assert pythia.readString(line), line
assert pythia.init()
events = []
while len(events) < n_events:
    if not pythia.next():
        continue
    record = pythia.process
    entries = range(3, record.size())  # incoming partons, Z Z, their decay products
    lhe_index = {i: n + 1 for n, i in enumerate(entries)}
    particles = []
    for i in entries:
        p = record[i]
        status = -1 if i < 5 else (1 if p.isFinal() else 2)
        mothers = [lhe_index.get(m, 0) for m in (p.mother1(), p.mother2())]
        if i >= 5 and p.mother1() in (3, 4):
            mothers = [1, 2]
        particles.append(
            pylhe.LHEParticle(
                p.id(),
                status,
                *mothers,
                p.col(),
                p.acol(),
                p.px(),
                p.py(),
                p.pz(),
                p.e(),
                p.m(),
                0.0,
                9.0,
            )
        )
    info = pythia.infoPython()
    events.append(
        pylhe.LHEEvent(
            pylhe.LHEEventInfo(
                len(particles), info.code(), 0.0, info.QRen(), info.alphaEM(), info.alphaS()
            ),
            particles,
        )
    )
info = pythia.infoPython()
for event in events:  # unweighted: every event carries sigma (pb), as MadGraph writes
    event.eventinfo.weight = info.sigmaGen() * 1e9
init = pylhe.LHEInit(
    pylhe.LHEInitInfo(2212, 2212, 6500.0, 6500.0, 0, 0, 0, 0, 3, 1),
    [pylhe.LHEProcInfo(info.sigmaGen() * 1e9, info.sigmaErr() * 1e9, 1.0, info.code())],
    [],
)
pylhe.LHEFile(init=init, events=events).tofile(out)
