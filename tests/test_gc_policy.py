"""The collector's policy for extraction processes (pipeline/gc_policy.py), checked in fresh interpreters
so that this test process keeps its own settings."""
import subprocess
import sys

from pipeline.gc_policy import GEN0_THRESHOLD


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def test_for_batch_freezes_loaded_objects_and_raises_the_youngest_threshold():
    before, after, frozen = _run(
        "import gc, pipeline.document; from pipeline import gc_policy; b = gc.get_threshold(); gc_policy.for_batch(); "
        "print(b[0], gc.get_threshold()[0], gc.get_freeze_count())")
    assert int(before) == 700  # CPython's default, which the policy replaces
    assert int(after) == GEN0_THRESHOLD
    assert int(frozen) > 20_000  # the pipeline's objects: grammars, lexicons, models


def test_the_fork_servers_preload_applies_it():
    threshold, frozen = _run("import gc, pipeline.worker_preload; print(gc.get_threshold()[0], gc.get_freeze_count())")
    assert int(threshold) == GEN0_THRESHOLD and int(frozen) > 0
