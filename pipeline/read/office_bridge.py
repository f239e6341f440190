"""A long-lived headless LibreOffice, driven over UNO, converting files on request.

Run by :mod:`pipeline.read.office` with a Python that has LibreOffice's UNO
bindings (Debian: ``python3-uno`` for ``/usr/bin/python3``); it imports only
the standard library and ``uno``, never the pipeline. Usage::

    python3 office_bridge.py SOCKET PROFILE_DIR SOFFICE

It starts ``SOFFICE`` headless with its own profile, listens on the Unix
socket ``SOCKET`` and answers one JSON line per connection:

    request  {"source": "/abs/in.doc", "target": "/abs/out.docx", "filter": "MS Word 2007 XML", "timeout": 60}
    answer   {"ok": true} | {"error": "one-line reason"}

Conversions run one at a time. LibreOffice starts with the first request
and stays up. A conversion that runs past its ``timeout`` (starting
LibreOffice included) gets LibreOffice killed (its whole process group) and
the answer "timed out"; the next request starts a fresh instance. Documents are opened
hidden and read-only, with macros never run and links never updated. The
bridge exits, killing LibreOffice, when its standard input closes (the
process that started it has gone) or on SIGTERM.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import uno  # noqa: F401  (LibreOffice's Python-UNO bridge: python3-uno)
from com.sun.star.beans import PropertyValue

CONNECT_TIMEOUT = 60.0  # seconds for a fresh LibreOffice to accept connections
MACRO_NEVER = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
UPDATE_NEVER = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE


def _props(**values) -> tuple:
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


class Office:
    def __init__(self, soffice: str, profile_dir: str):
        self.soffice = soffice
        self.profile_url = uno.systemPathToFileUrl(profile_dir)
        self.proc: subprocess.Popen | None = None
        self.desktop = None
        self.timed_out = False

    def start(self) -> None:
        pipe = f"decree_office_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.proc = subprocess.Popen(
            [self.soffice, f"-env:UserInstallation={self.profile_url}", "--headless", "--invisible",
             "--nocrashreport", "--nodefault", "--nologo", "--norestore", "--nolockcheck",
             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while True:
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError("LibreOffice did not start")
                time.sleep(0.1)
        self.desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)

    def kill(self) -> None:
        proc, self.proc, self.desktop = self.proc, None, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait()

    def convert(self, source: str, target: str, filter_name: str, timeout: float) -> dict:
        """Convert one file; the time limit covers starting LibreOffice when it is not running."""
        self.timed_out = False

        def expire() -> None:
            self.timed_out = True
            self.kill()

        timer = threading.Timer(timeout, expire)
        started = time.monotonic()
        timer.start()
        document = None
        try:
            if self.desktop is None or self.proc is None or self.proc.poll() is not None:
                self.kill()
                self.start()
            document = self.desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(source), "_blank", 0,
                _props(Hidden=True, ReadOnly=True, MacroExecutionMode=MACRO_NEVER, UpdateDocMode=UPDATE_NEVER),
            )
            if document is None:
                return {"error": "LibreOffice could not open the file (corrupt, encrypted or not a document it reads)"}
            document.storeToURL(uno.systemPathToFileUrl(target), _props(FilterName=filter_name, Overwrite=True))
            if self.timed_out or time.monotonic() - started > timeout:
                # past the limit, even if the watchdog thread had no chance to fire before the calls returned
                return {"error": f"LibreOffice conversion timed out after {timeout:.0f} s"}
            return {"ok": True}
        except Exception as exc:
            if self.timed_out:
                return {"error": f"LibreOffice conversion timed out after {timeout:.0f} s"}
            if isinstance(exc, RuntimeError):
                return {"error": f"LibreOffice could not convert the file: {exc}"}
            self.kill()  # a failed import can leave the instance in any state: start afresh next time
            detail = str(getattr(exc, "Message", "") or exc).strip().splitlines()
            return {"error": "LibreOffice could not convert the file" + (f" ({detail[0][:120]})" if detail else "")}
        finally:
            timer.cancel()
            if document is not None and not self.timed_out:
                try:
                    document.close(True)
                except Exception:
                    pass


def _serve(server: socket.socket, office: Office) -> None:
    while True:
        conn, _ = server.accept()
        with conn:
            try:
                data = b""
                while not data.endswith(b"\n"):
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                request = json.loads(data.decode("utf-8"))
                answer = office.convert(request["source"], request["target"], request["filter"], float(request["timeout"]))
                conn.sendall((json.dumps(answer) + "\n").encode("utf-8"))
            except (OSError, ValueError, KeyError):
                continue  # the client went away or sent nonsense: serve the next one


def main(argv: list[str]) -> int:
    socket_path, profile_dir, soffice = argv[1:4]
    office = Office(soffice, profile_dir)

    def stop(*_):
        office.kill()
        try:
            os.unlink(socket_path)
        except OSError:
            pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    server.listen(16)
    threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
    print("ready", flush=True)  # LibreOffice itself starts with the first request, within its time limit
    _serve(server, office)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
