"""Prefect flows: the inbox in, the dataset out. Thin: every step is a call into `pipeline`.

    process_inbox   scan raw_docs/inbox, run process_document for each ready file
                    (concurrently: threads locally, or a Dask cluster), refresh the views
    process_document one file: cached by content hash + pipeline version, extracted in a
                    sandboxed child process, stored, archived — or quarantined with a reason
    rebuild         re-derive every document from raw_docs/archive after a code change

A document task retries transient failures (an OSError, a bug that may not repeat)
with backoff; a file the pipeline refuses is not retried but quarantined at once.
"""
from __future__ import annotations

import os
import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

# Offline and quiet by default: no telemetry, no update checks (the server runs locally).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

from prefect import flow, task  # noqa: E402
from prefect.context import get_run_context  # noqa: E402
from prefect.exceptions import MissingContextError  # noqa: E402
from prefect.logging import get_run_logger  # noqa: E402
from prefect.states import Completed  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from pipeline.batch import (  # noqa: E402
    check,
    extract,
    quarantine_after_failure,
    refuse_unread,
    relink,
    store,
    store_rebuilt,
)
from pipeline.dataset import dataset_at  # noqa: E402
from pipeline.errors import RunBlocked  # noqa: E402
from pipeline.inbox import Home, Outcome, scan_inbox  # noqa: E402
from pipeline.isolation import Limits, warm_up  # noqa: E402
from pipeline.preflight import check_home, run_lock  # noqa: E402
from pipeline.tokens import enabled as tokens_enabled  # noqa: E402  (the DECREE_TOKENS setting, read by the flow)



@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    waiting: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.outcomes if o.status == "processed")

    def as_dict(self) -> dict:
        return {
            "processed": self.count("processed"), "skipped": self.count("skipped"),
            "quarantined": self.count("quarantined"), "waiting": len(self.waiting), "pages": self.pages,
            "outcomes": [o.as_dict() for o in self.outcomes + self.waiting],
        }


# A file the pipeline refuses does not raise (the refusal is returned as data), so what reaches
# Prefect's retry is a transient failure or a bug that may not repeat. Tasks only read: every
# write happens in the flow, which holds the dataset lock.
@task(retries=2, retry_delay_seconds=[2, 10], task_run_name="extract {path.name}")
def process_document(path: Path, timeout_s: float = 300.0, memory_mb: int = 3072, tokens: bool | None = None):
    extraction = extract(path, Limits(timeout_s, memory_mb), tokens=tokens)
    if extraction.payload is None:  # refused: shown as such in the Prefect UI, with the reason, not as green
        return Completed(name="Quarantined", message=f"{path.name}: {extraction.reason}", data=extraction)
    return extraction


def _slots(dask: bool, dask_address: str | None, workers: int | None) -> int | None:
    """Documents the task runner works on at once (`--workers`, else the cores); None for a remote
    Dask cluster without `--workers`: the flow asks the cluster."""
    if workers:
        return workers
    if dask_address:
        return None
    return os.cpu_count() or 2 if dask else max(2, os.cpu_count() or 2)


def _task_runner(dask: bool, dask_address: str | None, workers: int | None):
    if not dask:
        return ThreadPoolTaskRunner(max_workers=_slots(dask, dask_address, workers))
    # Dask's worker processes are daemonic by default, and daemonic processes may not start the
    # sandboxed child each document is extracted in.
    os.environ["DASK_DISTRIBUTED__WORKER__DAEMON"] = "False"
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": _slots(dask, dask_address, workers), "threads_per_worker": 1})


# Callbacks told about each finished document (the CLI's progress bar); flow parameters must
# serialise, so they are registered here rather than passed to the flow.
PROGRESS_HOOKS: list[Callable[[Outcome], None]] = []


def run_inbox(home_root: str = ".", *, dask: bool = False, dask_address: str | None = None, workers: int | None = None,
              settle_seconds: float = 2.0) -> Summary:
    """Run `process_inbox` with the chosen task runner (the runner is fixed per flow run, so it is set here).

    Work that needs no computing starts no flow run: files whose content is already in
    the dataset are archived by the same `check` the flow uses, and an inbox left with
    nothing to read costs a directory listing and a hash per file, not a Prefect run.
    """
    home = Home.at(home_root)
    home.ensure()
    with run_lock(home):
        return _run_inbox(home, dask, dask_address, workers, settle_seconds)


def _run_inbox(home: Home, dask: bool, dask_address: str | None, workers: int | None,
               settle_seconds: float) -> Summary:
    known = Summary()
    dataset = dataset_at(home.root)
    check_home(home, dataset.local_root)
    with dataset.lock():
        for candidate in scan_inbox(home, settle_seconds):
            if candidate.ready:
                _, done = check(home, candidate.path, dataset)
                if done is not None:
                    _report(known, done)
    candidates = scan_inbox(home, settle_seconds)
    if not any(c.ready or c.quarantine for c in candidates):
        known.waiting = [Outcome(c.path.name, "waiting", reason=c.reason)
                         for c in candidates if c.reason == "still being written"]
        return known
    if not dask:
        warm_up(tokens_enabled())  # the fork server imports the pipeline while Prefect starts the flow run
        from pipeline.read.office import needs_office, shared_service

        if any(c.ready and needs_office(c.path) for c in candidates):
            # and the batch's LibreOffice starts meanwhile too (its tasks convert through it; the first
            # waits for the start, which holds the service's lock)
            threading.Thread(target=shared_service, name="office-start", daemon=True).start()
    flow_with_runner = process_inbox.with_options(task_runner=_task_runner(dask, dask_address, workers))
    summary = flow_with_runner(str(home.root), settle_seconds=settle_seconds, slots=_slots(dask, dask_address, workers))
    summary.outcomes[:0] = known.outcomes
    return summary


@flow(name="process-inbox", log_prints=True)
def process_inbox(home_root: str = ".", settle_seconds: float = 2.0, slots: int | None = None) -> Summary:
    home = Home.at(home_root)
    home.ensure()
    dataset = dataset_at(home.root)
    summary = Summary()
    with dataset.lock():
        dataset.recover()
        ready = []
        for candidate in scan_inbox(home, settle_seconds):
            if candidate.ready:
                ready.append(candidate.path)
            elif candidate.quarantine:
                _report(summary, refuse_unread(home, candidate.path, candidate.reason or "refused"))
            elif candidate.reason == "still being written":
                summary.waiting.append(Outcome(candidate.path.name, "waiting", reason=candidate.reason))
        work = []
        for path in ready:
            doc_id, done = check(home, path, dataset)
            if done is not None:
                _report(summary, done)
            else:
                work.append((path, doc_id))
        tokens = tokens_enabled()
        for future, (path, doc_id) in in_window(work, lambda job: process_document.submit(job[0], tokens=tokens),
                                                _window(slots)):
            try:
                extraction = future.result()
                outcome = store(home, path, doc_id, extraction, dataset)
                extraction.release()  # freed now, not when the flow run ends
            except Exception as exc:  # retries exhausted: keep the file, say why
                outcome = quarantine_after_failure(home, path, exc)
            _report(summary, outcome)
        relink(dataset)
        dataset.refresh_views()
    return summary


def run_rebuild(home_root: str = ".", workers: int | None = None) -> Summary:
    """Run `rebuild` on threads, `workers` documents at once (by default the number of cores)."""
    return rebuild.with_options(task_runner=_task_runner(False, None, workers))(home_root,
                                                                                 slots=_slots(False, None, workers))


@flow(name="rebuild", log_prints=True)
def rebuild(home_root: str = ".", slots: int | None = None) -> Summary:
    """Re-derive the dataset from the archived originals (after a change to the pipeline)."""
    home = Home.at(home_root)
    home.ensure()
    dataset = dataset_at(home.root)
    summary = Summary()
    with dataset.lock():
        dataset.recover()
        archived = sorted(p for p in home.archive.iterdir() if p.is_file() and not p.is_symlink() and p.name != "index.jsonl")
        tokens = tokens_enabled()
        for future, path in in_window(archived, lambda path: process_document.submit(path, tokens=tokens),
                                      _window(slots)):
            try:
                extraction = future.result()
                outcome = store_rebuilt(home, path, extraction, dataset)
                extraction.release()
            except RunBlocked:
                raise
            except Exception as exc:
                outcome = Outcome(path.name, "quarantined", reason=f"kept the old rows: {exc}", stage="internal")
            _report(summary, outcome)
        relink(dataset)
        dataset.refresh_views()
    return summary


Job = TypeVar("Job")


def in_window(jobs: Iterable[Job], submit: Callable, window: int) -> Iterator[tuple[object, Job]]:
    """(future, job) for each job as its task finishes, with at most `window` submitted and not yet handed back.

    The flow stores each result before it asks for the next, so a window bounds what waits in memory:
    with every file submitted at once, documents extracted faster than the one flow thread stores them
    piled up (a long batch of small texts held 170 documents' JSON at a time). The flows pass twice the
    task slots: every slot stays busy while a result is stored.
    """
    finished: queue.SimpleQueue = queue.SimpleQueue()
    waiting = iter(jobs)
    running: dict = {}

    def top_up() -> None:
        for job in waiting:
            future = submit(job)
            running[future] = job
            future.add_done_callback(finished.put)  # called at once when it is done already
            if len(running) >= window:
                return

    top_up()
    while running:
        future = finished.get()
        yield future, running.pop(future)
        top_up()


def _window(slots: int | None) -> int:
    """Documents a flow keeps in flight: twice its task slots (`slots`, else what the runner has)."""
    return 2 * (slots or _cluster_threads())


def _cluster_threads() -> int:
    """The flow's task slots when the caller did not say: a Dask cluster's worker threads, else the cores."""
    client = getattr(get_run_context().task_runner, "client", None)  # DaskTaskRunner's, made on first use
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # a scheduler that cannot say: the local guess
            pass
    return _slots(False, None, None)


def _report(summary: Summary, outcome: Outcome) -> None:
    (summary.waiting if outcome.status == "waiting" else summary.outcomes).append(outcome)
    _log(outcome)
    for hook in PROGRESS_HOOKS:
        hook(outcome)


def _log(outcome: Outcome) -> None:
    """One line per file in the flow run's log (the Prefect UI shows it); nothing outside a flow run."""
    try:
        logger = get_run_logger()
    except MissingContextError:
        return
    detail = f"{outcome.pages} page(s), {outcome.items} item(s)" if outcome.status == "processed" else outcome.reason
    logger.info(f"{outcome.name}: {outcome.status}" + (f" ({detail})" if detail else ""))
