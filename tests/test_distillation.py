"""Distillation (``train.distill_weight``): the term, the batches' teacher column, its checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from toy_training import quiet_trainer, tiny_model, tiny_train, toy_batch, toy_split_run

from kipoi_prism.errors import PrismInputError
from kipoi_prism.training.curriculum import phase_at
from kipoi_prism.training.datasets import TEACHER_COLUMN, check_teachers
from kipoi_prism.training.fit import fit
from kipoi_prism.training.objective import PrismObjective

CELLS = ["A", "B"]


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return toy_split_run(tmp_path_factory.mktemp("distillation"))


def _with_teachers(frame: pd.DataFrame) -> pd.DataFrame:
    """Each row's teacher a distinct probability, so a misaligned batch shows."""
    return frame.assign(**{TEACHER_COLUMN: (np.arange(len(frame)) + 0.5) / len(frame)})


def test_batches_carry_each_query_rows_teacher_only_when_distilling(toy):
    _, genome, train, _ = toy
    train = _with_teachers(train)
    batch = toy_batch(genome, train, CELLS, teachers=True)
    expected = train[TEACHER_COLUMN].to_numpy(np.float32)[batch["row"].numpy()]
    np.testing.assert_array_equal(batch["teacher"].numpy(), expected)
    assert len(batch["teacher"]) == int(batch["n_query"])
    # Off, a table's own column of that name (here text) is neither read nor carried.
    assert "teacher" not in toy_batch(genome, train.assign(teacher="high"), CELLS)


def test_the_term_is_the_cross_entropy_to_the_teacher_times_its_weight(toy):
    _, genome, train, _ = toy
    batch = toy_batch(genome, _with_teachers(train), CELLS, teachers=True)
    objective = PrismObjective(tiny_model(), tiny_train(distill_weight=0.7), CELLS).train()
    phase = phase_at(objective.train_config, 3)
    out, cells, z_e_cells = objective.encode_batch(batch, use_environment=True)
    terms, _ = objective.loss_terms(out, batch, cells, z_e_cells, phase)
    expected = F.binary_cross_entropy_with_logits(out["logit"], batch["teacher"])
    torch.testing.assert_close(terms["distill"], expected)
    without = {k: v for k, v in terms.items() if k != "distill"}
    torch.testing.assert_close(objective.total_loss(terms, phase),
                               objective.total_loss(without, phase) + 0.7 * expected)  # fmt: skip
    off = PrismObjective(tiny_model(), tiny_train(), CELLS).train()
    out_off, cells_off, z_e_off = off.encode_batch(batch, use_environment=True)
    assert "distill" not in off.loss_terms(out_off, batch, cells_off, z_e_off, phase)[0]
    del batch["teacher"]
    with pytest.raises(ValueError, match="no teacher"):
        objective.loss_terms(out, batch, cells, z_e_cells, phase)


def test_check_teachers_names_the_column_and_the_first_bad_line():
    frame = pd.DataFrame({"name": ["a", "b", "c", "d"], "label": [1, 0, -1, 0],
                          "line": [2, 3, 4, 5]})  # fmt: skip
    with pytest.raises(PrismInputError, match="needs a 'teacher' column .*name, label, line"):
        check_teachers(frame)
    check_teachers(frame.assign(teacher=[1.0, 0.0, np.nan, 0.25]))  # unlabelled rows: unread
    bad = r"line 3: teacher 1.5 is not a probability in \[0, 1\] \(2 such training pairs\)"
    with pytest.raises(PrismInputError, match=bad):
        check_teachers(frame.assign(teacher=[0.5, 1.5, 0.5, "high"]))
    with pytest.raises(PrismInputError, match="pair d: teacher nan"):
        check_teachers(frame.drop(columns="line").assign(teacher=[0.5, 0.5, 0.5, np.nan]))


def test_a_fit_is_pulled_towards_its_teacher_and_refused_without_one(toy):
    folder, genome, train, val = toy
    with pytest.raises(PrismInputError, match="needs a 'teacher' column"):
        fit(train, val, genome, tiny_model(), tiny_train(distill_weight=1.0), folder / "none",
            trainer_config=quiet_trainer())  # fmt: skip
    assert not (folder / "none").exists()
    # Every training pair's teacher says 0.9: a heavy term drives the network's training
    # probabilities there (its cross-entropy falls to near the teacher's own entropy,
    # 0.325) from where the labels alone keep them (about 0.4: a cross-entropy near 0.9).
    result = fit(train.assign(teacher=0.9), val, genome, tiny_model(),
                 tiny_train(distill_weight=20.0, max_epochs=3, warmup_epochs=1,
                            curriculum=False), folder / "teacher",
                 trainer_config=quiet_trainer())  # fmt: skip
    distill = result.history["train_loss_distill"].to_numpy()
    assert distill[0] > 0.6 and distill[-1] < 0.4
