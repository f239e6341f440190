"""The dataset on a shared store: any fsspec URL (s3://, gs://, az://, memory:// ...).

Object stores have no folder rename and no flock, so the local protocol of
`pipeline.dataset.store` cannot work there. What they do have is an atomic
write of one object: a reader sees the old object or the new one, never
half of it. So a document is committed by writing its manifest last:

    docs/<doc_id>/manifest.json          the commit: names the live generation
    docs/<doc_id>/<generation>/          one complete set of rows per write
        documents.parquet items.parquet ... document.json tokens.spacy
    corrections/<time>-<id>.parquet      append-only, one object per correction
    links/<pair>/<table>.parquet         links between two documents (pipeline/link), pair.json last
    templates/<table>.parquet            zero-row typed files for the views
    locks/writer.json                    the writers' lease

Replacing a document:

1. write every file of a new generation (``g<UTC time>-<random>``);
2. write ``manifest.json`` naming it (the commit point);
3. delete the generation the replaced manifest named.

Readers (`connect`) read the manifests first and keep only the rows of the
generations they name, so a crash anywhere leaves the old rows or the new
ones, never a mix. A crash between 1 and 2 leaves an orphan generation;
`recover` deletes orphans older than ``ORPHAN_SECONDS`` (younger ones may be
another writer's step 1). Two writers storing the same document write the
same rows (documents are content-addressed), and each deletes only the
generation it replaced, so even without the lease the named generation is
always complete.

The lease: object stores cannot create-if-absent portably, so the lock is
a lease object written, then read back after a pause; a holder that died
on this host (its pid is gone) or whose lease expired is replaced. It keeps
honest writers apart; correctness does not depend on it.

DuckDB reads the store through the same fsspec filesystem
(``register_filesystem``); nothing is downloaded at run time. s3:// needs
``s3fs``, gs:// ``gcsfs``, az:// ``adlfs`` installed beside the pipeline.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.dataset.store import (
    _LIVE_PAIR,
    DOC_ID_RE,
    TABLES,
    Dataset,
    DatasetError,
    LockBusy,
    NoDataset,
    check_tables,
    validate_table,
)
from pipeline.dataset.tables import LINK_TABLES, SCHEMA_VERSION, arrow_schema
from pipeline.dataset.tokens import FILE as TOKENS_FILE
from pipeline.model import Document

# An uncommitted generation younger than this may be another writer's work in progress.
ORPHAN_SECONDS = 3600
# A lease not renewed for this long is taken over.
LEASE_SECONDS = 900
# Pause between writing the lease and reading it back (another writer's write would show by then).
LEASE_SETTLE = 0.2
_GENERATION_TIME = "%Y%m%dT%H%M%S%fZ"


def is_remote(location: str) -> bool:
    """True for a URL whose protocol is not the local filesystem."""
    scheme, sep, _ = str(location).partition("://")
    return bool(sep) and scheme not in ("", "file", "local")


def _parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


class RemoteDataset(Dataset):
    """`Dataset` on an fsspec filesystem; same methods, the manifest-last protocol above."""

    def __init__(self, url: str, *, lock_timeout: float = 10.0, storage_options: dict | None = None) -> None:
        import fsspec

        try:
            self.fs, path = fsspec.core.url_to_fs(url, **(storage_options or {}))
        except (ImportError, ValueError) as exc:
            raise DatasetError(f"cannot open the dataset at {url}: {exc}") from None
        if getattr(self.fs, "auto_mkdir", None) is False:
            self.fs.auto_mkdir = True  # folders on disk (a file:// store in tests): object stores have none
        self.url = url.rstrip("/")
        self.root = self.url  # what messages and _dataset_info show
        self.base = path.rstrip("/")
        self.lock_timeout = lock_timeout
        self._mutex = threading.RLock()
        self._lock_depth = 0
        self._lease_token: str | None = None
        self.last_recovery: list[str] = []

    @property
    def local_root(self) -> None:
        return None  # a remote store reports its own write errors

    # ---- paths (strings: fsspec paths have no pathlib) -------------------------
    def _path(self, *parts: str) -> str:
        return "/".join([self.base, *parts])

    def _url(self, path: str) -> str:
        """A path of this filesystem as a URL DuckDB resolves through the registered filesystem."""
        return self.fs.unstrip_protocol(path)

    def doc_dir(self, doc_id: str) -> str:  # type: ignore[override]
        if not DOC_ID_RE.fullmatch(doc_id):
            raise DatasetError(f"not a document id: {doc_id!r}")
        return self._path("docs", doc_id)

    def _generation_dir(self, doc_id: str, generation: str) -> str:
        return f"{self.doc_dir(doc_id)}/{generation}"

    # ---- small I/O helpers --------------------------------------------------------
    def _read_json(self, path: str) -> dict | None:
        try:
            return json.loads(self.fs.cat_file(path))
        except FileNotFoundError:
            return None

    def _put(self, path: str, data: bytes) -> None:
        self.fs.pipe_file(path, data)  # one object: atomic on object stores

    def _remove(self, path: str) -> None:
        try:
            self.fs.rm(path, recursive=True)
        except FileNotFoundError:
            pass

    # ---- lease -----------------------------------------------------------------
    @contextmanager
    def _hold(self, timeout: float) -> Iterator[None]:
        """The lock itself: the lease object, removed on the way out if it is still ours."""
        token = uuid.uuid4().hex
        self._take_lease(token, timeout)
        self._lease_token = token
        try:
            yield
        finally:
            self._lease_token = None
            lease = self._read_json(self._path("locks", "writer.json"))
            if lease and lease.get("token") == token:
                self._remove(self._path("locks", "writer.json"))

    def _lease(self, token: str) -> bytes:
        return json.dumps({"token": token, "host": socket.gethostname(), "pid": os.getpid(),
                           "expires": time.time() + LEASE_SECONDS}).encode()

    def _lease_is_dead(self, lease: dict) -> bool:
        if lease.get("expires", 0) < time.time():
            return True
        if lease.get("host") == socket.gethostname():
            try:
                os.kill(int(lease.get("pid", 0)), 0)
            except ProcessLookupError:
                return True  # its holder died on this machine (SIGKILL leaves the lease behind)
            except (PermissionError, ValueError, OverflowError):
                return False
        return False

    def _take_lease(self, token: str, timeout: float) -> None:
        path = self._path("locks", "writer.json")
        deadline = time.monotonic() + timeout
        while True:
            lease = self._read_json(path)
            if lease is None or self._lease_is_dead(lease):
                self._put(path, self._lease(token))
                time.sleep(LEASE_SETTLE)
                lease = self._read_json(path)
                if lease and lease.get("token") == token:
                    return
            if time.monotonic() >= deadline:
                holder = f"{lease.get('host')} pid {lease.get('pid')}" if lease else "unknown"
                raise LockBusy(f"another decree run is writing to {self.url} ({holder}); "
                               f"waited {timeout:g} s for it to finish")
            time.sleep(0.2)

    def _renew_lease(self) -> None:
        if self._lease_token:
            self._put(self._path("locks", "writer.json"), self._lease(self._lease_token))

    # ---- recovery ------------------------------------------------------------
    def _recover(self) -> list[str]:
        """Delete orphan generations (written, never committed) older than ORPHAN_SECONDS."""
        done = []
        now = dt.datetime.now(dt.timezone.utc)
        for doc_id, (committed, generations) in self._inventory().items():
            if committed and len(generations) <= 1:
                continue  # the usual case, known from the listing alone
            live = (self.manifest(doc_id) or {}).get("generation")
            for generation in generations:
                if generation == live:
                    continue
                try:
                    written = dt.datetime.strptime(generation[1:].partition("-")[0], _GENERATION_TIME)
                except ValueError:
                    continue  # not ours: leave it alone
                if (now - written.replace(tzinfo=dt.timezone.utc)).total_seconds() > ORPHAN_SECONDS:
                    self._remove(self._generation_dir(doc_id, generation))
                    done.append(f"removed uncommitted generation {doc_id}/{generation}")
        return done

    def _inventory(self) -> dict[str, tuple[bool, list[str]]]:
        """doc_id -> (committed: has a manifest, its generations), from one listing of
        ``docs/`` (on an object store: one paginated LIST, not a request per document)."""
        prefix = self._path("docs") + "/"
        found: dict[str, tuple[bool, set[str]]] = {}
        try:
            paths = self.fs.find(self._path("docs"))
        except FileNotFoundError:
            paths = []
        for path in paths:
            parts = path[path.find(prefix) + len(prefix):].split("/") if prefix in path else []
            if not parts or not DOC_ID_RE.fullmatch(parts[0]):
                continue
            committed, generations = found.setdefault(parts[0], (False, set()))
            if parts[1:] == ["manifest.json"]:
                found[parts[0]] = (True, generations)
            elif len(parts) == 3:
                generations.add(parts[1])
        return {doc_id: (committed, sorted(gens)) for doc_id, (committed, gens) in sorted(found.items())}

    def _generations(self, doc_id: str) -> list[str]:
        return self._inventory().get(doc_id, (False, []))[1]

    def _live_parts(self) -> list[str]:
        """``<doc_id>/<generation>`` of every committed document: the listing names it when a
        document has one generation; a manifest is read only while a write is in flight."""
        parts = []
        for doc_id, (committed, generations) in self._inventory().items():
            if not committed:
                continue
            if len(generations) == 1:
                parts.append(f"{doc_id}/{generations[0]}")
            else:
                generation = (self.manifest(doc_id) or {}).get("generation")
                if generation:
                    parts.append(f"{doc_id}/{generation}")
        return parts

    # ---- reading ---------------------------------------------------------------
    def exists(self) -> bool:
        return any(self.fs.exists(self._path(part)) for part in ("templates", "docs", "corrections"))

    def require(self) -> None:  # type: ignore[override]
        if not self.exists():
            raise NoDataset(f"no dataset at {self.url} (run `decree --dataset {self.url} process` first)")

    def documents(self) -> list[str]:
        return [doc_id for doc_id, (committed, _) in self._inventory().items() if committed]

    def manifest(self, doc_id: str) -> dict | None:
        return self._read_json(f"{self.doc_dir(doc_id)}/manifest.json")

    def _live_file(self, doc_id: str, name: str) -> str | None:
        manifest = self.manifest(doc_id)
        return None if manifest is None else f"{self._generation_dir(doc_id, manifest['generation'])}/{name}"

    def read_rows(self, doc_id: str, table: str) -> list[dict]:
        path = self._live_file(doc_id, f"{table}.parquet")
        if path is None:
            return []
        try:
            return pq.read_table(io.BytesIO(self.fs.cat_file(path))).to_pylist()
        except FileNotFoundError:
            return []

    def correction_tables(self) -> Iterator[pa.Table]:
        try:
            paths = sorted(self.fs.glob(self._path("corrections", "*.parquet")))
        except FileNotFoundError:
            return
        for path in paths:
            yield pq.read_table(io.BytesIO(self.fs.cat_file(path)))

    def read_tokens(self, doc_id: str) -> bytes | None:
        path = self._live_file(doc_id, TOKENS_FILE)
        if path is None:
            return None
        try:
            return self.fs.cat_file(path)
        except FileNotFoundError:
            return None

    def read_document(self, doc_id: str) -> Document:
        path = self._live_file(doc_id, "document.json")
        if path is None:
            raise DatasetError(f"no document {doc_id} in {self.url}")
        return Document.model_validate_json(self.fs.cat_file(path))

    # ---- writing ---------------------------------------------------------------
    def _commit(self, doc_id: str, tables: dict[str, pa.Table], blobs: dict[str, bytes], manifest: dict,
                replaced: dict | None) -> None:
        old = (replaced or {}).get("generation")
        generation = f"g{dt.datetime.now(dt.timezone.utc):{_GENERATION_TIME}}-{uuid.uuid4().hex[:12]}"
        folder = self._generation_dir(doc_id, generation)
        try:
            for name, table in tables.items():
                validate_table(name, table)  # the schema check on write
                self._put(f"{folder}/{name}.parquet", _parquet_bytes(table))
            for name, data in blobs.items():  # document.json, tokens.spacy
                self._put(f"{folder}/{name}", data)
        except Exception:
            self._remove(folder)
            raise
        manifest = dict(manifest, generation=generation)
        self._put(f"{self.doc_dir(doc_id)}/manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        if old and old != generation:
            self._remove(self._generation_dir(doc_id, old))
        self._renew_lease()

    def remove_document(self, doc_id: str) -> bool:
        with self.lock():
            manifest = self.manifest(doc_id)
            if manifest is None:
                return False
            self._remove(f"{self.doc_dir(doc_id)}/manifest.json")  # the commit point
            self._remove(self.doc_dir(doc_id))
            return True

    def _write_correction(self, correction_id: str, table: pa.Table) -> None:
        self._put(self._path("corrections", f"{correction_id}.parquet"), _parquet_bytes(table))

    # ---- links between documents: one object per table, pair.json last (as the local store) --------
    def link_pairs(self) -> dict[str, dict]:  # type: ignore[override]
        prefix = self._path("links") + "/"
        try:
            paths = self.fs.find(self._path("links"))
        except FileNotFoundError:
            paths = []
        keys = sorted({p[p.find(prefix) + len(prefix):].split("/")[0] for p in paths if prefix in p})
        return {key: self._read_json(self._path("links", key, "pair.json")) or {} for key in keys
                if DOC_ID_RE.fullmatch(key)}

    def write_link_pair(self, key: str, tables: dict[str, pa.Table], info: dict) -> None:  # type: ignore[override]
        if not DOC_ID_RE.fullmatch(key):
            raise DatasetError(f"not a pair key: {key!r}")
        with self.lock():
            self._remove(self._path("links", key, "pair.json"))
            for name, table in tables.items():
                validate_table(name, table)
                self._put(self._path("links", key, f"{name}.parquet"), _parquet_bytes(table))
            self._put(self._path("links", key, "pair.json"), json.dumps(info, ensure_ascii=False, indent=1).encode())
            self._renew_lease()

    def read_link_rows(self, key: str, table: str) -> list[dict]:  # type: ignore[override]
        if not DOC_ID_RE.fullmatch(key):
            return []
        try:
            return pq.read_table(io.BytesIO(self.fs.cat_file(self._path("links", key, f"{table}.parquet")))).to_pylist()
        except FileNotFoundError:
            return []

    def remove_link_pair(self, key: str) -> None:  # type: ignore[override]
        with self.lock():
            if DOC_ID_RE.fullmatch(key):
                self._remove(self._path("links", key))

    # ---- DuckDB ----------------------------------------------------------------
    def ensure_templates(self) -> None:
        for name in TABLES:
            path = self._path("templates", f"{name}.parquet")
            try:
                schema = pq.read_schema(io.BytesIO(self.fs.cat_file(path)))
                if schema.metadata.get(b"decree.schema_version") == SCHEMA_VERSION.encode():
                    continue
            except (FileNotFoundError, pa.ArrowException):
                pass
            self._put(path, _parquet_bytes(arrow_schema(name).empty_table()))

    def _view_source(self, name: str) -> tuple[str, str, str]:
        """As the local views, but a document's rows come only from the generation its manifest names."""
        template = self._url(self._path("templates", f"{name}.parquet"))
        if name in LINK_TABLES:
            return template, self._url(self._path("links", "*", f"{name}.parquet")), _LIVE_PAIR
        if name == "corrections":
            return template, self._url(self._path("corrections", "*.parquet")), ""
        rows = self._url(self._path("docs", "*", "*", f"{name}.parquet"))
        return template, rows, "regexp_extract(filename, '([^/]+/[^/]+)/[^/]+[.]parquet$', 1) IN (SELECT part FROM _live)"

    def refresh_views(self) -> None:  # type: ignore[override]
        """Nothing to build: an object store holds no DuckDB file; `connect` builds the views in memory."""
        with self.lock():
            self.ensure_templates()

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with the views, reading the store through fsspec. The live
        generations are read from the manifests now: documents stored later show up on the
        next connection."""
        self.require()
        self.ensure_templates()
        con = duckdb.connect()
        con.register_filesystem(self.fs)
        live = self._live_parts()
        con.execute("CREATE TEMP TABLE _live (part VARCHAR)")
        if live:
            con.executemany("INSERT INTO _live VALUES (?)", [[part] for part in live])
        for statement in self.view_statements():
            con.execute(statement)
        return con

    # ---- consistency ---------------------------------------------------------
    def verify(self) -> list[str]:
        problems = []
        for doc_id, (committed, generations) in self._inventory().items():
            manifest = self.manifest(doc_id) if committed else None
            if manifest is None:
                problems.append(f"{doc_id}: no manifest (never committed)")
                continue
            generation = manifest.get("generation")
            if manifest.get("doc_id") != doc_id:
                problems.append(f"{doc_id}: manifest names {manifest.get('doc_id')}")
            folder = self._generation_dir(doc_id, generation)
            if not self.fs.exists(f"{folder}/document.json"):
                problems.append(f"{doc_id}: document.json missing")
            if (manifest.get("tokens") or {}).get("sha256") and not self.fs.exists(f"{folder}/{TOKENS_FILE}"):
                problems.append(f"{doc_id}: {TOKENS_FILE} missing")
            problems += check_tables(doc_id, manifest, lambda name: pq.read_table(
                io.BytesIO(self.fs.cat_file(f"{folder}/{name}.parquet"))))
            extra = [g for g in generations if g != generation]
            problems.extend(f"{doc_id}: uncommitted generation {g}" for g in extra)
        return problems
