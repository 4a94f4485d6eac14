"""docs/BENCHMARK.md's round-37 section (the element read kept only where validation AUPR
does not drop, H102) states what the committed runs give, recomputed from them here."""

from __future__ import annotations

import pandas as pd
from benchmark_docs import DOCS, assert_rows_in, flat_text, paired
from test_benchmark import benchmark_script

RUNS = DOCS / "benchmark-runs"
OUT = RUNS / "read-guard" / "frozen-stem"
GROUPS = ("K562-IMR90-HUVEC", "GM12878-HeLa-S3-NHEK")


def _recomputed() -> pd.DataFrame:
    script = benchmark_script("read_guard")
    with_read = [RUNS / "sequence-readout" / f"read-seed{s}-{g}" for s in range(3) for g in GROUPS]
    without = [RUNS / "sequence-strands" / f"frozen-both-seed{s}" for s in range(3)]
    return script.guard_table(with_read, without)


def test_h102_table_is_recomputed_from_the_committed_fits():
    table = _recomputed()
    assert len(table) == 18
    committed = pd.read_csv(OUT / "guard.csv")
    for column in ("val_network", "val_read", "held_out_never", "held_out_always"):
        assert (table[column] - committed[column]).abs().max() < 1e-6
    assert list(table["kept"]) == list(committed["kept"])

    def line(r) -> str:
        return (f"| {r['held_out']} | {r['seed']} | {r['val_network']:.3f} | "
                f"{r['val_read']:.3f} | {'yes' if r['kept'] else 'no'} | "
                f"{r['held_out_never']:.3f} | {r['held_out_always']:.3f} | "
                f"{r['held_out_guarded']:.3f} |")  # fmt: skip

    assert_rows_in(table, line)
    assert "read_guard.py" in (OUT / "run.json").read_text()


def test_h102_verdict_as_written():
    table = _recomputed()
    guarded, always, never = (table[f"held_out_{arm}"] for arm in ("guarded", "always", "never"))
    text = flat_text()
    refuted = (guarded - always).mean() < 0
    assert refuted and "**H102 refuted; the guard is not built.**" in text
    assert f"Guarded minus always: {paired(guarded - always)}" in text
    assert f"guarded minus never: {paired(guarded - never)}" in text
    assert f"always minus never, round 28's gain: {paired(always - never)}" in text
    dropped = ~table["kept"]
    rescued = int((dropped & (always > never)).sum())
    assert f"lowered validation AUPR in {int(dropped.sum())} of 18 fits" in text
    assert f"raised held-out AUPR in {rescued} of those {int(dropped.sum())}" in text
    assert f"H102 refuted: {paired(guarded - always).split(' (')[0]}) and is not built" in text
