"""One inbox file, all the way, in three steps the flows run:

    check    (flow)  hash the file; if the dataset already holds this content from this
                     pipeline version, archive the file and stop — nothing is recomputed
    extract  (task)  read → repair → segment → extract → tokenize in a sandboxed child
                     process; returns the document JSON (and its tokens) or the reason it
                     was refused
    store    (flow)  validate, write the rows, archive the original — or quarantine it

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

import json
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.dataset import Dataset
from pipeline.errors import PipelineError
from pipeline.inbox import Home, Outcome, archive, archive_name, original_names, quarantine, sha256_of
from pipeline.isolation import Limits, extract_isolated
from pipeline.model import Document
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


def check(home: Home, path: Path, dataset: Dataset, tokens: bool | None = None) -> tuple[str, Outcome | None]:
    """(doc_id, an Outcome when the file needs no work): the content hash is the cache key, with the
    pipeline version (and the tokens stage's, when `tokens`, by default the setting, is on)."""
    started = time.perf_counter()
    doc_id = sha256_of(path)
    wanted = tokens_enabled() if tokens is None else tokens
    if not dataset.has_document(doc_id, PIPELINE_VERSION, tokens_version=TOKENS_VERSION if wanted else None):
        return doc_id, None
    target = archive(home, path, doc_id)
    names = original_names(home, doc_id)
    if path.name not in (dataset.manifest(doc_id) or {}).get("original_names", []):
        dataset.write_document(dataset.read_document(doc_id), original_names=names)  # one document, one more name
    return doc_id, Outcome(path.name, "skipped", doc_id=doc_id, reason="already in the dataset (same content)",
                           archived_as=target.name, seconds=time.perf_counter() - started)


def extract(path: Path, limits: Limits = Limits(), tokens: bool | None = None) -> Extraction:
    """Extract (and tokenize, when `tokens`, by default the setting, is on) one file in a sandbox.
    Refusals come back as data; bugs raise (and are retried)."""
    started = time.perf_counter()
    try:
        payload, made = extract_isolated(path, limits, tokens=tokens_enabled() if tokens is None else tokens)
    except PipelineError as exc:
        return Extraction(reason=exc.reason, stage=exc.stage, seconds=time.perf_counter() - started)
    return Extraction(payload=payload, seconds=time.perf_counter() - started, tokens=made)


def store(home: Home, path: Path, doc_id: str, extraction: Extraction, dataset: Dataset) -> Outcome:
    """Write the rows and archive the original, or quarantine it with the reason."""
    if extraction.payload is None:
        target = quarantine(home, path, extraction.reason or "refused", extraction.stage or "read", doc_id)
        return Outcome(path.name, "quarantined", doc_id=doc_id, reason=extraction.reason, stage=extraction.stage,
                       seconds=extraction.seconds, extra={"quarantined_as": target.name})
    try:
        data = json.loads(extraction.payload)
        validate_document(data)
        document = Document.model_validate(data)
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


def quarantine_after_failure(home: Home, path: Path, error: BaseException) -> Outcome:
    """The last resort for a file whose processing kept failing (a bug, retries exhausted): it is kept, not lost."""
    reason = f"{type(error).__name__}: {error}"
    if not path.exists() and not path.is_symlink():
        return Outcome(path.name, "quarantined", reason=reason, stage="internal")
    target = quarantine(home, path, f"internal error: {reason}", "internal")
    return Outcome(path.name, "quarantined", reason=reason, stage="internal", extra={"quarantined_as": target.name})


def store_rebuilt(home: Home, archived: Path, extraction: Extraction, dataset: Dataset) -> Outcome:
    """Replace one document's rows with those re-derived from its archived original (which stays archived)."""
    doc_id = archived.name.split(".")[0]
    names = original_names(home, doc_id) or [archived.name]
    if extraction.payload is None:
        return Outcome(names[0], "quarantined", doc_id=doc_id, reason=f"kept the old rows: {extraction.reason}",
                       stage=extraction.stage, seconds=extraction.seconds)
    data = json.loads(extraction.payload)
    validate_document(data)
    document = Document.model_validate(data)
    document.document.source.file_name = names[0]
    dataset.write_document(document, archived_as=archived.name, original_names=names, tokens=extraction.tokens)
    return Outcome(names[0], "processed", doc_id=doc_id, pages=document.document.source.pages,
                   items=len(document.items), archived_as=archived.name, seconds=extraction.seconds)
