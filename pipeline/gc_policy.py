"""How Python's cyclic garbage collector runs in a process that extracts documents.

Extraction makes objects by the hundred thousand that die young (a dict per PDF
character, a match per regex hit, the nodes of each document's tree). With the
default thresholds (a collection every 700 net allocations, an older generation
every 10 of those) the collector ran about 960 times over the 23 text PDFs of
`benchmarks/pdf_speed.py`, and each older-generation pass walked every long-lived
object: the compiled grammars, the caches, the document being built: 0.7-0.9 s,
7 % of the extraction's CPU time. Counted from a gen-0 threshold of 10,000 it runs
31 times (0.2 s); peak memory stays within the run-to-run noise (about 100-110 MB).

:func:`for_imports` is called by the `decree` command before it imports anything heavy.
:func:`for_batch` is called once the pipeline is imported: by ``decree extract``
and by the extraction fork server (`pipeline/worker_preload.py`), whose document
workers inherit it. Objects loaded by then are frozen (``gc.freeze``): no
collection walks them again, and in forked workers their memory stays shared
with the server instead of being copied when a collection touches it.
"""
from __future__ import annotations

import gc

#: Net allocations between two youngest-generation collections (CPython's default: 700).
GEN0_THRESHOLD = 10_000


def for_imports() -> None:
    """The batch thresholds from the start, for the imports themselves: building the pipeline's models
    and grammars is such a burst of long-lived objects (0.03 s of collector passes per process)."""
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)


def for_batch() -> None:
    """Collect what the imports left, freeze the rest, and collect less often from here on."""
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)
