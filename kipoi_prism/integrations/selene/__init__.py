"""Training prism-energy with Selene (selene-sdk 0.6.0): sampler, model-module hooks, fixes.

``selene_sdk configs/selene_train.yml`` trains the same network with the same objective and
curriculum as ``kipoi-prism train``: this package plugs the project's data path and
objective into Selene's loop, which knows nothing of pairs, cell lines or support sets.
Selene's training step is::

    inputs, targets = sampler.sample(batch_size)        # numpy, (N, L, 4) and (Q, F)
    predictions = model(torch.Tensor(inputs).transpose(1, 2))
    loss = criterion(predictions, torch.Tensor(targets))
    optimizer.zero_grad(); loss.backward(); optimizer.step()

so everything a step needs travels in those two arrays. The modules:

``workarounds``
    selene-sdk 0.6.0 on today's torch and matplotlib; ``sampler``, ``model`` and
    ``checkpoint`` import it first, which applies the fixes.
``packing``
    The layout of ``inputs`` and ``targets`` (queries, support rows, the row tag).
``splits``
    The sampler's settings, its pair table read and split by held-out chromosome or cell
    line, cell ids, saved datasets.
``batches``
    Training block batches epoch after epoch, evaluation batches with their support rows.
``sampler``
    :class:`~kipoi_prism.integrations.selene.sampler.PrismPairSampler`, the ``sampler:
    !obj:kipoi_prism.integrations.selene.sampler.PrismPairSampler`` of a Selene config.
``model``
    The model, criterion and optimizer that ``kipoi_prism/selene_model.py`` (the file a
    Selene config loads by path) re-exports.
``checkpoint``
    A Selene checkpoint -> the package weights file (``kipoi-prism export-selene``).

This file imports none of them: ``import kipoi_prism.integrations.selene`` needs neither
selene-sdk nor torch.
"""
