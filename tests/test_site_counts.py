"""``benchmarks/site_counts.py``: the readers' site counts (ReLU scan, occupancy against
uniform bases or a Markov chain, rates by EM), the occupancy rows of
``benchmarks/sequence_learnability.py``, and the frozen count encoder counting as they do."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from kipoi_prism.io.motifs import Motif
from kipoi_prism.io.sequence import encode_codes, one_hot_encode

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "sequence_learnability.py"
spec = importlib.util.spec_from_file_location("sequence_learnability", SCRIPT)
learnability = importlib.util.module_from_spec(spec)
spec.loader.exec_module(learnability)
sites = importlib.import_module("site_counts")  # benchmarks/site_counts.py, on the path it set


def _windows(*sequences: str) -> np.ndarray:
    return np.stack([one_hot_encode(s) for s in sequences]).astype(np.float32)


def _one_site_motif() -> Motif:
    probabilities = np.full((6, 4), 0.01)
    probabilities[np.arange(6), [0, 0, 2, 2, 3, 1]] = 0.97  # AAGGTC
    return Motif("M1", "test", probabilities / probabilities.sum(1, keepdims=True))


def test_motif_scan_counts_sites_on_both_strands():
    probabilities = np.full((6, 4), 0.01)
    probabilities[np.arange(6), [0, 0, 2, 2, 3, 1]] = 0.97  # AAGGTC
    motif = Motif("M1", "test", probabilities / probabilities.sum(1, keepdims=True))
    background = "T" * 40
    site, reverse = "AAGGTC", "GACCTT"
    scores = sites.motif_scan(
        _windows(background, background[:10] + site + background[16:],
                 background[:5] + site + background[11:25] + reverse + background[31:]),
        [motif],
    )  # fmt: skip
    assert scores[0, 0] == 0.0
    assert scores[1, 0] > 0.0
    np.testing.assert_allclose(scores[2, 0], np.log1p(2 * np.expm1(scores[1, 0])), rtol=1e-5)


def test_a_stricter_scan_threshold_counts_less_of_a_weak_site():
    weak = "T" * 10 + "AAGGTA" + "T" * 24  # one base off the consensus
    strong = "T" * 10 + "AAGGTC" + "T" * 24
    windows = _windows(weak, strong)
    lenient, strict = (sites.motif_scan(windows, [_one_site_motif()], threshold=t)
                       for t in (0.4, 0.9))  # fmt: skip
    # The weak site scores 0.51 of the best: it passes 0.4 only.
    assert lenient[0, 0] > 0.0 and strict[0, 0] == 0.0
    assert strict[1, 0] > 0.0 and lenient[1, 0] > strict[1, 0]


def test_occupancy_sums_each_sites_posterior_on_both_strands():
    """One perfect site: its posterior r LR / (1 + r LR), LR its likelihood ratio against
    a uniform background; the same site on the other strand counts the same, two count
    twice; a higher prior rate counts more."""
    motif = _one_site_motif()
    background = "T" * 40
    one = background[:10] + "AAGGTC" + background[16:]
    other_strand = background[:10] + "GACCTT" + background[16:]
    two = background[:5] + "AAGGTC" + background[11:25] + "GACCTT" + background[31:]
    windows = _windows(one, other_strand, two)
    occupancy = np.expm1(sites.motif_occupancy(windows, [motif], 1e-4))[:, 0]
    ratio = np.prod((motif.probabilities.max(axis=1) + 0.01) / 1.04 / 0.25)
    posterior = 1e-4 * ratio / (1 + 1e-4 * ratio)
    empty = np.expm1(sites.motif_occupancy(_windows(background), [motif], 1e-4))[0, 0]
    assert occupancy[0] == pytest.approx(posterior + empty, abs=1e-3)
    assert occupancy[1] == pytest.approx(occupancy[0], abs=1e-3)
    assert occupancy[2] == pytest.approx(2 * posterior + empty, abs=1e-3)
    higher = np.expm1(sites.motif_occupancy(windows, [motif], 1e-2))[:, 0]
    assert (higher > occupancy).all()


def test_background_shift_is_each_windows_chain_log_probability_over_uniform():
    """Against a brute-force sum, base by base given the bases before, over each motif's
    own columns (a narrower motif sits centred in the padded filters); a base that is N or
    follows one within the chain's order adds nothing."""
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 4, (4, 60))
    windows = np.eye(4, dtype=np.float32)[codes].transpose(0, 2, 1).copy()
    windows[1, :, 20] = 0.0  # an N
    motifs = [Motif(n, n, rng.dirichlet([0.5] * 4, w)) for n, w in (("a", 5), ("b", 8))]
    weight = sites.log_ratio_filters(motifs, np.log)
    for order in (0, 1, 3):
        chain = sites.fit_chain(windows, order)
        np.testing.assert_allclose(np.exp(chain).sum(axis=1), 1.0, rtol=1e-9)
        shift = sites.background_shift(chain, weight)(torch.from_numpy(windows)).numpy()
        for row, start, m, offset in ((0, 0, 0, 1), (1, 15, 0, 1), (1, 14, 1, 0), (3, 52, 1, 0)):
            expected = 0.0
            for position in range(start + offset, start + offset + motifs[m].width):
                if (
                    position < order
                    or windows[row, :, position - order : position + 1].sum() <= order
                ):
                    continue  # the sequence's first bases, or an N at or before the base
                context = 0
                for back in range(order, 0, -1):
                    context = context * 4 + codes[row, position - back]
                expected += chain[context, codes[row, position]] - np.log(0.25)
            assert shift[row, m, start] == pytest.approx(expected, abs=1e-4)


def test_occupancy_against_a_uniform_chain_is_the_uniform_ratio():
    windows = _windows("ACGTTAAGGTCAGT" * 3, "GGGCCCAAGGTCTT" * 3)
    uniform = np.log(np.full((4, 4), 0.25))  # order 1, every transition 1/4
    motif = _one_site_motif()
    np.testing.assert_allclose(
        sites.motif_occupancy(windows, [motif], 1e-3, uniform),
        sites.motif_occupancy(windows, [motif], 1e-3),
        rtol=1e-5,
    )


def test_a_site_in_a_background_rich_in_its_bases_counts_less():
    """The same AT-rich site in an AT-rich window and in a GC-rich one: against each
    window's own base frequencies (order 0) it counts less in the AT-rich window, more in
    the GC-rich one, than against uniform bases."""
    probabilities = np.full((6, 4), 0.01)
    probabilities[np.arange(6), [0, 3, 0, 3, 0, 3]] = 0.97  # ATATAT
    motif = Motif("AT", "test", probabilities / probabilities.sum(1, keepdims=True))
    rng = np.random.default_rng(0)
    site = "".join(rng.choice(list("AT"), 200)) + "ATATAT" + "".join(rng.choice(list("AT"), 94))
    at_rich, gc_rich = _windows(site), _windows(site[:200].translate(str.maketrans("AT", "GC"))
                                                + "ATATAT" + "C" * 94)  # fmt: skip

    def counts(own_background: bool) -> list[float]:
        return [np.expm1(sites.motif_occupancy(
            w, [motif], 1e-4, sites.fit_chain(w, 0) if own_background else None))[0, 0]
            for w in (at_rich, gc_rich)]  # fmt: skip

    uniform, own = counts(False), counts(True)
    assert own[0] < 0.1 * uniform[0]
    assert 0.1 < uniform[1] < 0.5 < 0.9 < own[1]


@pytest.mark.parametrize("form", ["relu", "occupancy", "occupancy, order-2 background"])
def test_the_frozen_count_encoder_counts_by_the_readers_rule(form):
    """A count encoder frozen at a motif (both strands) counts what the reader's scan of
    that form counts: the benchmark's model and reader see the same inputs. With a site
    background, the encoder's chain fitted on the same windows is the reader's."""
    import torch

    from kipoi_prism.config import ModelConfig
    from kipoi_prism.model.backbone import PrismBackbone, initialise_stem

    motif = _one_site_motif()
    order = 2 if "background" in form else None
    config = ModelConfig(encoder="counts", count_both_strands=True, count_form=form[:9].strip(","),
                         site_background=order, channels=2, stem_kernel=7, enhancer_length=60,
                         promoter_length=60)  # fmt: skip
    backbone = PrismBackbone(config)
    initialise_stem(backbone, [motif], freeze=True)
    rng = np.random.default_rng(0)
    bases = rng.choice(list("ACGT"), size=(4, 60))
    bases[1, 20:26] = list("AAGGTC")
    bases[2, 30:36] = list("GACCTT")
    windows = _windows(*("".join(row) for row in bases))
    encoder = backbone.enhancer_encoder
    if order is not None:
        encoder.background.fit(encode_codes("".join(row)) for row in bases)
        np.testing.assert_allclose(
            encoder.background.log2_ratio.numpy() * np.log(2),
            sites.fit_chain(windows, order) - np.log(0.25),
            atol=1e-5,
        )
    with torch.no_grad():
        counts = encoder.counts(torch.from_numpy(windows))[:, 0].numpy()
    chain = None if order is None else sites.fit_chain(windows, order)
    reader = (sites.motif_scan(windows, [motif]) if form == "relu"
              else sites.motif_occupancy(windows, [motif], config.site_rate, chain))  # fmt: skip
    # The encoder also scores the window's edges ("same" padding): at most 1e-3 there; with
    # a background, it reads a reverse-strand site's bases given the bases before it on the
    # window's strand, the reader on the site's own (the posterior of row 2 within 10%).
    rtol = 1e-4 if order is None else 0.1
    np.testing.assert_allclose(counts, np.expm1(reader[:, 0]), rtol=rtol, atol=1e-3)
    # A site counts (less against a chain fitted on four short windows that hold it).
    assert min(counts[1], counts[2]) > (10 if order is None else 5) * max(counts[0], counts[3])


def test_em_rates_recover_the_planted_site_rate_from_any_start():
    """One site planted in every other random window: the rate the M-step settles at is the
    planted sites per position and strand (plus the background's chance matches), from a
    start far below it and from one far above."""
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 4, (200, 100))
    codes[::2, 40:46] = [0, 0, 2, 2, 3, 1]  # AAGGTC
    windows = np.eye(4, dtype=np.float32)[codes].transpose(0, 2, 1).copy()
    planted = 100 / (2 * 200 * (100 - 6 + 1))
    low, high = (sites.em_rates(windows, [_one_site_motif()], start, steps=30)[0]
                 for start in (1e-5, 1e-2))  # fmt: skip
    assert planted < low < 1.4 * planted
    assert high == pytest.approx(low, rel=0.05)


def test_occupancy_readers_add_the_em_rows_only_when_asked():
    args = argparse.Namespace(occupancy_rates=(1e-4,), occupancy_em=0)
    windows = _windows("ACGTTAAGGTCAGT" * 3, "GGGCCCAAGGTCTT" * 3)
    encoded = argparse.Namespace(enhancer=windows, promoter=windows)
    table = pd.DataFrame({"enhancer_region": [0, 1], "promoter_region": [0, 1], "row_id": [0, 1]})
    fit_on, extra = (encoded, table, table), np.zeros((2, 0))
    chains = {None: None}
    plain = learnability.occupancy_readers("known", [_one_site_motif()], args, chains, encoded,
                                           extra, fit_on)  # fmt: skip
    assert list(plain) == ["known at 0.0001"]
    args.occupancy_em = 3
    both = learnability.occupancy_readers("known", [_one_site_motif()], args, chains, encoded,
                                          extra, fit_on)  # fmt: skip
    assert list(both) == ["known at 0.0001", "known at 0.0001, rates by EM"]
    np.testing.assert_array_equal(both["known at 0.0001"], plain["known at 0.0001"])
    assert not np.allclose(both["known at 0.0001, rates by EM"], plain["known at 0.0001"])
