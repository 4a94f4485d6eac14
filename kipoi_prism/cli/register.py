"""``kipoi-prism register``: make prism-energy, prism-energy-chromatin and
prism-energy-chromatin-window Kipoi models, source ``prism``.

Adds (or updates) the ``prism`` entry of Kipoi's ``~/.kipoi/config.yaml``, keeping every
other source; see :mod:`kipoi_prism.integrations.kipoi.register`. Afterwards::

    kipoi predict prism-energy --source prism \\
        --dataloader_args='{"pairs": "example/pairs.bedpe", "fasta": "example/genome.fa"}' \\
        -o out.tsv
    kipoi predict prism-energy-chromatin --source prism \\
        --dataloader_args='{"pairs": "pairs.bedpe", "ctcf": "ctcf.bw", ..., "h3k9me3": "k9.bw"}' \\
        -o out.tsv
    # prism-energy-chromatin-window (candidates drawn within a window of each promoter,
    # as `kipoi-prism pairs` draws them): the same arguments
"""

from __future__ import annotations

import argparse
import logging

log = logging.getLogger("kipoi_prism.register")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``register``."""
    parser = subparsers.add_parser(
        "register",
        help="add prism-energy and the chromatin models to Kipoi as model source 'prism'",
        description="Add the Kipoi model source 'prism' (the model directories shipped with "
        "this package: prism-energy, the sequence model; prism-energy-chromatin and "
        "prism-energy-chromatin-window, pairs + your 8 chromatin tracks, trained on "
        "TargetFinder-style candidates and on candidates drawn within a window of each "
        "promoter) to ~/.kipoi/config.yaml, keeping every other source. Idempotent.",
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Register; say what changed and how to use it."""
    import json

    from kipoi_prism.integrations.kipoi.register import (
        MODEL_ARGUMENTS,
        MODEL_NAMES,
        SOURCE_NAME,
        kipoi_config_path,
        kipoi_source_dir,
        register,
    )

    path = kipoi_config_path()
    outcome = register(path)
    log.info("%s Kipoi model source %r -> %s (models %s) in %s", outcome, SOURCE_NAME,
             kipoi_source_dir(), ", ".join(MODEL_NAMES), path)  # fmt: skip
    for model in MODEL_NAMES:
        log.info("try: kipoi predict %s --source %s --dataloader_args='%s' -o out.tsv", model,
                 SOURCE_NAME, json.dumps(MODEL_ARGUMENTS[model]))  # fmt: skip
    return 0
