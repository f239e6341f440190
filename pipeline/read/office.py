"""LibreOffice for legacy files: started once per batch, reused for every file, with a hard time limit.

Word 97 ``.doc``, RTF and Excel 97 ``.xls`` files are converted to their Open
XML form (``.docx`` / ``.xlsx``) by LibreOffice headless before reading.
Starting LibreOffice costs more than converting a typical file, so one
instance is kept running and reused:

* :class:`OfficeService` runs ``office_bridge.py`` with a Python that has
  LibreOffice's UNO bindings (``python3-uno``). The bridge keeps one headless
  LibreOffice (its own profile, in a private temporary folder) and converts
  one file at a time for requests on a Unix socket. A conversion past its time
  limit gets LibreOffice killed and answered "timed out"; the next request
  starts a fresh instance. Bridge and LibreOffice run under an address-space
  limit (:data:`OFFICE_MEMORY_MB`), and end when the process that started them
  does (the bridge watches its standard input).
* :func:`convert` is what readers call. Inside a sandboxed extraction (see
  :mod:`pipeline.isolation`) it uses the batch's service, whose socket the
  parent passes in ``$PIPELINE_OFFICE_SOCKET``; elsewhere (``decree extract``,
  tests) a service of this process, started on first use and stopped at exit.
  Without UNO bindings it runs one ``soffice --convert-to`` per file, with a
  profile kept between runs (a fresh profile costs seconds), killed with its
  process group at the time limit.

Every failure is a :class:`ReadError` with a one-line reason. Commands are
argument lists, never shell strings; the file is copied under a fixed safe
name first, so no file name reaches LibreOffice.
"""
from __future__ import annotations

import atexit
import fcntl
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import ReadError

SOFFICE_NAMES = ("soffice", "libreoffice")
SOFFICE_ENV = "PIPELINE_SOFFICE"  # optional: full path of the soffice binary
UNO_PYTHON_ENV = "PIPELINE_UNO_PYTHON"  # optional: a Python that can `import uno`
SOCKET_ENV = "PIPELINE_OFFICE_SOCKET"  # set by the batch for its sandboxed children
UNO_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python")
BRIDGE = Path(__file__).with_name("office_bridge.py")

#: The hard limit on one conversion, in seconds (a typical .doc takes 1-3 s, a 1.5 MB one full of
#: equations 15-20 s). Read at call time, so tests and deployments may change it.
CONVERT_TIMEOUT = 90.0
#: How long a fresh service may take to say it is ready.
START_TIMEOUT = 60.0
#: The address-space limit of the bridge and its LibreOffice (the sandboxed extractions have 3 GB too):
#: a hostile file costs a refused conversion, never the machine's memory.
OFFICE_MEMORY_MB = 3072

#: Output filter per target format (the readers ask for docx and xlsx; doc and xls make test files).
FILTERS = {"docx": "MS Word 2007 XML", "xlsx": "Calc MS Excel 2007 XML", "doc": "MS Word 97", "xls": "MS Excel 97"}


def find_soffice() -> str | None:
    """The LibreOffice binary: $PIPELINE_SOFFICE, else ``soffice`` / ``libreoffice`` on PATH."""
    override = os.environ.get(SOFFICE_ENV)
    if override:
        return override if Path(override).is_file() else None
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


_uno_python: dict[str, str | None] = {}


def find_uno_python() -> str | None:
    """A Python interpreter that can import LibreOffice's ``uno`` module, or None (checked once)."""
    key = os.environ.get(UNO_PYTHON_ENV, "")
    if key not in _uno_python:
        found = None
        for candidate in ([key] if key else list(UNO_PYTHONS)):
            if candidate and Path(candidate).is_file():
                try:
                    ok = subprocess.run([candidate, "-c", "import uno"], stdin=subprocess.DEVNULL,
                                        capture_output=True, timeout=30).returncode == 0
                except (OSError, subprocess.TimeoutExpired):
                    ok = False
                if ok:
                    found = candidate
                    break
        _uno_python[key] = found
    return _uno_python[key]


def _missing_soffice() -> ReadError:
    return ReadError(
        "cannot convert legacy Word/RTF/Excel file: LibreOffice (soffice) is not installed "
        "(Debian/Ubuntu: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)"
    )


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97 .doc, Excel 97 .xls
RTF_MAGIC = b"{\\rtf"


def needs_office(path: Path) -> bool:
    """True when ``path`` starts like a file LibreOffice converts for us (.doc, .xls, RTF)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return False
    return head.startswith(OLE2_MAGIC) or head.startswith(RTF_MAGIC)


# --------------------------------------------------------------------------
# The long-lived instance
# --------------------------------------------------------------------------
class OfficeService:
    """One headless LibreOffice behind ``office_bridge.py``, for this process and its sandboxed children."""

    def __init__(self, soffice: str, python: str):
        self.soffice, self.python = soffice, python
        self.folder = Path(tempfile.mkdtemp(prefix="decree-office-"))
        self.socket_path = str(self.folder / "office.sock")
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.python, str(BRIDGE), self.socket_path, str(self.folder / "profile"), self.soffice],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_limit_memory,
        )
        ready = threading.Event()
        threading.Thread(target=lambda: (self.process.stdout.readline(), ready.set()), daemon=True).start()
        if not ready.wait(START_TIMEOUT) or self.process.poll() is not None:
            self.stop()
            raise ReadError("LibreOffice (headless) did not start")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            try:
                os.killpg(process.pid, signal.SIGTERM)  # the bridge kills LibreOffice, then exits
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


def _limit_memory() -> None:  # in the bridge's process, before it runs (LibreOffice inherits it)
    limit = OFFICE_MEMORY_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


_service: OfficeService | None = None
_service_lock = threading.Lock()
_atexit_registered: list[bool] = []


def shared_service() -> OfficeService | None:
    """This process's service, started on first use; None when LibreOffice or UNO bindings are missing."""
    global _service
    with _service_lock:
        soffice, python = find_soffice(), find_uno_python()
        if _service is not None and _service.alive() and _service.soffice == soffice:
            return _service
        if _service is not None:
            _service.stop()  # died, or another soffice is asked for ($PIPELINE_SOFFICE changed)
        if soffice is None or python is None:
            return None
        service = OfficeService(soffice, python)
        try:
            service.start()
        except ReadError:
            return None
        if not _atexit_registered:
            atexit.register(_stop_shared)
            _atexit_registered.append(True)
        _service = service
        return service


def _stop_shared() -> None:
    global _service
    if _service is not None:
        _service.stop()
        _service = None


def _request(socket_path: str, source: Path, target: Path, filter_name: str, timeout: float) -> None:
    request = {"source": str(source), "target": str(target), "filter": filter_name, "timeout": timeout}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        # Conversions queue in the bridge: allow for one ahead of us, plus a restart.
        conn.settimeout(2 * timeout + START_TIMEOUT)
        try:
            conn.connect(socket_path)
            conn.sendall((json.dumps(request) + "\n").encode("utf-8"))
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            raise ReadError(f"LibreOffice conversion timed out after {timeout:.0f} s") from None
        except OSError as exc:
            raise ConnectionError(str(exc)) from exc
    try:
        answer = json.loads(data.decode("utf-8"))
    except ValueError:
        raise ConnectionError("no answer from the LibreOffice bridge") from None
    if "error" in answer:
        raise ReadError(answer["error"])


# --------------------------------------------------------------------------
# One conversion
# --------------------------------------------------------------------------
def convert(path: Path, work: Path, target: str = "docx", suffix: str = ".doc", timeout: float | None = None) -> Path:
    """Convert ``path`` to ``work/input.<target>`` (see :data:`FILTERS`); ReadError on any failure.

    ``timeout`` defaults to :data:`CONVERT_TIMEOUT` (read at call time).
    """
    timeout = CONVERT_TIMEOUT if timeout is None else timeout
    if find_soffice() is None:
        raise _missing_soffice()
    source = work / f"source{suffix}"  # a fixed, safe name
    shutil.copyfile(path, source)
    produced = work / f"input.{target}"
    socket_path = os.environ.get(SOCKET_ENV)
    service = None if socket_path else shared_service()
    if service is not None:
        socket_path = service.socket_path
    if socket_path:
        try:
            _request(socket_path, source, produced, FILTERS[target], timeout)
        except ConnectionError:
            _convert_once(source, produced, target, timeout)  # the service is gone: do it here
    else:
        _convert_once(source, produced, target, timeout)
    if not produced.is_file() or produced.stat().st_size == 0:
        raise ReadError("LibreOffice could not convert the file (corrupt, encrypted or not a Word/RTF/Excel document)")
    return produced


def _convert_once(source: Path, produced: Path, target: str, timeout: float) -> None:
    """One ``soffice --convert-to`` run, with a profile kept from earlier runs when one is free."""
    soffice = find_soffice()
    if soffice is None:
        raise _missing_soffice()
    work = source.parent
    out_dir = work / "converted"
    out_dir.mkdir(exist_ok=True)
    with _profile(work) as profile:
        args = [
            soffice, f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
            "--convert-to", f"{target}:{FILTERS[target]}", "--outdir", str(out_dir), str(source),
        ]
        try:
            proc = subprocess.Popen(args, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            raise ReadError(f"cannot start LibreOffice ({soffice}): {exc.strerror or exc}") from exc
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait()
            raise ReadError(f"LibreOffice conversion timed out after {timeout:.0f} s") from None
    result = out_dir / f"{source.stem}.{target}"  # --convert-to names its output after its input
    if result.is_file():
        result.replace(produced)


#: Profiles kept for one-shot conversions: a process takes a free one, or makes a throw-away one.
PROFILE_SLOTS = 4


@contextmanager
def _profile(work: Path):
    base = Path(tempfile.gettempdir()) / f"decree-office-profiles-{os.getuid()}"
    try:
        base.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        base = None
    if base is not None:
        for slot in range(PROFILE_SLOTS):
            handle = open(base / f"slot-{slot}.lock", "a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            try:
                yield base / f"profile-{slot}"
            finally:
                handle.close()
            return
    yield work / f"lo-profile-{uuid.uuid4().hex}"
