"""The PFN and the training loop: shapes, symmetries, masking, learning, early stopping."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from massgen.evaluation.metrics import predict
from massgen.evaluation.roc import roc_auc
from massgen.models import build_model
from massgen.models.pfn import PFN
from massgen.training.loop import Batch, cross_entropy, deterministic, fit, validation_metrics

from .conftest import default_pfn, train_settings
from .devices import DEVICES

CPU = torch.device("cpu")


def toy(
    n: int, n_particles: int = 30, seed: int = 0, separation: float = 1.0
) -> dict[str, np.ndarray]:
    """Random jets; the signal's constituents sit at larger |phi'| (a planted difference)."""
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, n)
    features = rng.normal(0, 1, (n, n_particles, 4)).astype(np.float32)
    features[..., 2] += separation * label[:, None]
    mask = np.arange(n_particles)[None, :] < rng.integers(5, n_particles, n)[:, None]
    features *= mask[..., None]
    return {"features": features, "mask": mask, "label": label}


def test_architecture_and_shape():
    meta = {"features": ["a", "b", "c", "d", "e"], "n_classes": 3}
    model = build_model(
        "massgen.models.pfn:build", meta, phi_sizes=[100, 100, 256], f_sizes=[100, 100, 100]
    )
    x = torch.randn(7, 20, 5)
    assert model(x, torch.ones(7, 20, dtype=torch.bool)).shape == (7, 3)
    assert model.encoder(x, torch.ones(7, 20, dtype=torch.bool)).shape == (7, 256)
    linears = [m.out_features for m in model.encoder.modules() if isinstance(m, torch.nn.Linear)]
    assert linears == [100, 100, 256]
    assert [m.out_features for m in model.modules() if isinstance(m, torch.nn.Linear)][3:] == [
        100,
        100,
        100,
        3,
    ]
    assert all(torch.all(m.bias == 0) for m in model.modules() if isinstance(m, torch.nn.Linear))


def test_unknown_hyperparameter_raises():
    with pytest.raises(TypeError, match="phi_size"):
        PFN(4, 2, phi_sizes=(10,), f_sizes=(10,), phi_size=(10,))


def test_permutation_invariance():
    torch.manual_seed(0)
    model = default_pfn()
    x, mask = torch.randn(3, 25, 4), torch.rand(3, 25) > 0.3
    perm = torch.randperm(25)
    assert torch.allclose(model(x, mask), model(x[:, perm], mask[:, perm]), atol=1e-5)


def test_masked_padding_has_no_effect():
    torch.manual_seed(1)
    model = default_pfn()
    x, mask = torch.randn(4, 10, 4), torch.ones(4, 10, dtype=torch.bool)
    padded_x = torch.cat([x, 100 * torch.randn(4, 15, 4)], dim=1)
    padded_mask = torch.cat([mask, torch.zeros(4, 15, dtype=torch.bool)], dim=1)
    assert torch.allclose(model(x, mask), model(padded_x, padded_mask), atol=1e-5)
    # Without the mask the garbage would matter: the check has teeth.
    assert not torch.allclose(model(x, mask), model(padded_x, torch.ones(4, 25, dtype=torch.bool)))


def test_one_epoch_on_50_random_jets():
    data = toy(50)
    history = fit(
        default_pfn(),
        Batch.from_arrays(data, CPU),
        Batch.from_arrays(data, CPU),
        train_settings(max_epochs=1),
        seed=0,
    )
    assert len(history["epochs"]) == 1


def test_planted_separable_toy_reaches_high_auc():
    torch.set_num_threads(1)
    train, val, test = toy(3000, seed=1), toy(500, seed=2), toy(1000, seed=3)
    model = default_pfn()
    fit(
        model,
        Batch.from_arrays(train, CPU),
        Batch.from_arrays(val, CPU),
        train_settings(max_epochs=10, patience=3),
        seed=0,
    )
    assert roc_auc(test["label"], predict(model, test["features"], test["mask"])) > 0.95


def test_early_stopping_restores_best_epoch():
    """Train on one set and validate on a relabelled one: validation loss soon rises."""
    train = toy(400, seed=4)
    val = {**train, "label": 1 - train["label"]}
    model = default_pfn()
    history = fit(
        model,
        Batch.from_arrays(train, CPU),
        Batch.from_arrays(val, CPU),
        train_settings(max_epochs=40, patience=3, batch_size=50),
        seed=0,
    )
    losses = [e["val_loss"] for e in history["epochs"]]
    assert history["best_epoch"] == int(np.argmin(losses))
    assert len(losses) == history["best_epoch"] + 1 + 3
    loss, accuracy = validation_metrics(model, Batch.from_arrays(val, CPU))
    assert loss == pytest.approx(min(losses), rel=1e-5)
    best = history["epochs"][history["best_epoch"]]
    assert accuracy == best["val_accuracy"]
    assert 0.0 <= accuracy <= 1.0
    assert losses[-1] > min(losses)


@pytest.mark.parametrize("device", DEVICES)
def test_same_seed_same_weights(device):
    data = toy(200, seed=5)
    deterministic(device)

    def train(seed: int) -> list[torch.Tensor]:
        torch.manual_seed(123)
        model = default_pfn().to(device)
        fit(
            model,
            Batch.from_arrays(data, device),
            Batch.from_arrays(data, device),
            train_settings(max_epochs=2, batch_size=50),
            seed=seed,
        )
        return [p.detach().clone() for p in model.parameters()]

    a, b, c = train(7), train(7), train(8)
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))
    assert not all(torch.equal(x, y) for x, y in zip(a, c, strict=True))


class Interrupt(Exception):
    """Raised to simulate a killed job."""


class Killable:
    """Cross-entropy that counts its calls and raises Interrupt after ``kill_after``."""

    def __init__(self, kill_after: int | None = None) -> None:
        self.kill_after, self.calls = kill_after, 0

    def __call__(self, model, batch):
        self.calls += 1
        if self.kill_after is not None and self.calls > self.kill_after:
            raise Interrupt
        return cross_entropy(model, batch)


@pytest.mark.parametrize("device", DEVICES)
def test_killed_training_resumes_to_the_same_weights(tmp_path, device):
    data = toy(300, seed=6)
    val = toy(100, seed=7)
    settings = train_settings(max_epochs=6, patience=10, batch_size=50)
    deterministic(device)

    def run(checkpoint, kill_after_calls=None):
        torch.manual_seed(99)
        model = default_pfn(phi_sizes=(16, 16, 32), f_sizes=(16, 16)).to(device)
        fit(
            model,
            Batch.from_arrays(data, device),
            Batch.from_arrays(val, device),
            settings,
            3,
            Killable(kill_after_calls),
            checkpoint,
        )
        return [p.detach().clone() for p in model.parameters()]

    reference = run(None)
    checkpoint = tmp_path / "checkpoint.pt"
    with pytest.raises(Interrupt):
        run(checkpoint, kill_after_calls=6 * 3 + 2)  # dies inside epoch 4 (6 batches/epoch)
    assert len(torch.load(checkpoint, weights_only=False)["history"]["epochs"]) == 3
    resumed = run(checkpoint)
    assert all(torch.equal(a, b) for a, b in zip(reference, resumed, strict=True))


def test_checkpoint_of_other_settings_is_not_resumed(tmp_path):
    """A checkpoint left by a killed job is resumed only by a run with its settings."""
    data, val = toy(300, seed=6), toy(100, seed=7)
    checkpoint = tmp_path / "checkpoint.pt"

    def run(fingerprint, kill_after_calls=None, max_epochs=3, learning_rate=1e-3):
        torch.manual_seed(99)
        model = default_pfn(phi_sizes=(16, 16, 32), f_sizes=(16, 16))
        objective = Killable(kill_after_calls)
        settings = train_settings(
            max_epochs=max_epochs, patience=10, batch_size=50, learning_rate=learning_rate
        )
        history = fit(
            model,
            Batch.from_arrays(data, CPU),
            Batch.from_arrays(val, CPU),
            settings,
            3,
            objective,
            checkpoint,
            fingerprint=fingerprint,
        )
        return history, objective.calls

    with pytest.raises(Interrupt):
        run({"strength": 0.1}, kill_after_calls=6 * 2 + 1)  # two epochs saved
    _, calls = run({"strength": 0.2})
    assert calls == 6 * 3  # other settings: every epoch trained again
    with pytest.raises(Interrupt):
        run({"strength": 0.1}, kill_after_calls=6 * 2 + 1)
    _, calls = run({"strength": 0.1}, max_epochs=4)
    assert calls == 6 * 4  # other loop settings: from the start too
    with pytest.raises(Interrupt):
        run({"strength": 0.1}, kill_after_calls=6 * 2 + 1)
    history, calls = run({"strength": 0.1}, learning_rate=2e-3)
    assert calls == 6 * 3  # another learning rate: afresh, and with the new rate
    assert history["settings"]["learning_rate"] == 2e-3
    with pytest.raises(Interrupt):
        run({"strength": 0.1}, kill_after_calls=6 * 2 + 1)
    _, calls = run({"strength": 0.1})
    assert calls == 6  # the same settings: only the third epoch


def test_a_jobs_schedule_replaces_its_constant_rate():
    """What a training job reads (params.training) with training.learning_rate_schedule
    set builds the loop's settings: the schedule, no constant rate."""
    from massgen import params
    from massgen.config import validate_config
    from massgen.training.loop import TrainSettings

    schedule = [[0, 3e-4], [8, 3e-3], [16, 3e-4]]
    config = validate_config({"study": "unit", "training": {"learning_rate_schedule": schedule}})
    settings = TrainSettings(**params.training(config, "pfn", "baseline")["loop"])
    assert settings.learning_rate is None
    assert settings.rate(4) == pytest.approx(1.65e-3)
    plain = validate_config({"study": "unit"})
    assert TrainSettings(**params.training(plain, "pfn", "baseline")["loop"]).rate(4) == 1e-3


def test_learning_rate_schedule_sets_the_rate_of_every_batch():
    schedule = [[0, 1e-3], [2, 1e-2], [4, 1e-5]]
    settings = train_settings(learning_rate=None, learning_rate_schedule=schedule)
    assert [settings.rate(e) for e in (0, 1, 2, 3, 9)] == pytest.approx(
        [1e-3, 5.5e-3, 1e-2, 0.005005, 1e-5]
    )
    data = toy(300, seed=5)

    def trained(**loop) -> list[torch.Tensor]:
        torch.manual_seed(0)
        model = default_pfn()
        fit(
            model,
            Batch.from_arrays(data, CPU),
            Batch.from_arrays(data, CPU),
            train_settings(batch_size=50, **loop),
            seed=0,
            early_stopping=False,
        )
        return [p.detach().clone() for p in model.parameters()]

    constant = trained(max_epochs=2)
    flat = trained(max_epochs=2, learning_rate=None, learning_rate_schedule=[[0, 1e-3], [5, 1e-3]])
    assert all(torch.equal(a, b) for a, b in zip(constant, flat, strict=True))
    # The rate falls to nothing after the first epoch: two more epochs move nothing.
    stop = [[0, 1e-3], [0.9, 1e-3], [1, 1e-12]]
    one = trained(max_epochs=1, learning_rate=None, learning_rate_schedule=stop)
    three = trained(max_epochs=3, learning_rate=None, learning_rate_schedule=stop)
    assert all(torch.allclose(a, b, atol=1e-7) for a, b in zip(one, three, strict=True))
    assert not all(torch.allclose(a, b, atol=1e-7) for a, b in zip(one, constant, strict=True))


KEEP_FREED_MEMORY_RUN = """
import hashlib, io, sys
import numpy as np, torch
from massgen.training.loop import Batch, TrainSettings, fit, keep_freed_memory
from massgen.models.pfn import PFN
torch.set_num_threads(1)
if sys.argv[1] == "keep":
    keep_freed_memory()
rng = np.random.default_rng(0)
features = rng.normal(0, 1, (600, 40, 4)).astype(np.float32)
data = Batch.from_arrays(
    {"features": features, "mask": np.ones((600, 40), bool), "label": rng.integers(0, 2, 600)},
    torch.device("cpu"),
)
torch.manual_seed(0)
model = PFN(4, 2, [64, 64, 64], [64, 64])
fit(model, data, data, TrainSettings(learning_rate=1e-3, batch_size=300, max_epochs=2, patience=5), 0)
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
print(hashlib.sha256(buffer.getvalue()).hexdigest())
"""


def test_keeping_freed_memory_changes_no_weight():
    """glibc's malloc told to keep freed memory (a process-wide setting, hence a process
    each) trains the same weights, bit for bit."""
    digests = [
        subprocess.run(
            [sys.executable, "-c", KEEP_FREED_MEMORY_RUN, mode],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for mode in ("plain", "keep")
    ]
    assert len(digests[0]) == 65
    assert digests[0] == digests[1]
