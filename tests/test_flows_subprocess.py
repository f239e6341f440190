"""`decree process` as a clerk runs it: killed with SIGKILL mid-batch, and on a Dask LocalCluster.

These run the real command in subprocesses against one local Prefect server for the module.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.dataset import Dataset, load
from pipeline.inbox import Home
from tests import batch_fixtures, pdf_fixtures


@pytest.fixture(scope="module", autouse=True)
def server(tmp_path_factory):
    """One local Prefect server (decree's own, in a Prefect home of the module's) for every command here."""
    from flows import server as prefect_server

    saved = {name: os.environ.pop(name, None) for name in ("PREFECT_API_URL", "PREFECT_HOME")}
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    try:
        yield prefect_server.start()
    finally:
        prefect_server.stop()
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value


def decree(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def fill_inbox(home: Path, n: int) -> int:
    Home.at(home).ensure()
    inbox = home / "raw_docs" / "inbox"
    for i in range(n):
        (inbox / f"ke-hoach-{i:02d}.txt").write_text(batch_fixtures.plan_text(i), encoding="utf-8")
    pdf_fixtures.write_decree(inbox / "quyet-dinh.pdf")
    for path in inbox.iterdir():
        batch_fixtures.settle(path)
    return n + 1


def check_consistent(home: Path, total: int) -> None:
    dataset = Dataset(home)
    with dataset.lock():
        pass  # taking the lock runs the crash recovery, as the next run would
    assert dataset.verify() == []
    inventory = batch_fixtures.inventory(home)
    assert sum(inventory.values()) == total, inventory  # no file lost
    documents = load("documents", home=home)
    assert documents["doc_id"].is_unique
    items = load("items", home=home)
    assert not items.duplicated(["doc_id", "item_id"]).any()
    archived = {p.name.split(".")[0] for p in (home / "raw_docs" / "archive").iterdir() if p.name != "index.jsonl"}
    assert archived <= set(documents["doc_id"])  # an archived original always has its rows
    for doc_id in documents["doc_id"]:
        assert (items["doc_id"] == doc_id).sum() == len(dataset.read_document(doc_id).items)


def test_sigkill_at_random_points_then_rerun(tmp_path):
    home = tmp_path / "home"
    total = fill_inbox(home, 12)
    rng = random.Random(7)
    for _ in range(4):
        process = decree("process", "--home", str(home))
        time.sleep(rng.uniform(1.0, 8.0))
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        check_consistent(home, total)
    finished = decree("process", "--home", str(home))
    out, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err[-2000:]
    check_consistent(home, total)
    assert batch_fixtures.inventory(home) == {"inbox": 0, "archive": total, "quarantine": 0}
    assert len(load("documents", home=home)) == total


def test_dask_path_gives_the_same_dataset(tmp_path):
    threads, dask = tmp_path / "threads", tmp_path / "dask"
    for home in (threads, dask):
        fill_inbox(home, 3)
    for home, extra in ((threads, []), (dask, ["--dask", "--workers", "2"])):
        run = decree("process", "--home", str(home), *extra)
        out, err = run.communicate(timeout=400)
        assert run.returncode == 0, err[-3000:]
        assert "processed 4" in " ".join(out.split()), out[-3000:] + err[-3000:]

    def summary(home):
        # by file name: the generated PDF carries its creation time, so the two homes' copies differ in bytes
        items, documents = load("items", home=home), load("documents", home=home)
        return sorted((row.file_name, row.number, int((items["doc_id"] == row.doc_id).sum()))
                      for row in documents.itertuples())

    assert summary(dask) == summary(threads)
