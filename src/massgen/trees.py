"""Binary trees over a jet's constituents (seed 003: Louppe, Cho, Becot, Cranmer,
arXiv:1702.00748): the clustering history of the kt, Cambridge/Aachen and anti-kt
algorithms, and the paper's sequences in descending or ascending pT and a random tree.

A tree over N constituents has 2N - 1 nodes: the N constituents (leaves) and N - 1
merges, each the E-scheme sum (four-momentum sum) of its two children. The clustering
histories are FastJet's: its classic interface clusters one jet's constituents with a
radius large enough that every pair merges before any merges with the beam, so one
tree holds them all. Trees are stored in their merge order (:func:`merge_tree`, FastJet's
history order: leaves first, root last) and, for the networks, in a canonical order
(:func:`canonical`): the root first, each node before its children, the harder child
(higher pT) first, so that the stored tree does not depend on the order in which the
constituents came.
"""

from __future__ import annotations

from typing import NamedTuple

import fastjet
import numpy as np

from massgen.registry import TREE_ORDERS as ORDERS

ALGORITHMS = {
    "kt": fastjet.kt_algorithm,
    "cambridge": fastjet.cambridge_algorithm,
    "antikt": fastjet.antikt_algorithm,
}
# Reclustering radius (rad): above any (eta, phi) distance between two constituents of
# a jet of R <= 1.5, so that pairwise merges always win over merges with the beam.
TREE_RADIUS = 4.0


class Tree(NamedTuple):
    """A binary tree over a jet's constituents.

    ``children[k]`` holds node k's two children (-1, -1 for a leaf), the harder one
    first; ``momenta[k]`` its (px, py, pz, E) in GeV; ``leaf[k]`` the constituent a leaf
    stands for (-1 for a merge); ``root`` the root's node index.
    """

    children: np.ndarray
    momenta: np.ndarray
    leaf: np.ndarray
    root: int


def transverse(p4: np.ndarray) -> np.ndarray:
    """pT (GeV) of (px, py, pz, E) rows."""
    return np.hypot(p4[..., 0], p4[..., 1])


def _assemble(p4: np.ndarray, merges: list[tuple[int, int]]) -> Tree:
    """The tree of N leaves (``p4`` rows) and their merges in order: merge j (node N + j)
    joins the nodes ``merges[j]``."""
    n = len(p4)
    children = np.full((2 * n - 1, 2), -1, np.int64)
    momenta = np.zeros((2 * n - 1, 4))
    momenta[:n] = p4
    for j, (a, b) in enumerate(merges):
        node = n + j
        momenta[node] = momenta[a] + momenta[b]
        pair = (a, b) if transverse(momenta[a]) >= transverse(momenta[b]) else (b, a)
        children[node] = pair
    leaf = np.concatenate([np.arange(n), np.full(n - 1, -1)])
    return Tree(children, momenta, leaf, 2 * n - 2)


def clustering_merges(p4: np.ndarray, algorithm: str) -> list[tuple[int, int]]:
    """FastJet's pairwise merges of ``p4`` (px, py, pz, E rows, GeV) by ``algorithm``
    (kt, cambridge, antikt) in history order, as node pairs (constituents 0..N-1, merge j
    is node N + j)."""
    particles = [fastjet.PseudoJet(*map(float, row)) for row in p4]
    definition = fastjet.JetDefinition(ALGORITHMS[algorithm], TREE_RADIUS)
    sequence = fastjet.ClusterSequence(particles, definition)
    jets = sequence.jets()  # the inputs, then one jet per pairwise merge, in history order
    if len(jets) != 2 * len(p4) - 1:
        raise ValueError(
            f"{algorithm} reclustering of {len(p4)} constituents did not end in one tree "
            f"(radius {TREE_RADIUS} rad): constituents too far apart"
        )
    node_of = {jet.cluster_hist_index(): k for k, jet in enumerate(jets)}
    merges = []
    for jet in jets[len(p4) :]:
        first, second = fastjet.PseudoJet(), fastjet.PseudoJet()
        sequence.has_parents(jet, first, second)
        merges.append((node_of[first.cluster_hist_index()], node_of[second.cluster_hist_index()]))
    return merges


def sequence_merges(p4: np.ndarray, descending: bool) -> list[tuple[int, int]]:
    """The paper's pT-ordered sequence as a chain of merges: with ``descending`` the two
    hardest constituents merge first and each next-hardest joins the chain (the network
    reads the constituents hardest first), else the two softest first."""
    order = list(np.argsort(-transverse(p4) if descending else transverse(p4), kind="stable"))
    merges = []
    current = order[0]
    for j, node in enumerate(order[1:]):
        merges.append((current, node))
        current = len(p4) + j
    return merges


def random_merges(n: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """A random binary tree over ``n`` leaves: two nodes drawn from the pool merge, and
    the merge returns to the pool, until one is left (the paper's random tree)."""
    pool = list(range(n))
    merges = []
    for j in range(n - 1):
        a = pool.pop(int(rng.integers(len(pool))))
        b = pool.pop(int(rng.integers(len(pool))))
        merges.append((a, b))
        pool.append(n + j)
    return merges


def merge_tree(p4: np.ndarray, order: str, rng: np.random.Generator | None = None) -> Tree:
    """The ``order`` tree (one of :data:`ORDERS`) of a jet's constituents ``p4`` (N >= 1
    rows of px, py, pz, E in GeV), in merge order; ``rng`` draws the random tree."""
    p4 = np.asarray(p4, dtype=np.float64)
    if len(p4) == 0:
        raise ValueError("a tree needs at least one constituent")
    if order in ALGORITHMS:
        merges = clustering_merges(p4, order) if len(p4) > 1 else []
    elif order in ("desc_pt", "asc_pt"):
        merges = sequence_merges(p4, descending=order == "desc_pt")
    elif order == "random":
        merges = random_merges(len(p4), rng if rng is not None else np.random.default_rng(0))
    else:
        raise ValueError(f"unknown tree order {order!r}; known: {', '.join(ORDERS)}")
    return _assemble(p4, merges)


def canonical(tree: Tree) -> Tree:
    """The same tree with the root first and every node before its children (pre-order,
    the harder child's subtree first): the order the networks read."""
    order: list[int] = []
    stack = [tree.root]
    while stack:
        node = stack.pop()
        order.append(node)
        left, right = tree.children[node]
        if left >= 0:
            stack += [right, left]
    position = np.empty(len(order), np.int64)
    position[order] = np.arange(len(order))
    children = tree.children[order]
    children = np.where(children >= 0, position[np.maximum(children, 0)], -1)
    return Tree(children, tree.momenta[order], tree.leaf[order], 0)


def depths(tree: Tree) -> np.ndarray:
    """Each node's distance from the root (root 0) of a canonical tree."""
    depth = np.zeros(len(tree.children), np.int64)
    for node in range(len(tree.children)):  # parents come before their children
        left, right = tree.children[node]
        if left >= 0:
            depth[left] = depth[right] = depth[node] + 1
    return depth
