"""Training: losses, the objective (a plain ``torch.nn.Module``) and its curriculum,
datasets and the cell-line block sampler, the window cache, and the PyTorch Lightning
adapter that drives them (module, data module, callbacks, ``fit``).

Modules
-------
``losses``       the loss terms (pure functions and small modules)
``objective``    :class:`PrismObjective`: network + objective state, terms, total, guard
``curriculum``   :class:`Phase`, :func:`phase_at`, what the warm-up freezes
``distributed``  sums and gathers over processes (identities in one process)
``monitors``     epoch statistics, classification scores, the ``history.csv`` row
``split``        the hold-out split (by cell line or chromosome)
``datasets``     block batches, the cell-line block sampler, support windows
``h5cache``      the optional HDF5 window cache
``module``       :class:`PrismLightning`, the LightningModule around the objective
``datamodule``   :class:`PrismDataModule`, :class:`ResumableLoader`
``callbacks``    :class:`RunCheckpoint`, Lightning log filters
``fit``          :func:`fit`, :func:`build_trainer`, :func:`export_weights`, the run folder
``recipe``       :func:`train_from_config`: a run from its configuration
``report``       a run's history read back: best epoch, success signs, figure
"""
