"""Event selection: leading-jet pT cut, mass windows, train/val/test split and cutflows.

Cuts after the detector (paper Sec. III): pT_J > 1.2 TeV and, per target mass,
|m_J - m_Z'| < m_Z' / 4. The split is assigned per event by a hash of (sample, event
id), never per window, so one QCD jet sits in the same split for every window.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from massgen.files import atomic_path, read_json, read_parquet, write_json, write_parquet
from massgen.seeding import hash_uniform

SPLITS = ("train", "val", "test")


def assign_split(sample: str, event_id: np.ndarray, fractions: dict[str, float]) -> np.ndarray:
    """Split name of each event: train/val/test with the given fractions, by hash."""
    u = hash_uniform(sample, event_id)
    edges = np.cumsum([fractions[s] for s in SPLITS])
    return np.asarray(SPLITS)[np.minimum(np.searchsorted(edges, u, side="right"), len(SPLITS) - 1)]


def in_window(jet_mass: np.ndarray, mass: float, window_fraction: float) -> np.ndarray:
    """|m_J - m_Z'| < window_fraction * m_Z' (masses in GeV)."""
    return np.abs(jet_mass - mass) < window_fraction * mass


def select_jets(
    jets: ak.Array, sample: str, masses: list[int], cuts: dict, fractions: dict[str, float]
) -> ak.Array:
    """Jets passing the pT cut, with their split and a window flag per target mass.

    A signal sample ``zp<m>`` is flagged only for its own window; the QCD pool for all.
    """
    jets = jets[jets.jet_pt > cuts["jet_pt_min"]]
    mass = ak.to_numpy(jets.jet_mass)
    fields = {name: jets[name] for name in ak.fields(jets)}
    fields["split"] = assign_split(sample, ak.to_numpy(jets.event_id), fractions)
    for m in masses:
        own = sample in ("qcd", f"zp{m}")
        fields[f"window_{m}"] = in_window(mass, m, cuts["window_fraction"]) & own
    return ak.zip(fields, depth_limit=1)


def cutflow(metadata: list[dict], n_reco: int, selected: ak.Array, masses: list[int]) -> dict:
    """Event counts after each step for one sample, plus the cross-sections in fb.

    Steps: generated (parton-level MET cut), parton cuts (|eta| < 2), after detector
    (a jet was reconstructed), pT cut, and the mass window(s) of the sample.
    """
    generated = sum(m["n_generated"] for m in metadata)
    parton = sum(m["n_parton_cuts"] for m in metadata)
    sigma = float(
        np.average([m["sigma_fb"] for m in metadata], weights=[m["n_generated"] for m in metadata])
    )
    windows = {str(m): int(np.sum(ak.to_numpy(selected[f"window_{m}"]))) for m in masses}
    sample = metadata[0]["sample"]
    if sample != "qcd":
        windows = {k: v for k, v in windows.items() if f"zp{k}" == sample}
    return {
        "sample": sample,
        "generated": generated,
        "parton_cuts": parton,
        "after_detector": n_reco,
        "pt_cut": len(selected),
        "window": windows,
        "sigma_fb": sigma,
        "sigma_after_parton_cuts_fb": sigma * parton / generated,
    }


def select_sample(
    config: dict,
    sample: str,
    jet_paths: list[str],
    metadata_paths: list[str],
    selected_path: str,
    cutflow_path: str,
) -> dict:
    """Apply the reco cuts to all chunks of a sample; write selected jets and the cutflow."""
    jets = ak.concatenate([read_parquet(p) for p in jet_paths])
    metadata = [read_json(p) for p in metadata_paths]
    selected = select_jets(jets, sample, config["masses"], config["cuts"], config["split"])
    flow = cutflow(metadata, len(jets), selected, config["masses"])
    write_parquet(selected, selected_path)
    write_json(flow, cutflow_path)
    return flow


def window_jets(selected: dict[str, ak.Array], mass: int, split: str) -> ak.Array:
    """Jets of one mass window and split from each sample's selected jets, labelled.

    ``label`` is 1 for the Z' of this mass and 0 for QCD; ``sample`` names the origin.
    """
    parts = []
    for sample, jets in selected.items():
        jets = jets[jets[f"window_{mass}"] & (jets.split == split)]
        jets = ak.with_field(jets, np.full(len(jets), int(sample != "qcd"), np.int8), "label")
        parts.append(ak.with_field(jets, np.full(len(jets), sample), "sample"))
    return ak.concatenate(parts)


def write_index(selected_paths: dict[str, str], mass: int, index_paths: dict[str, str]) -> None:
    """Index files of one mass window, per split: (sample, event_id, label, jet_mass, jet_pt)."""
    selected = {sample: read_parquet(path) for sample, path in selected_paths.items()}
    for split in SPLITS:
        jets = window_jets(selected, mass, split)
        write_parquet(
            jets[["sample", "event_id", "label", "jet_mass", "jet_pt"]], index_paths[split]
        )


def cutflow_table(cutflow_paths: list[str], table_path: str) -> str:
    """Markdown table of all samples' cutflows (events after each step); written and returned."""
    flows = [read_json(p) for p in cutflow_paths]
    lines = [
        "| sample | sigma (fb) | generated | parton cuts | after detector | pT > cut | window |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in flows:
        window = ", ".join(f"{m}: {n}" for m, n in f["window"].items())
        lines.append(
            f"| {f['sample']} | {f['sigma_after_parton_cuts_fb']:.4g} | {f['generated']} | "
            f"{f['parton_cuts']} | {f['after_detector']} | {f['pt_cut']} | {window} |"
        )
    text = "\n".join(lines) + "\n"
    with atomic_path(table_path) as tmp:
        tmp.write_text(text)
    return text
