"""The built-in detector against Delphes 3.5.1 (CMS card) on the same events.

    python scripts/validate_detector.py [--testdata ../shared/testdata] [--out results/validation]

Samples: the shared ZZ (Z -> nu nu, Z -> q q) events, given as HepMC3 with Delphes'
output on them, and the shared Z+jet events, whose final-state particles are read back
from the Delphes file's Particle branch. Writes detector_validation.md (the table quoted
in the README) and detector_validation.png.
"""

import argparse
import logging
from pathlib import Path

from massgen.detector.delphes import read_delphes, read_delphes_particles
from massgen.detector.validate import compare, plot, table
from massgen.files import write_text
from massgen.generation.hepmc import read_hepmc

# sample: (HepMC3 input or None for the Particle branch, Delphes output, jet-mass peak range)
SAMPLES = {
    "ZZ": (
        "pythia8-zz-nunuqq-ptmin1000.hepmc3.gz",
        "delphes-3.5.1-cms-pythia8-zz-nunuqq-ptmin1000.root",
        (40.0, 250.0),
    ),
    "Z+jet": (None, "delphes-3.5.1-cms-pythia8-zjet-ptmin1000.root", None),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    repo = Path(__file__).resolve().parents[1]
    parser.add_argument("--testdata", type=Path, default=repo.parent / "shared" / "testdata")
    parser.add_argument("--out", type=Path, default=Path("results/validation"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    log = logging.getLogger("validate_detector")
    results = {}
    for sample, (hepmc, root, mass_range) in SAMPLES.items():
        root_path = args.testdata / root
        events = read_hepmc(args.testdata / hepmc) if hepmc else read_delphes_particles(root_path)
        results[sample] = compare(events, read_delphes(root_path), args.seed, mass_range=mass_range)
        log.info("%s: %d events compared", sample, len(events))
    text = table(results)
    write_text(text, args.out / "detector_validation.md")
    plot(results, args.out / "detector_validation.png")
    log.info("%s\nwritten to %s/detector_validation.{md,png}", text, args.out)


if __name__ == "__main__":
    main()
