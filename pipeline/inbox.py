"""The clerk's inbox: find finished files, hash them, archive what was read, quarantine what was not.

A home folder holds everything a deployment touches:

    raw_docs/inbox/        files dropped by clerks
    raw_docs/archive/      originals that were processed, as <sha256>.<ext> (content-addressed)
    raw_docs/archive/index.jsonl   every name each original arrived under, appended
    raw_docs/quarantine/   files that could not be processed, each with <name>.error.json
    extracted/             the dataset (see pipeline.dataset)

Nothing is ever deleted before its content is safe elsewhere: a file leaves the
inbox only by a rename into the archive (after its rows are written) or into the
quarantine (after its error report is written). File names are data: they are
never passed to a shell, and symlinks are never followed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.files import write_atomic

# Files a writer is still producing or that belong to an editor, not to the clerk.
_TEMPORARY_PREFIXES = (".", "~$", ".~lock")
_TEMPORARY_SUFFIXES = (".part", ".partial", ".crdownload", ".tmp", ".download", ".swp", ".error.json")


@dataclass(frozen=True)
class Home:
    root: Path

    @classmethod
    def at(cls, root: str | Path) -> Home:
        return cls(Path(root).resolve())

    @property
    def inbox(self) -> Path:
        return self.root / "raw_docs" / "inbox"

    @property
    def archive(self) -> Path:
        return self.root / "raw_docs" / "archive"

    @property
    def quarantine(self) -> Path:
        return self.root / "raw_docs" / "quarantine"

    @property
    def extracted(self) -> Path:
        return self.root / "extracted"

    def ensure(self) -> None:
        for folder in (self.inbox, self.archive, self.quarantine, self.extracted):
            folder.mkdir(parents=True, exist_ok=True)


@dataclass
class Candidate:
    """An inbox entry and what to do with it."""

    path: Path
    ready: bool
    reason: str | None = None  # why it is not ready, or why it must be quarantined unread
    quarantine: bool = False


@dataclass
class Outcome:
    name: str
    status: str  # processed | skipped | quarantined | waiting
    doc_id: str | None = None
    reason: str | None = None
    stage: str | None = None
    pages: int = 0
    items: int = 0
    seconds: float = 0.0
    archived_as: str | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def scan_inbox(home: Home, settle_seconds: float = 2.0, now: float | None = None) -> list[Candidate]:
    """Entries of the inbox in name order. A file is ready once its size and mtime have been still for `settle_seconds`."""
    now = time.time() if now is None else now
    candidates = []
    sizes: dict[Path, int] = {}
    for path in sorted(home.inbox.iterdir(), key=lambda p: p.name):
        name = path.name
        if name.startswith(_TEMPORARY_PREFIXES) or name.endswith(_TEMPORARY_SUFFIXES):
            candidates.append(Candidate(path, ready=False, reason="temporary or hidden file"))
            continue
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            candidates.append(Candidate(path, ready=False, reason="a symbolic link: links are not followed", quarantine=True))
        elif stat.S_ISDIR(info.st_mode):
            candidates.append(Candidate(path, ready=False, reason="a folder, not a file: folders are not read", quarantine=True))
        elif not stat.S_ISREG(info.st_mode):
            candidates.append(Candidate(path, ready=False, reason="not a regular file", quarantine=True))
        elif now - info.st_mtime < settle_seconds:
            candidates.append(Candidate(path, ready=False, reason="still being written"))
        elif (unreadable := _unreadable(path)) is not None:
            candidates.append(Candidate(path, ready=False, reason=unreadable, quarantine=True))
        else:
            candidates.append(Candidate(path, ready=True))
            sizes[path] = info.st_size
    _confirm_sizes(candidates, sizes)
    return candidates


def _unreadable(path: Path) -> str | None:
    """Why the file cannot be opened for reading (permissions), or None: such a file costs itself only."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc}): fix its permissions and put it back with decree retry"
    os.close(fd)
    return None


def _confirm_sizes(candidates: list[Candidate], sizes: dict[Path, int], wait: float = 0.05) -> None:
    """Look at every settled file's size once more after a short pause (one pause for the whole inbox)."""
    if not sizes:
        return
    time.sleep(wait)
    for candidate in candidates:
        if candidate.path not in sizes:
            continue
        try:
            still = candidate.path.lstat().st_size == sizes[candidate.path]
        except FileNotFoundError:
            still = False
        if not still:
            candidate.ready, candidate.reason = False, "still being written"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_name(doc_id: str, original: Path) -> str:
    suffix = "".join(ch for ch in original.suffix.lower() if ch.isalnum() or ch == ".")[:10]
    return f"{doc_id}{suffix}"


def archive(home: Home, path: Path, doc_id: str) -> Path:
    """Move a processed original into the content-addressed archive and record the name it arrived under."""
    home.archive.mkdir(parents=True, exist_ok=True)
    target = home.archive / archive_name(doc_id, path)
    record = {"doc_id": doc_id, "name": path.name, "archived_as": target.name, "time": _now()}
    with (home.archive / "index.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    if target.exists():
        path.unlink()  # the same content is already archived under this name
    else:
        os.replace(path, target)
    return target


def original_names(home: Home, doc_id: str) -> list[str]:
    index = home.archive / "index.jsonl"
    if not index.exists():
        return []
    names = []
    for line in index.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut by a crash
        if record.get("doc_id") == doc_id and record.get("name") not in names:
            names.append(record["name"])
    return names


def quarantine(home: Home, path: Path, reason: str, stage: str, doc_id: str | None = None) -> Path:
    """Move a file (or a link or folder, without following it) to the quarantine with its error report."""
    home.quarantine.mkdir(parents=True, exist_ok=True)
    target = _free_name(home.quarantine, path.name)
    report = {
        "name": path.name, "quarantined_as": target.name, "reason": reason, "stage": stage,
        "time": _now(), "sha256": doc_id,
    }
    write_atomic(home.quarantine / f"{target.name}.error.json", json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    os.replace(path, target)
    return target


def quarantined(home: Home) -> list[dict]:
    reports = []
    if home.quarantine.exists():
        for report in sorted(home.quarantine.glob("*.error.json")):
            try:
                reports.append(json.loads(report.read_text(encoding="utf-8")))
            except (OSError, json.JSONDecodeError):
                continue
    return reports


def release(home: Home, name: str) -> Path:
    """Put a quarantined file back into the inbox (for `decree retry`)."""
    source = home.quarantine / name
    report = home.quarantine / f"{name}.error.json"
    if not source.exists() and not source.is_symlink():
        raise FileNotFoundError(f"{name} is not in the quarantine")
    original = name
    if report.exists():
        try:
            original = json.loads(report.read_text(encoding="utf-8")).get("name") or name
        except json.JSONDecodeError:
            pass
    target = _free_name(home.inbox, original)
    os.replace(source, target)
    report.unlink(missing_ok=True)
    return target


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    n = 1
    while target.exists() or target.is_symlink():
        stem, dot, suffix = name.partition(".")
        target = folder / f"{stem}-{n}{dot}{suffix}"
        n += 1
    return target


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
