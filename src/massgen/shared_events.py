"""A study reading another study's events (config ``events.study``).

The chunks under ``results/<events.study>/events/`` are reused as they are and the
missing ones are made there, so every chunk that already exists must be the one this
study would make: the same seed (from the owner's name, the base seed, sample and chunk),
number of events, first event id and Pythia settings. Otherwise Snakemake would see its
parameters changed and make it again, under the other study's results.
"""

from __future__ import annotations

from pathlib import Path

from massgen.errors import ConfigError
from massgen.files import read_json
from massgen.params import generation
from massgen.paths import EVENTS_META, n_chunks
from massgen.samples import of_study

# A chunk's metadata key for each generate_chunk argument that fixes its events.
RECORDED = {
    "seed": "seed",
    "base_seed": "base_seed",
    "study": "study",
    "n_events": "n_generated",
    "first_event_id": "first_event_id",
    "settings": "settings",
    "parton_eta_max": "parton_eta_max",
    "user_process": "user_process",
    "coupling": "coupling",
}


def check_shared_events(config: dict, root: Path | str = ".") -> None:
    """Raise :class:`ConfigError` naming the first existing chunk of the events' study
    that was made otherwise than this study would make it; nothing to check when the
    study owns its events. Keys a chunk's metadata lacks (older chunks) are not compared.
    """
    owner = config["events"]["study"]
    if owner == config["study"]:
        return
    for sample in of_study(config):
        for chunk in range(n_chunks(config, sample.name)):
            path = Path(root) / EVENTS_META.format(
                events_study=owner, sample=sample.name, chunk=chunk
            )
            if not path.is_file():
                continue
            recorded = read_json(path)
            job = generation(config, sample.name, chunk)
            for argument, key in RECORDED.items():
                if key in recorded and recorded[key] != job[argument]:
                    has, asks = _first_difference(recorded[key], job[argument])
                    raise ConfigError(
                        f"events.study: {path} has {key} {has!r} where this study asks "
                        f"{asks!r}; set the seed, events.chunk_size and event settings of "
                        f"study {owner!r}, or drop events.study"
                    )


def _first_difference(recorded: object, asked: object) -> tuple[object, object]:
    """The first differing lines of two lists of Pythia settings, else the two values."""
    if isinstance(recorded, list) and isinstance(asked, list):
        for has, asks in zip(recorded, asked, strict=False):
            if has != asks:
                return has, asks
        return recorded[len(asked) :] or None, asked[len(recorded) :] or None
    return recorded, asked
