"""Which head form transfers? Small networks on the known-motif scan, against the reader.

The frozen-stem sequence model reads soft motif-site counts much like the known-motif scan
reader of ``benchmarks/sequence_learnability.py`` (an L2 logistic regression on those
counts), yet transfers worse to held-out cell lines. This script asks whether the form of
the model's head is why, with the encoder taken out of the question: on the reader's own
features (log soft site counts of the vocabulary's motifs, enhancer and promoter, both
strands, standardised on the training pairs), the same simulation, held-out cell line,
training subsample and chr1-chr3 validation split, it fits

* ``reader``: the L2 logistic regression, C chosen on validation AUPR (as the
  learnability script does);
* networks of the model's combine-and-score form, ``U = g(act(W [e, p(, e * p)(, q)] +
  b))``: dropout 0.3 on the input, 64 units, one output; ``act`` ReLU (the model's
  default) or identity (``model.interaction_activation: identity``), with and without the
  element-wise products, and with the products the rank-16 bilinear term
  ``q = (A e) * (B p)`` (``model.bilinear_rank: 16``, the recommended model's form);
  AdamW (lr 1e-3, weight decay 1e-3 or ``--weight-decay``), batches of 64, binary
  cross-entropy weighted to balance the classes, 40 epochs, the epoch of best validation
  AUPR kept; ``--inits`` initialisations each. ``--epochs`` caps the epochs (the
  benchmark's model trains at most 6); ``--loss immax`` trains with the model's task loss
  instead (IMMAX, margins from the training pairs' class counts, unweighted); ``--forms``
  fits only the named forms.
  ``--cell-terms`` gives every network a learned scale and shift per training cell line
  (both zero at the start), ``logit = (1 + a_c) U - b_c`` on that cell line's training
  and validation pairs: the form the energy head gives a cell line through its
  environment, ``(U - R_E + lam U R_E) / T`` (a scale ``1 + lam R_E`` and a shift
  ``R_E``). A held-out cell line is scored on ``U`` alone; a positive scale and a shift
  would not change its ranking anyway.
  ``--reader-c`` replaces the reader's grid of C (one value: no choice on validation;
  ``100``: next to no shrinkage).
  ``--l2`` adds an L2 penalty on the networks' weight matrices to their loss.
  ``--input-dropout`` sets the dropout on the networks' input (0.3, the model's
  ``model.dropout``); the ``linear`` form is one linear layer on ``[e, p]`` (a logistic
  regression trained as the networks are, where ``identity`` factors the same affine map
  through 64 units).
  ``--features model`` replaces the reader's features with the frozen-stem model's own
  inputs: ``log(1 + counts)`` from the count encoder the benchmark builds (each of the
  vocabulary's motifs as a filter and as its reverse complement, each scanning both
  strands, so every motif's count twice; a motif wider than the 15-column kernel cut to
  its most informative 15; "same" padding), before its batch normalisation. The reader
  (and the standardisation) is then fitted on those columns too.

Prints and writes (``--out``: ``head_forms.csv``, ``head_forms.md`` with the paired
summaries, ``run.json`` with the command, commit and wall time) the held-out AUPR of each
form. Nothing is typed: every number is measured in the run. Single-threaded and seeded:
the same arguments give the same numbers.

    python benchmarks/sequence_head_forms.py --seed 1 --held-out K562,IMR90,HUVEC \\
        --out results/head-forms-seed1
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import torch
from sklearn.preprocessing import StandardScaler

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "benchmarks"))

import sequence_learnability as learnability  # noqa: E402
import site_counts as sites  # noqa: E402
from run_record import command_line, paired_line, write_run  # noqa: E402

from kipoi_prism.benchmark.harness import (  # noqa: E402
    PROFILES,
    base_configs,
    git_commit,
)
from kipoi_prism.io.encode import PairEncoder  # noqa: E402
from kipoi_prism.io.genome import Genome  # noqa: E402
from kipoi_prism.metrics import aupr  # noqa: E402
from kipoi_prism.model.backbone import PrismBackbone, initialise_stem  # noqa: E402
from kipoi_prism.training.losses import (  # noqa: E402
    immax_loss,
    immax_margins,
    weight_matrix_l2,
)

FORMS = {  # name: (activation, element-wise products, bilinear rank); "linear": no hidden layer
    "relu": ("relu", False, 0),
    "identity": ("identity", False, 0),
    "relu + products": ("relu", True, 0),
    "identity + products": ("identity", True, 0),
    "relu + products + rank 16": ("relu", True, 16),
    "identity + products + rank 16": ("identity", True, 16),
    "linear": ("linear", False, 0),
}
COMPARISONS = [("identity", "relu"), ("identity + products", "relu + products"),
               ("identity + products + rank 16", "relu + products + rank 16"),
               ("reader", "identity"), ("reader", "relu + products"),
               ("reader", "relu + products + rank 16"), ("identity", "linear"),
               ("reader", "linear")]  # fmt: skip


class Split(NamedTuple):
    """Row indices of one evaluation's training, validation and held-out pairs."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


class HeadForm(torch.nn.Module):
    """The model's combine-and-score form on ``[e, p]`` inputs of ``width`` columns:
    ``g(act(W [e, p(, e * p)(, q)] + b))`` with ``q = (A e) * (B p)`` of ``rank`` columns,
    then ``(1 + a_c) U - b_c`` with a learned scale and shift per cell line when ``cells``
    > 0 and the rows' cell codes are given. ``dropout`` acts on the input; the ``linear``
    activation scores ``g [e, p] + b`` with no hidden layer."""

    def __init__(self, width: int, activation: str, products: bool, rank: int = 0,
                 hidden: int = 64, cells: int = 0, dropout: float = 0.3) -> None:  # fmt: skip
        super().__init__()
        self.half, self.products = width // 2, products
        self.left = torch.nn.Linear(self.half, rank, bias=False) if rank else None
        self.right = torch.nn.Linear(self.half, rank, bias=False) if rank else None
        inputs = width + (self.half if products else 0) + rank
        act = torch.nn.ReLU() if activation == "relu" else torch.nn.Identity()
        score = ([torch.nn.Linear(inputs, 1)] if activation == "linear" else
                 [torch.nn.Linear(inputs, hidden), act, torch.nn.Linear(hidden, 1)])  # fmt: skip
        self.layers = torch.nn.Sequential(torch.nn.Dropout(dropout), *score)
        # Made last, so that the other layers start as they do without them.
        self.cell_terms = torch.nn.Embedding(cells, 2) if cells else None
        if self.cell_terms is not None:
            torch.nn.init.zeros_(self.cell_terms.weight)

    def forward(self, x: torch.Tensor, cells: torch.Tensor | None = None) -> torch.Tensor:
        e, p = x[:, : self.half], x[:, self.half :]
        parts = [x, e * p] if self.products else [x]
        if self.left is not None:
            parts.append(self.left(e) * self.right(p))
        logits = self.layers(torch.cat(parts, dim=1)).squeeze(-1)
        if self.cell_terms is not None and cells is not None:
            scale, shift = self.cell_terms(cells).unbind(-1)
            logits = (1 + scale) * logits - shift
        return logits


LOSSES = ("bce", "immax")


class Regime(NamedTuple):
    """How a network is trained: at most ``epochs`` epochs (the epoch of best validation
    AUPR kept) on ``loss``, with ``dropout`` on its input, AdamW's ``weight_decay`` and
    ``l2 / 2`` times the squared weight matrices added to the loss (an L2 penalty in the
    objective, as the reader's ``C``, where AdamW's decay acts beside the gradient)."""

    epochs: int = 40
    loss: str = "bce"
    dropout: float = 0.3
    weight_decay: float = 1e-3
    l2: float = 0.0


DEFAULT_REGIME = Regime()
FEATURES = ("scan", "model")


def model_counts(one_hot: np.ndarray, vocabulary, model_config) -> np.ndarray:
    """``log(1 + soft site counts)`` of ``one_hot`` windows ``(n, 4, L)`` from the count
    encoder the frozen-stem benchmark builds (``model_config``: the count encoder on both
    strands; its stem set from ``vocabulary`` by :func:`initialise_stem`), ``(n, channels)``."""
    backbone = PrismBackbone(model_config).eval()
    initialise_stem(backbone, vocabulary, freeze=True)
    out = []
    with torch.no_grad():
        for start in range(0, len(one_hot), 512):
            x = torch.from_numpy(np.ascontiguousarray(one_hot[start : start + 512]))
            out.append(torch.log1p(backbone.enhancer_encoder.counts(x)).numpy())
    return np.concatenate(out).astype(np.float64)


def features(encoded, vocabulary, kind: str, profile) -> np.ndarray:
    """The enhancer's and the promoter's columns side by side: the reader's scan
    (``scan``) or the frozen-stem model's own inputs (``model``, :func:`model_counts`)."""
    if kind == "scan":
        return np.hstack([sites.motif_scan(encoded.enhancer, vocabulary),
                          sites.motif_scan(encoded.promoter, vocabulary)])  # fmt: skip
    model_config, _ = base_configs(profile, seed=0)
    model_config = dataclasses.replace(model_config, encoder="counts", count_both_strands=True,
                                       channels=2 * len(vocabulary))  # fmt: skip
    return np.hstack([model_counts(encoded.enhancer, vocabulary, model_config),
                      model_counts(encoded.promoter, vocabulary, model_config)])  # fmt: skip


def fit_network(x, y, split: Split, form: str, init: int, regime: Regime = DEFAULT_REGIME,
                cells: np.ndarray | None = None) -> float:  # fmt: skip
    """Held-out AUPR of one network trained as ``regime`` says, at its epoch of best
    validation AUPR. ``cells`` (an integer code per row) gives it a scale and shift per
    training cell line (``--cell-terms``)."""
    torch.manual_seed(init)
    codes = None if cells is None else torch.as_tensor(cells, dtype=torch.long)
    count = 0 if codes is None else int(codes[split.train].max()) + 1
    network = HeadForm(x.shape[1], *FORMS[form], cells=count, dropout=regime.dropout)
    optimiser = torch.optim.AdamW(network.parameters(), lr=1e-3,
                                  weight_decay=regime.weight_decay)  # fmt: skip
    features = torch.tensor(x, dtype=torch.float32)
    labels = torch.tensor(y, dtype=torch.float32)
    prevalence = float(labels[split.train].mean())
    weight = torch.tensor((1 - prevalence) / prevalence)
    counts = torch.tensor([1 - prevalence, prevalence]) * len(split.train)
    margins = immax_margins(counts)
    order = torch.Generator().manual_seed(init)
    best_val, best_test = -1.0, float("nan")
    for _ in range(regime.epochs):
        network.train()
        rows = torch.from_numpy(split.train)[torch.randperm(len(split.train), generator=order)]
        for start in range(0, len(rows), 64):
            batch = rows[start : start + 64]
            logits = network(features[batch], None if codes is None else codes[batch])
            if regime.loss == "immax":
                value = immax_loss(logits, labels[batch], margins)
            else:
                value = torch.nn.functional.binary_cross_entropy_with_logits(
                    logits, labels[batch], pos_weight=weight
                )
            if regime.l2:
                value = value + regime.l2 * weight_matrix_l2(network)
            optimiser.zero_grad()
            value.backward()
            optimiser.step()
        network.eval()
        with torch.no_grad():
            val_codes = None if codes is None else codes[split.val]
            val = aupr(y[split.val], network(features[split.val], val_codes).numpy())
            if val > best_val:
                best_val = val
                best_test = aupr(y[split.test], network(features[split.test]).numpy())
    return best_test


def evaluate(x, y, split: Split, inits: int, regime: Regime = DEFAULT_REGIME, forms=tuple(FORMS),
             cells: np.ndarray | None = None,
             reader_c=learnability.READER_C) -> dict[str, float]:  # fmt: skip
    """One held-out cell line: the reader's AUPR and each form's, per initialisation, the
    networks trained as ``regime`` says (``cells``: each row's cell code, for
    :func:`fit_network`'s cell-line terms; ``reader_c``: the reader's grid of C)."""
    parts = [pd.DataFrame({"row_id": rows}) for rows in split]
    row = {"reader": learnability.fit_and_score(x, y, *parts, grid=reader_c)["test_aupr"]}
    x = StandardScaler().fit(x[split.train]).transform(x)
    for form in forms:
        scores = [fit_network(x, y, split, form, init, regime, cells)
                  for init in range(inits)]  # fmt: skip
        row.update({f"{form} init{i}": s for i, s in enumerate(scores)})
        row[form] = float(np.mean(scores))
    return row


def summaries(table: pd.DataFrame) -> list[str]:
    """The paired lines of :data:`COMPARISONS` whose two forms the table has."""
    return [paired_line(first, second, table[first] - table[second])
            for first, second in COMPARISONS
            if first in table and second in table]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=learnability.DATA)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kipoi-prism-learnability"))
    parser.add_argument("--seed", type=int, default=0, help="the simulation seed")
    parser.add_argument("--held-out", default="K562,IMR90,HUVEC")
    parser.add_argument("--inits", type=int, default=3, help="initialisations of each form")
    parser.add_argument("--epochs", type=int, default=40, help="epochs of each network")
    parser.add_argument("--loss", choices=LOSSES, default="bce")
    parser.add_argument("--forms", default=",".join(FORMS),
                        help="comma-separated forms to fit (default: all)")  # fmt: skip
    parser.add_argument(
        "--cell-terms",
        action="store_true",
        help="a learned logit scale and shift per training cell line (as the energy head's)",
    )
    parser.add_argument("--input-dropout", type=float, default=0.3,
                        help="dropout on the networks' input (model.dropout)")  # fmt: skip
    parser.add_argument("--weight-decay", type=float, default=1e-3,
                        help="the networks' AdamW weight decay")  # fmt: skip
    parser.add_argument("--l2", type=float, default=0.0,
                        help="an L2 penalty on the weight matrices, in the loss")  # fmt: skip
    parser.add_argument("--reader-c", default=",".join(map(str, learnability.READER_C)),
                        help="the reader's grid of C, comma-separated")  # fmt: skip
    parser.add_argument("--features", choices=FEATURES, default="scan",
                        help="the reader's scan, or the frozen-stem model's inputs")  # fmt: skip
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    forms = args.forms.split(",")
    unknown = sorted(set(forms) - set(FORMS))
    if unknown:
        parser.error(f"--forms: unknown {', '.join(unknown)}; valid: {', '.join(FORMS)}")
    try:
        reader_c = tuple(float(c) for c in args.reader_c.split(","))
    except ValueError:
        reader_c = ()
    if not reader_c or min(reader_c) <= 0:
        parser.error(f"--reader-c: {args.reader_c!r} is not a list of numbers > 0")
    for name in ("weight_decay", "l2"):
        if getattr(args, name) < 0:
            parser.error(f"--{name.replace('_', '-')}: {getattr(args, name)} is below 0")
    if not 0 <= args.input_dropout < 1:
        parser.error(f"--input-dropout: {args.input_dropout} is not in [0, 1)")
    if not args.data_dir.is_dir():
        print(f"shared data folder not found: {args.data_dir} (give --data-dir)", file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    start, commit, profile = time.time(), git_commit(REPOSITORY), PROFILES["full"]
    result = learnability.simulate_like_the_benchmark(profile, args.data_dir, args.workdir,
                                                      args.seed)  # fmt: skip
    table = learnability.numbered_rows(result)
    encoded = PairEncoder(Genome(result.fasta), profile.enhancer_length,
                          profile.promoter_length).encode(table)  # fmt: skip
    x = features(encoded, result.vocabulary, args.features, profile)
    y = table["label"].to_numpy()
    regime = Regime(args.epochs, args.loss, args.input_dropout, args.weight_decay, args.l2)
    rows = []
    for cell in args.held_out.split(","):
        print(f"held out {cell}, seed {args.seed}", flush=True)
        parts = learnability.held_out_split(table, cell, profile, args.seed)
        split = Split(*(part["row_id"].to_numpy() for part in parts))
        cells = pd.factorize(table["cell_line"])[0] if args.cell_terms else None
        scores = evaluate(x, y, split, args.inits, regime, forms, cells, reader_c)
        rows.append({"held_out": cell, "seed": args.seed, **scores})
    frame = pd.DataFrame(rows)
    shown = frame[["held_out", "seed", "reader", *forms]]
    markdown = shown.to_markdown(index=False, floatfmt=".3f") + "\n\n"
    markdown += "\n".join(summaries(frame))
    command = command_line("benchmarks/sequence_head_forms.py", argv)
    write_run(args.out, "head_forms", frame, markdown, command, commit,
              round(time.time() - start, 1))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
