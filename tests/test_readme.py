"""The README's example output is what the shipped weights print (it goes stale otherwise)."""

from pathlib import Path

import numpy as np
import pytest

from kipoi_prism.inference.engine import predict_pairs

ROOT = Path(__file__).resolve().parents[1]


def _block_after(marker: str) -> list[list[str]]:
    text = (ROOT / "README.md").read_text()
    block = text[text.index(marker) + len(marker) :].split("```")[0]
    return [line.split() for line in block.strip().splitlines()]


@pytest.fixture(scope="module")
def example_scores():
    return predict_pairs(ROOT / "example" / "pairs.bedpe", ROOT / "example" / "genome.fa")


@pytest.mark.parametrize("marker", ["$ head -4 example-scores.tsv\n", "prints\n\n```\n"])
def test_readme_example_output_matches_the_shipped_weights(marker, example_scores):
    header, *rows = _block_after(marker)
    assert rows, f"no rows after {marker!r} in README.md"
    for row in rows:
        values = dict(zip(header, row, strict=True))
        scored = example_scores[example_scores["name"] == values["name"]].iloc[0]
        assert values["cell_line"] == scored["cell_line"]
        assert int(values["call"]) == int(scored["call"])
        for column in ("probability", "U_I", "R_E", "lam", "T"):
            message = f"README {values['name']} {column}"
            np.testing.assert_allclose(
                float(values[column]), scored[column], rtol=1e-5, atol=1e-6, err_msg=message
            )


def test_readme_states_the_shipped_threshold_and_what_the_example_scores(example_scores):
    """The numbers the README quotes from the shipped weights: their threshold, size and
    the example's highest probability and pooled AUPR."""
    from kipoi_prism import metrics
    from kipoi_prism.model.weights import load_weights

    bundle = load_weights()
    text = " ".join((ROOT / "README.md").read_text().split())
    highest = example_scores["probability"].max()
    assert f"calibrated threshold ({bundle.threshold:.4f}; the highest is {highest:.3f})" in text
    size = sum(p.numel() for p in bundle.model.parameters())
    assert f"threshold {bundle.threshold:.4f}; {size:,} parameters" in text
    pooled = metrics.aupr(example_scores["label"].to_numpy(), example_scores["probability"])
    prevalence = example_scores["label"].mean()
    assert f"reports pooled AUPR {pooled:.3f} at prevalence {prevalence:.3f}" in text
