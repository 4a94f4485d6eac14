"""What a weights file is: its windows, network, training data and objective, calibration.

:func:`describe` reads it all from a loaded :class:`kipoi_prism.model.weights.WeightsBundle`
(the network's configuration and the metadata saved with it) into a plain dict;
:func:`format_description` lays that out for a terminal (``kipoi-prism info``). Nothing is
inferred that the file does not record: an absent field reads ``not recorded``.
"""

from __future__ import annotations

from typing import Any

NOT_RECORDED = "not recorded"
_AUXILIARY = ("corr", "inv", "hcont", "sparse", "proto")


def describe(bundle) -> dict[str, Any]:
    """A weights file's description, section by section (JSON-serialisable).

    Parameters
    ----------
    bundle : WeightsBundle

    Returns
    -------
    dict
        ``file``, ``inputs``, ``network``, ``training``, ``objective``, ``calibration``,
        ``validation`` and ``prototypes`` sections.
    """
    config, meta = bundle.model.config, bundle.metadata
    train = meta.get("train_config") or {}
    trained_on = meta.get("trained_on") or {}
    if not isinstance(trained_on, dict):  # a free-text note
        trained_on = {"data": str(trained_on)}
    fit = meta.get("fit") or {}
    return {
        "file": {
            "path": str(bundle.path) if bundle.path is not None else NOT_RECORDED,
            "sha256": bundle.sha256 if bundle.path is not None else NOT_RECORDED,
            "package_version": meta.get("package_version", NOT_RECORDED),
        },
        "inputs": _inputs(config, meta),
        "network": {
            "backbone": config.backbone,
            **(
                {
                    "encoder": config.encoder,
                    "count_both_strands": config.count_both_strands,
                    "count_form": config.count_form,
                    "site_background": (
                        "uniform"
                        if config.site_background is None
                        else f"order-{config.site_background} Markov chain of the training windows"
                    ),
                    "bilinear_rank": config.bilinear_rank,
                    "element_products": config.element_products,
                    "interaction_activation": config.interaction_activation,
                    "element_skip": config.element_skip,
                }
                if config.backbone == "prism"
                else {}
            ),  # fmt: skip
            "head": config.head,
            "score": "element read" if bundle.model.reads_elements else "g_I(z_I)",
            "temperature": config.temperature,
            "d_interaction": config.d_interaction,
            "d_environment": config.d_environment,
            "parameters": sum(p.numel() for p in bundle.model.parameters()),
        },
        "training": {
            "data": meta.get("data", trained_on.get("data", NOT_RECORDED)),
            "cell_lines": trained_on.get("cell_lines", NOT_RECORDED),
            "val_cell_lines": trained_on.get("val_cell_lines", NOT_RECORDED),
            "train_pairs": trained_on.get("train_pairs", NOT_RECORDED),
            "val_pairs": trained_on.get("val_pairs", NOT_RECORDED),
        },
        "objective": _objective(train, fit),
        "calibration": {
            "threshold": float(bundle.threshold),
            "rule": meta.get("threshold_rule", NOT_RECORDED),
        },
        "validation": {k: v for k, v in fit.items() if k.startswith(("val_", "train_"))}
        or NOT_RECORDED,
        "prototypes": sorted(bundle.prototypes),
    }


def _inputs(config, meta: dict) -> dict[str, Any]:
    if config.backbone == "features":
        from kipoi_prism.io.feature_inputs import RECIPE_KEY, recipe_normalise

        recorded = meta.get(RECIPE_KEY) is not None
        normalise = recipe_normalise(meta)
        marks = {"rank": "ranks within each cell line of the scored table",
                 "log": "log1p(1000 x mark)"}[normalise]  # fmt: skip
        return {"kind": "feature vectors", "enhancer_features": config.feature_dims[0],
                "promoter_features": config.feature_dims[1],
                "marks": marks + ("" if recorded else " (not recorded: the default)")}  # fmt: skip
    return {"kind": "DNA windows (one-hot)", "enhancer_window_bp": config.enhancer_length,
            "promoter_window_bp": config.promoter_length}  # fmt: skip


def _objective(train: dict, fit: dict) -> dict[str, Any]:
    if not train:
        return {"recorded": NOT_RECORDED}
    caps = train.get("caps") or {}
    auxiliary = [k for k in _AUXILIARY if caps.get(k) or (train.get("weights") or {}).get(k)]
    described = {
        "task_loss": train.get("task_loss", NOT_RECORDED),
        "auxiliary_losses": auxiliary or "none",
        "curriculum": train.get("curriculum", NOT_RECORDED),
        "warmup_epochs": train.get("warmup_epochs", NOT_RECORDED),
        "max_epochs": train.get("max_epochs", NOT_RECORDED),
        "best_epoch": fit.get("best_epoch", NOT_RECORDED),
        "seed": train.get("seed", NOT_RECORDED),
    }
    if "environment_trained" in fit:
        described["environment_trained"] = fit["environment_trained"]
    if train.get("stem_motifs"):
        ids = train.get("stem_motif_ids") or []
        described["first_layer"] = (
            f"{len(ids) or 'all'} motifs of {train['stem_motifs']}"
            f"{' (frozen)' if train.get('freeze_stem') else ''}"
        )
    if train.get("freeze_thresholds"):
        described["site_thresholds"] = "frozen at their start"
    return described


def format_description(description: dict[str, Any]) -> str:
    """The description as aligned ``section / key: value`` lines."""
    lines = []
    for section, content in description.items():
        lines.append(f"{section}:")
        if not isinstance(content, dict):
            content = {"": content}
        for key, value in content.items():
            lines.append(f"  {key + ': ' if key else ''}{_text(value)}")
    return "\n".join(lines) + "\n"


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) if value else "none"
    return str(value)
