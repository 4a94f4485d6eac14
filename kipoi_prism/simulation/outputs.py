"""What the simulator writes: the BEDPE into the compact genome, ``truth.json``, the sites.

Files (in ``out_dir``, each written to a temporary file and renamed onto its name)
-----------------------------------------------------------------------------------
``genome.fa`` + ``genome.fa.fai``
    One record per region, named ``chrom_start_end`` after its original coordinates.
``pairs.bedpe``
    The canonical BEDPE (:mod:`kipoi_prism.io.pairs`) whose coordinates point into
    ``genome.fa``, in input order; the label column holds the simulated label. Extra columns,
    named by the ``#`` header line: original coordinates, distance, ``u_star``, ``r_star``,
    ``logit_star``, ``oracle_probability``.
``truth.json``
    The mechanism's parameters, the environments, ``R*``, ``b_c``, prevalence and oracle
    metrics per cell line, and the inputs' SHA-256.
``sites.bed``
    Every planted motif site, BED6+ in ``genome.fa`` coordinates (0-based, half-open), sorted
    by FASTA record then start, a ``#`` header line naming the columns (:data:`SITE_COLUMNS`):
    ``chrom`` (the record), ``start``, ``end``, ``name`` (the factor's motif name), ``score``
    (0), ``strand`` (``-``: the record holds the reverse complement of the instance), then
    ``motif_id`` (JASPAR ID), ``role`` (``enhancer`` or ``promoter``, as the region was
    generated) and ``sequence`` (the sampled instance on the motif's strand, so the record's
    bases equal it, reverse-complemented on ``-``). Sites of one region never overlap; per
    region and factor they add up to ``SimulationResult.site_counts``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from kipoi_prism.io.atomic import atomic_open, write_text
from kipoi_prism.io.checksums import file_sha256
from kipoi_prism.io.pairs import PAIR_COLUMNS

TRUTH_FORMAT = "kipoi-prism-simulation/1"
FASTA_NAME, PAIRS_NAME, TRUTH_NAME = "genome.fa", "pairs.bedpe", "truth.json"
SITES_NAME = "sites.bed"
SITE_COLUMNS = [
    "chrom", "start", "end", "name", "score", "strand", "motif_id", "role", "sequence",
]  # fmt: skip
_LETTERS = np.array(list("ACGT"))

BEDPE_EXTRAS = [
    "original_enhancer_chrom",
    "original_enhancer_start",
    "original_enhancer_end",
    "original_promoter_chrom",
    "original_promoter_start",
    "original_promoter_end",
    "distance",
    "u_star",
    "r_star",
    "logit_star",
    "oracle_probability",
]


def output_table(pairs, regions, enhancer_index, promoter_index, columns) -> pd.DataFrame:
    """The BEDPE rows: coordinates moved into the compact FASTA, truth columns appended."""
    table = pd.DataFrame(index=pairs.index)
    for element, index in (("enhancer", enhancer_index), ("promoter", promoter_index)):
        stored = regions["stored_start"].to_numpy()[index]
        table[f"{element}_chrom"] = regions["record"].to_numpy()[index]
        table[f"{element}_start"] = pairs[f"{element}_start"].to_numpy() - stored
        table[f"{element}_end"] = pairs[f"{element}_end"].to_numpy() - stored
    table["name"] = pairs["name"]
    table["score"] = "."
    table["enhancer_strand"] = table["promoter_strand"] = "."
    table["cell_line"] = pairs["cell_line"]
    table["label"] = columns["label"]
    for element in ("enhancer", "promoter"):
        for part in ("chrom", "start", "end"):
            table[f"original_{element}_{part}"] = pairs[f"{element}_{part}"]
    for name in BEDPE_EXTRAS[6:]:
        table[name] = columns[name]
    extra = {
        k: columns[k] for k in ("p_star", "cell_index", "compatibility", "gated_compatibility")
    }
    return table.assign(
        **extra,
        target_prevalence=pairs["target_prevalence"].to_numpy(),
        enhancer_region=enhancer_index,
        promoter_region=promoter_index,
    )


def write_bedpe(table: pd.DataFrame, path: Path) -> None:
    """The canonical BEDPE with a ``#`` header naming every column, written atomically."""
    columns = PAIR_COLUMNS + BEDPE_EXTRAS
    with atomic_open(path) as handle:
        handle.write("#" + "\t".join(columns) + "\n")
        table[columns].to_csv(
            handle, sep="\t", header=False, index=False, float_format="%.10g", lineterminator="\n"
        )


def site_table(planted, regions: pd.DataFrame, vocabulary) -> pd.DataFrame:
    """The rows of ``sites.bed`` (see the module docstring).

    Parameters
    ----------
    planted : list of kipoi_prism.simulation.sequences.PlantedSites
        As the generator recorded them (any order; the table is sorted).
    regions : pandas.DataFrame
        From :func:`kipoi_prism.simulation.pairs.build_regions` (FASTA record order).
    vocabulary : list of Motif

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SITE_COLUMNS`, sorted by record (region row) then start.
    """
    parts = []
    for part in planted:
        motif = vocabulary[part.factor]
        parts.append(
            pd.DataFrame(
                {
                    "region": part.region,
                    "start": part.start,
                    "end": part.start + motif.width,
                    "name": motif.name,
                    "score": 0,
                    "strand": np.where(part.minus, "-", "+"),
                    "motif_id": motif.id,
                    "sequence": ["".join(row) for row in _LETTERS[part.bases]],
                }
            )
        )
    if not parts:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in SITE_COLUMNS})
    table = pd.concat(parts, ignore_index=True)
    table = table.sort_values(["region", "start"], kind="stable").reset_index(drop=True)
    table["chrom"] = regions["record"].to_numpy()[table["region"]]
    promoter = regions["promoter_use"].to_numpy()[table["region"]]
    table["role"] = np.where(promoter, "promoter", "enhancer")
    return table[SITE_COLUMNS]


def write_sites(table: pd.DataFrame, path: Path) -> None:
    """``sites.bed`` with a ``#`` header naming every column, written atomically."""
    with atomic_open(path) as handle:
        handle.write("#" + "\t".join(SITE_COLUMNS) + "\n")
        table[SITE_COLUMNS].to_csv(handle, sep="\t", header=False, index=False, lineterminator="\n")


def write_truth(data: dict, path: Path) -> None:
    """Sorted, indented JSON (NaN -> null), written atomically."""
    write_text(path, json.dumps(json_ready(data), indent=2, sort_keys=True) + "\n")


def json_ready(value):
    """JSON-ready copy: arrays to lists, numpy scalars to Python, NaN to None."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def truth_document(config, env, parameters, metrics, compositions, regions, inputs) -> dict:
    """The content of ``truth.json``."""
    cells = {}
    for c, cell in enumerate(env.cell_lines):
        cells[cell] = {
            "factors": [env.queries[k] for k in env.factors[c]],
            "factor_motif_ids": [env.vocabulary[k].id for k in env.factors[c]],
            "activity": env.activity[c],
            "r_star": env.r_star[c],
            "offset_b": parameters["offsets"][c],
            "slope_1_plus_lam_r": 1 + config.lam_star * env.r_star[c],
            "oracle": metrics.get(cell),
        }
    return {
        "format": TRUTH_FORMAT,
        "mechanism": {
            "logit": "(U* - R*_c + lam* U* R*_c) / T*",
            "u_star": "signal_scale * z((1 - g) S + g G_c) - distance_weight * z(log10 d) + b_c",
            "oracle_probability": "(1 - label_noise) sigmoid(logit) + label_noise pi_c",
            "lam_star": config.lam_star,
            "t_star": config.t_star,
            **parameters["standardisation"],
        },
        "config": config.to_dict(),
        "vocabulary": [
            {"query": q, "id": m.id, "name": m.name, "width": m.width, "impedance_rho": rho}
            for q, m, rho in zip(env.queries, env.vocabulary, env.impedance, strict=True)
        ],
        "shared_promoter_factors": [env.queries[k] for k in env.shared],
        "compatibility_matrix": parameters["compatibility_matrix"],
        "cell_lines": cells,
        "oracle": metrics,
        "regions": {
            "total": int(len(regions)),
            "promoter_role": int(regions["promoter_use"].sum()),
            "enhancer_only": int((~regions["promoter_use"]).sum()),
            "bases": int(regions["length"].sum()),
        },
        "composition": compositions,
        "inputs": inputs,
    }


def describe_inputs(pair_tables, motifs, background) -> dict:
    """Name and SHA-256 of every input file, for ``truth.json``."""

    def describe(path) -> dict:
        return {"file": Path(path).name, "sha256": file_sha256(path)}

    return {
        "pair_tables": [describe(p) for p in pair_tables],
        "motifs": describe(motifs),
        "background": describe(background),
    }
