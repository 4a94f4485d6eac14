"""A training checkpoint -> the package weights file (``kipoi-prism export``).

``kipoi-prism train`` already exports its best epoch to ``RUN_DIR/weights.pt``;
:func:`export_checkpoint` exports any other checkpoint of a run: the network, the momentum
prototypes of the training cell lines and the decision threshold calibrated on validation
data at that checkpoint's epoch, with metadata naming where they came from and whether the
epoch's environment stream had trained (``fit.environment_trained``; a warning when not),
plus the entries the run was asked to carry (``fit(metadata=...)``: the feature recipe).
"""

from __future__ import annotations

import logging
import os
import pickle
import zipfile
from pathlib import Path

from kipoi_prism.errors import PrismInputError

log = logging.getLogger(__name__)


def export_checkpoint(checkpoint: str | os.PathLike, out: str | os.PathLike) -> Path:
    """Write the weights file ``out`` from a ``kipoi-prism train`` checkpoint.

    Parameters
    ----------
    checkpoint : str or PathLike
        A ``.ckpt`` of a training run.
    out : str or PathLike
        The weights file to write (atomically; its folder is created).

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    PrismInputError
        The checkpoint is missing or is not a kipoi-prism training checkpoint.
    """
    from kipoi_prism.training.curriculum import environment_trained
    from kipoi_prism.training.fit import export_weights
    from kipoi_prism.training.module import PrismLightning

    path = Path(checkpoint)
    if not path.is_file():
        raise PrismInputError("checkpoint not found", path)
    try:
        module = PrismLightning.load_from_checkpoint(path, map_location="cpu", weights_only=False)
    except (KeyError, TypeError, RuntimeError, EOFError, pickle.UnpicklingError,
            zipfile.BadZipFile) as error:  # fmt: skip
        raise PrismInputError(f"not a kipoi-prism training checkpoint ({error})", path) from None
    if module.model.element_read is not None:
        raise PrismInputError(
            "the run's model has model.element_read: its read is fitted on the training "
            "pairs when training ends and is in the run's weights.pt, not in its checkpoints "
            "(use that file, or train again)", path,
        )  # fmt: skip
    row = module.history[-1] if module.history else {}
    trained = environment_trained(row)
    if not trained:
        log.warning("%s: epoch %s lies inside the warm-up: the exported environment stream "
                    "(f_E', g_E, lam, T) never trained", path, row.get("epoch", 0))  # fmt: skip
    metadata = {**module.weights_metadata,
                "exported_from": str(path), "epoch": int(row.get("epoch", 0)),
                "val_aupr": float(row.get("val_aupr", float("nan"))),
                "trained_on": {"cell_lines": module.cell_lines,
                               "val_cell_lines": module.val_cell_lines},
                "train_config": module.train_config.to_dict(),
                "fit": {"environment_trained": trained}}  # fmt: skip
    return export_weights(module.objective, out, metadata)
