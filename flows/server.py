"""The Prefect API every flow-running command talks to, found or started so a slow machine is not an error.

Prefect runs flows against an API server. Left to itself, Prefect starts a temporary
one for each process and gives it 20 s to answer; a cold start (first database
migration, cold disk caches) or two busy cores take longer, and the run dies with a
traceback. So the project manages the server itself:

* `PREFECT_API_URL` configured (environment or Prefect profile): that server is used.
  It is probed first; when it does not answer, `PrefectUnavailable` says so in one line.
* otherwise: one local server per `PREFECT_HOME`, started on demand and reused by later
  runs (a run on a warm machine pays no start-up), stopped by itself after
  `DECREE_PREFECT_IDLE_SECONDS` (600) without a client. Its start gets
  `DECREE_PREFECT_STARTUP_SECONDS` (300) and one more attempt on a fresh port before
  giving up. Its files live in `$PREFECT_HOME/decree-server/`: `state.json` (pid,
  url), `server.log`, `clients/<pid>` (one per process using it), `start.lock`.

`python -m flows.server serve --port N` is the server process itself (uvicorn with
Prefect's app, plus the idle watch); `decree prefect` shows, starts or stops it.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from pipeline.errors import RunBlocked

STARTUP_SECONDS = float(os.environ.get("DECREE_PREFECT_STARTUP_SECONDS", "300"))
IDLE_SECONDS = float(os.environ.get("DECREE_PREFECT_IDLE_SECONDS", "600"))
CONNECT_SECONDS = float(os.environ.get("DECREE_PREFECT_CONNECT_SECONDS", "15"))
START_ATTEMPTS = 2


class PrefectUnavailable(RunBlocked):
    """No Prefect API could be reached or started: nothing was processed."""

    stage = "prefect"


# --------------------------------------------------------------------------
# Where things are
# --------------------------------------------------------------------------
def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


@dataclass(frozen=True)
class ServerFiles:
    folder: Path

    @classmethod
    def here(cls) -> ServerFiles:
        return cls(prefect_home() / "decree-server")

    @property
    def state(self) -> Path:
        return self.folder / "state.json"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def clients(self) -> Path:
        return self.folder / "clients"

    @property
    def start_lock(self) -> Path:
        return self.folder / "start.lock"

    def read_state(self) -> dict | None:
        try:
            state = json.loads(self.state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return state if isinstance(state, dict) and "pid" in state and "url" in state else None

    def write_state(self, state: dict) -> None:
        temporary = self.state.with_suffix(".tmp")
        temporary.write_text(json.dumps(state), encoding="utf-8")
        os.replace(temporary, self.state)


def configured_api_url() -> str | None:
    """The API the user configured: `PREFECT_API_URL` in the environment or in the active Prefect profile."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout) as response:
            return response.status == 200
    except (OSError, ValueError, urllib.error.URLError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------
# The client side: what the commands call
# --------------------------------------------------------------------------
@contextlib.contextmanager
def prefect_api(notify: Callable[[str], None] | None = None) -> Iterator[str]:
    """Point this process (and the workers it starts) at a Prefect API that answers, for the block.

    Raises `PrefectUnavailable` (one line: what was tried, how long, what to do) before
    any file is touched when there is none. `notify` hears about a server being started
    (which can take a minute on a cold machine), so the user is not left looking at nothing.
    """
    configured = configured_api_url()
    if configured:
        wait_for(configured)
        yield configured
        return
    previous = os.environ.get("PREFECT_API_URL")
    with local_server(notify) as url:
        os.environ["PREFECT_API_URL"] = url  # for the processes the run starts
        # This process's Prefect settings were read when `configured_api_url` imported them: without
        # the update its flows would not see the URL and would start a temporary server of their own.
        from prefect.settings import PREFECT_API_URL, temporary_settings

        try:
            with temporary_settings(updates={PREFECT_API_URL: url}):
                yield url
        finally:
            if previous is None:
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = previous


def wait_for(url: str) -> None:
    started = time.monotonic()
    while True:
        if healthy(url, timeout=min(5.0, CONNECT_SECONDS)):
            return
        if time.monotonic() - started >= CONNECT_SECONDS:
            raise PrefectUnavailable(
                f"cannot reach the Prefect API at {url} (PREFECT_API_URL; tried for {CONNECT_SECONDS:.0f} s): "
                f"start that server, or unset PREFECT_API_URL to let decree run a local one"
            )
        time.sleep(0.5)


@contextlib.contextmanager
def local_server(notify: Callable[[str], None] | None = None) -> Iterator[str]:
    """The local server of this PREFECT_HOME, started if need be, registered as used by this process."""
    files = ServerFiles.here()
    _check_writable(files)
    lease = files.clients / str(os.getpid())
    lease.write_text("", encoding="utf-8")  # before any start: the idle watch sees a client from the first moment
    try:
        with _start_lock(files):
            url = _running(files)
            if url is None:
                if notify:
                    notify(f"starting a local Prefect server (in {prefect_home()}; reused by later runs) …")
                url = _start(files)
    except BaseException:
        lease.unlink(missing_ok=True)
        raise
    try:
        yield url
    finally:
        with contextlib.suppress(OSError):
            lease.unlink()
        with contextlib.suppress(OSError):
            os.utime(files.clients)  # idle time counts from the last client's leaving


def _check_writable(files: ServerFiles) -> None:
    try:
        files.clients.mkdir(parents=True, exist_ok=True)
        probe = files.folder / f".probe-{os.getpid()}"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise PrefectUnavailable(
            f"cannot write to PREFECT_HOME ({prefect_home()}: {exc.strerror or exc}): Prefect keeps its database "
            f"there; set PREFECT_HOME to a writable folder, or PREFECT_API_URL to a running server"
        ) from None


@contextlib.contextmanager
def _start_lock(files: ServerFiles) -> Iterator[None]:
    with open(files.start_lock, "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another process starting the server: wait for it, then reuse
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _running(files: ServerFiles) -> str | None:
    state = files.read_state()
    if state and _alive(int(state["pid"])) and healthy(state["url"]):
        return state["url"]
    return None


def _start(files: ServerFiles) -> str:
    """Start the server, wait for it to answer, and try once more on a fresh port before giving up."""
    waited = 0.0
    last_problem = ""
    for _attempt in range(START_ATTEMPTS):
        port = _free_port()
        url = f"http://127.0.0.1:{port}/api"
        process = _spawn(files, port)
        files.write_state({"pid": process.pid, "url": url, "started": time.time(), "python": sys.executable})
        started = time.monotonic()
        while time.monotonic() - started < STARTUP_SECONDS:
            if healthy(url):
                return url
            if process.poll() is not None:
                last_problem = f"the server exited with code {process.returncode}"
                break
            time.sleep(0.25)
        else:
            last_problem = "it did not answer"
        waited += time.monotonic() - started
        _terminate(process.pid)
    with contextlib.suppress(OSError):
        files.state.unlink()
    raise PrefectUnavailable(
        f"could not start a local Prefect API server ({last_problem}; {START_ATTEMPTS} attempts, {waited:.0f} s; "
        f"log: {files.log}): set PREFECT_API_URL to a running server, or DECREE_PREFECT_STARTUP_SECONDS higher"
    )


def _spawn(files: ServerFiles, port: int) -> subprocess.Popen:
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", PREFECT_UI_ENABLED="false",
               PREFECT__SERVER_EPHEMERAL="1")
    env.pop("PREFECT_API_URL", None)
    project = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (project, env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", "flows.server", "serve", "--port", str(port), "--idle", f"{IDLE_SECONDS:g}"]
    with open(files.log, "ab") as log:
        # Its own session, no inherited pipes: the server outlives this command without holding its terminal.
        return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True, close_fds=True)


def _terminate(pid: int, grace: float = 10.0) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _alive(pid):
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    return
            time.sleep(0.1)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def status() -> dict:
    """What `decree prefect` prints: which API, and the local server's state."""
    configured = configured_api_url()
    if configured:
        return {"api": configured, "source": "PREFECT_API_URL", "answers": healthy(configured)}
    files = ServerFiles.here()
    state = files.read_state()
    running = bool(state and _alive(int(state["pid"])) and healthy(state["url"]))
    clients = [p.name for p in files.clients.iterdir() if p.name.isdigit() and _alive(int(p.name))] \
        if files.clients.is_dir() else []
    return {"api": state["url"] if running else None, "source": "local server", "answers": running,
            "pid": state["pid"] if running else None, "clients": clients, "prefect_home": str(prefect_home()),
            "idle_seconds": IDLE_SECONDS, "log": str(files.log)}


def start() -> str:
    """Start the local server now (or find it running): the set-up step warms it so a first run need not wait."""
    files = ServerFiles.here()
    _check_writable(files)
    with _start_lock(files):
        return _running(files) or _start(files)


def stop() -> bool:
    """Stop the local server of this PREFECT_HOME; False when none was running."""
    files = ServerFiles.here()
    state = files.read_state()
    if not state:
        return False
    with _start_lock(files):
        was_running = _alive(int(state["pid"]))
        _terminate(int(state["pid"]))
        with contextlib.suppress(OSError):
            files.state.unlink()
    return was_running


# --------------------------------------------------------------------------
# The server side: `python -m flows.server serve`
# --------------------------------------------------------------------------
def _watch_idle(server, files: ServerFiles, idle: float, period: float = 2.0) -> None:
    """Ask uvicorn to exit once no client has used the server for `idle` seconds, or when it was replaced."""
    while not server.started and not server.should_exit:
        time.sleep(0.2)  # idle time counts from the moment it answers, however long the start took
    last_used = time.time()
    while not server.should_exit:
        time.sleep(period)
        state = files.read_state()
        if not state or int(state["pid"]) != os.getpid():
            server.should_exit = True  # stopped (state removed) or superseded by another server
            return
        clients = []
        with contextlib.suppress(OSError):
            for lease in files.clients.iterdir():
                if lease.name.isdigit() and _alive(int(lease.name)):
                    clients.append(lease)
                else:
                    lease.unlink(missing_ok=True)  # its process is gone without saying so (killed)
        if clients:
            last_used = time.time()
            continue
        with contextlib.suppress(OSError):
            last_used = max(last_used, files.clients.stat().st_mtime)
        if time.time() - last_used > idle:
            # The state goes first: from this moment a new client starts its own server instead of
            # finding one that is about to close its socket.
            with contextlib.suppress(OSError):
                files.state.unlink()
            server.should_exit = True


def serve(port: int, idle: float) -> None:
    import uvicorn

    files = ServerFiles.here()
    config = uvicorn.Config("prefect.server.api.server:create_app", factory=True, host="127.0.0.1", port=port,
                            log_level="error", lifespan="on")
    server = uvicorn.Server(config)
    threading.Thread(target=_watch_idle, args=(server, files, idle), daemon=True).start()
    try:
        server.run()
    finally:
        state = files.read_state()
        if state and int(state["pid"]) == os.getpid():
            with contextlib.suppress(OSError):
                files.state.unlink()


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m flows.server")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="run the local Prefect API server (started by decree on demand)")
    run.add_argument("--port", type=int, required=True)
    run.add_argument("--idle", type=float, default=IDLE_SECONDS)
    args = parser.parse_args(argv)
    serve(args.port, args.idle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
