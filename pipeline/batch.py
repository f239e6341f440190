"""One inbox file, all the way, in three steps the flows run:

    check    (flow)  hash the file; if the dataset already holds this content from this
                     pipeline version, archive the file and stop — nothing is recomputed
    extract  (task)  read → repair → segment → extract → tokenize in a sandboxed child
                     process; returns the document JSON (and its tokens) or the reason it
                     was refused
    store    (flow)  validate, write the rows, archive the original — or quarantine it
    relink   (flow)  once the batch is stored: the links between documents whose documents
                     changed (pipeline/link/refresh.py), whatever order they arrived in

Extraction is the expensive, parallel part and writes nothing; all writes happen in
the one process that holds the dataset lock. Order matters for "nothing lost":
rows are written before the original moves to the archive, and a refusal's report
is written before the file moves to the quarantine. A crash between two steps leaves
the file in the inbox, and the next run finishes the job.

Tokens (`pipeline/tokens.py`: underthesea words as spaCy Docs) are on unless the
``DECREE_TOKENS`` setting is off; the cache key then includes the tokens stage's
version, so a document stored without tokens is extracted again once they are on.
"""
from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pipeline import __version__
from pipeline.dataset import Dataset
from pipeline.errors import PipelineError, RunBlocked
from pipeline.inbox import Home, Outcome, archive, archive_name, original_names, quarantine, sha256_of
from pipeline.isolation import Limits, extract_isolated
from pipeline.model import Document
from pipeline.preflight import disk_problem
from pipeline.schema import validate_document
from pipeline.tokens import VERSION as TOKENS_VERSION, Tokens, enabled as tokens_enabled

PIPELINE_VERSION = __version__


@dataclass
class Extraction:
    """What the extract step hands back: a document's JSON, or why there is none."""

    payload: str | None = None
    reason: str | None = None
    stage: str | None = None
    seconds: float = 0.0
    tokens: Tokens | None = None  # None when tokens are off

    def release(self) -> None:
        """Drop the document's JSON and tokens once stored: Prefect keeps each task's result with its state
        until the flow run ends, so a long batch would otherwise hold every document it stored."""
        self.payload = None
        self.tokens = None


@contextlib.contextmanager
def disk_guard(home: Home) -> Iterator[None]:
    """A write that fails for the disk's sake (full, read-only, no permission) stops the run, not the file."""
    try:
        yield
    except OSError as exc:
        problem = disk_problem(exc, home.root)
        if problem is None:
            raise
        raise problem from exc


def check(home: Home, path: Path, dataset: Dataset, tokens: bool | None = None) -> tuple[str, Outcome | None]:
    """(doc_id, an Outcome when the file needs no work): the content hash is the cache key, with the
    pipeline version (and the tokens stage's, when `tokens`, by default the setting, is on)."""
    try:
        doc_id = sha256_of(path)
    except OSError as exc:  # the file's own fault (its permissions, gone meanwhile): it costs this file only
        return "", refuse_unread(home, path, f"cannot be read ({exc.strerror or exc})")
    with disk_guard(home):
        return _check(home, path, dataset, doc_id, tokens_enabled() if tokens is None else tokens)


def refuse_unread(home: Home, path: Path, reason: str) -> Outcome:
    """Quarantine a file refused before reading (a link, a folder, no read permission), or leave it waiting
    with the reason when it cannot be moved either; `decree status` lists it, the next pass tries again."""
    if not path.exists() and not path.is_symlink():
        return Outcome(path.name, "waiting", reason=f"{reason}; it is gone from the inbox")
    try:
        with disk_guard(home):
            target = quarantine(home, path, reason, "inbox")
    except OSError as exc:
        return Outcome(path.name, "waiting", reason=f"{reason}; cannot move it to the quarantine ({exc.strerror or exc})")
    return Outcome(path.name, "quarantined", reason=reason, stage="inbox", extra={"quarantined_as": target.name})


def _check(home: Home, path: Path, dataset: Dataset, doc_id: str, tokens: bool) -> tuple[str, Outcome | None]:
    started = time.perf_counter()
    if not dataset.has_document(doc_id, PIPELINE_VERSION, tokens_version=TOKENS_VERSION if tokens else None):
        return doc_id, None
    target = archive(home, path, doc_id)
    names = original_names(home, doc_id)
    if path.name not in (dataset.manifest(doc_id) or {}).get("original_names", []):
        dataset.write_document(dataset.read_document(doc_id), original_names=names)  # one document, one more name
    return doc_id, Outcome(path.name, "skipped", doc_id=doc_id, reason="already in the dataset (same content)",
                           archived_as=target.name, seconds=time.perf_counter() - started)


def extract(path: Path, limits: Limits = Limits(), tokens: bool | None = None) -> Extraction:
    """Extract (and tokenize, when `tokens`, by default the setting, is on) one file in a sandbox.
    Refusals come back as data; bugs raise (and are retried).

    A Word 97 / RTF / Excel 97 file is converted by this process's LibreOffice, started for
    the first such file and kept for the rest of the batch (`pipeline.read.office`).
    """
    started = time.perf_counter()
    try:
        payload, made = extract_isolated(path, limits, env=office_env(path),
                                         tokens=tokens_enabled() if tokens is None else tokens)
    except PipelineError as exc:
        return Extraction(reason=exc.reason, stage=exc.stage, seconds=time.perf_counter() - started)
    return Extraction(payload=payload, seconds=time.perf_counter() - started, tokens=made)


def office_env(path: Path) -> dict[str, str] | None:
    """The child's variables naming the batch's LibreOffice, when ``path`` is a file LibreOffice converts."""
    from pipeline.read.office import SOCKET_ENV, needs_office, shared_service

    if not needs_office(path):
        return None
    service = shared_service()
    return {SOCKET_ENV: service.socket_path} if service is not None else None


def store(home: Home, path: Path, doc_id: str, extraction: Extraction, dataset: Dataset) -> Outcome:
    """Write the rows and archive the original, or quarantine it with the reason."""
    with disk_guard(home):
        return _store(home, path, doc_id, extraction, dataset)


def _store(home: Home, path: Path, doc_id: str, extraction: Extraction, dataset: Dataset) -> Outcome:
    if extraction.payload is None:
        target = quarantine(home, path, extraction.reason or "refused", extraction.stage or "read", doc_id)
        return Outcome(path.name, "quarantined", doc_id=doc_id, reason=extraction.reason, stage=extraction.stage,
                       seconds=extraction.seconds, extra={"quarantined_as": target.name})
    try:
        document = _validated(extraction.payload)
    except PipelineError as exc:
        target = quarantine(home, path, exc.reason, exc.stage, doc_id)
        return Outcome(path.name, "quarantined", doc_id=doc_id, reason=exc.reason, stage=exc.stage,
                       seconds=extraction.seconds, extra={"quarantined_as": target.name})
    names = list(dict.fromkeys([*original_names(home, doc_id), path.name]))
    dataset.write_document(document, archived_as=archive_name(doc_id, path), original_names=names,
                           tokens=extraction.tokens)
    target = archive(home, path, doc_id)
    return Outcome(path.name, "processed", doc_id=doc_id, pages=document.document.source.pages,
                   items=len(document.items), archived_as=target.name, seconds=extraction.seconds)


def _validated(payload: str) -> Document:
    """The document of a child's JSON, checked against the JSON schema first; the parsed dict is let go
    before the rows are made (for the largest documents it is tens of MB)."""
    data = json.loads(payload)
    validate_document(data)
    return Document.model_validate(data)


def relink(dataset: Dataset) -> None:
    """After documents are stored: recompute the links of the pairs whose documents changed (pipeline/link)."""
    from pipeline.link.refresh import refresh_links

    try:
        result = refresh_links(dataset)
    except Exception as exc:  # the documents are stored; their links wait for the next run
        print(f"links not recomputed: {type(exc).__name__}: {exc}")
        return
    for failure in result.failed:  # a pair that cannot be linked costs that pair only
        print(f"links not recomputed for {failure}")


def quarantine_after_failure(home: Home, path: Path, error: BaseException) -> Outcome:
    """The last resort for a file whose processing kept failing (a bug, retries exhausted): it is kept, not lost."""
    if isinstance(error, RunBlocked):
        raise error  # the surroundings, not the file: the run stops and the file stays in the inbox
    reason = f"{type(error).__name__}: {error}"
    if not path.exists() and not path.is_symlink():
        return Outcome(path.name, "quarantined", reason=reason, stage="internal")
    with disk_guard(home):
        target = quarantine(home, path, f"internal error: {reason}", "internal")
    return Outcome(path.name, "quarantined", reason=reason, stage="internal", extra={"quarantined_as": target.name})


def store_rebuilt(home: Home, archived: Path, extraction: Extraction, dataset: Dataset) -> Outcome:
    """Replace one document's rows with those re-derived from its archived original (which stays archived)."""
    with disk_guard(home):
        return _store_rebuilt(home, archived, extraction, dataset)


def _store_rebuilt(home: Home, archived: Path, extraction: Extraction, dataset: Dataset) -> Outcome:
    doc_id = archived.name.split(".")[0]
    names = original_names(home, doc_id) or [archived.name]
    if extraction.payload is None:
        return Outcome(names[0], "quarantined", doc_id=doc_id, reason=f"kept the old rows: {extraction.reason}",
                       stage=extraction.stage, seconds=extraction.seconds)
    document = _validated(extraction.payload)
    document.document.source.file_name = names[0]
    dataset.write_document(document, archived_as=archived.name, original_names=names, tokens=extraction.tokens)
    return Outcome(names[0], "processed", doc_id=doc_id, pages=document.document.source.pages,
                   items=len(document.items), archived_as=archived.name, seconds=extraction.seconds)
