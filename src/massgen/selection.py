"""Event selection: leading-jet pT cut, mass windows, train/val/test split and cutflows.

Cuts after the detector: for the founding study (paper Sec. III) pT_J > 1.2 TeV and, per
target mass, |m_J - m_Z'| < m_Z' / 4; for seed 004's anti-QCD study (Sec. 3.1) a pT
window, 550 < pT_J < 650 GeV, and no mass cut; for seed 001's search (Table 1b) two
jets with pT > 750 GeV and |eta| < 2, and the dijet mass's signal region and sidebands.
The split is assigned per event by a hash of (sample, event id), never per window, so
one QCD jet sits in the same split for every window.
"""

from __future__ import annotations

import logging

import awkward as ak
import numpy as np

from massgen.files import atomic_path, read_json, read_parquet, write_json, write_parquet
from massgen.grid import SPLITS
from massgen.samples import parse_sample
from massgen.seeding import hash_uniform
from massgen.weights import event_weights

log = logging.getLogger(__name__)


def assign_split(sample: str, event_id: np.ndarray, fractions: dict[str, float]) -> np.ndarray:
    """Split name of each event: train/val/test with the given fractions, by hash."""
    u = hash_uniform(sample, event_id)
    edges = np.cumsum([fractions[s] for s in SPLITS])
    return np.asarray(SPLITS)[np.minimum(np.searchsorted(edges, u, side="right"), len(SPLITS) - 1)]


def in_window(jet_mass: np.ndarray, mass: float, window_fraction: float) -> np.ndarray:
    """|m_J - m_Z'| < window_fraction * m_Z' (masses in GeV)."""
    return np.abs(jet_mass - mass) < window_fraction * mass


def select_jets(
    jets: ak.Array,
    sample: str,
    masses: list[int],
    fractions: dict[str, float],
    *,
    jet_pt_min: float,
    jet_pt_max: float | None = None,
    window_fraction: float | None = None,
) -> ak.Array:
    """Jets with ``jet_pt_min`` < pT (< ``jet_pt_max``; GeV), with their split and a
    window flag per target mass (``window_fraction`` sets the windows' half-width).

    A signal sample ``zp<m>`` is flagged only for its own window; the QCD pool for all.
    """
    entering = parse_sample(sample).enters_window
    keep = jets.jet_pt > jet_pt_min
    if jet_pt_max is not None:
        keep = keep & (jets.jet_pt < jet_pt_max)
    jets = jets[keep]
    mass = ak.to_numpy(jets.jet_mass)
    fields = {name: jets[name] for name in ak.fields(jets)}
    fields["split"] = assign_split(sample, ak.to_numpy(jets.event_id), fractions)
    for m in masses:
        fields[f"window_{m}"] = in_window(mass, m, window_fraction) & entering(m)
    return ak.zip(fields, depth_limit=1)


def dijet_mass(jets: ak.Array) -> np.ndarray:
    """Invariant mass (GeV) of each event's two leading jets (jet_pt, jet_eta, jet_phi,
    jet_e: lists of at least two, GeV and radians)."""
    pt, eta, phi, e = (
        ak.to_numpy(jets[field][:, :2]).astype(np.float64)
        for field in ("jet_pt", "jet_eta", "jet_phi", "jet_e")
    )
    px, py, pz = (
        (pt * np.cos(phi)).sum(1),
        (pt * np.sin(phi)).sum(1),
        (pt * np.sinh(eta)).sum(1),
    )
    return np.sqrt(np.maximum(e.sum(1) ** 2 - px**2 - py**2 - pz**2, 0.0))


def in_intervals(value: np.ndarray, intervals: list[list[float]]) -> np.ndarray:
    """Whether each value lies in one of the [low, high) intervals."""
    return np.any([(value >= low) & (value < high) for low, high in intervals], axis=0)


def select_dijets(
    jets: ak.Array,
    sample: str,
    fractions: dict[str, float],
    *,
    jet_pt_min: float,
    jet_eta_max: float,
    regions: dict[str, list[list[float]]],
) -> ak.Array:
    """Events whose two leading jets both have pT > ``jet_pt_min`` (GeV) and |eta| <
    ``jet_eta_max`` (seed 001, Table 1b), their two jets (the per-jet fields as lists of
    two, leading first), the dijet mass ``mjj`` (GeV), the split, and per region of
    ``regions`` (name: dijet-mass intervals [low, high) in GeV, e.g. the signal region
    and the sidebands) a flag ``window_<name>``."""
    jets = jets[ak.num(jets.jet_pt) >= 2]
    pt, eta = ak.to_numpy(jets.jet_pt[:, :2]), ak.to_numpy(jets.jet_eta[:, :2])
    jets = jets[np.all((pt > jet_pt_min) & (np.abs(eta) < jet_eta_max), axis=1)]
    per_jet = [name for name in ak.fields(jets) if name.startswith(("jet_", "n_const", "const"))]
    fields = {name: jets[name] for name in ak.fields(jets) if name not in per_jet}
    fields |= {name: jets[name][:, :2] for name in per_jet}
    mjj = dijet_mass(jets)
    fields["mjj"] = mjj
    fields["split"] = assign_split(sample, ak.to_numpy(jets.event_id), fractions)
    for name, intervals in regions.items():
        fields[f"window_{name}"] = in_intervals(mjj, intervals)
    return ak.zip(fields, depth_limit=1)


STEPS = ("generated", "parton_cuts", "after_detector", "pt_cut")


def window_flags(selected: ak.Array, sample: str, windows: list[int] | list[str]) -> dict:
    """The flag of each window a sample's selected events enter, by the window's name:
    a mass window (int, GeV) only for the samples it takes (:meth:`Sample.enters_window`),
    a dijet-mass region (str) for every sample."""
    entering = parse_sample(sample).enters_window
    return {
        str(w): ak.to_numpy(selected[f"window_{w}"])
        for w in windows
        if isinstance(w, str) or entering(w)
    }


def chunk_cutflow(metadata: dict, reco_weight: np.ndarray, selected: ak.Array, flags: dict) -> dict:
    """Event counts of one chunk after each step, their sums of event weights, and its
    cross-section in fb.

    Steps: generated (with the sample's parton-level cuts), parton cuts (the |eta| cut),
    after detector (a jet was reconstructed; ``reco_weight`` holds those events'
    weights), pT cut (the jet cuts: pT, and |eta| for two-jet selections), and each
    window of ``flags`` (:func:`window_flags`). Unweighted events (Pythia's own) weigh 1
    each.
    """
    weight = event_weights(selected)
    generated = metadata.get(
        "weights",
        {"generated": metadata["n_generated"], "parton_cuts": metadata["n_parton_cuts"]},
    )
    return {
        "sample": metadata["sample"],
        "generated": metadata["n_generated"],
        "parton_cuts": metadata["n_parton_cuts"],
        "after_detector": len(reco_weight),
        "pt_cut": len(selected),
        "window": {m: int(np.sum(flag)) for m, flag in flags.items()},
        "sigma_fb": metadata["sigma_fb"],
        "weighted": {
            "generated": float(generated["generated"]),
            "parton_cuts": float(generated["parton_cuts"]),
            "after_detector": float(np.sum(reco_weight)),
            "pt_cut": float(np.sum(weight)),
            "window": {m: float(np.sum(weight[flag])) for m, flag in flags.items()},
        },
    }


def mean_weights(cutflow_paths: dict[str, str]) -> dict[str, float]:
    """Mean event weight of each sample's events after the parton cuts (its cutflow)."""
    flows = {sample: read_json(path) for sample, path in cutflow_paths.items()}
    return {s: f["weighted"]["parton_cuts"] / f["parton_cuts"] for s, f in flows.items()}


def merge_cutflows(flows: list[dict]) -> dict:
    """The cutflow of a sample from those of its chunks (sigma averaged, weighted by events)."""
    total = {key: sum(f[key] for f in flows) for key in STEPS}
    windows = {m: sum(f["window"][m] for f in flows) for m in flows[0]["window"]}
    # chunk cutflows of earlier versions have counts only: unweighted events weigh 1
    sums = [f.get("weighted", f) for f in flows]
    weighted = {key: sum(w[key] for w in sums) for key in STEPS}
    weighted["window"] = {m: sum(w["window"][m] for w in sums) for m in windows}
    sigma = float(
        np.average([f["sigma_fb"] for f in flows], weights=[f["generated"] for f in flows])
    )
    return {
        "sample": flows[0]["sample"],
        **total,
        "window": windows,
        "sigma_fb": sigma,
        "sigma_after_parton_cuts_fb": sigma * total["parton_cuts"] / total["generated"],
        "weighted": weighted,
    }


def select_chunk(
    sample: str,
    jets_path: str,
    metadata_path: str,
    selected_path: str,
    cutflow_path: str,
    *,
    fractions: dict[str, float],
    jet_pt_min: float,
    masses: list[int] | None = None,
    jet_pt_max: float | None = None,
    window_fraction: float | None = None,
    jet_eta_max: float | None = None,
    regions: dict[str, list[list[float]]] | None = None,
) -> dict:
    """Apply the reco cuts to one chunk: the leading jet's (:func:`select_jets`), or with
    ``regions`` the two leading jets' (:func:`select_dijets`); write its selected events
    and its cutflow."""
    jets = read_parquet(jets_path)
    if regions is None:
        selected = select_jets(
            jets,
            sample,
            masses,
            fractions,
            jet_pt_min=jet_pt_min,
            jet_pt_max=jet_pt_max,
            window_fraction=window_fraction,
        )
    else:
        selected = select_dijets(
            jets,
            sample,
            fractions,
            jet_pt_min=jet_pt_min,
            jet_eta_max=jet_eta_max,
            regions=regions,
        )
    flags = window_flags(selected, sample, list(regions) if regions is not None else masses)
    flow = chunk_cutflow(read_json(metadata_path), event_weights(jets), selected, flags)
    write_parquet(selected, selected_path)
    write_json(flow, cutflow_path)
    return flow


def write_sample_cutflow(chunk_paths: list[str], cutflow_path: str) -> dict:
    """Merge the chunk cutflows of one sample into its cutflow.json."""
    flow = merge_cutflows([read_json(p) for p in chunk_paths])
    write_json(flow, cutflow_path)
    return flow


INDEX_FIELDS = ("event_id", "split", "jet_mass", "jet_pt")


def _index_rows(
    selected_paths: dict[str, list[str]],
    labels: dict[str, int],
    mean_weight: dict[str, float],
    flag: str | None = None,
) -> ak.Array:
    """The jets of the selected chunks (those with ``flag`` set, all when None), read
    without constituents; each sample's jets get the class ``labels[sample]``."""
    parts = []
    for sample, paths in selected_paths.items():
        for chunk, path in enumerate(paths):
            columns = [*INDEX_FIELDS] if flag is None else [*INDEX_FIELDS, flag]
            jets = read_parquet(path, columns=columns, optional=("weight",))
            if flag is not None:
                jets = jets[jets[flag]]
            n = len(jets)
            parts.append(
                ak.zip(
                    {
                        "sample": np.full(n, sample),
                        "chunk": np.full(n, chunk, np.int32),
                        **{f: jets[f] for f in INDEX_FIELDS},
                        "weight": event_weights(jets) / mean_weight[sample],
                        "label": np.full(n, labels[sample], np.int8),
                    },
                    depth_limit=1,
                )
            )
    return ak.concatenate(parts)


def window_index(
    selected_paths: dict[str, list[str]], mass: int, mean_weight: dict[str, float]
) -> ak.Array:
    """All jets of one mass window from the selected chunks, read without constituents.

    Columns: sample, chunk (position of the file in its sample's list), event_id, split,
    label (the sample's class: 1 = Z', 0 = QCD), jet_mass, jet_pt, ``weight`` (the
    event's weight over ``mean_weight[sample]``, the mean event weight of its sample:
    1 for unweighted events, whatever the generator's units), and ``balanced``: the
    subset with equal numbers of Z' and QCD jets per split, chosen by a hash of the event
    id (the same for every method).
    """
    labels = {sample: parse_sample(sample).label for sample in selected_paths}
    index = _index_rows(selected_paths, labels, mean_weight, f"window_{mass}")
    return ak.with_field(index, balanced(index, 2), "balanced")


def class_index(
    selected_paths: dict[str, list[str]],
    groups: list[list[str]],
    mean_weight: dict[str, float],
    mass_bin_width: float | None = None,
) -> ak.Array:
    """All selected jets of a set of the anti-QCD study's training classes (seed 004),
    with the columns of :func:`window_index`: a jet's label is the position of its
    sample's group in ``groups`` (QCD alone first; a group of several classes is one
    class, as the seed's one-vs-all QCD/(W, top)), and ``balanced`` keeps equal numbers
    of every label per split; with ``mass_bin_width`` (GeV), equal numbers per split
    and jet-mass bin (:func:`same_mass_histograms`)."""
    labels = {sample: i for i, group in enumerate(groups) for sample in group}
    index = _index_rows(selected_paths, labels, mean_weight)
    if mass_bin_width is None:
        return ak.with_field(index, balanced(index, len(groups)), "balanced")
    keep = same_mass_histograms(index, len(groups), mass_bin_width)
    return ak.with_field(index, keep, "balanced")


def _lowest_ranks(index: ak.Array, rows: np.ndarray, n: int, purpose: str) -> np.ndarray:
    """The ``n`` of ``rows`` with the lowest hash ranks of (sample, event id): the same
    jets whatever the job, and no sample of a group favoured."""
    sample = ak.to_numpy(index.sample[rows]).astype(str)
    event_id = ak.to_numpy(index.event_id[rows])
    rank = np.empty(len(rows))
    for name in np.unique(sample):
        mine = sample == name
        rank[mine] = hash_uniform(f"{purpose}-{name}", event_id[mine])
    return rows[np.argsort(rank, kind="stable")[:n]]


def same_mass_histograms(index: ak.Array, n_classes: int, bin_width: float) -> np.ndarray:
    """Seed 004's mass-decorrelating resampling: per split and jet-mass bin of
    ``bin_width`` GeV, keep as many jets of each of the ``n_classes`` labels as the
    scarcest label has there (the lowest hash ranks). Every label then has the same
    mass histogram: QCD's wherever the other labels' jets (with the seed's rescaled W
    and top masses) outnumber QCD's, fewer jets where they do not, none in a bin a label
    lacks. The mass is then no help in telling the labels apart, up to the bin width."""
    label = ak.to_numpy(index.label)
    split = ak.to_numpy(index.split).astype(str)
    mass_bin = np.floor(ak.to_numpy(index.jet_mass) / bin_width).astype(np.int64)
    keep = np.zeros(len(label), dtype=bool)
    for name in SPLITS:
        for value in np.unique(mass_bin[split == name]):
            cell = (split == name) & (mass_bin == value)
            rows = [np.flatnonzero(cell & (label == k)) for k in range(n_classes)]
            n = min(len(r) for r in rows)
            for k, r in enumerate(rows):
                keep[_lowest_ranks(index, r, n, f"mass-match-{k}")] = True
    return keep


def balanced(index: ak.Array, n_classes: int) -> np.ndarray:
    """Per split, keep equal numbers of each of the ``n_classes`` labels: the lowest hash
    ranks of each class, as many as the smallest class has."""
    label = ak.to_numpy(index.label)
    split = ak.to_numpy(index.split).astype(str)
    event_id = ak.to_numpy(index.event_id)
    keep = np.zeros(len(label), dtype=bool)
    for name in SPLITS:
        in_split = split == name
        n = min(int((in_split & (label == value)).sum()) for value in range(n_classes))
        for value in range(n_classes):
            idx = np.flatnonzero(in_split & (label == value))
            rank = hash_uniform(f"balance-{value}", event_id[idx])
            keep[idx[np.argsort(rank, kind="stable")[:n]]] = True
    return keep


def write_index(
    selected_paths: dict[str, list[str]],
    mass: int,
    index_paths: dict[str, str],
    cutflow_paths: dict[str, str],
) -> None:
    """Index files of one mass window, one per split (see :func:`window_index`), each
    sample's weights scaled by its mean event weight (from its cutflow)."""
    index = window_index(selected_paths, mass, mean_weights(cutflow_paths))
    for split in SPLITS:
        write_parquet(index[index.split == split], index_paths[split])


def write_class_index(
    selected_paths: dict[str, list[str]],
    groups: list[list[str]],
    index_paths: dict[str, str],
    cutflow_paths: dict[str, str],
    mass_bin_width: float | None = None,
) -> None:
    """Index files of a set of anti-QCD training classes, one per split
    (:func:`class_index`)."""
    index = class_index(selected_paths, groups, mean_weights(cutflow_paths), mass_bin_width)
    if mass_bin_width is not None:
        kept = index[index.balanced]
        log.info(
            "equal jet-mass histograms in %g GeV bins: %d of %d jets kept, per label %s",
            mass_bin_width,
            len(kept),
            len(index),
            np.bincount(ak.to_numpy(kept.label), minlength=len(groups)).tolist(),
        )
    for split in SPLITS:
        write_parquet(index[index.split == split], index_paths[split])


def write_unseen_index(
    sample: str, paths: list[str], label: int, index_path: str, cutflow_path: str
) -> None:
    """Index file of an anti-QCD unseen signal: all its selected jets, whatever their
    split (none is trained on), with class ``label`` (one past the training classes)."""
    weight = mean_weights({sample: cutflow_path})
    index = _index_rows({sample: paths}, {sample: label}, weight)
    write_parquet(ak.with_field(index, np.ones(len(index), bool), "balanced"), index_path)


def dijet_index(paths: list[str], sample: str, mean_weight: float) -> ak.Array:
    """Seed 001's events of one sample in the signal region or the sidebands of the dijet
    mass, read without constituents: sample, chunk, event_id, split, label (the sample's
    class: 1 dark shower, 0 QCD), ``region`` (1 signal region, 0 sidebands, the CWoLa
    label), mjj (GeV), weight (over the sample's ``mean_weight``) and ``balanced`` (all:
    a pseudo-experiment draws its own events)."""
    label = parse_sample(sample).label
    parts = []
    for chunk, path in enumerate(paths):
        columns = ["event_id", "split", "mjj", "window_signal_region", "window_sidebands"]
        events = read_parquet(path, columns=columns, optional=("weight",))
        events = events[events.window_signal_region | events.window_sidebands]
        n = len(events)
        parts.append(
            ak.zip(
                {
                    "sample": np.full(n, sample),
                    "chunk": np.full(n, chunk, np.int32),
                    "event_id": events.event_id,
                    "split": events.split,
                    "label": np.full(n, label, np.int8),
                    "region": ak.values_astype(events.window_signal_region, np.int8),
                    "mjj": events.mjj,
                    "weight": event_weights(events) / mean_weight,
                    "balanced": np.ones(n, bool),
                },
                depth_limit=1,
            )
        )
    return ak.concatenate(parts)


def write_dijet_index(
    sample: str, paths: list[str], index_paths: dict[str, str], cutflow_path: str
) -> None:
    """Index files of one sample's signal-region and sideband events, one per split
    (:func:`dijet_index`)."""
    index = dijet_index(paths, sample, mean_weights({sample: cutflow_path})[sample])
    for split in SPLITS:
        write_parquet(index[index.split == split], index_paths[split])


def cutflow_table(cutflow_paths: list[str], table_path: str) -> str:
    """Markdown table of all samples' cutflows (events after each step, and below a
    sample whose events carry weights, their sums of weights); written and returned."""
    flows = [read_json(p) for p in cutflow_paths]
    lines = [
        "| sample | sigma (fb) | generated | parton cuts | after detector | pT cut | windows |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in flows:
        window = ", ".join(f"{m}: {n}" for m, n in f["window"].items())
        lines.append(
            f"| {f['sample']} | {f['sigma_after_parton_cuts_fb']:.4g} | {f['generated']} | "
            f"{f['parton_cuts']} | {f['after_detector']} | {f['pt_cut']} | {window} |"
        )
        weighted = f["weighted"]
        if [weighted[k] for k in STEPS] != [f[k] for k in STEPS]:  # events with weights
            window = ", ".join(f"{m}: {w:.4g}" for m, w in weighted["window"].items())
            steps = " | ".join(f"{weighted[k]:.4g}" for k in STEPS)
            lines.append(f"| {f['sample']}, sum of weights | | {steps} | {window} |")
    text = "\n".join(lines) + "\n"
    with atomic_path(table_path) as tmp:
        tmp.write_text(text)
    return text
