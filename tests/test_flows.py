"""The Prefect flows over a home folder (Prefect's test harness: a local, temporary API).

A mixed batch, a hostile batch, re-runs, a second copy of a file, retry from the
quarantine, and rebuild from the archive. Killing runs with SIGKILL and the Dask
path run as subprocesses in test_flows_kill.py.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipeline.dataset import Dataset, load
from pipeline.inbox import Home, quarantined, release
from tests import batch_fixtures


@pytest.fixture(scope="module", autouse=True)
def harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


def run(home: Path, **kwargs):
    from flows.inbox import run_inbox

    return run_inbox(str(home), **kwargs)


def statuses(summary) -> dict[str, str]:
    return {o.name: o.status for o in summary.outcomes + summary.waiting}


def digest_tables(home: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((home / "extracted" / "docs").rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(home).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    Home.at(home).ensure()
    expected = batch_fixtures.mixed_batch(home / "raw_docs" / "inbox")
    before = batch_fixtures.inventory(home)
    summary = run(home, workers=2)
    return home, expected, before, summary


def test_mixed_batch_outcomes(mixed):
    home, expected, _, summary = mixed
    assert statuses(summary) == expected


def test_no_file_is_lost(mixed):
    home, expected, before, _ = mixed
    after = batch_fixtures.inventory(home)
    assert sum(after.values()) == sum(before.values()) == len(expected)
    assert after == {
        "inbox": sum(1 for s in expected.values() if s == "waiting"),
        "archive": sum(1 for s in expected.values() if s == "processed"),
        "quarantine": sum(1 for s in expected.values() if s == "quarantined"),
    }


def test_quarantine_reports_say_why(mixed):
    home, expected, _, _ = mixed
    reports = {r["name"]: r for r in quarantined(Home.at(home))}
    assert set(reports) == {n for n, s in expected.items() if s == "quarantined"}
    assert "empty" in reports["rong.pdf"]["reason"]
    assert "password" in reports["co-mat-khau.pdf"]["reason"]
    assert "truncated" in reports["cat-do.pdf"]["reason"]
    assert "no pages" in reports["khong-trang.pdf"]["reason"]
    assert "OCR found no text" in reports["anh-chup.pdf"]["reason"]
    for report in reports.values():
        assert report["stage"] and report["time"]


def test_dataset_matches_the_documents(mixed):
    home, expected, _, _ = mixed
    documents = load("documents", home=home)
    processed = {n for n, s in expected.items() if s == "processed"}
    assert len(documents) == len(processed)
    assert set(documents["file_name"]) == processed
    items = load("items", home=home)
    dataset = Dataset(home)
    for doc_id in documents["doc_id"]:
        assert (items["doc_id"] == doc_id).sum() == len(dataset.read_document(doc_id).items)
    assert Dataset(home).verify() == []
    plan = documents[documents["file_name"] == "ke-hoach-03.txt"].iloc[0]
    assert plan["number"] == "103/KH-UBND"
    quantities = load("quantities", home=home)
    assert 40.0 in set(quantities[quantities["doc_id"] == plan["doc_id"]]["value"])
    scan = documents[documents["file_name"] == "ban-scan.pdf"].iloc[0]
    assert scan["doc_type"] == "quyet_dinh"


def test_rerun_computes_nothing_and_changes_no_row(mixed):
    home, _, _, _ = mixed
    before = digest_tables(home)
    summary = run(home)
    assert summary.outcomes == [] and [o.name for o in summary.waiting] == ["dang-ghi.txt"]
    assert digest_tables(home) == before


def test_a_file_is_read_once_its_writer_is_done(mixed):
    home, _, _, _ = mixed
    batch_fixtures.settle(home / "raw_docs" / "inbox" / "dang-ghi.txt")
    assert statuses(run(home))["dang-ghi.txt"] == "processed"


def test_same_file_under_another_name_adds_no_document(mixed):
    home, _, _, _ = mixed
    inbox = home / "raw_docs" / "inbox"
    (inbox / "ban-sao-ke-hoach.txt").write_text(batch_fixtures.plan_text(3), encoding="utf-8")
    batch_fixtures.settle(inbox / "ban-sao-ke-hoach.txt")
    count = len(load("documents", home=home))
    summary = run(home)
    assert statuses(summary)["ban-sao-ke-hoach.txt"] == "skipped"
    documents = load("documents", home=home)
    assert len(documents) == count
    names = documents[documents["file_name"] == "ke-hoach-03.txt"].iloc[0]["original_names"]
    assert set(names) >= {"ke-hoach-03.txt", "ban-sao-ke-hoach.txt"}
    assert not (inbox / "ban-sao-ke-hoach.txt").exists()


def test_retry_from_quarantine(mixed, tmp_path):
    home, _, _, _ = mixed
    root = Home.at(home)
    # a clerk replaces the broken file with a good one under the same name, then retries
    target = release(root, "rong.pdf")
    from tests import pdf_fixtures

    pdf_fixtures.write_encrypted(target, user_password="")
    batch_fixtures.settle(target)
    summary = run(home)
    assert statuses(summary)["rong.pdf"] == "processed"
    assert not (root.quarantine / "rong.pdf.error.json").exists()


def test_rebuild_rederives_from_the_archive(mixed):
    from flows.inbox import run_rebuild

    home, _, _, _ = mixed
    items_before = load("items", home=home)
    summary = run_rebuild(str(home), workers=2)
    assert summary.count("processed") == len(load("documents", home=home))
    items_after = load("items", home=home)
    assert len(items_after) == len(items_before)
    assert Dataset(home).verify() == []


def test_the_flows_hand_out_at_most_a_window_of_documents_and_every_one():
    """A result is handed back before the next job is submitted: at most `window` wait at once, none lost."""
    from concurrent.futures import ThreadPoolExecutor

    from flows.inbox import in_window

    out, most, seen = 0, 0, []

    def submit(job):
        nonlocal out, most
        out += 1
        most = max(most, out)
        return pool.submit(lambda: job * job)

    with ThreadPoolExecutor(4) as pool:
        for future, job in in_window(range(50), submit, 3):
            assert future.result() == job * job
            seen.append(job)
            out -= 1
        assert list(in_window([], submit, 3)) == []
    assert sorted(seen) == list(range(50))
    assert most == 3


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    import time

    home = tmp_path_factory.mktemp("hostile")
    Home.at(home).ensure()
    expected = batch_fixtures.hostile_batch(home / "raw_docs" / "inbox")
    started = time.monotonic()
    summary = run(home, workers=2)
    return home, expected, summary, time.monotonic() - started


def test_hostile_batch_is_bounded_and_sorted(hostile):
    home, expected, summary, seconds = hostile
    assert statuses(summary) == expected
    assert seconds < 240
    reports = {r["name"]: r["reason"] for r in quarantined(Home.at(home))}
    assert "symbolic link" in reports["lien-ket.txt"]
    assert "folder" in reports["thu-muc.pdf"]
    assert "password" in reports["mat-khau-mo.pdf"]
    assert "megapixel" in reports["anh-khong-lo.pdf"]
    assert "MB" in reports["bom-nen.docx"] or "large" in reports["bom-nen.docx"]
    assert "DTD" in reports["thuc-the.docx"] or "entit" in reports["thuc-the.docx"].lower()


def test_hostile_batch_runs_and_reads_nothing_it_should_not(hostile):
    home, _, _, _ = hostile
    # the file name was never run by a shell, the link's target was never read or moved
    assert not list(Path.cwd().glob("pwned")) and not list(home.rglob("pwned"))
    assert Path("/etc/passwd").exists()
    quarantined_link = home / "raw_docs" / "quarantine" / "lien-ket.txt"
    assert quarantined_link.is_symlink()
    texts = json.dumps(load("documents", home=home)["title"].tolist(), ensure_ascii=False)
    assert "root:" not in texts
    names = set(load("documents", home=home)["file_name"])
    assert "$(touch pwned).pdf" in names


def test_the_inbox_flow_stores_into_a_shared_store(tmp_path, monkeypatch):
    """DECREE_DATASET (or `decree --dataset URL`) sends the rows to a shared store; the home keeps the files."""
    import os
    import uuid

    from pipeline.dataset.remote import RemoteDataset
    from tests.test_dataset import PLAN

    location = f"memory://decree-flow-{uuid.uuid4().hex}"
    monkeypatch.setenv("DECREE_DATASET", location)
    inbox = tmp_path / "raw_docs" / "inbox"
    inbox.mkdir(parents=True)
    for number in (45, 46):
        path = inbox / f"plan-{number}.txt"
        path.write_text(PLAN.format(number=number, count=100, extra=""), encoding="utf-8")
        os.utime(path, (1_000_000_000, 1_000_000_000))
    summary = run(tmp_path, settle_seconds=0)
    assert sorted(o.status for o in summary.outcomes) == ["processed", "processed"]
    assert not (tmp_path / "extracted" / "docs").exists()  # nothing written beside the home
    assert len(load("documents", location=location)) == 2
    again = run(tmp_path, settle_seconds=0)
    assert again.outcomes == [] and len(load("documents", location=location)) == 2
    assert RemoteDataset(location).verify() == []


def test_the_prefect_ui_shows_quarantines_and_one_log_line_per_file(mixed):
    """What a maintainer sees in the Prefect UI: a refused file's task is 'Quarantined' with its reason, and
    the flow run's log has a line per file."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.sorting import FlowRunSort, LogSort, TaskRunSort

    async def read():
        async with get_client() as client:
            runs = await client.read_flow_runs(sort=FlowRunSort.START_TIME_ASC, limit=200)
            flows = {r.flow_id: (await client.read_flow(r.flow_id)).name for r in runs}
            run = next(r for r in runs if r.parameters.get("home_root") == str(mixed[0].resolve())
                       and flows[r.flow_id] == "process-inbox")  # the first pass of the mixed batch
            tasks = await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])),
                                                sort=TaskRunSort.EXPECTED_START_TIME_ASC, limit=200)
            logs = await client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])),
                                          sort=LogSort.TIMESTAMP_ASC, limit=200, offset=0)
            return tasks, logs

    task_runs, logs = asyncio.run(read())
    states = {t.name.removeprefix("extract "): t.state for t in task_runs}
    assert states["rong.pdf"].name == "Quarantined" and "empty" in states["rong.pdf"].message
    assert all(state.name == "Completed" for name, state in states.items()
               if mixed[1].get(name) == "processed")
    messages = [log.message for log in logs]
    for name, status in mixed[1].items():
        if status in ("processed", "quarantined"):
            assert any(m.startswith(f"{name}: {status}") for m in messages), (name, messages)


def test_the_batchs_libreoffice_starts_with_the_flow_run_not_with_its_first_word_file(tmp_path, monkeypatch):
    """An inbox with a Word 97 / RTF file starts the batch's LibreOffice while Prefect starts the flow
    run (its first task then finds it running); an inbox without one starts none."""
    import os
    import threading

    import flows.inbox
    from pipeline.read import office

    started = threading.Event()
    monkeypatch.setattr(office, "shared_service", lambda: started.set())

    class NoFlow:  # the flow run itself is not what this test looks at
        def with_options(self, **_):
            return lambda *args, **kwargs: flows.inbox.Summary()

    monkeypatch.setattr(flows.inbox, "process_inbox", NoFlow())
    inbox = tmp_path / "raw_docs" / "inbox"
    inbox.mkdir(parents=True)
    text = inbox / "plan.txt"
    text.write_text("KẾ HOẠCH\nTriển khai nhiệm vụ năm 2026\n", encoding="utf-8")
    os_time = 1_000_000_000
    os.utime(text, (os_time, os_time))
    run(tmp_path, settle_seconds=0)
    assert not started.wait(1.0)

    word = inbox / "quyet-dinh.rtf"
    word.write_bytes(b"{\\rtf1\\ansi Quyet dinh}")
    os.utime(word, (os_time, os_time))
    run(tmp_path, settle_seconds=0)
    assert started.wait(10.0)
