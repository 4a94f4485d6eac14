"""Per-base attributions of a pair's score: which bases of the enhancer and promoter drive it.

Two methods, both on the logit of the pair's interaction probability, with the pair's cell
line's ``z_E`` held fixed (taken exactly as ``predict`` takes it: the seeded support set of
the cell line's pairs in the input, a saved prototype, or an environment file;
:meth:`kipoi_prism.inference.engine.Predictor.environments`):

* **In-silico mutagenesis** (:func:`ism`), exact: every base of both windows is changed to
  each of the three other bases and the pair scored again, many mutants per forward pass.
  The result per element is an ``(L, 4)`` matrix of logit differences (mutant minus
  reference; 0 at the reference base) and one score per base, **reference minus the mean of
  the three alternatives** (``-mean`` of the three non-zero deltas): positive where the
  reference base supports the interaction, negative where any other base would score
  higher. Positions without a base (``N``, padding beyond a chromosome end) are not
  mutated: their deltas and score are NaN. The scores are exact, yet far cheaper than
  15,000 full forward passes for a 3,000 + 2,000 bp pair: a mutant changes only its own
  element's encoding (the other element is encoded once), and only the stem convolution's
  outputs within a kernel of the mutated base, so each mutant's encoding is computed from
  the reference's stem output and that local change (:func:`ism`), then through the same
  layers ``PrismEnergy.forward`` runs (the tests check every delta against a full forward
  pass of the mutated pair).
* **Integrated gradients** (:func:`integrated_gradients`) through captum
  (``captum.attr.IntegratedGradients``; captum is maintained by the PyTorch team and works
  on any differentiable ``nn.Module`` with several inputs). Baseline: every known base
  replaced by the uniform background 0.25 per channel (``N`` and padding keep their all-zero
  encoding, so they get exactly zero attribution). Attribution x input summed over the four
  channels gives one value per base; with this baseline it is the path-averaged gradient of
  the reference base minus the mean over the four bases, the same "reference versus the
  average base" reading as the ISM score. Completeness holds: the values of both windows
  sum to ``f(x) - f(baseline)`` up to the integral's discretisation (reported as
  ``convergence_delta``). Integrated gradients rather than DeepLIFT/DeepLiftShap: captum's
  DeepLIFT rules replace only ``nn.Module`` non-linearities, while the network uses
  functional ones (``torch.relu``, ``log1p``, ``amax`` in the count encoder, the head's
  terms), where DeepLIFT silently loses its summation-to-delta property; IG needs nothing
  but gradients and no background sample set.

Window coordinates come from the encoder ``predict`` uses
(:meth:`kipoi_prism.io.encode.PairEncoder.windows`), so base ``i`` of an element's window
lies at genome position ``window_start + i`` (0-based).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference.device import model_device
from kipoi_prism.inference.engine import Predictor, score_arrays
from kipoi_prism.inference.feature_tables import require_sequence_weights
from kipoi_prism.inference.sources import PairSource
from kipoi_prism.io.attribution_tracks import ElementAttribution, PairAttribution
from kipoi_prism.io.encode import ELEMENTS
from kipoi_prism.model.backbone import combine_elements
from kipoi_prism.model.elements import CountEncoder, scan_weight

log = logging.getLogger(__name__)

METHODS = ("ism", "ig")
DEFAULT_ISM_BATCH = 512
DEFAULT_IG_STEPS = 50
BACKGROUND = 0.25


def check_methods(methods: list[str]) -> list[str]:
    """The methods asked for, checked against :data:`METHODS` (order kept, repeats dropped)."""
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise PrismInputError(
            f"--method: expected a comma-separated list of {', '.join(METHODS)}, "
            f"got {','.join(methods) or 'nothing'}"
        )
    return list(dict.fromkeys(methods))


def check_sequence_weights(bundle) -> None:
    """Refuse feature-backbone (chromatin) weights: no bases to attribute a score to."""
    require_sequence_weights(bundle, "attributions", "with no bases to attribute a score to")


# ---------------------------------------------------------------------------- ISM


def _logits(model, which: str, v: torch.Tensor, other: torch.Tensor, z_e) -> torch.Tensor:
    """Logits of pairs whose ``which`` element is encoded as each row of ``v`` and whose
    other element as ``other`` (1, element_dim): the layers of ``PrismEnergy.forward``
    after the element encoders."""
    other = other.expand(v.shape[0], -1)
    v_e, v_p = (v, other) if which == "enhancer" else (other, v)
    z_i = combine_elements(model.backbone, v_e, v_p)
    return model.head_outputs(z_i, z_e, features=torch.cat([v_e, v_p], dim=-1))["logit"]


def _mutant_counts(encoder: CountEncoder, stem_ref, counts_ref, j, change, inside) -> torch.Tensor:
    """Count encoder: a mutant's soft site counts (B, C) are the reference's per stem row
    ``counts_ref`` (1, rows) plus, at the ``kernel`` stem outputs around the mutated base,
    the new minus the old site values, folded over the strands."""
    old = stem_ref[:, j].permute(1, 0, 2)  # (B, rows, K)
    gained = encoder.site_values(old + change) - encoder.site_values(old)
    return encoder.fold_strands(counts_ref + (gained * inside[:, None, :]).sum(dim=-1))


def _stem_scores(encoder, window: torch.Tensor) -> torch.Tensor:
    """The stem's output, against the count encoder's site background where it has one."""
    return encoder.scores(window) if isinstance(encoder, CountEncoder) else encoder.stem(window)


def _background_mutant_counts(encoder: CountEncoder, window, stem_ref, counts_ref, p, b):
    """Count encoder with a site background: a mutant's soft site counts (B, C). A base
    also moves the background of the ``k`` bases after it, so the scores change at the
    ``kernel + k`` stem outputs from ``p + left - kernel + 1`` to ``p + left + k``; they are
    scored again on the bases around the mutant (``2 (kernel - 1 + k) + 1``, zero beyond
    the window's ends as the full window's padding is), and the counts move by the new
    minus the old site values there, folded over the strands."""
    kernel, order = encoder.stem.kernel_size[0], encoder.background.order
    left, reach, length = _stem_left(encoder.stem), kernel - 1 + order, window.shape[1]
    padded = nn.functional.pad(window, (reach, reach))
    around = padded[:, p[:, None] + torch.arange(2 * reach + 1, device=p.device)]  # (4, B, W)
    around = around.permute(1, 0, 2).clone()  # base i of row m: window base p[m] - reach + i
    rows = torch.arange(len(p), device=p.device)
    around[rows, :, reach] = 0.0
    around[rows, b, reach] = 1.0
    changed = torch.arange(kernel + order, device=p.device)
    new = encoder.scores(around)[:, :, left + order + changed]  # (B, rows, kernel + k)
    j = p[:, None] + left - (kernel - 1) + changed[None, :]  # those outputs in the window
    inside = (j >= 0) & (j < length)
    old = stem_ref[:, j.clamp(0, length - 1)].permute(1, 0, 2)
    gained = (encoder.site_values(new) - encoder.site_values(old)) * inside[:, None, :]
    return encoder.fold_strands(counts_ref + gained.sum(dim=-1))


def _mutant_pooled(encoder, stem_ref, pooled_ref, p, left, change):
    """Residual encoder: the pooled stem columns a mutation changes, ``(B, n)``, and their
    new values ``(B, C, n)`` (columns past the pooled map's end included: to be dropped)."""
    pool = encoder.stem_pool
    width = int(pool.kernel_size)
    if int(pool.stride) != width or int(pool.padding) != 0 or pool.ceil_mode:
        raise ValueError("in-silico mutagenesis expects a non-overlapping stem max-pool")
    length, kernel = stem_ref.shape[-1], change.shape[-1]
    first = (p + left - (kernel - 1)).clamp(min=0) // width
    cols = first[:, None] + torch.arange((kernel - 1) // width + 2, device=p.device)  # (B, n)
    positions = cols[:, :, None] * width + torch.arange(width, device=p.device)  # (B, n, w)
    values = stem_ref[:, positions.clamp(max=length - 1)].permute(1, 0, 2, 3)  # (B, C, n, w)
    tap = p[:, None, None] + left - positions
    in_kernel = (tap >= 0) & (tap < kernel)
    index = tap.clamp(0, kernel - 1).flatten(1)[:, None, :].expand(-1, change.shape[1], -1)
    added = change.gather(2, index).view_as(values) * in_kernel[:, None]
    return cols, (values + added).amax(dim=-1)  # (B, n), (B, C, n)


def _reach(layers: nn.Module) -> tuple[int, int]:
    """``(halo, factor)`` of layers made of stride-1 'same' convolutions, non-overlapping
    max-pools and position-wise layers: a change at input column ``c`` can reach output
    columns ``(c - halo) // factor`` to ``(c + halo) // factor``."""
    halo, factor = 0, 1
    for module in layers.modules():
        if isinstance(module, nn.Conv1d):
            if module.stride != (1,):
                raise ValueError("in-silico mutagenesis expects stride-1 convolutions")
            halo += -(-(module.kernel_size[0] - 1) * module.dilation[0] // 2) * factor
        elif isinstance(module, nn.MaxPool1d):
            factor *= int(module.kernel_size)
    return halo, factor


def _residual_encodings(encoder, pooled_ref, maps_ref, cols, recomputed) -> torch.Tensor:
    """Residual encoder: mutants' encodings from their changed pooled columns.

    A mutant's last feature maps differ from the reference's only in the few columns its
    changed pooled columns reach (:func:`_reach`); those are recomputed from a crop of the
    pooled map wide enough to hold their whole receptive field, and the mean and max are
    taken over the reference maps with them replaced. Mutants whose crop would reach a
    window end run through the layers in full."""
    n_batch, columns = len(cols), pooled_ref.shape[-1]
    halo, factor = _reach(encoder.layers[2:])
    kept = cols < columns
    f_lo = (cols[:, 0] - halo).clamp(min=0) // factor
    n_final = int(((cols[:, -1] + halo) // factor - f_lo).max()) + 1
    start = f_lo * factor - -(-halo // factor) * factor
    width = factor * n_final + halo + -(-halo // factor) * factor
    width = -(-width // factor) * factor
    crop = (start >= 0) & (start + width <= factor * maps_ref.shape[-1])
    maps = maps_ref.expand(n_batch, -1, -1).clone()
    if crop.any():
        at = start[crop, None] + torch.arange(width, device=cols.device)  # (b, width)
        pooled = pooled_ref[0][:, at].permute(1, 0, 2).clone()  # (b, C, width)
        local = cols[crop] - start[crop, None]
        inside = kept[crop] & (local < width)
        sub = torch.arange(len(local), device=cols.device)[:, None].expand_as(local)
        pooled.transpose(1, 2)[sub[inside], local[inside]] = recomputed[crop].transpose(1, 2)[
            inside
        ]
        out = encoder.maps_from_pooled(pooled)
        first = (f_lo[crop] - start[crop] // factor)[:, None]
        pick = first + torch.arange(n_final, device=cols.device)
        values = out.gather(2, pick[:, None, :].expand(-1, out.shape[1], -1))
        target = f_lo[crop, None] + torch.arange(n_final, device=cols.device)
        fits = target < maps_ref.shape[-1]
        crop_rows = torch.nonzero(crop).flatten()[:, None].expand_as(target)
        maps.transpose(1, 2)[crop_rows[fits], target[fits]] = values.transpose(1, 2)[fits]
    full = ~crop
    if full.any():
        pooled = pooled_ref.expand(int(full.sum()), -1, -1).clone()
        sub = torch.arange(len(pooled), device=cols.device)[:, None].expand_as(cols[full])
        pooled.transpose(1, 2)[sub[kept[full]], cols[full][kept[full]]] = recomputed[
            full
        ].transpose(1, 2)[kept[full]]
        maps[full] = encoder.maps_from_pooled(pooled)
    return encoder.summarise(maps)


def _encoder(model, which: str) -> nn.Module:
    backbone = model.backbone
    return backbone.enhancer_encoder if which == "enhancer" else backbone.promoter_encoder


def _stem_left(stem: nn.Conv1d) -> int:
    """Left padding of the stem (``padding="same"``, stride 1): output ``j`` reads input
    ``j - left + t`` through tap ``t``."""
    if stem.stride != (1,) or stem.dilation != (1,) or stem.padding != "same":
        raise ValueError("in-silico mutagenesis expects a stride-1 'same' stem convolution")
    return (stem.kernel_size[0] - 1) // 2


@torch.inference_mode()
def ism(
    model,
    enhancer: np.ndarray,
    promoter: np.ndarray,
    z_e: torch.Tensor,
    batch_size: int = DEFAULT_ISM_BATCH,
) -> tuple[float, dict[str, np.ndarray]]:
    """Exact in-silico mutagenesis of one pair (see the module docstring).

    The stem is a convolution, so a mutant's stem output is the reference's plus the
    difference of the two bases' filter columns on the ``kernel`` positions around the
    mutated base. The count encoder's site counts then change by those positions' terms
    alone; the residual encoder's stem max-pool changes in the one to three columns over
    them, and the layers after the pool run on every mutant in full. With a site
    background (``model.site_background: k``) a base also changes the background of the
    ``k`` bases after it, so ``kernel + k`` stem outputs are scored again, on the bases
    around the mutant.

    Parameters
    ----------
    model : PrismEnergy
        Sequence backbone, eval mode.
    enhancer : numpy.ndarray of float32, shape=(4, L_E)
    promoter : numpy.ndarray of float32, shape=(4, L_P)
    z_e : torch.Tensor, shape=(d_E,)
        The pair's cell-line environment.
    batch_size : int
        Mutants per forward pass (the result does not depend on it).

    Returns
    -------
    logit : float
        The reference pair's logit.
    deltas : dict of str to numpy.ndarray of float32, shape=(L, 4)
        Per element: mutant logit minus reference logit; 0 at the reference base, NaN at
        positions without a base.
    """
    if batch_size < 1:
        raise PrismInputError(f"--ism-batch: expected a positive integer, got {batch_size}")
    device = model_device(model)
    z_e = z_e.to(device, torch.float32)
    windows = {
        "enhancer": torch.as_tensor(enhancer, dtype=torch.float32, device=device)[None],
        "promoter": torch.as_tensor(promoter, dtype=torch.float32, device=device)[None],
    }
    stems = {e: _stem_scores(_encoder(model, e), windows[e]) for e in ELEMENTS}
    encoded = {e: _encoder(model, e).from_stem(stems[e]) for e in ELEMENTS}
    logit = _logits(model, "enhancer", encoded["enhancer"], encoded["promoter"], z_e)
    reference = float(logit[0])
    deltas = {}
    for which, other in (("enhancer", "promoter"), ("promoter", "enhancer")):
        window, encoder = windows[which][0], _encoder(model, which)
        left, weight = _stem_left(encoder.stem), scan_weight(encoder.stem)  # (rows, 4, kernel)
        length = window.shape[1]
        positions = torch.nonzero(window.sum(dim=0) > 0).flatten()
        # Mutants: every position with a base x the three bases it is not.
        pos = positions.repeat_interleave(3)
        ref = window.argmax(dim=0)[pos]
        base = (ref + torch.arange(1, 4, device=device).repeat(len(positions))) % 4
        logits = torch.empty(len(pos), device=device)
        counts = isinstance(encoder, CountEncoder)
        if counts:
            counts_ref = encoder.strand_counts(stems[which])  # (1, rows), once per element
        else:
            pooled_ref = encoder.stem_pool(stems[which])
            maps_ref = encoder.maps_from_pooled(pooled_ref)
        taps = torch.arange(weight.shape[2], device=device)
        for begin in range(0, len(pos), batch_size):
            chunk = slice(begin, begin + batch_size)
            p, r, b = pos[chunk], ref[chunk], base[chunk]
            # Stem outputs j = p + left - tap change by the two bases' filter columns.
            j = p[:, None] + left - taps[None, :]
            inside = (j >= 0) & (j < length)
            j = j.clamp(0, length - 1)
            change = weight[:, b[:, None], taps] - weight[:, r[:, None], taps]  # (C, B, K)
            change = change.permute(1, 0, 2) * inside[:, None, :]
            if counts and encoder.background is not None:  # a base moves the background too
                mutant = _background_mutant_counts(encoder, window, stems[which][0],
                                                   counts_ref, p, b)  # fmt: skip
                v = encoder.from_counts(mutant)
            elif counts:
                mutant = _mutant_counts(encoder, stems[which][0], counts_ref, j, change, inside)
                v = encoder.from_counts(mutant)
            else:
                cols, values = _mutant_pooled(encoder, stems[which][0], pooled_ref, p, left, change)
                v = _residual_encodings(encoder, pooled_ref, maps_ref, cols, values)
            logits[chunk] = _logits(model, which, v, encoded[other], z_e)
        delta = torch.full((length, 4), float("nan"), device=device)
        delta[positions] = 0.0
        delta[pos, base] = logits - reference
        deltas[which] = delta.float().cpu().numpy()
    return reference, deltas


def ism_scores(deltas: np.ndarray) -> np.ndarray:
    """Per-base ISM score: reference minus the mean of the three alternatives.

    Parameters
    ----------
    deltas : numpy.ndarray, shape=(L, 4)
        As :func:`ism` returns (0 at the reference base, NaN without a base).

    Returns
    -------
    numpy.ndarray of float32, shape=(L,)
        ``-sum(deltas) / 3`` per position; NaN where the window has no base.
    """
    return (-deltas.sum(axis=1) / 3.0).astype(np.float32)


# ---------------------------------------------------------------------------- IG


class PairLogit(nn.Module):
    """``forward(enhancer, promoter) -> logit`` with the cell line's ``z_E`` fixed: the
    network as captum sees it."""

    def __init__(self, model, z_e: torch.Tensor) -> None:
        super().__init__()
        self.model = model
        self.register_buffer("z_e", z_e.detach().clone())

    def forward(self, enhancer: torch.Tensor, promoter: torch.Tensor) -> torch.Tensor:
        return self.model(enhancer, promoter, self.z_e)["logit"]


def ig_baseline(one_hot: torch.Tensor) -> torch.Tensor:
    """The uniform background: 0.25 per channel at every known base, 0 where there is none."""
    known = one_hot.sum(dim=-2, keepdim=True) > 0
    return torch.where(known, torch.full_like(one_hot, BACKGROUND), torch.zeros_like(one_hot))


def integrated_gradients(
    model,
    enhancer: np.ndarray,
    promoter: np.ndarray,
    z_e: torch.Tensor,
    steps: int = DEFAULT_IG_STEPS,
    internal_batch_size: int = 64,
) -> tuple[dict[str, np.ndarray], float]:
    """Integrated gradients of the pair's logit, both windows at once (captum).

    Parameters
    ----------
    model : PrismEnergy
        Sequence backbone, eval mode.
    enhancer : numpy.ndarray of float32, shape=(4, L_E)
    promoter : numpy.ndarray of float32, shape=(4, L_P)
    z_e : torch.Tensor, shape=(d_E,)
    steps : int
        Points on the path from the baseline (:func:`ig_baseline`) to the input (Gauss-Legendre).
    internal_batch_size : int
        Path points per forward/backward pass.

    Returns
    -------
    scores : dict of str to numpy.ndarray of float32, shape=(L,)
        Per element: attribution x input summed over channels; NaN where there is no base.
    convergence_delta : float
        ``|sum of all attributions - (f(x) - f(baseline))|``.
    """
    from captum.attr import IntegratedGradients

    if steps < 2:
        raise PrismInputError(f"--ig-steps: expected 2 or more, got {steps}")
    device = model_device(model)
    wrapped = PairLogit(model, z_e.to(device, torch.float32)).eval()
    inputs = tuple(
        torch.as_tensor(x, dtype=torch.float32, device=device)[None] for x in (enhancer, promoter)
    )
    baselines = tuple(ig_baseline(x) for x in inputs)
    with torch.enable_grad():
        attributions, delta = IntegratedGradients(wrapped).attribute(
            inputs,
            baselines=baselines,
            n_steps=steps,
            internal_batch_size=internal_batch_size,
            return_convergence_delta=True,
        )
    scores = {}
    for element, values, x in zip(ELEMENTS, attributions, inputs, strict=True):
        per_base = values[0].sum(dim=0).detach().float().cpu().numpy()
        per_base[(x[0].sum(dim=0) == 0).cpu().numpy()] = np.nan
        scores[element] = per_base.astype(np.float32)
    return scores, float(delta.detach().abs().max())


# ---------------------------------------------------------------------------- pairs


def explain_pairs(
    predictor: Predictor,
    source: PairSource,
    methods: list[str] = METHODS,
    max_pairs: int | None = None,
    given: dict[str, torch.Tensor] | None = None,
    ism_batch: int = DEFAULT_ISM_BATCH,
    ig_steps: int = DEFAULT_IG_STEPS,
) -> Iterator[PairAttribution]:
    """Attributions of the pairs of ``source``, input order (the first ``max_pairs``).

    Pass 1 reads the whole source, as ``predict`` does, so each cell line's ``z_E`` (support
    set, prototype or ``given`` environment file) is the one ``predict`` scores with.

    Parameters
    ----------
    predictor : Predictor
        With sequence-backbone weights and a genome.
    source : PairSource
    methods : list of str
        Any of :data:`METHODS`.
    max_pairs : int, optional
    given : dict of str to torch.Tensor, optional
        ``{cell line: z_E}`` from environment files.
    ism_batch : int
        Mutants per forward pass.
    ig_steps : int

    Yields
    ------
    PairAttribution
    """
    check_sequence_weights(predictor.bundle)
    methods = check_methods(list(methods))
    result = predictor.scan(source)
    z_e = predictor.environments(result.support, given)
    total = result.n_pairs if max_pairs is None else min(max_pairs, result.n_pairs)
    done = 0
    for rows, enhancer, promoter in predictor.inputs(source):
        # One-hot windows on the CPU (encoded on the model's device where it is a GPU).
        enhancer, promoter = (
            torch.as_tensor(x).float().cpu().numpy() for x in (enhancer, promoter)
        )
        windows = {e: predictor.encoder.windows(rows, e)[0] for e in ELEMENTS}
        for i in range(len(rows)):
            if done >= total:
                return
            row = rows.iloc[i]
            pair = explain_one(
                predictor.model,
                enhancer[i],
                promoter[i],
                z_e[row["cell_line"]],
                methods,
                ism_batch,
                ig_steps,
            )
            pair.name, pair.cell_line, pair.line = (
                str(row["name"]),
                str(row["cell_line"]),
                int(row["line"]),
            )
            for element in ELEMENTS:
                pair.elements[element].chrom = str(row[f"{element}_chrom"])
                pair.elements[element].start = int(windows[element][i])
            done += 1
            log.info("pair %d/%d %s (%s): logit %.4f", done, total, pair.name, pair.cell_line,
                     pair.logit)  # fmt: skip
            yield pair


def explain_one(
    model,
    enhancer: np.ndarray,
    promoter: np.ndarray,
    z_e: torch.Tensor,
    methods: list[str] = METHODS,
    ism_batch: int = DEFAULT_ISM_BATCH,
    ig_steps: int = DEFAULT_IG_STEPS,
) -> PairAttribution:
    """Attributions of one encoded pair (no coordinates: ``chrom`` empty, ``start`` 0).

    Parameters as :func:`ism` and :func:`integrated_gradients`.
    """
    windows = {"enhancer": enhancer, "promoter": promoter}
    elements = {
        e: ElementAttribution(e, "", 0, np.asarray(windows[e], np.float32)) for e in ELEMENTS
    }
    pair = PairAttribution("", "", 0, float("nan"), elements)
    if "ism" in methods:
        pair.logit, deltas = ism(model, enhancer, promoter, z_e, ism_batch)
        for element in ELEMENTS:
            elements[element].ism_deltas = deltas[element]
            elements[element].scores["ism"] = ism_scores(deltas[element])
    if "ig" in methods:
        scores, pair.convergence_delta = integrated_gradients(
            model, enhancer, promoter, z_e, ig_steps
        )
        for element in ELEMENTS:
            elements[element].scores["ig"] = scores[element]
        if "ism" not in methods:
            # The threshold only sets the call column, unused here.
            out = score_arrays(model, enhancer[None], promoter[None], z_e, 0.5, logit=True)
            pair.logit = float(out["logit"][0])
    return pair
