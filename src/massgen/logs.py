"""Logging set-up for rule scripts: everything, warnings included, goes to the job's log."""

from __future__ import annotations

import logging
import sys


def setup_logging(path: str | None = None) -> None:
    """Send INFO-level logging and uncaught exceptions to ``path`` (stderr if None)."""
    handler = logging.FileHandler(path) if path else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.captureWarnings(True)

    def log_exception(kind, value, tb) -> None:
        logging.getLogger("massgen").error("failed", exc_info=(kind, value, tb))
        sys.__excepthook__(kind, value, tb)

    sys.excepthook = log_exception
