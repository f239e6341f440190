"""The dataset on a shared store (fsspec URL): manifest-last commits, orphan generations, the lease, views.

Runs against fsspec's in-memory filesystem (memory://, one per test) and,
for what needs two processes, against a local folder opened through fsspec
as an object store would be (RemoteDataset on file://).
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import fsspec
import pytest

from pipeline.dataset import DatasetError, LockBusy, dataset_at, load
from pipeline.dataset import remote as remote_module
from pipeline.dataset.remote import RemoteDataset, is_remote
from pipeline.dataset.store import Dataset
from pipeline.dataset.tables import DOCUMENT_TABLES
from tests.test_dataset import expected_counts, make_document

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    return make_document(tmp_path_factory.mktemp("docs"))


@pytest.fixture
def url():
    location = f"memory://decree-{uuid.uuid4().hex}"
    yield location
    fs = fsspec.filesystem("memory")
    if fs.exists(location):
        fs.rm(location, recursive=True)


def counts(location: str, doc_id: str | None = None) -> dict[str, int]:
    frames = load(location=location)
    return {name: len(frames[name] if doc_id is None else frames[name][frames[name]["doc_id"] == doc_id])
            for name in DOCUMENT_TABLES}


def test_locations_pick_the_store(tmp_path, monkeypatch):
    monkeypatch.delenv("DECREE_DATASET", raising=False)
    assert is_remote("s3://bucket/decree") and is_remote("memory://x")
    assert not is_remote(str(tmp_path)) and not is_remote(f"file://{tmp_path}")
    assert type(dataset_at(tmp_path)) is Dataset and dataset_at(tmp_path).root == tmp_path.resolve() / "extracted"
    assert dataset_at(tmp_path, f"file://{tmp_path}/shared").root == tmp_path.resolve() / "shared"
    assert isinstance(dataset_at(tmp_path, "memory://elsewhere"), RemoteDataset)
    monkeypatch.setenv("DECREE_DATASET", "memory://from-env")
    assert dataset_at(tmp_path).root == "memory://from-env"
    with pytest.raises(DatasetError, match="a home folder must be a local path"):
        Dataset("s3://bucket/decree")
    with pytest.raises(DatasetError, match="cannot open the dataset"):
        RemoteDataset("nosuchprotocol://bucket/decree")


def test_write_read_and_query_through_the_store(url, plan):
    ds = RemoteDataset(url)
    assert not ds.exists()
    with pytest.raises(DatasetError, match=f"no dataset at {url}"):  # a mistyped URL: refused, nothing made
        load(location=url)
    assert not ds.exists()
    ds.refresh_views()  # what a first run does
    assert all(len(frame) == 0 for frame in load(location=url).values())  # empty: the views still work
    result = ds.write_document(plan, original_names=["Kế hoạch 45.txt"])
    assert result.status == "added" and result.rows == expected_counts(plan)
    doc_id = plan.document.source.sha256
    assert ds.documents() == [doc_id] and ds.has_document(doc_id, plan.pipeline_version)
    assert ds.read_document(doc_id) == plan
    assert counts(url) == expected_counts(plan)
    assert len(ds.read_rows(doc_id, "items")) == len(plan.items)
    assert ds.write_document(plan, original_names=["Kế hoạch 45.txt"]).status == "unchanged"
    assert ds.verify() == []
    con = ds.connect()
    assert con.execute("SELECT count(*) FROM review_queue").fetchone()[0] >= 0
    assert con.execute("SELECT number FROM documents").fetchall() == [("45/KH-UBND",)]


def test_a_replacement_swaps_every_table_and_drops_the_old_generation(url, plan, tmp_path):
    ds = RemoteDataset(url)
    other = make_document(tmp_path, name="other.txt", number=46)
    ds.write_document(plan)
    ds.write_document(other)
    doc_id = plan.document.source.sha256
    first = ds.manifest(doc_id)["generation"]
    changed = plan.model_copy(deep=True)
    changed.pipeline_version = "9.9.9"
    changed.items = [i for i in changed.items if i.kind != "table_row"]
    assert ds.write_document(changed).status == "replaced"
    assert ds._generations(doc_id) == [ds.manifest(doc_id)["generation"]] != [first]
    assert counts(url, doc_id) == expected_counts(changed)
    assert counts(url, other.document.source.sha256) == expected_counts(other)
    assert ds.verify() == []
    assert ds.remove_document(doc_id) and not ds.remove_document(doc_id)
    assert counts(url, doc_id) == {name: 0 for name in DOCUMENT_TABLES}
    assert ds.documents() == [other.document.source.sha256]


def test_a_crash_before_the_manifest_leaves_the_old_rows_and_an_orphan_that_recovery_removes(url, plan, monkeypatch):
    ds = RemoteDataset(url)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    before = counts(url)
    put = ds._put

    def crash_on_manifest(path, data):
        if path.endswith("manifest.json"):
            raise OSError("connection reset")  # the store went away after the rows, before the commit
        put(path, data)

    monkeypatch.setattr(ds, "_put", crash_on_manifest)
    changed = plan.model_copy(deep=True)
    changed.items = changed.items[:3]
    with pytest.raises(OSError):
        ds.write_document(changed)
    monkeypatch.setattr(ds, "_put", put)
    assert counts(url) == before  # readers see the old rows only
    assert len(ds._generations(doc_id)) == 2
    assert any("uncommitted generation" in p for p in ds.verify())
    assert ds.recover() == []  # young orphans may be another writer's work in progress
    monkeypatch.setattr(remote_module, "ORPHAN_SECONDS", -1)
    assert [line.startswith("removed uncommitted generation") for line in ds.recover()] == [True]
    assert ds.verify() == [] and counts(url) == before


def test_corrections_are_objects_of_their_own_and_apply_to_the_rows(url, plan):
    ds = RemoteDataset(url)
    ds.write_document(plan)
    doc_id = plan.document.source.sha256
    first = ds.append_correction(who="lan", doc_id=doc_id, field="issued_date", action="confirm")
    second = ds.append_correction(who="minh", doc_id=doc_id, field="issued_date", action="confirm")
    frame = load("corrections", location=url)
    assert sorted(frame["correction_id"]) == sorted([first, second])
    assert [t.num_rows for t in ds.correction_tables()] == [1, 1]


def test_the_lease_keeps_a_second_writer_out_and_is_taken_over_when_its_holder_died(tmp_path, plan):
    location = f"file://{tmp_path}/store"
    first, second = RemoteDataset(location), RemoteDataset(location)
    with first.lock():
        with pytest.raises(LockBusy, match=f"pid {os.getpid()}"):
            with second.lock(timeout=0.3):
                pass
        first.write_document(plan)  # re-entrant for the holder
    with second.lock(timeout=0.3):
        pass
    # A holder killed on this machine leaves its lease behind; its pid is gone, so it is taken over.
    code = ("import os, sys; from pipeline.dataset.remote import RemoteDataset\n"
            "ds = RemoteDataset(sys.argv[1]); ds._take_lease('dead', 5); print('held', flush=True); os._exit(0)")
    done = subprocess.run([sys.executable, "-c", code, location], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "held"
    assert '"token": "dead"' in (tmp_path / "store" / "locks" / "writer.json").read_text()
    with second.lock(timeout=2):
        assert second.write_document(plan).status == "unchanged"



def test_the_cli_takes_the_store_for_every_command(url, plan, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from pipeline.cli import app

    monkeypatch.setenv("DECREE_DATASET", "")  # restored after the test: --dataset sets it for the process
    RemoteDataset(url).write_document(plan)
    result = CliRunner().invoke(app, ["--dataset", url, "status", "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"dataset at  {url}" in result.output
    assert f"items {len(plan.items)}" in result.output
