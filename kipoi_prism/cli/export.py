"""``kipoi-prism export CHECKPOINT``: a training checkpoint -> the package weights file.

Example::

    kipoi-prism export runs/prism-energy/checkpoints/best.ckpt --out my-weights.pt
    kipoi-prism predict --weights my-weights.pt ...

The weights file holds the network, the momentum prototypes of the training cell lines and
the decision threshold calibrated on validation data at that checkpoint's epoch.
``kipoi-prism train`` already exports the best epoch to ``RUN_DIR/weights.pt``; this command
exports any other checkpoint.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kipoi_prism.errors import PrismInputError


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``export`` and its options."""
    parser = subparsers.add_parser(
        "export",
        help="export a training checkpoint to a weights file",
        description="Write the package weights file (network, prototypes, threshold) from a "
        "training checkpoint.",
    )
    parser.add_argument("checkpoint", metavar="CHECKPOINT", help="a .ckpt of `kipoi-prism train`")
    parser.add_argument("-o", "--out", required=True, metavar="PT", help="weights file to write")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    import pickle
    import zipfile

    from kipoi_prism.training.fit import export_weights
    from kipoi_prism.training.module import PrismLightning

    path = Path(args.checkpoint)
    if not path.is_file():
        raise PrismInputError("checkpoint not found", path)
    try:
        module = PrismLightning.load_from_checkpoint(path, map_location="cpu", weights_only=False)
    except (KeyError, TypeError, RuntimeError, EOFError, pickle.UnpicklingError,
            zipfile.BadZipFile) as error:  # fmt: skip
        raise PrismInputError(f"not a kipoi-prism training checkpoint ({error})", path) from None
    row = module.history[-1] if module.history else {}
    metadata = {"exported_from": str(path), "epoch": int(row.get("epoch", 0)),
                "val_aupr": float(row.get("val_aupr", float("nan"))),
                "trained_on": {"cell_lines": module.cell_lines,
                               "val_cell_lines": module.val_cell_lines},
                "train_config": module.train_config.to_dict()}  # fmt: skip
    print(export_weights(module.objective, args.out, metadata))
    return 0
