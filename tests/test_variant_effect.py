"""Variant effects: VCF reading, allele application, scoring and ``kipoi-prism variant-effect``
(kipoi_prism.io.vcf, kipoi_prism.io.alleles, kipoi_prism.inference.variants,
kipoi_prism.cli.variant_effect)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pysam
import pytest
from predict_helpers import BEDPE_HEADER, single_thread, tiny_weights  # noqa: F401

from kipoi_prism.cli.main import main
from kipoi_prism.config import InferenceConfig
from kipoi_prism.errors import PrismInputError
from kipoi_prism.inference.variants import EFFECT_COLUMNS, PairIndex, variant_effects
from kipoi_prism.io.alleles import alt_window, overlaps
from kipoi_prism.io.genome import Genome
from kipoi_prism.io.vcf import Variant, VcfCounts, iter_variants

pytestmark = pytest.mark.usefixtures("single_thread")

VCF_HEADER = (
    "##fileformat=VCFv4.2\n##contig=<ID=chr1,length=20000>\n##contig=<ID=chr2,length=12000>\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
)

# Tiny model windows: enhancer 200 bp, promoter 150 bp (predict_helpers.TINY).
PAIRS = [
    # name, cell, enhancer (chrom, start, end), promoter (chrom, start, end)
    ("p0", "cellA", ("chr1", 1000, 1100), ("chr1", 3000, 3100)),  # E 950-1150, P 2975-3125
    ("p1", "cellB", ("chr1", 1050, 1150), ("chr1", 5000, 5100)),  # E 1000-1200, P 4975-5125
    ("p2", "cellA", ("chr1", 8000, 8100), ("chr1", 8000, 8100)),  # E 7950-8150, P 7975-8125
    ("p3", "cellB", ("chr2", 2000, 2100), ("chr2", 6000, 6100)),  # E 1950-2150, P 5975-6125
    ("p4", "cellA", ("chr2", 9000, 9100), ("chr1", 12000, 12100)),
    ("p5", "cellB", ("chr1", 16000, 16100), ("chr2", 10000, 10100)),
]


def write_pairs(path: Path, pairs=PAIRS) -> Path:
    lines = [BEDPE_HEADER]
    for name, cell, (ec, es, ee), (pc, ps, pe) in pairs:
        fields = [ec, es, ee, pc, ps, pe, name, ".", ".", ".", cell, "1"]
        lines.append("\t".join(map(str, fields)) + "\n")
    path.write_text("".join(lines))
    return path


def write_vcf(path: Path, records: list[tuple]) -> Path:
    """``records``: (chrom, 0-based pos, id, ref, alt); written with the 1-based POS."""
    body = "".join(f"{c}\t{p + 1}\t{i}\t{r}\t{a}\t.\t.\t.\n" for c, p, i, r, a in records)
    path.write_text(VCF_HEADER + body)
    return path


def base(genome: Genome, chrom: str, pos: int, length: int = 1) -> str:
    return genome.fetch(chrom, pos, pos + length).decode()


def other(b: str) -> str:
    return "ACGT"[("ACGT".index(b) + 1) % 4]


def standard_records(genome: Genome) -> list[tuple]:
    g = lambda c, p, n=1: base(genome, c, p, n)  # noqa: E731
    return [
        ("chr1", 1120, "snv_two_enh", g("chr1", 1120), other(g("chr1", 1120))),  # p0, p1
        ("chr1", 3010, "snv_prom", g("chr1", 3010), other(g("chr1", 3010))),  # p0 promoter
        ("chr1", 8050, "snv_both", g("chr1", 8050), other(g("chr1", 8050))),  # p2 both
        ("chr1", 15000, "outside", g("chr1", 15000), other(g("chr1", 15000))),  # no window
        ("chr1", 5050, "ins", g("chr1", 5050), g("chr1", 5050) + "ACGT"),  # p1 promoter
        ("chr2", 6050, "del", g("chr2", 6050, 5), g("chr2", 6050)),  # p3 promoter
        (
            "chr2",
            2050,
            "multi",
            g("chr2", 2050),
            f"{other(g('chr2', 2050))},{other(other(g('chr2', 2050)))},<DEL>",
        ),  # fmt: skip
        ("chr1", 1100, "same", g("chr1", 1100), g("chr1", 1100)),  # alt == ref
    ]


@pytest.fixture
def inputs(tmp_path, small_genome):
    genome = Genome(small_genome)
    return {
        "pairs": write_pairs(tmp_path / "pairs.bedpe"),
        "vcf": write_vcf(tmp_path / "variants.vcf", standard_records(genome)),
        "fasta": small_genome,
        "weights": tiny_weights(tmp_path / "tiny.pt", seed=3),
        "genome": genome,
    }


def effects(inputs, vcf=None, pairs=None, **config) -> pd.DataFrame:
    return variant_effects(
        vcf or inputs["vcf"], pairs or inputs["pairs"], inputs["fasta"], inputs["weights"],
        InferenceConfig(**config),
    )  # fmt: skip


# ---------------------------------------------------------------- alleles (hand-checked)


@pytest.fixture
def genome(small_genome) -> Genome:
    return Genome(small_genome)


def test_snv_changes_the_window_at_its_base(genome):
    g = base(genome, "chr1", 100, 10)  # window 100-110, centre base 105
    variant = Variant("chr1", 103, ".", g[3], other(g[3]))
    assert alt_window(genome, variant, 100, 10).decode() == g[:3] + other(g[3]) + g[4:]


def test_insertion_right_of_the_centre_pushes_the_right_flank_out(genome):
    g = base(genome, "chr1", 100, 10)
    variant = Variant("chr1", 107, ".", g[7], g[7] + "TTT")
    assert alt_window(genome, variant, 100, 10).decode() == g[:8] + "TT"


def test_insertion_left_of_the_centre_pushes_the_left_flank_out(genome):
    g = base(genome, "chr1", 90, 30)  # g[10] is base 100
    variant = Variant("chr1", 102, ".", g[12], g[12] + "AAA")
    window = alt_window(genome, variant, 100, 10).decode()
    assert window == "AAA" + g[13:20]
    assert window[5] == g[15]  # the centre base (105) stays in the centre


def test_deletion_right_of_the_centre_pulls_right_flank_in(genome):
    g = base(genome, "chr1", 100, 20)
    variant = Variant("chr1", 107, ".", g[7:11], g[7])  # deletes 108, 109, 110
    assert alt_window(genome, variant, 100, 10).decode() == g[:8] + g[11:13]


def test_deletion_left_of_the_centre_pulls_left_flank_in(genome):
    g = base(genome, "chr1", 90, 30)  # g[10] is base 100
    variant = Variant("chr1", 101, ".", g[11:14], g[11])  # deletes 102, 103
    window = alt_window(genome, variant, 100, 10).decode()
    assert window == g[8:12] + g[14:20]
    assert window[5] == g[15]


def test_deletion_of_the_centre_base_centres_on_the_next_base(genome):
    g = base(genome, "chr1", 100, 20)
    variant = Variant("chr1", 104, ".", g[4:7], g[4])  # deletes 105 (the centre), 106
    assert alt_window(genome, variant, 100, 10).decode() == g[:5] + g[7:12]


def test_indel_at_a_chromosome_start_pads_with_n(genome):
    g = base(genome, "chr1", 0, 10)
    variant = Variant("chr1", 0, ".", g[0:3], g[0])  # deletes bases 1 and 2
    window = alt_window(genome, variant, -4, 10)  # centre base 1 deleted: centre on base 3
    assert window.decode() == "NNNN" + g[0] + g[3:8]
    assert window.decode()[5] == g[3]


def test_overlap_counts_any_ref_base_in_the_window():
    assert overlaps(Variant("chr1", 95, ".", "AAAAAA", "A"), 100, 10)  # REF 95-101
    assert not overlaps(Variant("chr1", 94, ".", "AAAAAA", "A"), 100, 10)
    assert not overlaps(Variant("chr1", 110, ".", "A", "C"), 100, 10)


# ---------------------------------------------------------------- reading VCF


def test_multi_allelic_records_are_split_and_symbolic_alts_counted(tmp_path):
    path = write_vcf(tmp_path / "v.vcf", [
        ("chr1", 9, "m", "A", "C,GT,<DEL>"), ("chr1", 19, "b", "A", "A]chr2:5]"),
        ("chr1", 29, "s", "ac", "*,g"),
    ])  # fmt: skip
    counts = VcfCounts()
    variants = list(iter_variants(path, counts))
    assert [(v.id, v.pos, v.ref, v.alt, v.allele) for v in variants] == [
        ("m", 9, "A", "C", 1), ("m", 9, "A", "GT", 2), ("s", 29, "AC", "G", 2),
    ]  # fmt: skip
    assert [v.line for v in variants] == [5, 5, 7]
    assert (counts.records, counts.variants, counts.split, counts.symbolic) == (3, 3, 1, 3)


def test_bgzipped_vcf_reads_like_plain(tmp_path):
    plain = write_vcf(tmp_path / "v.vcf", [("chr1", 9, "a", "A", "C"), ("chr2", 4, "b", "G", "T")])
    packed = tmp_path / "v.vcf.gz"
    pysam.tabix_compress(str(plain), str(packed))
    assert list(iter_variants(packed)) == list(iter_variants(plain))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("chr1\tx\t.\tA\tC\t.\t.\t.\n", "variants.vcf line 6: cannot parse the VCF record"),
        ("chr1\t5\t.\t.\tC\t.\t.\t.\n", "variants.vcf line 6: empty REF"),
        ("chr1\t5\t.\tA\tR\t.\t.\t.\n", "variants.vcf line 6: ALT 'R' is not a DNA sequence"),
    ],
)
def test_bad_records_name_file_line_and_problem(tmp_path, body, message):
    path = tmp_path / "variants.vcf"
    path.write_text(VCF_HEADER + "chr1\t3\t.\tA\tC\t.\t.\t.\n" + body)
    with pytest.raises(PrismInputError, match=message):
        list(iter_variants(path))


# ---------------------------------------------------------------- scoring


def test_pair_index_finds_every_window_a_variant_touches(inputs):
    frame = pd.DataFrame([
        {"name": n, "cell_line": c, "line": i, "enhancer_chrom": e[0], "enhancer_start": e[1],
         "enhancer_end": e[2], "promoter_chrom": p[0], "promoter_start": p[1], "promoter_end": p[2]}
        for i, (n, c, e, p) in enumerate(PAIRS)
    ])  # fmt: skip
    index = PairIndex(frame, {"enhancer": 200, "promoter": 150})
    pairs, codes = index.hits(Variant("chr1", 1120, ".", "A", "C"))
    assert pairs.tolist() == [0, 1] and codes.tolist() == [1, 1]
    pairs, codes = index.hits(Variant("chr1", 8050, ".", "A", "C"))
    assert pairs.tolist() == [2] and codes.tolist() == [3]
    # [1149, 1151) touches p0's last enhancer base (1149); [1150, ...) does not.
    assert index.hits(Variant("chr1", 1149, ".", "A", "C"))[0].tolist() == [0, 1]
    assert index.hits(Variant("chr1", 1150, ".", "A", "C"))[0].tolist() == [1]
    assert len(index.hits(Variant("chr3", 5, ".", "A", "C"))[0]) == 0


def test_one_row_per_variant_and_overlapping_pair(inputs):
    table = effects(inputs)
    assert list(table.columns) == list(EFFECT_COLUMNS)
    assert list(zip(table["id"], table["pair"], table["element"], strict=True)) == [
        ("snv_two_enh", "p0", "enhancer"), ("snv_two_enh", "p1", "enhancer"),
        ("snv_prom", "p0", "promoter"), ("snv_both", "p2", "both"),
        ("ins", "p1", "promoter"), ("del", "p3", "promoter"),
        ("multi", "p3", "enhancer"), ("multi", "p3", "enhancer"),
        ("same", "p0", "enhancer"), ("same", "p1", "enhancer"),
    ]  # fmt: skip
    assert "outside" not in set(table["id"])
    assert table.loc[table["id"] == "snv_prom", "pos"].item() == 3011  # the VCF's POS
    for score in ("probability", "logit", "U_I"):
        np.testing.assert_allclose(
            table[f"delta_{score}"], table[f"alt_{score}"] - table[f"ref_{score}"], atol=1e-7
        )
    # The pair's reference scores do not depend on the variant.
    assert table.loc[table["pair"] == "p0", "ref_probability"].nunique() == 1


def test_alt_equal_to_ref_changes_nothing(inputs):
    table = effects(inputs)
    same = table[table["id"] == "same"]
    assert len(same) == 2
    assert (same["delta_probability"] == 0).all() and (same["delta_logit"] == 0).all()
    moved = table[table["id"].isin(["ins", "del", "snv_both"])]
    assert (moved["delta_logit"] != 0).all()


def test_batch_size_and_input_order_do_not_change_effects(inputs, tmp_path):
    reference = effects(inputs, batch_size=64)
    shuffled_pairs = write_pairs(tmp_path / "shuffled.bedpe", PAIRS[::-1])
    records = standard_records(inputs["genome"])[::-1]
    reversed_vcf = write_vcf(tmp_path / "reversed.vcf", records)
    other_run = effects(inputs, vcf=reversed_vcf, pairs=shuffled_pairs, batch_size=1)
    assert other_run["id"].tolist()[:2] == ["same", "same"]  # VCF order, then pair order
    key = ["id", "alt", "pair"]
    merged = reference.merge(other_run, on=key, suffixes=("_a", "_b"), validate="one_to_one")
    assert len(merged) == len(reference) == len(other_run)
    for column in EFFECT_COLUMNS[11:]:
        np.testing.assert_allclose(merged[f"{column}_a"], merged[f"{column}_b"], rtol=0, atol=1e-6)


def test_ref_mismatch_is_an_error_or_a_flag(inputs, tmp_path):
    g = base(inputs["genome"], "chr1", 1120)
    vcf = write_vcf(tmp_path / "bad.vcf", [("chr1", 1120, "bad", other(g), g)])
    with pytest.raises(PrismInputError, match=r"bad.vcf line 5: REF . at chr1:1121 does not"):
        effects(inputs, vcf=vcf)
    table = variant_effects(vcf, inputs["pairs"], inputs["fasta"], inputs["weights"],
                            ref_mismatch="flag")  # fmt: skip
    assert table["ref_mismatch"].tolist() == [1, 1]
    assert table["delta_probability"].isna().all() and table["ref_probability"].isna().all()


def test_variants_in_no_window_give_an_empty_table(inputs, tmp_path):
    g = base(inputs["genome"], "chr1", 15000)
    vcf = write_vcf(tmp_path / "out.vcf", [("chr1", 15000, "o", g, other(g)),
                                           ("chr2", 5, "o2", "A", "C")])  # fmt: skip
    table = effects(inputs, vcf=vcf)
    assert len(table) == 0 and list(table.columns) == list(EFFECT_COLUMNS)


# ---------------------------------------------------------------- command line


def run_cli(inputs, out, *extra) -> int:
    return main(["-q", "variant-effect", "--vcf", str(inputs["vcf"]), "--pairs",
                 str(inputs["pairs"]), "--fasta", str(inputs["fasta"]), "--weights",
                 str(inputs["weights"]), "--device", "cpu", "--out", str(out), *extra])  # fmt: skip


def test_cli_tsv_matches_the_library(inputs, tmp_path):
    out = tmp_path / "effects.tsv"
    assert run_cli(inputs, out, "--batch-size", "3") == 0
    written = pd.read_csv(out, sep="\t")
    expected = effects(inputs)
    assert list(written.columns) == list(EFFECT_COLUMNS)
    assert written["id"].tolist() == expected["id"].tolist()
    np.testing.assert_allclose(written["delta_logit"], expected["delta_logit"], atol=1e-6)


def test_cli_logs_counts_and_the_environment_source(inputs, tmp_path, capsys):
    out = tmp_path / "effects.tsv"
    argv = ["variant-effect", "--vcf", str(inputs["vcf"]), "--pairs", str(inputs["pairs"]),
            "--fasta", str(inputs["fasta"]), "--weights", str(inputs["weights"]), "--out",
            str(out), "--device", "cpu"]  # fmt: skip
    assert main(argv) == 0
    text = capsys.readouterr().err
    assert "8 VCF record(s), 9 variant(s) (1 multi-allelic record(s) split, 1 symbolic" in text
    assert "1 variant(s) in no pair's window" in text
    assert "from reference sequence" in text


@pytest.mark.parametrize("suffix", [".vcf", ".vcf.gz"])
def test_cli_vcf_output_carries_info_fields(inputs, tmp_path, suffix):
    out = tmp_path / f"annotated{suffix}"
    assert run_cli(inputs, out) == 0
    if suffix == ".vcf.gz":
        with gzip.open(out) as handle:  # bgzip is gzip
            assert handle.readline().startswith(b"##fileformat")
    with pysam.VariantFile(str(out)) as vcf:
        assert {"PRISM_PAIR", "PRISM_DP", "PRISM_DL", "PRISM_ALT"} <= set(vcf.header.info)
        records = {record.id: record for record in vcf}
    assert len(records) == 8  # every input record kept
    assert "PRISM_PAIR" not in records["outside"].info
    assert records["snv_two_enh"].info["PRISM_PAIR"] == ("p0", "p1")
    multi = records["multi"].info
    assert len(multi["PRISM_ALT"]) == len(multi["PRISM_DP"]) == 2
    assert records["same"].info["PRISM_DP"] == (0.0, 0.0)


def test_cli_bad_inputs_are_one_line_errors(inputs, tmp_path, capsys):
    assert run_cli({**inputs, "vcf": tmp_path / "missing.vcf"}, tmp_path / "o.tsv") == 2
    error = capsys.readouterr().err.strip()
    assert error == f"kipoi-prism: error: {tmp_path / 'missing.vcf'}: VCF file not found"
    bad = tmp_path / "bad.vcf"
    bad.write_text(VCF_HEADER + "chr1\tx\t.\tA\tC\t.\t.\t.\n")
    assert run_cli({**inputs, "vcf": bad}, tmp_path / "o.tsv") == 2
    error = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(error) == 1 and f"{bad} line 5: cannot parse the VCF record" in error[0]
    assert run_cli(inputs, tmp_path / "o.bed") == 2
    assert "--out: expected" in capsys.readouterr().err
    assert not (tmp_path / "o.tsv").exists()


def test_feature_weights_are_refused(inputs, tmp_path, capsys):
    weights = tiny_weights(tmp_path / "features.pt", backbone="features", feature_dims=(17, 8))
    assert run_cli({**inputs, "weights": weights}, tmp_path / "o.tsv") == 2
    assert "variant effects need sequence weights" in capsys.readouterr().err


def test_cli_flags_ref_mismatches_on_request(inputs, tmp_path):
    g = base(inputs["genome"], "chr1", 3010)
    vcf = write_vcf(tmp_path / "bad.vcf", [("chr1", 3010, "bad", other(g), g)])
    out = tmp_path / "flagged.tsv"
    assert run_cli({**inputs, "vcf": vcf}, out, "--ref-mismatch", "flag") == 0
    written = pd.read_csv(out, sep="\t")
    assert written["ref_mismatch"].tolist() == [1] and written["delta_logit"].isna().all()


def test_cli_environment_file_gives_the_support_set_scores(inputs, tmp_path, capsys):
    environment = tmp_path / "cellA.env.json"
    assert main(["-q", "environment", "--pairs", str(inputs["pairs"]), "--fasta",
                 str(inputs["fasta"]), "--weights", str(inputs["weights"]), "--cell-line",
                 "cellA", "--device", "cpu", "--out", str(environment)]) == 0  # fmt: skip
    plain, given = tmp_path / "plain.tsv", tmp_path / "given.tsv"
    assert run_cli(inputs, plain) == 0
    capsys.readouterr()
    argv = ["variant-effect", "--vcf", str(inputs["vcf"]), "--pairs", str(inputs["pairs"]),
            "--fasta", str(inputs["fasta"]), "--weights", str(inputs["weights"]), "--device",
            "cpu", "--environment", str(environment), "--out", str(given)]  # fmt: skip
    assert main(argv) == 0
    log = capsys.readouterr().err
    assert "cell line cellA: environment from" in log
    assert "z_E of cellB: from reference sequence" in log
    pd.testing.assert_frame_equal(pd.read_csv(plain, sep="\t"), pd.read_csv(given, sep="\t"))


def test_cli_vcf_output_declares_contigs_the_input_header_lacks(inputs, tmp_path):
    vcf = tmp_path / "bare.vcf"
    lines = inputs["vcf"].read_text().splitlines(keepends=True)
    vcf.write_text("".join(line for line in lines if not line.startswith("##contig")))
    out = tmp_path / "annotated.vcf"
    assert run_cli({**inputs, "vcf": vcf}, out) == 0
    with pysam.VariantFile(str(out)) as annotated:
        assert annotated.header.contigs["chr1"].length == 20_000
        assert len(list(annotated)) == 8


def test_variants_made_in_code_score_like_vcf_ones(inputs):
    from_vcf = effects(inputs)
    made = [Variant(v.chrom, v.pos, v.id, v.ref, v.alt) for v in iter_variants(inputs["vcf"])]
    from_code = effects(inputs, vcf=made)
    assert from_code["vcf_line"].isna().all()
    columns = [c for c in EFFECT_COLUMNS if c != "vcf_line"]
    pd.testing.assert_frame_equal(from_code[columns], from_vcf[columns])
    wrong = Variant("chr1", 1120, "w", other(base(inputs["genome"], "chr1", 1120)), "A")
    with pytest.raises(PrismInputError, match=r"^<variants>: REF . at chr1:1121 does not match"):
        effects(inputs, vcf=[wrong])
