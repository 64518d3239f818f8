"""Seed 001's search (Sec. 3): one pseudo-experiment of a training scheme at one injected
signal, trained and scored in one job.

The events of the background and of one dark-shower signal in the signal region and the
sidebands of the dijet mass come from the train and validation splits' datasets (two
jet images per event, :mod:`massgen.representations.dijet_image`); a pseudo-experiment
draws them at one luminosity (:func:`massgen.cwola.draw`, its seed the experiment's
number) and trains the two-jet CNN on them with the scheme's labels:

- ``cwola``: the signal region (1) against the sidebands (0), the truth unseen;
- ``supervised``: the same events with their true class (1 signal, 0 background), the
  reference a CWoLa classifier approaches with much signal;
- ``transfer`` and ``meta_transfer`` (Secs. 4-5): CWoLa's labels, the feature extractor
  pretrained (and meta-trained) on source data frozen and the dense layers re-initialised
  (:func:`massgen.transfer.fine_tune`).

It is then scored on the test split's signal-region events (up to ``test_events`` per
class), and its AUC and the significance of the signal region's events after cuts at
chosen background efficiencies (Eq. 2, or Eq. 8 with a background systematic) are
written beside the significance before any cut.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch

from massgen import cwola
from massgen.datasets import load_dataset, load_meta
from massgen.errors import InputFileError
from massgen.evaluation.metrics import predict
from massgen.evaluation.roc import roc_auc
from massgen.evaluation.significance import (
    discovery_significance_systematic,
    significance_after_cut,
)
from massgen.event_pools import Pool, gather, regions
from massgen.files import atomic_path, file_digest, write_json
from massgen.models import build_model
from massgen.training.loop import (
    Batch,
    TrainSettings,
    choose_device,
    deterministic,
    fit,
    keep_freed_memory,
)
from massgen.training.run import data_fingerprint
from massgen.transfer import fine_tune, load_pretrained

log = logging.getLogger(__name__)


def test_set(datasets: dict[str, str], n: int) -> dict[str, np.ndarray]:
    """The test set: the first ``n`` signal-region events (in dataset order) of each
    class's test split (``datasets[class]``), features and true class."""
    features, truth = [], []
    for name in ("background", "signal"):
        data = load_dataset(datasets[name])
        in_region = np.flatnonzero(regions(datasets[name], data) == 1)[:n]
        if len(in_region) == 0:
            raise InputFileError(
                f"{datasets[name]}: no {name} event of the test split in the signal region "
                "(generate more events)"
            )
        features.append(np.asarray(data["features"][in_region]))
        truth.append(np.full(len(in_region), cwola.CLASSES.index(name), np.int8))
    return {"features": np.concatenate(features), "label": np.concatenate(truth)}


def run_experiment(
    model: dict,
    loop: dict,
    pools: dict[str, list[str]],
    test: dict[str, str],
    search: dict,
    out_dir: str,
    metrics_path: str,
    threads: int = 1,
    pretrained: str | None = None,
) -> dict:
    """One pseudo-experiment: draw, train, score; writes ``model.pt`` and
    ``history.json`` in ``out_dir`` and the metrics JSON at ``metrics_path``.
    ``pretrained``: the weights a transfer scheme starts from.

    ``pools[class]`` ("background", "signal") are the train and validation splits'
    datasets (their events' regions and the sample's sideband-to-signal-region ratio
    inside), ``test[class]`` the test split's dataset; ``search`` the job's values
    (:func:`massgen.params.search_job`): signal and pixels (recorded), scheme, injected
    (signal events in the signal region), experiment (the draw's and the training's
    seed), background (its events in the signal region), test_events,
    background_efficiencies and relative_systematic. ``model`` (name, target, hparams)
    and ``loop`` (the training loop's settings) are :func:`massgen.params.training`'s.
    """
    torch.set_num_threads(threads)
    keep_freed_memory()
    device = choose_device()
    deterministic(device)
    seed, scheme = int(search["experiment"]), search["scheme"]
    background = Pool(pools["background"])
    signal = Pool(pools["signal"], len(background))
    by_class = {"background": background, "signal": signal}
    counts = cwola.luminosity_counts(
        search["background"],
        search["injected"],
        background.sideband_ratio,
        signal.sideband_ratio,
    )
    groups = {
        (name, region_name): pool.rows(cwola.REGIONS.index(region_name))
        for name, pool in by_class.items()
        for region_name in cwola.REGIONS
    }
    drawn = cwola.draw(groups, counts, seed)
    label = drawn["truth"] if scheme == "supervised" else drawn["label"]
    features = gather(by_class, drawn["row"], "features")
    sets = {
        part: Batch.from_arrays({"features": features[keep], "label": label[keep]}, device)
        for part, keep in (("train", ~drawn["val"]), ("val", drawn["val"]))
    }
    log.info(
        "%s, %d injected signal events, experiment %d: %s; training on %d events, "
        "validating on %d, device %s",
        scheme,
        search["injected"],
        seed,
        ", ".join(f"{c} {r} {n}" for (c, r), n in counts.items()),
        len(sets["train"]),
        len(sets["val"]),
        device,
    )
    meta = load_meta(pools["background"][0])
    dirs = [d for name in ("background", "signal") for d in pools[name]]
    fingerprint = {"model": model, "search": search, "data": data_fingerprint(dirs)}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    if scheme in cwola.SOURCE_SCHEMES:
        tagger = load_pretrained(model, meta, pretrained, scheme, device)
        fingerprint["pretrained"] = file_digest(pretrained)
        train = fine_tune  # the dense layers alone, on the frozen extractor
    else:
        tagger = build_model(model["target"], meta, **model["hparams"]).to(device)
        train = fit
    history = train(
        tagger,
        sets["train"],
        sets["val"],
        TrainSettings(**loop),
        seed,
        checkpoint=out / "checkpoint.pt",
        fingerprint=fingerprint,
    )
    tagger.eval()
    scored = test_set(
        test,
        search["test_events"],
    )
    score = predict(tagger, scored["features"])
    cuts = significance_after_cut(
        scored["label"],
        score,
        search["injected"],
        search["background"],
        np.asarray(search["background_efficiencies"], float),
        search["relative_systematic"],
    )
    metrics = {
        **{key: search[key] for key in ("signal", "pixels", "scheme", "injected", "experiment")},
        "background": search["background"],
        "model": model["name"],
        "counts": {f"{c} {r}": n for (c, r), n in counts.items()},
        "test_events": {
            name: int((scored["label"] == k).sum()) for k, name in enumerate(cwola.CLASSES)
        },
        "auc": roc_auc(scored["label"], score),
        "significance_before": float(
            discovery_significance_systematic(
                search["injected"],
                search["background"],
                search["relative_systematic"] * search["background"],
            )
        ),
        "cuts": [
            {key: float(values[i]) for key, values in cuts.items()}
            for i in range(len(cuts["significance"]))
        ],
        "relative_systematic": search["relative_systematic"],
        "best_epoch": history["best_epoch"],
    }
    with atomic_path(out / "model.pt") as tmp:
        torch.save(tagger.state_dict(), tmp)
    write_json(history, out / "history.json")
    write_json(metrics, metrics_path)
    (out / "checkpoint.pt").unlink(missing_ok=True)
    log.info(
        "AUC %.4f; significance %.2f before cuts, %s after",
        metrics["auc"],
        metrics["significance_before"],
        ", ".join(
            f"{c['significance']:.2f} at eps_b {c['background_efficiency']:g}"
            for c in metrics["cuts"]
        ),
    )
    return metrics
