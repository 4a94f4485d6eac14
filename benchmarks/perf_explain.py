"""Attributions: seconds of exact in-silico mutagenesis per pair, with and without a site
background.

For the recommended configuration's count encoder (motif counts on both strands, each
position adding its posterior of being a site, rank-16 bilinear term; randomly initialised:
timing does not depend on the weights' values) at the model's window lengths, one pair of
random bases is mutated in full (every base to each of the three others,
:func:`kipoi_prism.inference.attributions.ism`) ``--pairs`` times, first with uniform
bases, then with an order-``--order`` site background (``model.site_background``), whose
chain is set far from uniform. The table gives the median seconds per pair of each and
their ratio. No scratch files: the windows are made in memory.

Usage::

    python benchmarks/perf_explain.py                     # 3 pairs, 3,000 + 2,000 bp, 1 thread
    python benchmarks/perf_explain.py --pairs 1 --enhancer-length 200 --promoter-length 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import Table  # noqa: E402

from kipoi_prism.config import ModelConfig  # noqa: E402
from kipoi_prism.inference.attributions import ism  # noqa: E402
from kipoi_prism.model.network import PrismEnergy  # noqa: E402

RECOMMENDED_ENCODER = dict(encoder="counts", count_both_strands=True, count_form="occupancy",
                           bilinear_rank=16)  # fmt: skip


def seconds_per_pair(config: ModelConfig, pairs: int, seed: int) -> list[float]:
    """Wall seconds of :func:`ism` on ``pairs`` pairs of random bases."""
    torch.manual_seed(seed)
    model = PrismEnergy(config).eval()
    for encoder in (model.backbone.enhancer_encoder, model.backbone.promoter_encoder):
        if encoder.background is not None:  # a chain far from uniform, as a fitted one is
            encoder.background.log2_ratio.copy_(torch.randn(encoder.background.log2_ratio.shape))
    rng = np.random.default_rng(seed)
    z_e = torch.zeros(config.d_environment)
    times = []
    lengths = (config.enhancer_length, config.promoter_length)
    for _ in range(pairs):
        enhancer, promoter = (np.eye(4, dtype=np.float32)[rng.integers(0, 4, n)].T.copy()
                              for n in lengths)  # fmt: skip
        began = time.perf_counter()
        ism(model, enhancer, promoter, z_e)
        times.append(time.perf_counter() - began)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3, help="pairs timed per configuration")
    parser.add_argument("--order", type=int, default=4, help="the site background's order")
    parser.add_argument("--enhancer-length", type=int, default=ModelConfig().enhancer_length)
    parser.add_argument("--promoter-length", type=int, default=ModelConfig().promoter_length)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    lengths = dict(enhancer_length=args.enhancer_length, promoter_length=args.promoter_length)
    table = Table("In-silico mutagenesis: seconds per pair")
    medians = {}
    for name, background in (("uniform bases", None), (f"order-{args.order} background",
                                                        args.order)):  # fmt: skip
        config = ModelConfig(**RECOMMENDED_ENCODER, **lengths, site_background=background)
        times = seconds_per_pair(config, args.pairs, args.seed)
        medians[name] = statistics.median(times)
        table.add(f"ISM, count encoder, {name} (median of {args.pairs})", medians[name], "s/pair")
    table.ratio("with a background / without", medians[f"order-{args.order} background"]
                / medians["uniform bases"])  # fmt: skip
    table.note(f"windows {args.enhancer_length} + {args.promoter_length} bp, {args.threads} "
               f"thread(s), random weights and bases (seed {args.seed})")  # fmt: skip
    table.print(["benchmarks/perf_explain.py", *(argv if argv is not None else sys.argv[1:])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
