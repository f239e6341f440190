"""Run one document's extraction in a child process with time and memory limits.

A hostile or broken file (a decompression bomb, a PDF declaring a giant image, a
parser stuck in a loop) must cost one document, never the batch. The child gets
an address-space limit and a CPU-time limit; the parent waits with a wall-clock
timeout and kills the child when it is exceeded. The reason comes back as a
`PipelineError` like any other refusal.

Children come from a fork server that has already imported the pipeline, so a
document costs a fork, not a fresh interpreter.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from pipeline.errors import PipelineError

DEFAULT_TIMEOUT_S = 300.0
DEFAULT_MEMORY_MB = 3072


class LimitExceeded(PipelineError):
    stage = "limits"


@dataclass(frozen=True)
class Limits:
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB


_context: multiprocessing.context.BaseContext | None = None


# What the fork server imports once, so that a document's child imports nothing: the pipeline, and
# the command-line module, which each child would otherwise import again (multiprocessing re-runs the
# parent's main script in the child, and `decree` is a script importing pipeline.cli).
PRELOAD = ["pipeline.document", "pipeline.cli"]


def _get_context() -> multiprocessing.context.BaseContext:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def warm_up() -> None:
    """Start the fork server now: it imports the pipeline (about a second) while the caller does
    other work (the flow run's start), instead of before the first document."""
    from multiprocessing import forkserver

    _get_context()
    forkserver.ensure_running()


def _child(conn: Connection, path: str, limits: Limits, env: dict[str, str] | None = None) -> None:
    os.environ.update(env or {})
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.timeout_s) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        from pipeline.document import extract_document

        document = extract_document(Path(path))
        conn.send(("ok", document.model_dump_json()))
    except PipelineError as exc:
        conn.send(("refused", (type(exc).__name__, exc.stage, exc.reason)))
    except MemoryError:
        conn.send(("refused", ("LimitExceeded", "limits", f"used more than {limits.memory_mb} MB of memory")))
    except Exception as exc:  # a bug: report it with its place, the batch goes on
        where = traceback.extract_tb(exc.__traceback__)[-1]
        conn.send(("error", f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"))
    finally:
        conn.close()


def extract_isolated(path: Path, limits: Limits = Limits(), env: dict[str, str] | None = None) -> str:
    """The document JSON of `path`, extracted in a child process; raises PipelineError on refusal or limits.

    ``env``: variables set in the child (the socket of the batch's LibreOffice, see `pipeline.read.office`).
    """
    ctx = _get_context()
    receive, send = ctx.Pipe(duplex=False)
    # Not a daemon: OCR inside the child runs its own pool of page processes. Its lifetime is ours to end.
    process = ctx.Process(target=_child, args=(send, str(path), limits, env), daemon=False)
    process.start()
    send.close()
    try:
        if not receive.poll(limits.timeout_s):
            process.kill()
            raise LimitExceeded(f"took longer than {limits.timeout_s:.0f} s")
        try:
            status, payload = receive.recv()
        except EOFError:
            process.join(5)
            code = process.exitcode
            if code is not None and code < 0:
                raise LimitExceeded(f"the extraction was killed by signal {-code} (memory or CPU limit)") from None
            raise LimitExceeded(f"the extraction process died (exit code {code})") from None
    finally:
        receive.close()
        process.join(5)
        if process.is_alive():
            process.kill()
    if status == "ok":
        return payload
    if status == "refused":
        kind, stage, reason = payload
        error = LimitExceeded(reason) if kind == "LimitExceeded" else PipelineError(reason)
        error.stage = stage
        raise error
    raise InternalError(payload)


class InternalError(Exception):
    """A bug in the pipeline (not a problem of the file); retried, then quarantined with stage "internal"."""
