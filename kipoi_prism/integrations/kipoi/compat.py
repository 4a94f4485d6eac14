"""Keep kipoi 0.8.6 working on today's numpy (2.x) and pandas (3.x).

What breaks, and the fix
------------------------
numpy 2.0 removed the aliases ``np.string_`` (= ``np.bytes_``) and ``np.unicode_``
(= ``np.str_``). kipoi 0.8.6 still names them in ``kipoi.writers.HDF5BatchWriter`` and
``ZarrBatchWriter``, so ``kipoi predict ... -o out.h5`` fails with ``AttributeError:
np.string_ was removed in the NumPy 2.0 release``. :func:`restore_numpy_aliases` puts the
two aliases back on the ``numpy`` module, pointing at the very types numpy 1.x aliased,
and only where they are missing (a no-op on numpy 1.x). It is called when
:mod:`kipoi_prism.integrations.kipoi.model` or :mod:`kipoi_prism.integrations.kipoi.dataloader` is
imported, i.e.
whenever Kipoi loads prism-energy, before any Kipoi writer runs.

pandas 3 needs no patch for the code paths prism-energy uses (``kipoi predict`` with
``.tsv`` and ``.h5`` outputs, ``kipoi test``): ``tests/test_kipoi.py`` runs them.
The only pandas-3 change that touched this package is that ``Series.to_numpy()`` can
return read-only arrays (copy-on-write); the package copies such arrays before handing
them to torch.
"""

from __future__ import annotations

import numpy as np

# alias -> the numpy type it named in numpy 1.x
NUMPY_ALIASES = {"string_": "bytes_", "unicode_": "str_"}


def restore_numpy_aliases() -> list[str]:
    """Re-create numpy aliases that kipoi 0.8.6 uses and numpy 2 removed.

    Returns
    -------
    list of str
        The aliases that were added (empty when numpy already has them).
    """
    added = []
    for alias, target in NUMPY_ALIASES.items():
        if alias not in np.__dict__:
            setattr(np, alias, getattr(np, target))
            added.append(alias)
    return added


def ensure_kipoi_compat() -> None:
    """Apply every shim kipoi 0.8.6 needs here (idempotent)."""
    restore_numpy_aliases()
