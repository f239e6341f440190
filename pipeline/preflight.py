"""Before a run touches a file: can it write where it must, and is it the only run on this home?

A run that cannot write its rows, archive or quarantine must not start (or go on):
it would move nothing, or worse, quarantine good files for the disk's fault. These
checks turn such surroundings into a `RunBlocked` with a one-line reason, raised
before any inbox file is moved; the CLI prints it and exits non-zero.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Iterator

from pipeline.errors import RunBlocked
from pipeline.inbox import Home

# Below this much free space a run stops before it starts: a document's rows, its archived
# original and the DuckDB views need a few MB each, and a full disk must never cost a file.
MIN_FREE_MB = int(os.environ.get("DECREE_MIN_FREE_MB", "50"))

# errno values that mean "the place is unwritable", not "this file is bad".
DISK_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES, errno.EPERM}


def disk_problem(exc: BaseException, where: Path | str) -> RunBlocked | None:
    """The `RunBlocked` an OSError stands for when it is the disk's fault (full, read-only, no permission)."""
    if isinstance(exc, OSError) and exc.errno in DISK_ERRNOS:
        what = exc.strerror or os.strerror(exc.errno)
        return RunBlocked(f"cannot write under {where} ({what}): free space or fix permissions, then run again; "
                          f"files not yet processed are still in the inbox")
    return None


def prepare_home(home: Home) -> None:
    """Make the home's folders, or say in one line why they cannot be made."""
    try:
        home.ensure()
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else home.root
        raise disk_problem(exc, where) or RunBlocked(
            f"cannot make the folder {where} ({exc.strerror or exc}): is --home right?") from None


def check_writable(folder: Path) -> None:
    """`folder` exists (or can be made), takes a file, and has `MIN_FREE_MB` free."""
    probe = folder / f".decree-probe-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"x")
        probe.unlink()
    except OSError as exc:
        raise disk_problem(exc, folder) or RunBlocked(
            f"cannot write under {folder} ({exc.strerror or exc}): is --home right?") from None
    free_mb = shutil.disk_usage(folder).free / 2**20
    if free_mb < MIN_FREE_MB:
        raise RunBlocked(f"only {free_mb:.0f} MB free under {folder} (a run needs {MIN_FREE_MB} MB): "
                         f"free some space, then run again; nothing was processed")


def check_home(home: Home, dataset_root: Path | None) -> None:
    """Every folder a run writes to, before the run: archive, quarantine and (when local) the dataset."""
    for folder in (home.archive, home.quarantine, dataset_root):
        if folder is not None:
            check_writable(folder)


# --------------------------------------------------------------------------
# One run per home
# --------------------------------------------------------------------------
_held: dict[Path, int] = {}
_held_mutex = threading.Lock()


@contextlib.contextmanager
def run_lock(home: Home) -> Iterator[None]:
    """Hold the home's run lock for the block, or raise `RunBlocked` at once when another run holds it.

    Re-entrant within a process (the CLI takes it before starting Prefect, the flow runner takes
    it again). flock is released by the kernel when its holder dies, so a killed run leaves no lock.
    """
    path = home.root / "raw_docs" / ".run.lock"
    with _held_mutex:
        if _held.get(path):
            _held[path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _held_mutex:
                _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise RunBlocked(f"another decree run is processing {home.root} ({holder}): "
                             f"this one did nothing; wait for it to finish") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, since {time.strftime('%H:%M:%S')}\n")
        handle.flush()
        with _held_mutex:
            _held[path] = 1
        try:
            yield
        finally:
            with _held_mutex:
                _held.pop(path, None)
            fcntl.flock(handle, fcntl.LOCK_UN)
