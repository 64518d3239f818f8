"""Seeds and event identifiers derived by hashing, independent of job scheduling."""

from __future__ import annotations

import hashlib

import numpy as np

PYTHIA_SEED_MAX = 900_000_000  # Pythia's Random:seed must lie below this
MADGRAPH_SEED_MAX = 30081 * 30081  # MadGraph refuses larger random seeds


def derive_seed(*parts: object, modulus: int = PYTHIA_SEED_MAX) -> int:
    """Stable integer seed in [1, modulus) from any printable parts, e.g. (seed, study, sample, chunk)."""
    digest = hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=8).digest()
    return 1 + int.from_bytes(digest, "little") % (modulus - 1)


def hash_uniform(sample: str, event_id: np.ndarray) -> np.ndarray:
    """Map (sample, event id) to a uniform number in [0, 1) for split assignment.

    A splitmix64 mix of the event id with a hash of the sample name: the same event
    always falls in the same split, whatever window or job it is looked at from.
    """
    key = np.uint64(derive_seed("split", sample, modulus=2**63))
    with np.errstate(over="ignore"):
        z = np.asarray(event_id, dtype=np.uint64) + key * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(2**53)
