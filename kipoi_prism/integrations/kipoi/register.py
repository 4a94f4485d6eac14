"""Make prism-energy Kipoi models: the ``prism`` model source in Kipoi's config.

Adds (or updates) one entry to Kipoi's ``~/.kipoi/config.yaml``::

    model_sources:
      prism:
        type: local
        local_path: <installed kipoi_prism>/kipoi_source

That folder ships inside the package and holds the three models (:data:`MODEL_NAMES`):
``prism-energy/`` (the sequence model: the ``model.yaml``, ``dataloader.yaml`` and
``dataloader.py`` also found at the repository root), ``prism-energy-chromatin/`` (the
chromatin model trained on TargetFinder-style candidates: pairs + the user's 8 tracks, with
its ``example/``) and ``prism-energy-chromatin-window/`` (the same recipe trained on
candidates drawn within a window of each promoter: only a ``model.yaml``, whose
``default_dataloader`` is ``../prism-energy-chromatin``, and its own ``example/expect.h5``),
so it works from a plain ``pip install`` as well as from a checkout. Every other
entry (the ``kipoi`` source included) is kept as it is; registering twice changes nothing;
the file is replaced atomically (:mod:`kipoi_prism.io.atomic`), keeping its mode.
``kipoi-prism register`` runs :func:`register`. Afterwards::

    kipoi predict prism-energy --source prism \\
        --dataloader_args='{"pairs": "example/pairs.bedpe", "fasta": "example/genome.fa"}' \\
        -o out.tsv
    kipoi predict prism-energy-chromatin --source prism \\
        --dataloader_args='{"pairs": "pairs.bedpe", "ctcf": "ctcf.bw", ..., "h3k9me3": "k9.bw"}' \\
        -o out.tsv
    # prism-energy-chromatin-window: the same arguments

YAML comments in the config file are not kept (Kipoi itself writes none).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from kipoi_prism.errors import PrismInputError
from kipoi_prism.io.atomic import atomic_path
from kipoi_prism.io.feature_table import MARKS

SOURCE_NAME = "prism"
#: The chromatin models: pairs + the user's 8 tracks, one dataloader (that of the first, in
#: its folder; the others' ``model.yaml`` name it as ``default_dataloader``). Each model is
#: named as the shipped weights it loads (``kipoi_prism.model.weights.SHIPPED_WEIGHTS``).
CHROMATIN_MODELS = ("prism-energy-chromatin", "prism-energy-chromatin-window")
#: The models of the source, each a folder of :func:`kipoi_source_dir`.
MODEL_NAMES = ("prism-energy", *CHROMATIN_MODELS)
#: Each model's dataloader arguments, as ``kipoi-prism register`` shows them (placeholders).
MODEL_ARGUMENTS = {
    "prism-energy": {"pairs": "PAIRS.bedpe", "fasta": "GENOME.fa"},
    **{name: {"pairs": "PAIRS.bedpe", **{mark.lower(): f"{mark.upper()}.bw" for mark in MARKS}}
       for name in CHROMATIN_MODELS},
}  # fmt: skip


def kipoi_source_dir() -> Path:
    """The Kipoi model source shipped with the package (one folder per :data:`MODEL_NAMES`)."""
    return Path(__file__).resolve().parents[2] / "kipoi_source"


def kipoi_config_path() -> Path:
    """Kipoi's config file: ``~/.kipoi/config.yaml`` (``/tmp/.kipoi`` when HOME is read-only)."""
    home = os.path.expanduser("~")
    base = home if os.access(home, os.W_OK) else "/tmp"
    return Path(base) / ".kipoi" / "config.yaml"


def source_entry() -> dict[str, Any]:
    """The ``model_sources`` entry for the packaged source."""
    return {"type": "local", "local_path": str(kipoi_source_dir())}


def _let_kipoi_write_its_default_config() -> None:
    """Importing kipoi writes ``~/.kipoi/config.yaml`` with its default sources when there is
    none. A fresh interpreter does it, so the result does not depend on whether (or under
    which HOME) this process imported kipoi already."""
    subprocess.run([sys.executable, "-c", "import kipoi.config"], capture_output=True, check=False)


def _read_config(path: Path) -> dict[str, Any]:
    if not path.exists():
        _let_kipoi_write_its_default_config()
    if not path.exists():
        return {"model_sources": {}}
    try:
        config = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        raise PrismInputError(
            "not valid YAML; fix or remove it", path, None if line is None else line + 1
        ) from None
    if not isinstance(config, dict) or not isinstance(config.get("model_sources", {}), dict):
        raise PrismInputError("expected a mapping with a 'model_sources' mapping", path)
    config.setdefault("model_sources", {})
    return config


def _write_config(path: Path, text: str) -> None:
    """Replace ``path`` atomically (creating its folder), keeping an existing file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    with atomic_path(path, file_mode=mode) as temporary:
        temporary.write_text(text)


def register(config_path: Path | None = None) -> str:
    """Add or update the ``prism`` source in Kipoi's config.

    Parameters
    ----------
    config_path : Path, optional
        Default: :func:`kipoi_config_path`.

    Returns
    -------
    str
        ``"added"``, ``"updated"`` or ``"unchanged"``.

    Raises
    ------
    PrismInputError
        The config is not valid YAML, or a ``prism`` source exists that is not a local
        source (someone else's; it is left alone).
    """
    path = config_path or kipoi_config_path()
    config = _read_config(path)
    sources = config["model_sources"]
    wanted = source_entry()
    current = sources.get(SOURCE_NAME)
    if current == wanted:
        return "unchanged"
    if current is not None and (not isinstance(current, dict) or current.get("type") != "local"):
        raise PrismInputError(
            f"a model source named {SOURCE_NAME!r} already exists and is not a local source; "
            "remove it first",
            path,
        )
    sources[SOURCE_NAME] = wanted
    _write_config(path, yaml.safe_dump(config, sort_keys=False, default_flow_style=False, indent=4))
    return "added" if current is None else "updated"
