"""``kipoi-prism register``: make prism-energy a Kipoi model, source ``prism``.

Adds (or updates) the ``prism`` entry of Kipoi's ``~/.kipoi/config.yaml``, keeping every
other source; see :mod:`kipoi_prism.integrations.kipoi.register`. Afterwards::

    kipoi predict prism-energy --source prism \\
        --dataloader_args='{"pairs": "example/pairs.bedpe", "fasta": "example/genome.fa"}' \\
        -o out.tsv
"""

from __future__ import annotations

import argparse
import logging

log = logging.getLogger("kipoi_prism.register")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``register``."""
    parser = subparsers.add_parser(
        "register",
        help="add prism-energy to Kipoi as model source 'prism'",
        description="Add the Kipoi model source 'prism' (the model directory shipped with "
        "this package) to ~/.kipoi/config.yaml, keeping every other source. Idempotent.",
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Register; say what changed and how to use it."""
    from kipoi_prism.integrations.kipoi.register import (
        MODEL_NAME,
        SOURCE_NAME,
        kipoi_config_path,
        kipoi_source_dir,
        register,
    )

    path = kipoi_config_path()
    outcome = register(path)
    log.info("%s Kipoi model source %r -> %s in %s", outcome, SOURCE_NAME, kipoi_source_dir(), path)
    log.info(
        'try: kipoi predict %s --source %s --dataloader_args=\'{"pairs": "PAIRS.bedpe", '
        '"fasta": "GENOME.fa"}\' -o out.tsv',
        MODEL_NAME,
        SOURCE_NAME,
    )
    return 0
