"""Seed 004's anti-QCD study: its point clouds, class index, pT window, and the workflow
end to end on tests/anti_qcd_smoke.yaml (real Pythia events of every class and unseen
signal), with its exact reruns."""

from __future__ import annotations

import copy

import awkward as ak
import numpy as np
import pytest
import yaml

from massgen import paths
from massgen.datasets import load_dataset
from massgen.evaluation.anomaly import figures_of_merit
from massgen.files import read_json, read_parquet
from massgen.preprocess import log_clouds
from massgen.selection import balanced, same_mass_histograms, select_jets

from .conftest import ANTI_QCD_SMOKE
from .test_reruns import changed, dry_run

CONFIG = yaml.safe_load(ANTI_QCD_SMOKE.read_text())
STUDY = CONFIG["study"]
CLASSES = ["qcd_dijet", "wprime_m1250", "ttbar_zprime_m1500"]  # the schema's default
UNSEEN = ["hh4b_m174_mh20", "hh4b_m174_mh80", "ttbar_zprime_m1500_mw20"]
WINDOW = (550.0, 650.0)


def jets_of(constituents: list[list[dict]]) -> ak.Array:
    return ak.Array(constituents)


def test_log_clouds_use_the_principal_axis_frame():
    rng = np.random.default_rng(3)
    n = 40
    pt = np.sort(rng.exponential(20.0, n))[::-1] + 1.0
    eta = 0.3 + rng.normal(0, 0.15, n) + np.linspace(-0.3, 0.3, n)  # elongated
    phi = 3.1 + rng.normal(0, 0.1, n)  # across the phi = pi seam
    mass = np.where(rng.random(n) < 0.5, 0.13957, 0.0)
    jet = [
        {"pt": a, "eta": b, "phi": c, "mass": d, "pid": 211, "charge": 1}
        for a, b, c, d in zip(pt, eta, phi, mass, strict=True)
    ]
    features, mask = log_clouds(jets_of([jet]), 30)
    assert features.shape == (1, 30, 4)
    assert mask.all()
    log_e, log_pt = features[0, :, :2].T.astype(np.float64)
    np.testing.assert_allclose(log_pt, np.log(pt[:30]), rtol=1e-6)
    np.testing.assert_allclose(log_e, np.log(np.hypot(pt * np.cosh(eta), mass)[:30]), rtol=1e-6)
    # The frame comes from all 40 constituents: recompute it from the untruncated cloud.
    full, _ = log_clouds(jets_of([jet]), n)
    fx, fy = full[0, :, 2].astype(np.float64), full[0, :, 3].astype(np.float64)
    w = pt / pt.sum()
    assert abs(np.sum(w * fx)) < 1e-5
    assert abs(np.sum(w * fy)) < 1e-5
    assert abs(np.sum(w * fx * fy)) < 1e-5  # principal axes along eta', phi'
    assert np.sum(w * fx * fx) > np.sum(w * fy * fy)  # the major one along eta'
    assert fx[0] >= 0
    assert fy[0] >= 0
    np.testing.assert_allclose(full[0, :30], features[0], atol=1e-6)
    # Distances between constituents are those of the (eta, phi) plane.
    dphi = np.mod(phi[1] - phi[0] + np.pi, 2 * np.pi) - np.pi
    assert np.hypot(fx[1] - fx[0], fy[1] - fy[0]) == pytest.approx(
        np.hypot(eta[1] - eta[0], dphi), rel=1e-5
    )


def test_log_clouds_pad_short_jets():
    jet = [{"pt": 50.0, "eta": 0.0, "phi": 0.0, "mass": 0.0, "pid": 22, "charge": 0}] * 3
    features, mask = log_clouds(jets_of([jet, jet[:1]]), 5)
    assert mask.sum(axis=1).tolist() == [3, 1]
    assert not features[~mask].any()


def test_k_classes_balanced_per_split():
    rng = np.random.default_rng(0)
    n = 3000
    index = ak.zip(
        {
            "event_id": np.arange(n),
            "split": rng.choice(["train", "val", "test"], n, p=[0.75, 0.1, 0.15]),
            "label": rng.choice([0, 1, 2], n, p=[0.5, 0.3, 0.2]).astype(np.int8),
        }
    )
    keep = balanced(index, 3)
    for split in ("train", "val", "test"):
        rows = ak.to_numpy(index.split) == split
        counts = np.bincount(ak.to_numpy(index.label)[rows & keep], minlength=3)
        smallest = np.bincount(ak.to_numpy(index.label)[rows], minlength=3).min()
        assert counts.tolist() == [smallest] * 3


def test_mass_augmented_labels_share_one_mass_histogram():
    """Seed 004's resampling: per split and 10 GeV bin, every label keeps as many jets as
    the scarcest has there (QCD's shape where the others cover it); the same jets twice;
    jets of a group's samples are chosen by their own hash, whatever their event ids."""
    rng = np.random.default_rng(2)
    n = 6000
    label = rng.choice([0, 1, 2], n).astype(np.int8)
    mass = np.where(
        label == 0,
        rng.gamma(4.0, 25.0, n),  # QCD: a broad peak near 75 GeV and a tail
        np.where(label == 1, rng.uniform(30, 260, n), rng.uniform(60, 320, n)),
    )
    index = ak.zip(
        {
            "sample": np.where(label == 0, "qcd", np.where(rng.random(n) < 0.5, "a", "b")),
            "event_id": rng.integers(0, 500, n),  # colliding ids across samples
            "split": rng.choice(["train", "val", "test"], n, p=[0.75, 0.1, 0.15]),
            "label": label,
            "jet_mass": mass.astype(np.float32),
        }
    )
    keep = same_mass_histograms(index, 3, 10.0)
    np.testing.assert_array_equal(keep, same_mass_histograms(index, 3, 10.0))
    bins = np.floor(mass / 10.0).astype(int)
    split = ak.to_numpy(index.split)
    for name in ("train", "val", "test"):
        rows = split == name
        for b in np.unique(bins[rows]):
            cell = rows & (bins == b)
            kept = np.bincount(label[cell & keep], minlength=3)
            assert kept.tolist() == [np.bincount(label[cell], minlength=3).min()] * 3
    # Below 30 GeV only QCD has jets: none is kept there. Where QCD is the scarcest label,
    # every QCD jet is kept: there the common histogram is QCD's.
    assert not np.any(keep & (mass < 30))
    assert np.any(keep)
    qcd_kept = [
        np.all(keep[(split == name) & (bins == b) & (label == 0)])
        for name in ("train", "val", "test")
        for b in range(8, 20)
        if np.argmin(np.bincount(label[(split == name) & (bins == b)], minlength=3)) == 0
    ]
    assert qcd_kept
    assert all(qcd_kept)


def test_pt_window_keeps_jets_inside():
    rng = np.random.default_rng(1)
    jets = ak.zip(
        {
            "event_id": np.arange(2000),
            "jet_pt": rng.uniform(400, 800, 2000).astype(np.float32),
            "jet_mass": rng.uniform(0, 300, 2000).astype(np.float32),
        }
    )
    fractions = {"train": 0.75, "val": 0.10, "test": 0.15}
    kept = select_jets(jets, "qcd_dijet", [], fractions, jet_pt_min=550.0, jet_pt_max=650.0)
    pt = ak.to_numpy(jets.jet_pt)
    assert len(kept) == np.sum((pt > 550) & (pt < 650)) > 0
    assert ak.all((kept.jet_pt > 550) & (kept.jet_pt < 650))
    assert "window_550" not in ak.fields(kept)


def _dataset(run, representation: str, where: str) -> dict:
    return load_dataset(run / f"results/{STUDY}/datasets/{representation}/{where}")


@pytest.mark.slow
def test_class_and_unseen_datasets(anti_qcd_run):
    for split in ("train", "val", "test"):
        data = _dataset(anti_qcd_run, "log_cloud", f"all/{split}")
        counts = np.bincount(np.asarray(data["label"]), minlength=3)
        assert len(counts) == 3, split
        assert counts.min() == counts.max() > 0, split
        pt = np.asarray(data["jet_pt"])
        assert np.all((pt > WINDOW[0]) & (pt < WINDOW[1]))
    meta = read_json(anti_qcd_run / f"results/{STUDY}/datasets/log_cloud/all/train/meta.json")
    assert meta["n_classes"] == 3
    assert meta["features"] == ["log_e", "log_pt", "eta_rot", "phi_rot"]
    # One-vs-all: W and top jets share label 1, as many as the QCD jets.
    ova = _dataset(anti_qcd_run, "log_cloud", "ova/train")
    all_train = _dataset(anti_qcd_run, "log_cloud", "all/train")
    counts = np.bincount(np.asarray(ova["label"]))
    assert counts.tolist() == [counts[0], counts[0]]
    assert counts[0] >= np.sum(np.asarray(all_train["label"]) == 0)
    qcd_w = read_json(anti_qcd_run / f"results/{STUDY}/datasets/log_cloud/qcd_w/val/meta.json")
    assert qcd_w["n_classes"] == 2
    for sample in UNSEEN:
        data = _dataset(anti_qcd_run, "log_cloud", f"unseen/{sample}")
        assert len(data["label"]) > 0
        assert set(np.asarray(data["label"]).tolist()) == {3}
        index = read_parquet(anti_qcd_run / paths.UNSEEN_INDEX.format(study=STUDY, sample=sample))
        assert len(index) == len(data["label"])  # every jet of the window, all splits
        # log pT of the hardest constituent below log of the jet's pT
        assert np.all(data["features"][:, 0, 1] < np.log(np.asarray(data["jet_pt"])))


@pytest.mark.slow
def test_mass_augmented_set_trains_on_equal_mass_histograms(anti_qcd_run):
    """The augmented set's jets (W and top with rescaled masses beside the nominal ones)
    have the same count per 20 GeV mass bin in every label and split, and its
    classifiers are in the tables and have their score-against-mass figures."""
    samples = set()
    for split in ("train", "val", "test"):
        index = read_parquet(
            anti_qcd_run / paths.CLASS_INDEX.format(study=STUDY, class_set="augmented", split=split)
        )
        kept = index[index.balanced]
        samples |= set(ak.to_list(kept.sample))
        data = _dataset(anti_qcd_run, "log_cloud", f"augmented/{split}")
        label = np.asarray(data["label"])
        mass_bin = np.floor(np.asarray(data["jet_mass"]) / 20.0).astype(int)
        assert len(label) == len(kept) > 0, split
        for b in np.unique(mass_bin):
            counts = np.bincount(label[mass_bin == b], minlength=3)
            assert counts.min() == counts.max(), (split, b, counts)
    assert {"wprime_m1250_mw150", "ttbar_zprime_m1500_mt100"} <= samples
    table = (anti_qcd_run / paths.ANOMALY_TABLES.format(study=STUDY)).read_text()
    assert "| pfn | baseline | augmented | -p_QCD |" in table
    assert "augmented (equal jet-mass histograms)" in table
    sculpting = table.split("## Mass sculpting")[1]
    assert sculpting.count("| pfn | baseline |") == 2 * 4  # two scores, four class sets
    for class_set in ("all", "augmented", "ova", "qcd_w"):
        name = paths.ANOMALY_MASS.format(model="pfn", method="baseline", class_set=class_set)
        figure = anti_qcd_run / paths.plot(name).format(study=STUDY)
        assert figure.stat().st_size > 10_000
        assert figure.with_suffix(".pdf").is_file()


@pytest.mark.slow
def test_scores_and_tables(anti_qcd_run):
    seeds = CONFIG["training"]["seeds"]
    members = []
    for seed in range(seeds):
        where = {"study": STUDY, "model": "pfn", "method": "baseline", "seed": seed}
        where["class_set"] = "all"
        jets = read_parquet(anti_qcd_run / paths.ANOMALY_SCORES.format(**where))
        metrics = read_json(anti_qcd_run / paths.ANOMALY_METRICS.format(**where))
        assert set(metrics["signals"]) == set(CLASSES[1:] + UNSEEN)
        qcd_train = np.sum(
            np.asarray(_dataset(anti_qcd_run, "log_cloud", "all/train")["label"]) == 0
        )
        assert metrics["fit_jets"] == min(CONFIG["anti_qcd"]["fit_jets"], qcd_train)
        assert np.all(ak.to_numpy(jets.minus_p_qcd) <= 0)
        assert np.all(ak.to_numpy(jets.mahalanobis) >= 0)
        members.append(jets)
    table = (anti_qcd_run / paths.ANOMALY_TABLES.format(study=STUDY)).read_text()
    # The ensemble's AUC on each unseen signal: the seeds' scores averaged jet by jet.
    sample = ak.to_numpy(members[0]["sample"])
    qcd = ak.to_numpy(members[0].label) == 0
    for score, name in (("minus_p_qcd", "-p_QCD"), ("mahalanobis", "MD")):
        row = next(line for line in table.splitlines() if f"| all | {name} | {seeds} |" in line)
        mean = np.mean([ak.to_numpy(m[score]) for m in members], axis=0)
        for signal in UNSEEN:
            rows = qcd | (sample == signal)
            auc = figures_of_merit((~qcd[rows]).astype(int), mean[rows])["auc"]
            assert f"{auc:.3f}" in row
    assert "seed 0.782 ± 0.004" not in table  # the seed's numbers are ParticleNet's
    # OVA-AVA: -p_QCD of the one-vs-all and all-vs-all classifiers averaged, per seed.
    ova = [
        read_parquet(
            anti_qcd_run
            / paths.ANOMALY_SCORES.format(
                study=STUDY, model="pfn", method="baseline", class_set="ova", seed=seed
            )
        )
        for seed in range(seeds)
    ]
    row = next(line for line in table.splitlines() if "(OVA-AVA) | -p_QCD |" in line)
    aucs = []
    for one, every in zip(ova, members, strict=True):
        score = (ak.to_numpy(one.minus_p_qcd) + ak.to_numpy(every.minus_p_qcd)) / 2
        rows = qcd | (sample == UNSEEN[0])
        aucs.append(figures_of_merit((~qcd[rows]).astype(int), score[rows])["auc"])
    assert f"{np.mean(aucs):.3f} ± {np.std(aucs):.3f}" in row


@pytest.mark.slow
def test_anti_qcd_reruns_exactly_what_a_change_touches(anti_qcd_run, tmp_path):
    after_selection = {  # 4 class sets, 2 seeds
        "index_classes": 4,
        "index_unseen": 3,
        "build_class_datasets": 4,
        "build_unseen_dataset": 3,
        "train_classifier": 8,
        "score_anomalies": 8,
        "tabulate_anomalies": 1,
        "plot_anomaly_mass": 4,
    }
    datasets = {k: v for k, v in after_selection.items() if not k.startswith("index")}
    untouched = copy.deepcopy(CONFIG)
    for key, value in (  # the founding study's keys
        ("masses", [150, 300]),
        ("cuts.jet_pt_min", 1000.0),
        ("cuts.window_fraction", 0.2),
        ("training.source_splits", [[150, 300]]),
        ("datasets.image_pixels", 25),
    ):
        untouched = changed(key, value, untouched)
    augmented = CONFIG["anti_qcd"]["class_sets"]["augmented"]
    one_set = {
        "index_classes": 1,
        "build_class_datasets": 1,
        "train_classifier": 2,
        "score_anomalies": 2,
        "tabulate_anomalies": 1,
        "plot_anomaly_mass": 1,
    }
    cases = {
        "unchanged and the founding study's keys": (untouched, {}),
        "anti_qcd.fit_jets": (
            changed("anti_qcd.fit_jets", 50, CONFIG),
            {"score_anomalies": 8, "tabulate_anomalies": 1, "plot_anomaly_mass": 4},
        ),
        "a new class set": (
            changed(
                "anti_qcd.class_sets",
                {**CONFIG["anti_qcd"]["class_sets"], "qcd_top": [[CLASSES[0]], [CLASSES[2]]]},
                CONFIG,
            ),
            one_set,
        ),
        "the augmented set's mass bins": (
            changed(
                "anti_qcd.class_sets",
                {
                    **CONFIG["anti_qcd"]["class_sets"],
                    "augmented": {**augmented, "mass_bin_width": 10},
                },
                CONFIG,
            ),
            one_set,
        ),
        "anti_qcd.events.augmented": (
            changed("anti_qcd.events.augmented", 300, CONFIG),
            {
                **dict.fromkeys(("generate_events", "simulate_detector", "cluster_jets"), 2),
                "select_jets": 2,
                "merge_cutflow": 2,
                "tabulate_cutflow": 1,
                **one_set,
            },
        ),
        "anti_qcd.pt_window": (
            changed("anti_qcd.pt_window", [560.0, 640.0], CONFIG),
            {"select_jets": 8, "merge_cutflow": 8, "tabulate_cutflow": 1, **after_selection},
        ),
        "anti_qcd.representation": (
            changed("anti_qcd.representation", "point_cloud", CONFIG),
            datasets,
        ),
        "training.seeds": (
            changed("training.seeds", 3, CONFIG),
            {
                "train_classifier": 4,
                "score_anomalies": 4,
                "tabulate_anomalies": 1,
                "plot_anomaly_mass": 4,
            },
        ),
    }
    found = {
        name: dry_run(anti_qcd_run, config, tmp_path, name.replace(" ", "_").replace("'", ""))
        for name, (config, _) in cases.items()
    }
    assert found == {name: jobs for name, (_, jobs) in cases.items()}


@pytest.mark.slow
def test_a_class_sample_is_not_an_unseen_signal(anti_qcd_run, tmp_path):
    from .conftest import snakemake

    target = paths.UNSEEN_INDEX.format(study=STUDY, sample="wprime_m1250")
    done = snakemake(anti_qcd_run, "--configfile", str(ANTI_QCD_SMOKE), "-n", target)
    assert done.returncode != 0
    assert "wprime_m1250: not an unseen signal" in done.stdout + done.stderr
    assert "anti_qcd.unseen" in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("class_sets", "message"),
    [
        ({"all": [["qcd_dijet"], ["wprime_m1250"]]}, r"anti_qcd\.class_sets"),
        ({"w": [["wprime_m1250"], ["qcd_dijet"]]}, r"class_sets\.w: the first group must be"),
        ({"w": [["qcd_dijet"], ["wprime_m1250_mw5"]]}, r"class_sets\.w: sample wprime_m1250_mw5"),
        ({"w": [["qcd_dijet"], ["axion_m5"]]}, r"class_sets\.w: unknown sample 'axion_m5'"),
        (
            {"w": [["qcd_dijet"], ["hh4b_m174_mh20"]]},
            r"class_sets\.w: hh4b_m174_mh20 is an unseen signal",
        ),
        (
            {"w": {"groups": [["qcd_dijet"], ["wprime_m1250"]], "methods": ["sngp"]}},
            r"class_sets\.w\.methods: sngp is not one of training\.methods",
        ),
        (
            {"w": {"groups": [["qcd_dijet"], ["wprime_m1250"]], "mass_bin_width": 0}},
            r"anti_qcd\.class_sets\.w: ",
        ),
        (
            {"w": [["qcd_dijet"], ["wprime_m1250"], ["wprime_m1250"]]},
            r"class_sets\.w: wprime_m1250 is in more than one group",
        ),
        ({"w": [["qcd_dijet"]]}, r"anti_qcd\.class_sets\.w: "),
    ],
)
def test_bad_class_sets_are_named(class_sets, message):
    from massgen.config import validate_config
    from massgen.errors import ConfigError

    config = {"study": "x", "kind": "anti_qcd", "anti_qcd": {"class_sets": class_sets}}
    with pytest.raises(ConfigError, match=message):
        validate_config(config)


def test_mass_augmented_class_sets_add_their_samples_and_choose_their_methods():
    """Samples only a class set names are generated with anti_qcd.events.augmented
    events; a set with mass_bin_width is mass-matched; a set's methods restrict its
    classifiers."""
    from massgen import params
    from massgen.config import validate_config
    from massgen.samples import of_study

    w = ["wprime_m1250", "wprime_m1250_mw150"]
    top = ["ttbar_zprime_m1500", "ttbar_zprime_m1500_mt250"]
    config = {
        "study": "x",
        "kind": "anti_qcd",
        "training": {"methods": ["baseline", "disco"]},
        "anti_qcd": {
            "events": {"augmented": 700},
            "class_sets": {
                "augmented": {
                    "groups": [["qcd_dijet"], w, top],
                    "mass_bin_width": 10,
                    "methods": ["baseline"],
                },
                "qcd_w": [["qcd_dijet"], ["wprime_m1250"]],
            },
        },
    }
    validate_config(config)
    names = [s.name for s in of_study(config)]
    assert names == [*CLASSES, *UNSEEN, w[1], top[1]]
    assert params.generation(config, w[1], 0)["n_events"] == 700
    assert params.class_sets(config)["augmented"] == [["qcd_dijet"], w, top]
    assert params.mass_bin_widths(config) == {"augmented": 10}
    grid = params.classifier_grid(config)
    assert ("pfn", "disco", "augmented") not in grid
    assert {("pfn", m, s) for m in ("baseline", "disco") for s in ("all", "qcd_w")} < set(grid)
    assert ("pfn", "baseline", "augmented") in grid
