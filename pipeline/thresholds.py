"""Confidence thresholds the dataset, the review site and the CLI share.

A module of its own so the CLI can show them in `--help` without loading the
dataset's libraries (pandas, pyarrow, DuckDB).
"""

# Facts below this confidence go to the `review_queue` view.
REVIEW_THRESHOLD = 0.8
