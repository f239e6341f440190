"""Small file helpers shared by the CLI, the inbox and the dataset."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Files get the mode an ordinary write would give them (mkstemp's 0600 would hide reports from colleagues).
FILE_MODE = 0o666 & ~_umask()


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write to a temporary file beside `path`, fsync, then rename: a reader never sees half a file.
    ``text``: a string (written as UTF-8) or bytes (written as they are)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with (os.fdopen(fd, "wb") if isinstance(text, bytes) else os.fdopen(fd, "w", encoding="utf-8")) as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
