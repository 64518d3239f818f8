"""RecNN training throughput: the level-batched recursion against the node-by-node one.

Every row is jets per second of training (forward, backward and an AMSGrad step on the
cross entropy; batches of 64; one CPU thread) of the same network, from the same
initial weights, on the same real jets: 400 leading anti-kt R = 1.0 jets of the test
data's Delphes events (Z Z -> nu nu q q and Z + jet, pT > 1 TeV, about 45 constituents
each), as trees of their 60 hardest constituents. The batched pass is
:class:`massgen.models.recnn.RecursiveEncoder` (one tensor operation per tree level);
the reference is :func:`massgen.models.recnn.node_by_node` (a Python call per node, as
a recursion written from the paper's equations is). Measured in one run: absolute rates
vary between machines, the ratio batched / node-by-node is the result. The node-by-node
pass trains on ``--reference-jets`` jets only (it takes about a second per batch)::

    .venv/bin/python benchmarks/bench_recnn.py [--epochs 3] [--reference-jets 128]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import torch
from torch import nn

from massgen.detector.delphes import read_delphes
from massgen.jets import leading_jets
from massgen.models.recnn import RecNN, build_gated, build_simple, node_by_node
from massgen.representations import tree as tree_representation

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
FILES = (
    "delphes-3.5.1-cms-pythia8-zz-nunuqq-ptmin1000.root",
    "delphes-3.5.1-cms-pythia8-zjet-ptmin1000.root",
)
ORDERS = ("kt", "desc_pt")  # the shallowest clustering tree and the deepest chain
BUILDERS = {"simple": build_simple, "gated": build_gated}
BATCH = 64
WIDTH = 60  # hardest constituents per tree


def real_trees(order: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(features, mask, label) of the test data's jets as trees in ``order``; label 1
    for the Z Z jets, 0 for Z + jet."""
    features, masks, labels = [], [], []
    for label, name in enumerate(reversed(FILES)):
        jets = leading_jets(read_delphes(TESTDATA / name), 1.0)
        trees = tree_representation.encode(
            jets, {"max_constituents": WIDTH, "order": order}, zoom=False
        )
        features.append(torch.as_tensor(trees["features"]))
        masks.append(torch.as_tensor(trees["mask"]))
        labels.append(torch.full((len(jets),), label))
    return torch.cat(features), torch.cat(masks), torch.cat(labels)


def jets_per_second(
    net: RecNN,
    forward: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    mask: torch.Tensor,
    label: torch.Tensor,
    epochs: int,
) -> float:
    """Training rate of ``forward`` (logits of a batch) over ``epochs`` passes of the
    jets, after one warm-up batch."""
    optimiser = torch.optim.Adam(net.parameters(), lr=1e-3, amsgrad=True)
    loss = nn.CrossEntropyLoss()

    def step(index: torch.Tensor) -> None:
        optimiser.zero_grad()
        loss(forward(x[index], mask[index]), label[index]).backward()
        optimiser.step()

    generator = torch.Generator().manual_seed(0)
    step(torch.arange(min(BATCH, len(x))))
    start = time.perf_counter()
    for _ in range(epochs):
        for index in torch.randperm(len(x), generator=generator).split(BATCH):
            step(index)
    return epochs * len(x) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--reference-jets", type=int, default=128)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("RecNN training, jets/s on one CPU thread (batches of 64)\n")
    print("| tree | RecNN | nodes per jet | batched | node by node | batched / node by node |")
    print("|---|---|---|---|---|---|")
    for order in ORDERS:
        x, mask, label = real_trees(order)
        nodes = float(mask.sum(1).float().mean())
        sample = torch.randperm(len(x), generator=torch.Generator().manual_seed(1))
        few = sample[: args.reference_jets]
        for kind, build in BUILDERS.items():
            meta = {"features": tree_representation.FEATURES, "n_classes": 2}
            torch.manual_seed(0)
            net = build(meta, hidden=40)
            batched = jets_per_second(net, net, x, mask, label, args.epochs)
            torch.manual_seed(0)
            net = build(meta, hidden=40)
            reference = jets_per_second(
                net,
                lambda xb, _mask, net=net: net.head(node_by_node(net.encoder, xb)),
                x[few],
                mask[few],
                label[few],
                1,
            )
            print(
                f"| {order} | {kind} | {nodes:.0f} | {batched:.0f} | {reference:.1f} "
                f"| {batched / reference:.0f}x |"
            )
    print(f"\n{len(x)} real jets, {args.epochs} epochs batched, {len(few)} jets node by node")


if __name__ == "__main__":
    main()
