"""Imported last by the extraction fork server (`pipeline/isolation.py`), after the pipeline and underthesea.

Freezes everything loaded so far and sets the collector's thresholds for extraction
(`pipeline/gc_policy.py`): the collector of every document worker forked from the
server then skips those objects (underthesea's models hold hundreds of thousands of
them), and their memory stays shared with the server instead of being copied when a
collection touches it. Without the freeze a worker's first collections walk the whole
preloaded heap: making a document's Docs cost 3.4 times as much
(`benchmarks/throughput.py`, tokens section).
"""

# What the glyph repairs look words up in (the word list's syllables, 0.2 s to read), read once here
# rather than in every document's child that repairs a font.
from pipeline.repair.known_syllables import known_syllables

known_syllables()

from pipeline import gc_policy  # noqa: E402  (last: freezes what is loaded so far)

gc_policy.for_batch()
