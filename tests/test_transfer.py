"""Seed 001's transfer and meta-transfer learning (Secs. 4-5) on toy jet images:
pretraining separates the source benchmarks from the background, meta-training moves
only the scales, shifts and dense layers, fine-tuning only the dense layers, and a
transfer scheme's pseudo-experiment starts from the source training's weights."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

from massgen.config import validate_config
from massgen.errors import ConfigError
from massgen.evaluation.search_summary import signal_needed, summarise, tables
from massgen.files import read_json
from massgen.models.cnn import with_scale_shift
from massgen.params import GridCheck, source_samples, training
from massgen.samples import dark_shower_events, of_study, parse_sample
from massgen.training.loop import Batch
from massgen.transfer import (
    HeadOnly,
    _latents,
    load_pretrained,
    meta_gradients,
    meta_train,
    pretrain,
)

from .conftest import DARK_SHOWERS_SMOKE
from .test_search import PIXELS, metrics, toy_search, write_dataset

BACKGROUND = "qcd_dijet_source"


def prong_images(n: int, gap: int | None, rng: np.random.Generator) -> np.ndarray:
    """Both jets of ``n`` events: one hard central pixel (``gap`` None, QCD-like) or two
    pixels ``gap`` apart sharing the pT, over faint noise."""
    images = rng.uniform(0.0, 0.02, (n, 2, PIXELS, PIXELS))
    centre = PIXELS // 2
    if gap is None:
        images[:, :, centre, centre] += 1.0
    else:
        images[:, :, centre, centre - gap // 2] += 0.5
        images[:, :, centre, centre + gap - gap // 2] += 0.5
    return images


def toy_sources(tmp_path: Path) -> dict[str, list[str]]:
    """Source samples: the background and two two-prong benchmarks, 150 training and 50
    validation events each, every event in the signal region."""
    rng = np.random.default_rng(11)
    samples = {}
    for name, gap in (("hv_a", 6), ("hv_b", 10), (BACKGROUND, None)):
        samples[name] = [
            write_dataset(
                tmp_path / name / split, prong_images(n, gap, rng), np.full(n, gap is not None)
            )
            for split, n in (("train", 150), ("val", 50))
        ]
    return samples


def smoke_config() -> dict:
    config = yaml.safe_load(DARK_SHOWERS_SMOKE.read_text())
    config["training"].update(batch_size=25, learning_rate=1e-3)
    return validate_config(config)


PRETRAINING = {
    "signal": 160,
    "background": 80,
    "learning_rate": 1e-3,
    "patience": 3,
    "max_epochs": 4,
    "seed": 0,
}
META = {
    "events": 20,
    "base_epochs": 3,
    "base_learning_rate": 1e-3,
    "learning_rate": 1e-2,
    "patience": 1,
    "max_episodes": 2,
    "seed": 0,
}


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory) -> tuple[dict, Path]:
    """Toy sources and the CNN pretrained on them."""
    tmp_path = tmp_path_factory.mktemp("pretrained")
    samples = toy_sources(tmp_path)
    job = training(smoke_config(), "cnn_dijet", "baseline")
    history = pretrain(
        job["model"],
        job["loop"],
        samples,
        BACKGROUND,
        PRETRAINING,
        str(tmp_path / "pretrained.pt"),
        str(tmp_path / "pretrained.json"),
    )
    return {"samples": samples, "job": job, "history": history}, tmp_path


def test_pretraining_separates_the_source_benchmarks_from_the_background(pretrained):
    run, where = pretrained
    history = run["history"]
    assert history["sources"] == ["hv_a", "hv_b"]
    assert read_json(where / "pretrained.json")["best_epoch"] == history["best_epoch"]
    # 80 signal events from each benchmark and 80 background, a fifth validating.
    assert history["best_val_loss"] < 0.3
    assert not (where / "pretrained.checkpoint").exists()
    with pytest.raises(ConfigError, match=r"hv_a: 400 signal-region events wanted, .* 200"):
        pretrain(
            run["job"]["model"],
            run["job"]["loop"],
            run["samples"],
            BACKGROUND,
            {**PRETRAINING, "signal": 800},
            str(where / "big.pt"),
            str(where / "big.json"),
        )


def run_meta_training(pretrained: tuple[dict, Path], name: str) -> dict:
    """Meta-training of the pretrained toy CNN, written to ``name``.pt and .json."""
    run, where = pretrained
    job = run["job"]
    return meta_train(
        job["model"],
        job["loop"],
        run["samples"],
        BACKGROUND,
        META,
        str(where / "pretrained.pt"),
        str(where / f"{name}.pt"),
        str(where / f"{name}.json"),
    )


@pytest.fixture(scope="module")
def meta_trained(pretrained) -> dict:
    """The history of the pretrained toy CNN's meta-training (weights: meta.pt)."""
    return run_meta_training(pretrained, "meta")


def test_meta_training_moves_scales_shifts_and_dense_layers_only(pretrained, meta_trained):
    _, where = pretrained
    history = meta_trained
    assert history["tasks"] == ["hv_a", "hv_b"]
    assert len(history["episodes"]) <= META["max_episodes"]
    assert set(history["episodes"][0]["tasks"]) == {"hv_a", "hv_b"}
    before = torch.load(where / "pretrained.pt", weights_only=True)
    after = torch.load(where / "meta.pt", weights_only=True)
    moved = {name for name in after if name.endswith((".scale", ".shift"))}
    assert len(moved) == 2 * 4  # a scale and a shift per convolution
    for name, value in before.items():
        wrapped = name.replace(".weight", ".conv.weight").replace(".bias", ".conv.bias")
        if name.startswith("encoder.") and wrapped in after:
            assert torch.equal(after[wrapped], value), name  # Theta fixed for good
        elif name.startswith("encoder."):
            assert torch.equal(after[name], value), name  # batch normalisation
    assert any(not torch.equal(after[name], before[name]) for name in before if "head" in name)
    assert any(not torch.all(after[name] == 1.0) for name in moved if name.endswith(".scale"))
    # The history says how far the scales and shifts went, as the weights do.
    assert history["largest_departure"] == {
        kind: max(
            float((after[name] - float(kind == "scale")).abs().max())
            for name in moved
            if name.endswith(f".{kind}")
        )
        for kind in ("scale", "shift")
    }
    assert 0 < history["largest_departure"]["scale"] < 1
    # Same settings, same bytes.
    run_meta_training(pretrained, "again")
    again = torch.load(where / "again.pt", weights_only=True)
    assert all(torch.equal(again[name], after[name]) for name in after)


def test_fine_tuning_reads_the_frozen_extractor_once(pretrained):
    run, where = pretrained
    meta = {"jets": 2, "pixels": PIXELS, "n_classes": 2}
    tagger = load_pretrained(
        run["job"]["model"], meta, str(where / "pretrained.pt"), "transfer", torch.device("cpu")
    )
    tagger.eval()
    images = torch.as_tensor(prong_images(7, 6, np.random.default_rng(1)), dtype=torch.float32)
    mask = torch.ones(7, dtype=torch.bool)
    batch = Batch.from_arrays(
        {"features": images.numpy(), "label": np.ones(7)}, torch.device("cpu")
    )
    latents = _latents(tagger.encoder, batch)
    assert torch.equal(HeadOnly(tagger.head)(latents, mask), tagger(images, mask))


def test_the_meta_gradient_is_the_update_loss_gradient_at_theta_prime(pretrained):
    """Eq. 7, first order: theta's gradient is the update events' mean loss gradient at
    theta', S's through the extractor; base learning's last gradients left on theta'
    must not leak in, and the batches must add up to the whole draw's mean."""
    run, where = pretrained
    meta = {"jets": 2, "pixels": PIXELS, "n_classes": 2}
    cpu = torch.device("cpu")
    tagger = load_pretrained(
        run["job"]["model"], meta, str(where / "pretrained.pt"), "transfer", cpu
    )
    scales = with_scale_shift(tagger)
    for parameter in tagger.encoder.parameters():
        parameter.requires_grad_(any(parameter is p for p in scales))
    tagger.encoder.eval()
    fast = copy.deepcopy(tagger.head)
    with torch.no_grad():
        for parameter in fast.parameters():
            parameter.add_(0.01)
            parameter.grad = torch.ones_like(parameter)  # as base learning leaves them
    rng = np.random.default_rng(3)
    images = np.concatenate([prong_images(15, None, rng), prong_images(15, 6, rng)]).astype(
        np.float32
    )
    update = Batch.from_arrays({"features": images, "label": np.r_[np.zeros(15), np.ones(15)]}, cpu)
    meta_gradients(tagger, fast, update, batch_size=8)
    logits = fast(tagger.encoder(update.features, update.mask))
    loss = torch.nn.functional.cross_entropy(logits, update.label)
    wanted = torch.autograd.grad(loss, [*fast.parameters(), *scales])
    got = [p.grad for p in [*tagger.head.parameters(), *scales]]
    for direct, ours in zip(wanted, got, strict=True):
        torch.testing.assert_close(ours, direct, rtol=1e-5, atol=1e-7)
    assert any(bool(g.abs().sum() > 0) for g in got[-len(scales) :])


@pytest.mark.parametrize("scheme", ["transfer", "meta_transfer"])
def test_a_transfer_experiment_fine_tunes_the_dense_layers_only(
    pretrained, meta_trained, tmp_path, scheme
):
    _, where = pretrained
    weights = where / ("pretrained.pt" if scheme == "transfer" else "meta.pt")
    result = toy_search(tmp_path, scheme, 40, max_epochs=3, pretrained=str(weights))
    assert result["scheme"] == scheme
    start = torch.load(weights, weights_only=True)
    tuned = torch.load(tmp_path / "runs" / f"{scheme}40" / "model.pt", weights_only=True)
    for name, value in start.items():
        if name.startswith("encoder."):
            assert torch.equal(tuned[name], value), name
    assert not torch.equal(tuned["head.jet.1.weight"], start["head.jet.1.weight"])
    # The toy's signal is two-prong as the sources were: the frozen extractor sees it.
    assert result["auc"] > 0.9


def test_the_signal_needed_for_a_discovery_interpolates_between_injections():
    rows = summarise(
        [
            metrics("cwola", 100, 0, 0.5, 1.0),
            metrics("cwola", 200, 0, 0.6, 3.0),
            metrics("cwola", 300, 0, 0.7, 7.0),
            metrics("transfer", 100, 0, 0.9, 6.0),
            metrics("transfer", 200, 0, 0.9, 9.0),
            metrics("transfer", 300, 0, 0.9, 12.0),
            metrics("meta_transfer", 100, 0, 0.9, 6.5),
            metrics("meta_transfer", 200, 0, 0.9, 9.0),
            metrics("meta_transfer", 300, 0, 0.9, 11.0),
        ]
    )
    of = {s: [r for r in rows if r["scheme"] == s] for s in ("cwola", "transfer")}
    assert signal_needed(of["cwola"]) == ("=", pytest.approx(250.0))
    assert signal_needed(of["transfer"]) == ("<=", 100.0)
    assert signal_needed(of["cwola"], target=8.0) == (">", 300.0)
    text = tables(rows, ["cwola", "transfer", "meta_transfer"])
    assert "5σ after the best cut: cwola 250, meta_transfer ≤ 100, transfer ≤ 100." in text
    assert (
        "transfer's best-cut significance minus cwola's, per injected signal: 100: +5.00σ" in text
    )
    assert "meta_transfer's best-cut significance minus transfer's, per injected signal: " in text
    assert "300: -1.00σ." in text


def test_the_sources_are_the_other_benchmarks_and_a_background_of_their_own():
    config = smoke_config()
    sources = config["dark_showers"]["sources"]
    assert source_samples(config, "hv_indirect_lambda10") == [
        *(s for s in sources["signals"] if s != "hv_indirect_lambda10"),
        sources["background"],
    ]
    names = [s.name for s in of_study(config)]
    assert names[:2] == ["qcd_dijet", "hv_indirect_lambda10"]
    assert set(names) == {"qcd_dijet", *sources["signals"], sources["background"]}
    simulated = parse_sample(sources["background"])
    assert (simulated.family, simulated.label) == ("qcd_dijet", 0)
    assert dark_shower_events(simulated, config) == sources["events"]["background"]
    assert dark_shower_events(parse_sample("qcd_dijet"), config) == 1000
    other = next(s for s in sources["signals"] if s not in config["dark_showers"]["signals"])
    assert dark_shower_events(parse_sample(other), config) == sources["events"]["signal"]
    check = GridCheck(config)
    check({"signal": "hv_indirect_lambda10", "pixels": "25"})
    with pytest.raises(ConfigError, match=r"hv_direct_lambda10/px25: no transfer or meta"):
        check({"signal": "hv_direct_lambda10", "pixels": "25"})
    cwola_only = yaml.safe_load(DARK_SHOWERS_SMOKE.read_text())
    cwola_only["dark_showers"]["search"]["schemes"] = ["cwola"]
    validate_config(cwola_only)
    assert [s.name for s in of_study(cwola_only)] == ["qcd_dijet", "hv_indirect_lambda10"]
