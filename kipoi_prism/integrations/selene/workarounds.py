"""selene-sdk 0.6.0 on today's torch and matplotlib: narrow fixes to Selene's own names.

Importing this module (the sampler, model and checkpoint modules of
:mod:`kipoi_prism.integrations.selene` do, so the YAML's
``!obj:kipoi_prism.integrations.selene.sampler...`` tag and the model file Selene loads both
do) applies four narrow fixes to Selene's own names, never to torch's
(:func:`apply_selene_workarounds`):

1. ``selene_sdk.train_model.ReduceLROnPlateau`` becomes :class:`PlateauScheduler`, which
   accepts the ``verbose`` argument torch 2.x removed (Selene passes ``verbose=True``).
2. ``TrainModel._load_checkpoint`` and ``EvaluateModel.__init__`` load checkpoints inside
   :func:`torch.serialization.safe_globals` allowing numpy scalars: Selene stores
   ``min_loss`` as ``numpy.float64``, which ``torch.load``'s default ``weights_only=True``
   rejects. Loading stays weights-only; nothing else is allowed.
3. ``initialize_model`` receives ``lr`` as a float: YAML reads ``1e-3`` (no dot) as a
   string and Selene's check ``isinstance(lr, float)`` then refuses to train.
4. The ROC and precision-recall plots of ``EvaluateModel`` ask matplotlib for the style
   ``seaborn-colorblind``, renamed ``seaborn-v0_8-colorblind`` in matplotlib 3.6; the
   two drawing functions in ``selene_sdk.utils.performance_metrics`` get the new name.
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

try:
    with warnings.catch_warnings():
        # Selene imports setuptools' pkg_resources, which warns that it is deprecated on
        # import: nothing a kipoi-prism user can act on (only this warning is dropped).
        warnings.filterwarnings(
            "ignore", message="pkg_resources is deprecated", category=UserWarning
        )
        import selene_sdk.evaluate_model
        import selene_sdk.train_model
        import selene_sdk.utils
        import selene_sdk.utils.config_utils
        import selene_sdk.utils.performance_metrics
except ModuleNotFoundError as error:  # pragma: no cover - depends on the installation
    raise ModuleNotFoundError(
        f"kipoi_prism.integrations.selene needs selene-sdk 0.6.0 ({error}); install it with "
        "scripts/setup.sh, or: pip install -r requirements/selene.txt && "
        "pip install --no-deps selene-sdk==0.6.0"
    ) from error


from kipoi_prism.errors import PrismInputError

selene_log = logging.getLogger("selene")  # Selene's run log (output_dir/*.log)


class PlateauScheduler(torch.optim.lr_scheduler.ReduceLROnPlateau):
    """``ReduceLROnPlateau`` that accepts ``verbose`` (removed from torch's class in 2.x).

    With ``verbose=True`` each reduction is logged to Selene's log.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, *args, verbose: bool = False, **kwargs):
        super().__init__(optimizer, *args, **kwargs)
        self.verbose = bool(verbose)

    def step(self, metrics, *args, **kwargs) -> None:
        before = [group["lr"] for group in self.optimizer.param_groups]
        super().step(metrics, *args, **kwargs)
        if not self.verbose:
            return
        for index, (old, group) in enumerate(zip(before, self.optimizer.param_groups, strict=True)):
            if group["lr"] < old:
                selene_log.info("reducing learning rate of group %d to %.4e", index, group["lr"])


def numpy_scalar_globals() -> list[Any]:
    """What a weights-only ``torch.load`` needs to read numpy scalars (Selene's ``min_loss``)."""
    core = getattr(np, "_core", None) or np.core
    return [core.multiarray.scalar, np.dtype, *_numpy_dtype_classes()]


def _numpy_dtype_classes() -> list[type]:
    dtypes = getattr(np, "dtypes", None)
    names = ("Float64DType", "Float32DType", "Int64DType", "Int32DType", "BoolDType")
    return [getattr(dtypes, n) for n in names if dtypes is not None and hasattr(dtypes, n)]


def with_numpy_scalars(function: Callable) -> Callable:
    """Run ``function`` with numpy scalars allowed in weights-only ``torch.load`` calls."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with torch.serialization.safe_globals(numpy_scalar_globals()):
            return function(*args, **kwargs)

    wrapper.prism_workaround = True
    return wrapper


def as_float_lr(lr: Any) -> Any:
    """``lr`` as a float when YAML left a number as a string (``1e-3``) or an int.

    ``None`` stays ``None`` (Selene then reports the missing learning rate itself).

    Raises
    ------
    PrismInputError
        ``lr`` is a string that is not a number.
    """
    if isinstance(lr, bool) or lr is None or isinstance(lr, float):
        return lr
    if isinstance(lr, int):
        return float(lr)
    if isinstance(lr, str):
        try:
            return float(lr)
        except ValueError:
            raise PrismInputError(f"lr: {lr!r} is not a number (e.g. lr: 1.0e-3)") from None
    return lr


def _float_lr(initialize_model: Callable) -> Callable:
    @functools.wraps(initialize_model)
    def wrapper(model_configs, train=True, lr=None):
        return initialize_model(model_configs, train=train, lr=as_float_lr(lr))

    wrapper.prism_workaround = True
    return wrapper


def matplotlib_style(style: str) -> str:
    """A style name matplotlib knows: ``seaborn-*`` became ``seaborn-v0_8-*`` in 3.6."""
    import matplotlib.style

    if style in matplotlib.style.available or not style.startswith("seaborn-"):
        return style
    renamed = style.replace("seaborn-", "seaborn-v0_8-", 1)
    return renamed if renamed in matplotlib.style.available else style


def _known_style(draw: Callable) -> Callable:
    @functools.wraps(draw)
    def wrapper(*args, style: str = "seaborn-colorblind", **kwargs):
        return draw(*args, style=matplotlib_style(style), **kwargs)

    wrapper.prism_workaround = True
    return wrapper


def apply_selene_workarounds() -> None:
    """Patch selene-sdk 0.6.0's names for torch 2.x (see the module docstring). Idempotent."""
    selene_sdk.train_model.ReduceLROnPlateau = PlateauScheduler
    train_model = selene_sdk.train_model.TrainModel
    if not getattr(train_model._load_checkpoint, "prism_workaround", False):
        train_model._load_checkpoint = with_numpy_scalars(train_model._load_checkpoint)
    evaluate_model = selene_sdk.evaluate_model.EvaluateModel
    if not getattr(evaluate_model.__init__, "prism_workaround", False):
        evaluate_model.__init__ = with_numpy_scalars(evaluate_model.__init__)
    curves = selene_sdk.utils.performance_metrics
    for name in ("visualize_roc_curves", "visualize_precision_recall_curves"):
        if not getattr(getattr(curves, name), "prism_workaround", False):
            setattr(curves, name, _known_style(getattr(curves, name)))
    config_utils = selene_sdk.utils.config_utils
    if not getattr(config_utils.initialize_model, "prism_workaround", False):
        config_utils.initialize_model = _float_lr(config_utils.initialize_model)
        selene_sdk.utils.initialize_model = config_utils.initialize_model


apply_selene_workarounds()
