#!/bin/bash
# Round 35 of the feature track (issue 18, goal 1): the distance x marks interaction given
# to the feature network as inputs. Each hypothesis was written here before its runs, with
# the time from `date -u`; the results lines after them. Each run folder's run.json has its
# command, commit and wall time.
#
# H91 (written at 11:18 UTC on 2026-12-05, before its runs). Round 13 found gradient boosting's
# edge on the feature track is the distance read with the marks (shuffling the distance
# costs it 0.277 AUPR on GM12878, though distance alone is near chance on five of six
# tables). The input norm (model.feature_input_norm) let the network read the distance and
# drew it level with gradient boosting (0.218 against 0.214 over six cell lines, 0 wins
# outside both intervals); an MLP on normalised inputs still has to build each distance x
# mark product from ReLUs. New: model.feature_distance_products appends, after the input
# norm, each enhancer-side input times the distance. Prediction: at equal data, seed 0, the
# full row with the input norm and the products lies above the same row without them
# (rerun here, at the same commit) by more than the control's 95% bootstrap interval on at
# least one of GM12878 and HUVEC (the two cell lines the distance matters most on, round
# 13), and below the control's interval on neither. Refuted otherwise; if supported, the
# other four cell lines next. Read from the same fits, not a hypothesis: goal 1's count
# (wins over tuned gradient boosting outside both intervals; gradient boosting from
# docs/benchmark-runs/features-distance-matched, the same seed and pairs).
# Two queues on 2 cores (one thread each), in a fresh clone at the commit that adds this:
COMMON="benchmark --full --tracks features --seeds 0 --no-bengi --threads 1 --data-dir ../shared/data --feature-rows full --feature-baselines '' --set model.feature_input_norm=true"
# kipoi-prism $COMMON --set model.feature_distance_products=true --held-out CELL --out runs/products-CELL
# kipoi-prism $COMMON --held-out CELL --out runs/control-CELL
# (queue 1: products-GM12878, control-HUVEC; queue 2: control-GM12878, products-HUVEC.)
