"""Run one document's extraction in a child process with time and memory limits.

A hostile or broken file (a decompression bomb, a PDF declaring a giant image, a
parser stuck in a loop) must cost one document, never the batch. The child gets
an address-space limit and a CPU-time limit; the parent waits with a wall-clock
timeout and kills the child when it is exceeded. The reason comes back as a
`PipelineError` like any other refusal.

Children come from a fork server that has already imported the pipeline (and,
when tokens are on, underthesea with its models loaded: `pipeline.nlp`), so a
document costs a fork, not a fresh interpreter.

With ``tokens=True`` the child tokenizes the document after extracting it
(`pipeline.tokens.tokenize_document`) and sends the tokens as a second message:
the document's JSON is already in the parent's hands, so a tokenizer that runs
out of time or memory costs the tokens (`Tokens.none` with the reason), never
the document.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.tokens import Tokens

DEFAULT_TIMEOUT_S = 300.0
DEFAULT_MEMORY_MB = 3072


class LimitExceeded(PipelineError):
    stage = "limits"


@dataclass(frozen=True)
class Limits:
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB


_context: multiprocessing.context.BaseContext | None = None

# The readers and repairs a document may need, which `pipeline.document` imports only when a file
# asks for them (a one-off `decree extract` of a text file never loads pdfminer). The fork server
# loads them once, so that no document's child imports them again (pdfplumber, pdfminer, pypdfium2
# and numpy: 0.12 s of CPU for each PDF's child).
READERS = ("pipeline.read.pdf", "pipeline.read.pdfium", "pipeline.read.docx", "pipeline.read.legacy",
           "pipeline.read.office", "pipeline.read.ocr", "pipeline.repair.glyph_map", "pipeline.repair.font_shift")


def _get_context(tokens: bool = False) -> multiprocessing.context.BaseContext:
    """The fork server's context; the first caller decides what it preloads (underthesea when tokens are on)."""
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        # pipeline.cli too: multiprocessing re-runs the parent's main script in each child, and `decree`
        # is a script importing pipeline.cli (typer, rich), which each document would import again.
        _context.set_forkserver_preload(["pipeline.document", "pipeline.cli", *READERS,
                                          *(["pipeline.nlp"] if tokens else []),
                                          "pipeline.worker_preload"])  # last: freezes what is loaded (gc_policy)
    return _context


def warm_up(tokens: bool = False) -> None:
    """Start the fork server now: it imports the pipeline (a second or more) while the caller does
    other work (the flow run's start), instead of before the first document."""
    from multiprocessing import forkserver

    _get_context(tokens)
    forkserver.ensure_running()


def _tokens(document, limits: Limits) -> Tokens:
    """The document's tokens, or why there are none (never raises)."""
    try:
        from pipeline.tokens import tokenize_document

        return tokenize_document(document)
    except MemoryError:
        return Tokens.none(f"tokenizing used more than {limits.memory_mb} MB of memory")
    except Exception as exc:  # a bug in the tokens stage: the document is kept without them
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Tokens.none(f"tokenizing failed: {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})")


def _child(conn: Connection, path: str, limits: Limits, tokens: bool = False,
           env: dict[str, str] | None = None) -> None:
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
        if tokens:
            conn.send(("tokens", _tokens(document, limits)))
    except PipelineError as exc:
        conn.send(("refused", (type(exc).__name__, exc.stage, exc.reason)))
    except MemoryError:
        conn.send(("refused", ("LimitExceeded", "limits", f"used more than {limits.memory_mb} MB of memory")))
    except Exception as exc:  # a bug: report it with its place, the batch goes on
        where = traceback.extract_tb(exc.__traceback__)[-1]
        conn.send(("error", f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"))
    finally:
        conn.close()


def extract_isolated(path: Path, limits: Limits = Limits(), *, tokens: bool = False,
                     env: dict[str, str] | None = None) -> tuple[str, Tokens | None]:
    """(the document JSON of `path`, its tokens when asked for), made in a child process; raises
    PipelineError on refusal or limits. Tokens share the document's time limit.

    ``env``: variables set in the child (the socket of the batch's LibreOffice, see `pipeline.read.office`).
    """
    ctx = _get_context(tokens)
    receive, send = ctx.Pipe(duplex=False)
    # Not a daemon: OCR inside the child runs its own pool of page processes. Its lifetime is ours to end.
    process = ctx.Process(target=_child, args=(send, str(path), limits, tokens, env), daemon=False)
    deadline = time.monotonic() + limits.timeout_s
    process.start()
    send.close()
    made: Tokens | None = None
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
        if status == "ok" and tokens:
            made = _receive_tokens(receive, process, deadline, limits)
    finally:
        receive.close()
        process.join(5)
        if process.is_alive():
            process.kill()
    if status == "ok":
        return payload, made
    if status == "refused":
        kind, stage, reason = payload
        error = LimitExceeded(reason) if kind == "LimitExceeded" else PipelineError(reason)
        error.stage = stage
        raise error
    raise InternalError(payload)


def _receive_tokens(receive: Connection, process, deadline: float, limits: Limits) -> Tokens:
    """The child's second message: its tokens, or why none came in the time left."""
    try:
        if not receive.poll(max(0.0, deadline - time.monotonic())):
            process.kill()
            return Tokens.none(f"tokenizing took longer than the {limits.timeout_s:.0f} s the document may take")
        kind, made = receive.recv()
    except EOFError:
        process.join(5)
        code = process.exitcode
        how = f"killed by signal {-code}, memory or CPU limit" if code is not None and code < 0 else f"exit code {code}"
        return Tokens.none(f"the worker died while tokenizing ({how})")
    return made if kind == "tokens" and isinstance(made, Tokens) else Tokens.none(f"unexpected message {kind!r}")


class InternalError(Exception):
    """A bug in the pipeline (not a problem of the file); retried, then quarantined with stage "internal"."""
