"""Training-time sequence augmentation: reverse complement and random shifts of windows.

Simulated (and real) pair tables reuse regions across many pairs, so a sequence model can
memorise the exact windows it sees. Two label-preserving changes of the one-hot windows
(layout of :mod:`kipoi_prism.io.sequence`: ``float32 (N, 4, L)``, bases A, C, G, T) make
every epoch see slightly different sequence:

* :func:`reverse_complement` reads a window off the other strand. With the bases in the
  order A, C, G, T the complement is a flip of the base axis, so the reverse complement
  is a flip of both the base and the position axis (an all-zero ``N`` column stays one).
* :func:`shift` moves each window by a few bases, filling the bases that come in with
  ``N`` (zeros) and keeping the width.

:class:`Augmenter` applies them to the query rows of a training batch
(:class:`~kipoi_prism.training.datasets.BlockBatchDataset`), switched on by
``train.reverse_complement`` and ``train.max_shift``. Its draws come from a generator
seeded by ``(train.seed, epoch, batch index)`` of the batch's
:class:`~kipoi_prism.training.datasets.BatchPlan`, so a run repeats whatever the number of
DataLoader workers or processes. Validation, prediction and every support set used at
inference see the windows as they are.
"""

from __future__ import annotations

import numpy as np

from kipoi_prism.config import ModelConfig, TrainConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.training.datasets import derived_seed

# Keeps the augmentation draws apart from other seeds derived from (seed, epoch, ...).
_STREAM = 0x617567


def reverse_complement(onehot: np.ndarray) -> np.ndarray:
    """Reverse complement of one-hot windows.

    Parameters
    ----------
    onehot : numpy.ndarray, shape=(..., 4, L)
        Bases in the order A, C, G, T (``N`` all zeros).

    Returns
    -------
    numpy.ndarray
        A new contiguous array of the same shape and dtype.
    """
    return np.ascontiguousarray(onehot[..., ::-1, ::-1])


def shift(onehot: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Shift every window by its own number of bases, padding with ``N`` (zeros).

    Parameters
    ----------
    onehot : numpy.ndarray, shape=(N, 4, L)
    offsets : numpy.ndarray of int, shape=(N,)
        Base ``i`` of window ``n`` moves to position ``i + offsets[n]``: a positive offset
        moves the sequence right (zeros come in on the left), a negative one left. An
        offset of ``L`` or more leaves an all-``N`` window.

    Returns
    -------
    numpy.ndarray
        A new array of the same shape and dtype.
    """
    n, _, length = onehot.shape
    offsets = np.asarray(offsets, dtype=np.int64)
    if offsets.shape != (n,):
        raise ValueError(f"offsets: expected shape ({n},), got {offsets.shape}")
    source = np.arange(length)[None, :] - offsets[:, None]  # (N, L): where each base comes from
    inside = (source >= 0) & (source < length)
    gathered = np.take_along_axis(onehot, np.clip(source, 0, length - 1)[:, None, :], axis=2)
    return gathered * inside[:, None, :].astype(onehot.dtype)


class Augmenter:
    """The training batch path's augmentation (see the module docstring).

    Parameters
    ----------
    reverse_complement : bool
        With probability 0.5 per pair, replace both windows (enhancer and promoter) by
        their reverse complements (one draw per pair).
    max_shift : int
        Shift every window by a uniform integer in ``[-max_shift, max_shift]`` (one draw
        per window, enhancer and promoter apart).
    seed : int
        The run's seed (``train.seed``).
    """

    def __init__(self, reverse_complement: bool, max_shift: int, seed: int) -> None:
        self.reverse_complement = bool(reverse_complement)
        self.max_shift = int(max_shift)
        self.seed = int(seed)

    @classmethod
    def from_config(cls, train: TrainConfig, model: ModelConfig) -> Augmenter | None:
        """The augmenter a run's configuration asks for, or ``None`` when both keys are off.

        Raises
        ------
        PrismInputError
            Augmentation asked for with the feature backbone (its inputs are feature
            columns, not sequence), or ``train.max_shift`` not below the shorter window.
        """
        if not train.reverse_complement and not train.max_shift:
            return None
        keys = [k for k in ("reverse_complement", "max_shift") if getattr(train, k)]
        if model.backbone != "prism":
            raise PrismInputError(
                f"train.{keys[0]}: sequence augmentation needs the sequence backbone "
                f"(model.backbone is {model.backbone!r}, whose inputs are feature columns); "
                f"set train.reverse_complement=false and train.max_shift=0"
            )
        shortest = min(model.enhancer_length, model.promoter_length)
        if train.max_shift >= shortest:
            raise PrismInputError(
                f"train.max_shift: expected an integer below the shorter window "
                f"({shortest} bp), got {train.max_shift}"
            )
        return cls(train.reverse_complement, train.max_shift, train.seed)

    def draws(self, n: int, epoch: int, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The random choices for ``n`` pairs of batch ``index`` of ``epoch``.

        Returns
        -------
        flip : numpy.ndarray of bool, shape=(n,)
            Pairs to reverse-complement (all ``False`` when that is off).
        enhancer_shift, promoter_shift : numpy.ndarray of int64, shape=(n,)
            Offsets (all 0 when ``max_shift`` is 0).
        """
        rng = np.random.default_rng(derived_seed(self.seed, _STREAM, epoch, index))
        # Always drawn in this order, so switching one augmentation on or off leaves the
        # other's choices as they were.
        flip = (rng.random(n) < 0.5) & self.reverse_complement
        m = self.max_shift
        enhancer_shift = rng.integers(-m, m + 1, size=n, dtype=np.int64)
        promoter_shift = rng.integers(-m, m + 1, size=n, dtype=np.int64)
        return flip, enhancer_shift, promoter_shift

    def __call__(
        self, enhancer: np.ndarray, promoter: np.ndarray, epoch: int, index: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Augmented copies of the windows of ``n`` pairs (the inputs are left as they are).

        Parameters
        ----------
        enhancer : numpy.ndarray, shape=(n, 4, L_E)
        promoter : numpy.ndarray, shape=(n, 4, L_P)
        epoch, index : int
            The batch's :class:`~kipoi_prism.training.datasets.BatchPlan` position.
        """
        flip, enhancer_shift, promoter_shift = self.draws(len(enhancer), epoch, index)
        out = []
        for windows, offsets in ((enhancer, enhancer_shift), (promoter, promoter_shift)):
            windows = np.array(windows, copy=True)
            windows[flip] = reverse_complement(windows[flip])
            if self.max_shift:
                windows = shift(windows, offsets)
            out.append(windows)
        return out[0], out[1]
