"""The torch devices the training tests run on: the CPU, and CUDA where a GPU is present
(CI has none: run them on a GPU machine after touching the training code)."""

from __future__ import annotations

import pytest
import torch

DEVICES = [
    pytest.param(torch.device("cpu"), id="cpu"),
    pytest.param(
        torch.device("cuda"),
        id="cuda",
        marks=pytest.mark.skipif(
            not torch.cuda.is_available(),
            reason="needs a CUDA GPU (torch.cuda.is_available() is False; CI has none)",
        ),
    ),
]
