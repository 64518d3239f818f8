"""Batch-system resources of the training jobs, sized from their data.

A Slurm job that outlives its ``--time`` is killed, so a training job asks for the time
its whole budget takes: every epoch up to ``max_epochs`` (early stopping only shortens
it) over its training and validation jets, plus a meta-learner's iterations. Kept free of
heavy imports: the Snakefile calls it while it schedules jobs.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

# Jets a training job passes through its model per second on one GPU, at the slowest
# method: on one H100 a toy of 9000 jets at the paper's batch size of 200 took 0.26 s per
# epoch with the baseline and 0.93 s with MLDG (README, "Running on a Slurm GPU
# cluster"): about 35 000 and 9 700 jets/s, the network being bound by kernel launches.
# A site that measures more (a training log's done line gives its wall seconds) may
# lower the runtime with set-resources in its profile.
GPU_JETS_PER_SECOND = 9_000
# Time per jet of each tagger over the PFN's. Measured on one CPU core
# (benchmarks/models.md: PFN 2960 training jets/s, EFN 2254, ParticleNet-Lite 602,
# CNN on 50 x 50 images 90, ParticleNet 27); no GPU was at hand to measure them there,
# where the convolutional and EdgeConv layers parallelise better, so these over-ask on a
# GPU. A model not listed (an extension's) counts as the PFN.
RELATIVE_COST = {"pfn": 1.0, "efn": 1.3, "particlenet_lite": 4.9, "cnn": 33.0, "particlenet": 110.0}
# Batches of ``batch_size`` jets per meta-learning iteration, an upper bound: MetaReg
# takes k = 4 steps on each of up to three source domains and l + 1 = 2 meta-steps
# (second order, counted twice); Feature-Critic fewer.
BATCHES_PER_ITERATION = 16
MARGIN = 1.5  # for slower nodes, data loading and checkpoints
MINIMUM_MINUTES = 10
# A day, the usual limit of a GPU partition: a longer training is killed there, and
# rerunning the workflow resumes it from its last epoch (checkpoint.pt).
MAXIMUM_MINUTES = 24 * 60


def dataset_jets(directories: list[str]) -> int:
    """Jets in dataset directories (their ``label.npy``, header only); 0 for those not
    yet built."""
    total = 0
    for directory in directories:
        label = Path(directory) / "label.npy"
        if label.is_file():
            total += len(np.load(label, mmap_mode="r"))
    return total


def training_minutes(jets: int, loop: dict, method_settings: dict, model: str = "pfn") -> int:
    """Minutes of GPU time a training job may need, within [MINIMUM_MINUTES,
    MAXIMUM_MINUTES]: ``jets`` training plus validation jets, ``loop`` the loop's
    settings (max_epochs, batch_size), ``method_settings`` the method's (``iterations``
    for a meta-learner), ``model`` the tagger's registry name."""
    passes = loop["max_epochs"] * jets
    passes += method_settings.get("iterations", 0) * BATCHES_PER_ITERATION * loop["batch_size"]
    seconds = MARGIN * passes * RELATIVE_COST.get(model, 1.0) / GPU_JETS_PER_SECOND
    return min(MAXIMUM_MINUTES, max(MINIMUM_MINUTES, math.ceil(seconds / 60)))
