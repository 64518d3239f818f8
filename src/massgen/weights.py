"""Event weights, carried from generation to training.

Pythia's own events are unweighted (weight 1); a showered LHE file's events carry the
file's XWGTUP (pb), negative ones included (NLO generators such as POWHEG and
aMC@NLO write them). Each stage keeps an event's weight beside its event id: the
cutflow sums them, and training weights each jet by its event's weight, normalised to
unit mean per class (so unweighted samples train exactly as without weights).
"""

from __future__ import annotations

import awkward as ak
import numpy as np


def event_weights(events: ak.Array) -> np.ndarray:
    """The ``weight`` of each event (or jet) of ``events``; 1 for files written before
    weights were carried (results trees of earlier versions)."""
    if "weight" in ak.fields(events):
        return ak.to_numpy(events.weight).astype(np.float64)
    return np.ones(len(events))


def class_normalised(weight: np.ndarray, label: np.ndarray) -> np.ndarray:
    """Training weights: ``weight`` divided by its mean over the jets of the same class."""
    out = np.asarray(weight, dtype=np.float64).copy()
    for value in np.unique(label):
        of_class = label == value
        mean = out[of_class].mean()
        if mean <= 0:
            raise ValueError(
                f"training weights: the event weights of class {value} sum to "
                f"{mean * of_class.sum():g}, not a positive number"
            )
        out[of_class] /= mean
    return out.astype(np.float32)
