"""Seed 001's CWoLa samples (Sec. 3): one pseudo-experiment's training events.

A classifier learns the signal region (label 1) against the sidebands (label 0) of the
dijet mass from mixed samples at one integrated luminosity: the signal region holds
``n_background`` background events (the seed's 25k, about Run 2) and the injected
``n_signal`` signal events; the sidebands hold what the same luminosity puts there, the
background's and the signal's sideband-to-signal-region ratios of cross-section after
cuts (from their cutflows) times those numbers. Each (class, region) group is drawn
without replacement from its pool of events, and a fifth of every group is held out
for validation (the seed's "a fifth of these are used for validation").
"""

from __future__ import annotations

import numpy as np

CLASSES = ("background", "signal")
REGIONS = ("sidebands", "signal_region")  # CWoLa labels 0 and 1
# How a pseudo-experiment trains: on the region (CWoLa) or the true class from scratch, or
# CWoLa on top of a feature extractor pretrained on source data (Secs. 4-5).
SOURCE_SCHEMES = ("transfer", "meta_transfer")
SCHEMES = ("cwola", "supervised", *SOURCE_SCHEMES)
POOL_SPLITS = ("train", "val")  # the splits drawn from; the draw's own fifth validates


def luminosity_counts(
    n_background: int, n_signal: int, background_ratio: float, signal_ratio: float
) -> dict[tuple[str, str], int]:
    """Events per (class, region) at the luminosity where the signal region holds
    ``n_background`` background and ``n_signal`` signal events; ``*_ratio`` is each
    class's cross-section after cuts in the sidebands over that in the signal region."""
    return {
        ("background", "signal_region"): n_background,
        ("background", "sidebands"): round(n_background * background_ratio),
        ("signal", "signal_region"): n_signal,
        ("signal", "sidebands"): round(n_signal * signal_ratio),
    }


def draw(
    pools: dict[tuple[str, str], np.ndarray],
    counts: dict[tuple[str, str], int],
    seed: int,
    validation_fraction: float = 0.2,
) -> dict[str, np.ndarray]:
    """One pseudo-experiment: ``counts[group]`` events drawn without replacement from
    ``pools[group]`` (event rows) for each (class, region) group. Returns the rows, their
    true class (0 background, 1 signal), their CWoLa label (0 sidebands, 1 signal
    region) and a validation flag (``validation_fraction`` of each group, rounded).
    Same pools and seed, same draw."""
    rng = np.random.default_rng(seed)
    columns: dict[str, list[np.ndarray]] = {"row": [], "truth": [], "label": [], "val": []}
    for group, n in counts.items():
        pool = np.asarray(pools[group])
        if n > len(pool):
            raise ValueError(
                f"CWoLa needs {n} {group[0]} events in the {group[1]}; the pool holds "
                f"{len(pool)}: generate more events or inject less signal"
            )
        rows = rng.choice(pool, size=n, replace=False)
        val = np.zeros(n, bool)
        val[: round(validation_fraction * n)] = True
        columns["row"].append(rows)
        columns["truth"].append(np.full(n, CLASSES.index(group[0]), np.int8))
        columns["label"].append(np.full(n, REGIONS.index(group[1]), np.int8))
        columns["val"].append(val)
    return {name: np.concatenate(parts) for name, parts in columns.items()}
