"""selene-sdk 0.6.0 on today's torch and matplotlib: the fixes hold, nothing else changes."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
import selene_sdk.train_model
import selene_sdk.utils
import torch
from predict_helpers import single_thread  # noqa: F401 - a fixture
from selene_helpers import (
    CELLS,
    MODEL_FILE,
    TINY,
)

from kipoi_prism.errors import PrismInputError
from kipoi_prism.integrations.selene import model as selene_model
from kipoi_prism.integrations.selene import workarounds

pytestmark = pytest.mark.usefixtures("single_thread")


# --------------------------------------------------------------------------- workarounds


def test_kipoi_prism_export_selene_keeps_the_pkg_resources_warning_off_the_terminal(tmp_path):
    """Selene imports setuptools' deprecated pkg_resources; a user of kipoi-prism sees none of
    it (a fresh process: the warning comes once, on the first import). Other warnings stay."""
    import os
    import subprocess
    import sys

    command = "main(['export-selene', 'missing.pth.tar', '--out', 'w.pt'])"
    code = (f"import warnings; from kipoi_prism.cli.main import main; "
            f"warnings.warn('another warning'); raise SystemExit({command})")  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, env=environment)  # fmt: skip
    assert done.returncode == 2 and "missing.pth.tar: checkpoint not found" in done.stderr
    assert "another warning" in done.stderr
    assert "pkg_resources" not in done.stderr


def test_plateau_scheduler_takes_verbose_and_torch_is_left_alone():
    def optimizer():
        return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)

    scheduler = selene_sdk.train_model.ReduceLROnPlateau(
        optimizer(), "min", patience=0, factor=0.5, verbose=True
    )
    assert isinstance(scheduler, workarounds.PlateauScheduler)
    scheduler.step(1.0)
    scheduler.step(2.0)  # no improvement, patience 0: halve
    assert scheduler.optimizer.param_groups[0]["lr"] == 0.5
    with pytest.raises(TypeError, match="verbose"):
        torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer(), "min", verbose=True)


def test_checkpoints_with_a_numpy_min_loss_load_weights_only(tmp_path):
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    path = tmp_path / "best_model.pth.tar"
    torch.save({"step": 7, "state_dict": model.state_dict(), "optimizer": optimizer.state_dict(),
                "min_loss": np.average([0.5, 0.25])}, path)  # fmt: skip
    with pytest.raises(Exception, match="Weights only load failed"):
        torch.load(path)  # outside Selene's loaders nothing is relaxed
    trainer = SimpleNamespace(model=torch.nn.Linear(2, 1), optimizer=torch.optim.SGD(
        torch.nn.Linear(2, 1).parameters(), lr=0.1), max_steps=10, use_cuda=False)  # fmt: skip
    selene_sdk.train_model.TrainModel._load_checkpoint(trainer, str(path))
    assert trainer.step == 7 and trainer._min_loss == 0.375
    assert torch.equal(trainer.model.weight, model.weight)


@pytest.mark.filterwarnings("ignore:color is redundantly defined")  # Selene's plotting code
def test_evaluation_plots_use_a_style_matplotlib_knows(tmp_path):
    import matplotlib.style

    assert "seaborn-colorblind" not in matplotlib.style.available  # renamed in matplotlib 3.6
    assert workarounds.matplotlib_style("seaborn-colorblind") == "seaborn-v0_8-colorblind"
    assert workarounds.matplotlib_style("ggplot") == "ggplot"
    curves = selene_sdk.utils.performance_metrics
    target = np.array([[0.0], [1.0], [1.0], [0.0]])
    prediction = np.array([[0.1], [0.8], [0.4], [0.3]])
    curves.visualize_roc_curves(prediction, target, str(tmp_path), report_gt_feature_n_positives=0)
    assert (tmp_path / "roc_curves.svg").stat().st_size > 0


def test_criterion_refuses_training_predictions_without_the_model_step():
    predictions = torch.full((3, 1), 0.5, requires_grad=True)
    targets = torch.tensor([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="not the output of PrismSeleneModel"):
        selene_model.criterion()(predictions * 1, targets)
    loss = selene_model.criterion()(predictions.detach(), targets[:, :1])  # EvaluateModel's columns
    assert float(loss) == pytest.approx(math.log(2), rel=1e-6)


def test_lr_from_yaml_becomes_a_float():
    model_configs = {"path": str(MODEL_FILE), "class": "PrismSeleneModel",
                     "class_args": {"cell_lines": CELLS, "model": TINY}}  # fmt: skip
    _, loss, optimizer_class, kwargs = selene_sdk.utils.config_utils.initialize_model(
        model_configs, train=True, lr="1e-3"
    )
    assert kwargs["lr"] == 0.001 and isinstance(kwargs["lr"], float)
    assert issubclass(optimizer_class, torch.optim.AdamW)
    assert isinstance(loss, selene_model.PrismSeleneCriterion)
    with pytest.raises(PrismInputError, match="lr: 'fast' is not a number"):
        selene_sdk.utils.config_utils.initialize_model(model_configs, train=True, lr="fast")
