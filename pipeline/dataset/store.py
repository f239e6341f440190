"""The dataset on disk: per-document folders of Parquet files, replaced as a unit, plus DuckDB views.

Layout under ``<home>/extracted/``::

    docs/<doc_id>/            one folder per document, always complete
        documents.parquet items.parquet quantities.parquet deadlines.parquet
        agencies.parquet citations.parquet table_rows.parquet links.parquet tokens.parquet
        document.json         the full Document (text included)
        tokens.spacy          the items' spaCy Docs (a DocBin: pipeline/dataset/tokens.py), when tokenized
        manifest.json         written last: versions, names, row counts, digest
    corrections/<time>-<id>.parquet   append-only, one file per correction
    links/<pair>/             links between two documents (pipeline/link): document_links.parquet,
                              target_links.parquet, link_correction_status.parquet, pair.json last
    templates/<table>.parquet         zero-row files carrying each table's schema
    decree.duckdb             views over the files above (rebuilt by refresh_views)
    .staging/ .trash/         the replacement protocol's working folders
    .lock                     the writers' process lock (holds the writer's pid)

Replacing a document (the only way rows change):

1. write every file into ``.staging/<doc_id>.<token>/`` and fsync them;
2. rename ``docs/<doc_id>`` (if any) to ``.trash/<doc_id>.<token>.replaced``;
3. rename the staging folder to ``docs/<doc_id>``;
4. delete the trash folder.

A crash (even SIGKILL) leaves one of: a staging folder (before 2 or during 1),
a trash folder and no live folder (between 2 and 3), or a trash folder beside
the new live folder (between 3 and 4). `recover()`, run whenever the lock is
taken, rolls back the first two (staging deleted, old folder restored) and
finishes the third, so a re-run always starts from complete documents. A
folder is only ever made visible under ``docs/`` by one rename, so readers
never see a half-written document.

This protocol needs a filesystem with atomic folder renames and flock: a local
disk, or a shared POSIX filesystem (NFS with working locks, CephFS, Lustre).
Object stores (s3://, gs://, az://: any fsspec URL) have neither and get
`pipeline.dataset.remote.RemoteDataset`, which commits a document by writing
its manifest last. `dataset_at` picks one from the location.
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.dataset.corrections import apply_corrections, corrections_digest, corrections_for
from pipeline.dataset.tables import (
    DOCUMENT_TABLES,
    LINK_TABLES,
    REVIEW_THRESHOLD,
    SCHEMA_VERSION,
    TABLES,
    TableSchemaError,
    arrow_schema,
    rows_for_document,
    to_table,
    validate_table,
)
from pipeline.dataset.tokens import FILE as TOKENS_FILE, stored_rows, token_table
from pipeline.errors import PipelineError
from pipeline.model import Document
from pipeline.tokens import Tokens

DOC_ID_RE = re.compile(r"[0-9A-Za-z_-]{1,128}")
CORRECTION_ACTIONS = ("accept", "set", "add", "remove", "confirm", "reject", "undo")
VIEW_NAMES = (*DOCUMENT_TABLES, "review_queue", "corrections", "correction_status", "corrections_unapplied",
              "citation_checks", *LINK_TABLES)
# A pair's link rows are shown while both of its documents are in the dataset (a removed document's pairs
# are deleted by the next pipeline.link.refresh_links).
_LIVE_PAIR = "citing_doc_id IN (SELECT doc_id FROM documents) AND cited_doc_id IN (SELECT doc_id FROM documents)"
# Written beside a document's rows by write_document (the corrections applied to them), not by rows_for_document.
STATUS_TABLE = "correction_status"


class DatasetError(PipelineError):
    stage = "dataset"


class LockBusy(DatasetError):
    """Another process holds the dataset's write lock."""


class NoDataset(DatasetError):
    """A reader was pointed at a place that holds no dataset (a mistyped --home or --dataset)."""


@dataclass
class WriteResult:
    doc_id: str
    status: str  # added | replaced | unchanged
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# --------------------------------------------------------------------------
# File operations: the one place that touches the disk
# --------------------------------------------------------------------------
class LocalFiles:
    """Durable local file operations (fsync before rename, fsync the folder after)."""

    @staticmethod
    def write_bytes(path: Path, data: bytes) -> None:
        with open(path, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    @staticmethod
    def write_parquet(path: Path, table: pa.Table) -> None:
        with open(path, "wb") as fh:
            pq.write_table(table, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())

    @staticmethod
    def replace_file(tmp: Path, path: Path) -> None:
        os.replace(tmp, path)
        LocalFiles.sync_dir(path.parent)

    @staticmethod
    def rename_dir(src: Path, dst: Path) -> None:
        # os.rename refuses to replace a non-empty folder: an existing `dst` is a bug, not something to overwrite.
        os.rename(src, dst)
        LocalFiles.sync_dir(src.parent)
        LocalFiles.sync_dir(dst.parent)

    @staticmethod
    def remove_tree(path: Path) -> None:
        shutil.rmtree(path, ignore_errors=True)

    @staticmethod
    def sync_dir(path: Path) -> None:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:  # some filesystems refuse fsync on folders; the rename is still atomic
            pass
        finally:
            os.close(fd)


def _local_path(location: str | Path) -> Path:
    """A folder given as a path or a file:// URL; any other URL is refused."""
    text = str(location)
    if text.startswith("file://"):
        text = text[len("file://"):]
    elif "://" in text:
        raise DatasetError(f"a home folder must be a local path, not {text!r} (a shared store is given as the dataset location)")
    return Path(text).expanduser().resolve()


def dataset_at(home: str | Path = ".", location: str | None = None, **options) -> "Dataset":
    """The dataset of a home folder: `<home>/extracted`, or `location` when given, else the
    ``DECREE_DATASET`` environment variable. A local path or file:// URL gets `Dataset`;
    any other fsspec URL (s3://bucket/decree, memory://...) gets `RemoteDataset`."""
    location = location or os.environ.get("DECREE_DATASET") or None
    if location is None:
        return Dataset(home, **options)
    from pipeline.dataset.remote import RemoteDataset, is_remote

    return RemoteDataset(location, **options) if is_remote(location) else Dataset(home, root=location, **options)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --------------------------------------------------------------------------
# The dataset
# --------------------------------------------------------------------------
class Dataset:
    """The `extracted/` folder of a home folder. Writers use it under `lock()`; readers use `connect()`."""

    def __init__(self, home: str | Path = ".", *, lock_timeout: float = 10.0, root: str | Path | None = None) -> None:
        """The dataset `<home>/extracted`, or the folder `root` when given."""
        self.root = _local_path(home) / "extracted" if root is None else _local_path(root)
        self.files = LocalFiles()
        self.lock_timeout = lock_timeout
        self._mutex = threading.RLock()  # threads of one process take turns too
        self._lock_depth = 0
        self.last_recovery: list[str] = []  # what the last lock acquisition repaired, for the run's log

    # ---- paths ---------------------------------------------------------------
    @property
    def local_root(self) -> Path | None:
        """The folder on this machine's disk, for checks before a run (None for a remote store)."""
        return self.root

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def staging_dir(self) -> Path:
        return self.root / ".staging"

    @property
    def trash_dir(self) -> Path:
        return self.root / ".trash"

    @property
    def corrections_dir(self) -> Path:
        return self.root / "corrections"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def links_dir(self) -> Path:
        return self.root / "links"

    @property
    def lock_path(self) -> Path:
        return self.root / ".lock"

    @property
    def duckdb_path(self) -> Path:
        return self.root / "decree.duckdb"

    def doc_dir(self, doc_id: str) -> Path:
        if not DOC_ID_RE.fullmatch(doc_id):
            raise DatasetError(f"not a document id: {doc_id!r}")
        return self.docs_dir / doc_id

    def _mkdirs(self) -> None:
        for folder in (self.docs_dir, self.staging_dir, self.trash_dir, self.corrections_dir, self.templates_dir):
            folder.mkdir(parents=True, exist_ok=True)

    # ---- lock ----------------------------------------------------------------
    @contextmanager
    def lock(self, timeout: float | None = None) -> Iterator["Dataset"]:
        """Hold the writers' lock (re-entrant within this object); recover interrupted writes on entry."""
        with self._mutex:
            if self._lock_depth:
                self._lock_depth += 1
                try:
                    yield self
                finally:
                    self._lock_depth -= 1
                return
            with self._hold(self.lock_timeout if timeout is None else timeout):
                self._lock_depth = 1
                try:
                    self.last_recovery = self._recover()
                    yield self
                finally:
                    self._lock_depth = 0

    @contextmanager
    def _hold(self, timeout: float) -> Iterator[None]:
        """The lock itself: flock on `.lock`, which names the holder's pid."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = open(self.lock_path, "a+", encoding="utf-8")
        try:
            self._acquire(handle, timeout)
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            try:
                self._mkdirs()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()

    def _acquire(self, handle, timeout: float) -> None:
        # flock is released by the kernel when its holder dies, even on SIGKILL: no stale locks to clean up.
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
            if time.monotonic() >= deadline:
                handle.seek(0)
                pid = handle.read().strip() or "unknown"
                raise LockBusy(f"another decree run is writing to {self.root} (pid {pid}); "
                               f"waited {timeout:g} s for it to finish")
            time.sleep(0.05)

    # ---- recovery ------------------------------------------------------------
    def recover(self) -> list[str]:
        """Finish or roll back interrupted replacements; return what was done (for logs)."""
        with self.lock():
            # Taking the lock just ran the recovery; when the lock was already held, run it again now.
            return list(self.last_recovery) if self._lock_depth == 1 else self._recover()

    def _recover(self) -> list[str]:
        done = []
        for entry in sorted(self.staging_dir.iterdir()):
            self.files.remove_tree(entry)
            done.append(f"removed unfinished staging {entry.name}")
        # Newest first, so if several old copies were left the most recent is the one restored.
        trash = sorted(self.trash_dir.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        for entry in trash:
            doc_id, _, intent = entry.name.partition(".")
            intent = intent.rpartition(".")[2]
            live = self.docs_dir / doc_id
            if intent == "replaced" and not live.exists() and DOC_ID_RE.fullmatch(doc_id):
                self.files.rename_dir(entry, live)
                done.append(f"restored {doc_id} (replacement interrupted)")
            else:
                self.files.remove_tree(entry)
                done.append(f"removed old copy {entry.name}")
        for stray in [*self.root.glob(".*.tmp"), *self.corrections_dir.glob(".*.tmp"), *self.templates_dir.glob(".*.tmp"),
                      *self.links_dir.glob("*/.*.tmp")]:
            stray.unlink(missing_ok=True)
            done.append(f"removed temporary file {stray.name}")
        return done

    # ---- reading what is there ---------------------------------------------------
    def documents(self) -> list[str]:
        """Ids of the complete documents (those with a manifest)."""
        if not self.docs_dir.exists():
            return []
        return sorted(p.name for p in self.docs_dir.iterdir() if (p / "manifest.json").exists())

    def manifest(self, doc_id: str) -> dict | None:
        path = self.doc_dir(doc_id) / "manifest.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def has_document(self, doc_id: str, pipeline_version: str | None = None, tokens_version: str | None = None) -> bool:
        """True when the document is stored, under the current table layout and (if given) this pipeline
        version, and (if `tokens_version` is given) tokenized by that version of the tokens stage (or
        tried: a document whose tokens were skipped for taking too long is not tried again)."""
        manifest = self.manifest(doc_id)
        if manifest is None or manifest.get("schema_version") != SCHEMA_VERSION:
            return False
        if pipeline_version is not None and manifest.get("pipeline_version") != pipeline_version:
            return False
        tokens = manifest.get("tokens") or {}
        return tokens_version is None or tokens.get("version") == tokens_version

    def read_rows(self, doc_id: str, table: str) -> list[dict]:
        """The current rows of one document in one table ([] when there are none)."""
        path = self.doc_dir(doc_id) / f"{table}.parquet"
        return pq.read_table(path).to_pylist() if path.exists() else []

    def correction_tables(self) -> Iterator[pa.Table]:
        """Every correction file's rows (one correction per file), in file-name order."""
        if self.corrections_dir.exists():
            for path in sorted(self.corrections_dir.glob("*.parquet")):
                yield pq.read_table(path)

    def read_tokens(self, doc_id: str) -> bytes | None:
        """The document's Docs as DocBin bytes (`pipeline.tokens.unpack`), None when it has no tokens."""
        path = self.doc_dir(doc_id) / TOKENS_FILE
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def read_document(self, doc_id: str) -> Document:
        path = self.doc_dir(doc_id) / "document.json"
        if not path.exists():
            raise DatasetError(f"no document {doc_id} in {self.root}")
        return Document.model_validate_json(path.read_bytes())

    # ---- writing documents ---------------------------------------------------
    def write_document(
        self, doc: Document, *, archived_as: str | None = None, original_names: list[str] | tuple[str, ...] = (),
        processed_at: str | dt.datetime | None = None, tokens: Tokens | None = None,
    ) -> WriteResult:
        """Store `doc`, replacing every row of an earlier copy at once; a no-op when nothing changed.

        Names the same file was dropped under accumulate in `original_names`; an
        earlier `archived_as` is kept when none is given. The document's corrections
        (the `corrections` table) are applied on top of its rows each time
        (`pipeline.dataset.corrections.apply_corrections`); `document.json` keeps the
        pipeline's output as extracted. `tokens` (the tokens stage's output) become
        ``tokens.spacy`` and the ``tokens`` table; without them, the stored tokens of the
        same document (same ``document.json``) are kept.
        """
        started = time.perf_counter()
        doc_id = doc.document.source.sha256
        with self.lock():
            old = self.manifest(doc_id)
            names = list(dict.fromkeys([*(old or {}).get("original_names", []), *original_names,
                                        doc.document.source.file_name]))
            archive = archived_as or (old or {}).get("archive_path")
            doc_json = doc.model_dump_json().encode("utf-8")
            digest = hashlib.sha256(doc_json).hexdigest()
            corrections = corrections_for(self, doc_id)
            applied = corrections_digest(corrections)
            same_document = bool(old) and old.get("document_sha256") == digest \
                and old.get("schema_version") == SCHEMA_VERSION
            tokens_data, tokens_state = self._tokens_to_store(doc_id, old if same_document else None, tokens)
            if same_document and old.get("original_names") == names and old.get("archive_path") == archive \
                    and old.get("corrections_digest", corrections_digest([])) == applied \
                    and old.get("tokens") == tokens_state:
                return WriteResult(doc_id, "unchanged", old.get("rows", {}), time.perf_counter() - started)
            stamp = processed_at or _now()
            tables = rows_for_document(doc, archived_as=archive, original_names=names, processed_at=stamp)
            tables = apply_corrections(tables, corrections)
            # After the corrections, which never touch it; the worker made the rows with the Docs.
            fresh = tokens is not None and tokens.data is not None and tokens.rows is not None
            tables["tokens"] = token_table(tokens.rows if fresh else stored_rows(doc_id, tokens_data) if tokens_data
                                           else None)
            manifest = {
                "doc_id": doc_id, "schema_version": SCHEMA_VERSION, "pipeline_version": doc.pipeline_version,
                "document_schema_version": doc.schema_version, "file_name": doc.document.source.file_name,
                "original_names": names, "archive_path": archive, "document_sha256": digest,
                "processed_at": tables["documents"].column("processed_at")[0].as_py().isoformat(),
                "rows": {name: table.num_rows for name, table in tables.items() if name != STATUS_TABLE},
                "corrections_digest": applied,
                "corrections": _status_counts(tables[STATUS_TABLE]),
                "tokens": tokens_state,
            }
            blobs = {"document.json": doc_json, **({TOKENS_FILE: tokens_data} if tokens_data else {})}
            self._commit(doc_id, tables, blobs, manifest, old)
            return WriteResult(doc_id, "replaced" if old else "added", manifest["rows"], time.perf_counter() - started)

    def _tokens_to_store(self, doc_id: str, same: dict | None, tokens: Tokens | None) -> tuple[bytes | None, dict | None]:
        """(DocBin bytes, manifest entry) for a write: the new tokens, else those stored for the same
        document (`same`: its manifest when `document.json` is unchanged), else none."""
        if tokens is not None:
            state = tokens.manifest()
            if tokens.data is not None:
                state["sha256"] = hashlib.sha256(tokens.data).hexdigest()
            return tokens.data, state
        if same is None or not same.get("tokens"):
            return None, None
        state = same["tokens"]
        data = self.read_tokens(doc_id) if state.get("sha256") else None
        if state.get("sha256") and (data is None or hashlib.sha256(data).hexdigest() != state["sha256"]):
            return None, None  # lost or damaged: stored without tokens, made again on the next extraction
        return data, state

    def _commit(self, doc_id: str, tables: dict[str, pa.Table], blobs: dict[str, bytes], manifest: dict,
                replaced: dict | None) -> None:
        """Make the new rows the document's rows, at once (steps 1-4 above). `blobs`: the other files of
        the folder (document.json, tokens.spacy). `replaced` is the manifest of the rows being replaced
        (None for a new document)."""
        self._swap_in(self._stage(doc_id, tables, blobs, manifest), self.doc_dir(doc_id))

    def _stage(self, doc_id: str, tables: dict[str, pa.Table], blobs: dict[str, bytes], manifest: dict) -> Path:
        """Step 1: a complete, fsynced copy of the document's folder under .staging/."""
        staging = self.staging_dir / f"{doc_id}.{uuid.uuid4().hex}"
        staging.mkdir()
        try:
            for name, table in tables.items():
                validate_table(name, table)  # the schema check on write
                self.files.write_parquet(staging / f"{name}.parquet", table)
            for name, data in blobs.items():
                self.files.write_bytes(staging / name, data)
            # Last, so a folder with a manifest is known to be complete.
            self.files.write_bytes(staging / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            self.files.sync_dir(staging)
        except Exception:
            self.files.remove_tree(staging)
            raise
        return staging

    def _swap_in(self, staging: Path, live: Path) -> None:
        """Steps 2-4: move the old folder aside, the new one in, then drop the old one."""
        if not live.exists():
            self.files.rename_dir(staging, live)
            return
        token = staging.name.partition(".")[2]
        trash = self.trash_dir / f"{live.name}.{token}.replaced"
        self.files.rename_dir(live, trash)
        self.files.rename_dir(staging, live)
        self.files.remove_tree(trash)

    def remove_document(self, doc_id: str) -> bool:
        """Delete a document's rows (all tables at once). Returns False when it was not there."""
        with self.lock():
            live = self.doc_dir(doc_id)
            if not live.exists():
                return False
            # The rename is the commit point: recovery deletes ".removed" folders instead of restoring them.
            trash = self.trash_dir / f"{doc_id}.{uuid.uuid4().hex}.removed"
            self.files.rename_dir(live, trash)
            self.files.remove_tree(trash)
            return True

    # ---- links between documents (pipeline/link/refresh.py) ---------------------
    # Derived rows, recomputable at any time from the two documents: each file of a pair is replaced
    # atomically and pair.json (the digest of what they were computed from) is written last, so an
    # interrupted write leaves a pair whose digest does not match and is recomputed by the next refresh.
    def link_pairs(self) -> dict[str, dict]:
        """Pair key -> its pair.json ({} when a write was interrupted before it), for every stored pair."""
        if not self.links_dir.exists():
            return {}
        out = {}
        for folder in sorted(p for p in self.links_dir.iterdir() if p.is_dir() and DOC_ID_RE.fullmatch(p.name)):
            try:
                out[folder.name] = json.loads((folder / "pair.json").read_text(encoding="utf-8"))
            except (FileNotFoundError, ValueError):
                out[folder.name] = {}
        return out

    def write_link_pair(self, key: str, tables: dict[str, pa.Table], info: dict) -> None:
        """Replace the link tables of one pair (under the lock), pair.json last."""
        if not DOC_ID_RE.fullmatch(key):
            raise DatasetError(f"not a pair key: {key!r}")
        folder = self.links_dir / key
        with self.lock():
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "pair.json").unlink(missing_ok=True)
            for name, table in tables.items():
                validate_table(name, table)
                tmp = folder / f".{name}.{uuid.uuid4().hex}.tmp"
                self.files.write_parquet(tmp, table)
                self.files.replace_file(tmp, folder / f"{name}.parquet")
            tmp = folder / f".pair.{uuid.uuid4().hex}.tmp"
            self.files.write_bytes(tmp, json.dumps(info, ensure_ascii=False, indent=1).encode())
            self.files.replace_file(tmp, folder / "pair.json")

    def read_link_rows(self, key: str, table: str) -> list[dict]:
        path = self.links_dir / key / f"{table}.parquet"
        return pq.read_table(path).to_pylist() if DOC_ID_RE.fullmatch(key) and path.exists() else []

    def remove_link_pair(self, key: str) -> None:
        with self.lock():
            folder = self.links_dir / key
            if DOC_ID_RE.fullmatch(key) and folder.exists():
                trash = self.trash_dir / f"{key}.{uuid.uuid4().hex}.removed"  # recovery deletes .removed folders
                self.files.rename_dir(folder, trash)
                self.files.remove_tree(trash)

    # ---- corrections (append-only) --------------------------------------------
    def append_correction(
        self, *, who: str, doc_id: str, field: str, action: str, item_id: str | None = None,
        before: Any = None, after: Any = None, note: str | None = None, at: dt.datetime | None = None,
    ) -> str:
        """Record one correction in a new file of its own; earlier files are never touched. Returns its id."""
        if action not in CORRECTION_ACTIONS:
            raise DatasetError(f"correction action must be one of {', '.join(CORRECTION_ACTIONS)}, not {action!r}")
        if not who.strip() or not field.strip():
            raise DatasetError("a correction needs `who` and `field`")
        if self.manifest(doc_id) is None:
            raise DatasetError(f"no document {doc_id} in {self.root}")
        at = at or _now()
        correction_id = f"{at.astimezone(dt.timezone.utc):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:12]}"
        row = {
            "correction_id": correction_id, "who": who, "at": at, "doc_id": doc_id, "item_id": item_id,
            "field": field, "before": None if before is None else json.dumps(before, ensure_ascii=False),
            "after": None if after is None else json.dumps(after, ensure_ascii=False), "action": action, "note": note,
        }
        self._write_correction(correction_id, to_table("corrections", [row]))
        return correction_id

    def _write_correction(self, correction_id: str, table: pa.Table) -> None:
        self.corrections_dir.mkdir(parents=True, exist_ok=True)
        path = self.corrections_dir / f"{correction_id}.parquet"
        tmp = self.corrections_dir / f".{correction_id}.tmp"
        self.files.write_parquet(tmp, table)
        self.files.replace_file(tmp, path)  # the id is unique, so this never overwrites an earlier correction

    # ---- DuckDB views --------------------------------------------------------
    def ensure_templates(self) -> None:
        """Write the zero-row typed files the views always include, so queries work on an empty dataset."""
        self.templates_dir.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            path = self.templates_dir / f"{name}.parquet"
            if path.exists() and pq.read_schema(path).metadata.get(b"decree.schema_version") == SCHEMA_VERSION.encode():
                continue
            tmp = self.templates_dir / f".{name}.{uuid.uuid4().hex}.tmp"
            self.files.write_parquet(tmp, arrow_schema(name).empty_table())
            self.files.replace_file(tmp, path)

    def _view_source(self, name: str) -> tuple[str, str, str]:
        """A table view's files: (zero-row template, glob of the rows, SQL filter on their `filename`)."""
        if name in LINK_TABLES:
            return str(self.templates_dir / f"{name}.parquet"), str(self.links_dir / "*" / f"{name}.parquet"), _LIVE_PAIR
        pattern = (self.corrections_dir / "*.parquet") if name == "corrections" else (self.docs_dir / "*" / f"{name}.parquet")
        return str(self.templates_dir / f"{name}.parquet"), str(pattern), ""

    def view_statements(self, one_layout: bool = False) -> list[str]:
        """SQL creating every view; the views glob the files at query time, so new documents show up at once.

        Files written under an older table layout (documents stored before an upgrade, until they are
        rebuilt) are read by column name (``union_by_name``), which makes DuckDB open every file of the
        glob whenever a view is bound: 200 MB and 0.7 s for 300 documents, growing with the dataset.
        `one_layout`: every document folder holds the current layout (`_one_layout`), so the documents'
        tables take their columns from the template alone; links and corrections, a few files kept
        across upgrades, are always read by name."""
        statements = []
        for name in TABLES:
            template, pattern, where = self._view_source(name)
            columns = ", ".join(f'"{column}"' for column, *_ in TABLES[name].columns)
            by_name = not one_layout or name in LINK_TABLES or name == "corrections"
            statements.append(
                f"CREATE OR REPLACE VIEW {name} AS SELECT {columns} FROM read_parquet("
                f"[{_sql_str(template)}, {_sql_str(pattern)}], union_by_name = {str(by_name).lower()}, allow_empty = true"
                + (f", filename = true) WHERE {where}" if where else ")")
            )
        statements.append(_review_queue_sql())
        statements.append(_corrections_unapplied_sql())
        statements.append(_citation_checks_sql())
        return statements

    def refresh_views(self) -> Path:
        """(Re)build decree.duckdb in a temporary file, then rename it into place."""
        with self.lock():
            self.ensure_templates()
            tmp = self.root / f".decree.duckdb.{uuid.uuid4().hex}.tmp"
            con = duckdb.connect(str(tmp))
            try:
                statements = self.view_statements(self._one_layout())
                for statement in statements:
                    con.execute(statement)
                con.execute("CREATE TABLE _dataset_info AS SELECT ? AS root, ? AS schema_version, ? AS views, "
                            "now() AS built_at", [str(self.root), SCHEMA_VERSION, _digest_of(statements)])
                con.execute("CHECKPOINT")
            finally:
                con.close()
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            self.files.replace_file(tmp, self.duckdb_path)
            return self.duckdb_path

    def exists(self) -> bool:
        """Whether a run ever made this dataset (readers refuse a place that holds none, and write nothing there)."""
        return self.templates_dir.is_dir() or self.docs_dir.is_dir() or self.duckdb_path.exists()

    def require(self) -> None:
        """Raise `NoDataset` (one line: where, and how to make one) unless the dataset exists."""
        if self.exists():
            return
        if os.environ.get("DECREE_DATASET"):
            raise NoDataset(f"no dataset at {self.root} (run `decree --dataset {self.root} process` first)")
        home = self.root.parent if self.root.name == "extracted" else self.root
        raise NoDataset(f"no dataset at {home} (run `decree process --home {home}` first)")

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A connection with the views: decree.duckdb opened read-only when it is current, else in memory.

        Reads only: a place that holds no dataset raises `NoDataset` and nothing is created there."""
        self.require()
        self.ensure_templates()
        one_layout = self._one_layout()
        if self.duckdb_path.exists():
            try:
                con = duckdb.connect(str(self.duckdb_path), read_only=True)
            except duckdb.Error:
                con = None
            if con is not None:
                try:
                    rows = con.execute("SELECT root, schema_version, views FROM _dataset_info").fetchall()
                    info = rows[0] if rows else None
                except duckdb.Error:
                    info = None
                # current: built for this folder, this layout and these views (a newer pipeline may add views,
                # documents of an older layout may have come since)
                if info == (str(self.root), SCHEMA_VERSION, _digest_of(self.view_statements(one_layout))):
                    return con
                con.close()
        # Missing or stale file (moved folder, older layout): same views, built in memory.
        con = duckdb.connect()
        for statement in self.view_statements(one_layout):
            con.execute(statement)
        return con

    def _one_layout(self) -> bool:
        """Whether every stored document was written under the current table layout (its manifest says so)."""
        return all((self.manifest(doc_id) or {}).get("schema_version") == SCHEMA_VERSION for doc_id in self.documents())

    # ---- consistency ---------------------------------------------------------
    def verify(self) -> list[str]:
        """Problems found (empty when consistent): leftovers, incomplete folders, row counts off the manifest."""
        problems = []
        for folder in (self.staging_dir, self.trash_dir):
            if folder.exists():
                problems.extend(f"leftover {folder.name}/{entry.name}" for entry in folder.iterdir())
        if not self.docs_dir.exists():
            return problems
        for folder in sorted(self.docs_dir.iterdir()):
            problems.extend(self._verify_doc(folder))
        return problems

    def _verify_doc(self, folder: Path) -> list[str]:
        manifest_path = folder / "manifest.json"
        if not manifest_path.exists():
            return [f"{folder.name}: no manifest (incomplete folder)"]
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        problems = []
        if manifest.get("doc_id") != folder.name:
            problems.append(f"{folder.name}: manifest names {manifest.get('doc_id')}")
        if not (folder / "document.json").exists():
            problems.append(f"{folder.name}: document.json missing")
        if (manifest.get("tokens") or {}).get("sha256") and not (folder / TOKENS_FILE).exists():
            problems.append(f"{folder.name}: {TOKENS_FILE} missing")
        return problems + check_tables(folder.name, manifest, lambda name: pq.read_table(folder / f"{name}.parquet"))


def check_tables(doc_id: str, manifest: dict, read: Callable[[str], pa.Table]) -> list[str]:
    """What is wrong with a stored document's tables (`read(name)` opens one; FileNotFoundError when
    it is missing): unreadable or off-schema files, row counts off the manifest, rows of another document."""
    problems = []
    for name in DOCUMENT_TABLES:
        try:
            table = read(name)
            validate_table(name, table.replace_schema_metadata(None))
        except FileNotFoundError:
            problems.append(f"{doc_id}: {name}.parquet missing")
            continue
        except (TableSchemaError, pa.ArrowException, OSError) as exc:
            problems.append(f"{doc_id}: {name}.parquet unreadable or off-schema: {exc}")
            continue
        if table.num_rows != manifest.get("rows", {}).get(name):
            problems.append(f"{doc_id}: {name} has {table.num_rows} rows, manifest says {manifest['rows'].get(name)}")
        if table.num_rows and set(table.column("doc_id").to_pylist()) != {doc_id}:
            problems.append(f"{doc_id}: {name} has rows of another document")
    return problems


def _digest_of(statements: list[str]) -> str:
    return hashlib.sha256("\n".join(statements).encode()).hexdigest()


def _status_counts(table: pa.Table) -> dict[str, int]:
    statuses = table.column("status").to_pylist()
    counts = {"applied": statuses.count("applied"), "unapplied": statuses.count("unapplied")}
    if "undone" in statuses:
        counts["undone"] = statuses.count("undone")
    return counts


def review_queue_select(threshold: float = REVIEW_THRESHOLD) -> str:
    """The review queue's SELECT for a threshold (the `review_queue` view uses REVIEW_THRESHOLD)."""
    t = float(threshold)
    return f"""
SELECT doc_id, item_id, what, fact_no, "value", page, confidence, reasons, cited_doc_id FROM (
    SELECT doc_id, item_id, 'item' AS what, CAST(NULL AS INTEGER) AS fact_no, text AS "value", page, confidence, reasons,
           CAST(NULL AS VARCHAR) AS cited_doc_id
    FROM items WHERE confidence < {t} AND review IS DISTINCT FROM 'rejected'
    UNION ALL
    SELECT q.doc_id, q.item_id, 'quantity', q.quantity_no, q.raw, i.page, q.confidence, q.reasons, NULL
    FROM quantities q LEFT JOIN items i ON i.doc_id = q.doc_id AND i.item_id = q.item_id WHERE q.confidence < {t}
    UNION ALL
    SELECT d.doc_id, d.item_id, 'deadline', NULL, d.raw, i.page, d.confidence, d.reasons, NULL
    FROM deadlines d LEFT JOIN items i ON i.doc_id = d.doc_id AND i.item_id = d.item_id
    WHERE d.stated AND d.confidence < {t}
    UNION ALL
    SELECT a.doc_id, a.item_id, 'agency', a.agency_no, a.raw, i.page, a.confidence, a.reasons, NULL
    FROM agencies a LEFT JOIN items i ON i.doc_id = a.doc_id AND i.item_id = a.item_id
    WHERE a.confidence < {t} AND NOT a.inherited  -- an inherited lead is reviewed where it is named
    UNION ALL
    SELECT doc_id, NULL, 'citation', citation_no, raw, first_page, confidence, reasons, NULL
    FROM citations WHERE confidence < {t}
    UNION ALL
    SELECT citing_doc_id, report_item_id, 'target_link', link_no,
           coalesce(target_number, '') || ' ' || target_path || ' → ' || coalesce(report_path, '') || ' (' || relation
           || '): ' || left(report_text, 80), report_page, confidence, reasons, cited_doc_id
    FROM target_links WHERE relation IS NOT NULL AND review IS NULL AND confidence < {t}
    UNION ALL
    SELECT citing_doc_id, NULL, 'document_link', link_no, relation || ' ' || coalesce(cited_number, cited_doc_id),
           NULL, confidence, reasons, cited_doc_id
    FROM document_links WHERE review IS NULL AND confidence < {t}
    UNION ALL
    SELECT doc_id, NULL, field, NULL, nullif(printed, ''), 1, 0.0,
           ['header field not read: ' || CASE WHEN printed = '' THEN 'not found' ELSE 'printed but unreadable' END
            || ' (set documents.' || field || ' with a correction)'], NULL
    FROM (SELECT doc_id, number, issued_date, unnest(unread) AS field, unnest(unread_printed) AS printed FROM documents)
    WHERE (field = 'number' AND number IS NULL) OR (field = 'issued_date' AND issued_date IS NULL)
)
ORDER BY confidence, doc_id, what, item_id, fact_no
"""


def _review_queue_sql() -> str:
    return "CREATE OR REPLACE VIEW review_queue AS " + review_queue_select(REVIEW_THRESHOLD)


def _citation_checks_sql() -> str:
    # Numbers compare as pipeline.extract.citations.number_key does: letters and digits only, đ as d, upper case.
    key = "upper(regexp_replace(strip_accents(replace(replace({0}, 'Đ', 'D'), 'đ', 'd')), '[^A-Za-z0-9]', '', 'g'))"
    return f"""
CREATE OR REPLACE VIEW citation_checks AS
SELECT c.doc_id, c.citation_no, c.number, c.issued_date AS cited_date, d.doc_id AS cited_doc_id,
       d.issued_date AS dataset_date,
       CASE WHEN c.issued_date IS NULL OR d.issued_date IS NULL THEN 'unknown'
            WHEN c.issued_date = d.issued_date THEN 'agree' ELSE 'disagree' END AS status
FROM citations c
JOIN documents d ON {key.format('c.number')} = {key.format('d.number')} AND d.doc_id <> c.doc_id
WHERE c.number IS NOT NULL
ORDER BY status DESC, c.doc_id, c.citation_no
"""


def _corrections_unapplied_sql() -> str:
    # A correction applies when the current rows of its document say so; anything else is listed, never dropped.
    return """
CREATE OR REPLACE VIEW corrections_unapplied AS
SELECT c.correction_id, c.who, c."at", c.doc_id, c.item_id, c.field, c.before, c.after, c.action, c.note,
       CAST(coalesce(s.detail, CASE WHEN d.doc_id IS NULL THEN 'the document is not in the dataset'
                                    WHEN c.field IN ('target_link', 'document_link')
                                    THEN 'the two documents are not linked now (one is gone, or no longer cites the other)'
                                    ELSE 'not applied yet (the document was written before it)' END) AS VARCHAR)
           AS reason
FROM corrections c
LEFT JOIN (SELECT doc_id, correction_id, status, detail FROM correction_status
           UNION ALL SELECT doc_id, correction_id, status, detail FROM link_correction_status) s
       ON s.doc_id = c.doc_id AND s.correction_id = c.correction_id
LEFT JOIN documents d ON d.doc_id = c.doc_id
WHERE s.status IS NULL OR s.status NOT IN ('applied', 'undone')  -- an undone correction is withdrawn, not failing
ORDER BY c."at", c.correction_id
"""
