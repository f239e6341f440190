"""`decree process` in hostile surroundings: a cold Prefect home on a busy machine, no Prefect API,
an unwritable Prefect home, a disk that cannot take the rows, a second run on the same home.

Each blocked run must say why in one line, exit non-zero, and leave every inbox file where it was.
The commands run as a clerk runs them: `python -m pipeline` in a subprocess.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.inbox import Home
from tests import batch_fixtures

PROJECT = Path(__file__).resolve().parents[1]
SAMPLES = PROJECT / "raw_docs" / "samples"


def home_with_samples(root: Path) -> Path:
    Home.at(root).ensure()
    for sample in SAMPLES.iterdir():
        shutil.copy2(sample, root / "raw_docs" / "inbox" / sample.name)  # cp -p, as the README does
    return root


def inbox_names(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "raw_docs" / "inbox").iterdir())


def decree(*args: str, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=PROJECT)


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(extra)
    return env


def assert_one_line_refusal(result: subprocess.CompletedProcess, *words: str) -> None:
    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0
    assert "Traceback" not in output, output
    assert len(output.splitlines()) <= 3, output
    for word in words:
        assert word in output, output


def test_cold_prefect_home_on_a_busy_machine(tmp_path):
    """The README's first command with a Prefect home never used, while three CPU-bound processes run."""
    home = home_with_samples(tmp_path / "home")
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect-home"))
    burners = [subprocess.Popen([sys.executable, "-c", "import time\nend = time.time() + 600\nwhile time.time() < end: pass"])
               for _ in range(3)]
    try:
        result = decree("process", "--home", str(home), env=env, timeout=900)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
        decree("prefect", "--stop", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert batch_fixtures.inventory(home) == {"inbox": 0, "archive": 4, "quarantine": 1}
    assert "processed 4" in " ".join(result.stdout.split())


def test_an_api_url_where_nothing_listens(tmp_path):
    home = home_with_samples(tmp_path / "home")
    before = inbox_names(home)
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_API_URL="http://127.0.0.1:9/api",
                    DECREE_PREFECT_CONNECT_SECONDS="2")
    started = time.monotonic()
    result = decree("process", "--home", str(home), env=env)
    assert_one_line_refusal(result, "http://127.0.0.1:9/api", "PREFECT_API_URL")
    assert time.monotonic() - started < 60
    assert inbox_names(home) == before
    assert not list((home / "raw_docs" / "archive").iterdir())
    assert not list((home / "raw_docs" / "quarantine").iterdir())


def test_a_prefect_home_that_cannot_be_written(tmp_path):
    home = home_with_samples(tmp_path / "home")
    before = inbox_names(home)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = clean_env(PREFECT_HOME=str(blocker / "prefect"))  # under a file: unwritable even for root
    result = decree("process", "--home", str(home), env=env)
    assert_one_line_refusal(result, "PREFECT_HOME")
    assert inbox_names(home) == before


def test_a_dataset_folder_that_cannot_be_written(tmp_path):
    home = home_with_samples(tmp_path / "home")
    before = inbox_names(home)
    shutil.rmtree(home / "extracted")
    (home / "extracted").write_text("a file where the dataset folder should be")
    result = decree("process", "--home", str(home), env=clean_env(PREFECT_HOME=str(tmp_path / "ph")))
    assert_one_line_refusal(result, "extracted")
    assert inbox_names(home) == before


def test_a_full_disk_stops_the_run_before_it_starts(tmp_path):
    home = home_with_samples(tmp_path / "home")
    before = inbox_names(home)
    env = clean_env(PREFECT_HOME=str(tmp_path / "ph"), DECREE_MIN_FREE_MB=str(10**12))  # more than any disk has
    result = decree("process", "--home", str(home), env=env)
    assert_one_line_refusal(result, "MB free")
    assert inbox_names(home) == before


def test_a_second_run_on_the_same_home_says_so(tmp_path):
    from pipeline.preflight import run_lock

    home = home_with_samples(tmp_path / "home")
    before = inbox_names(home)
    with run_lock(Home.at(home)):  # a run in progress (this process holds the lock)
        result = decree("process", "--home", str(home), env=clean_env(PREFECT_HOME=str(tmp_path / "ph")))
    assert_one_line_refusal(result, "another decree run", f"pid {os.getpid()}")
    assert inbox_names(home) == before


def test_a_disk_error_while_storing_stops_the_run_and_keeps_the_file(tmp_path):
    """A write failing for the disk's sake is the surroundings' fault: the file stays in the inbox, not quarantined."""
    from pipeline.batch import Extraction, store
    from pipeline.dataset import Dataset
    from pipeline.errors import RunBlocked
    from tests.helpers import document_from_text

    home = Home.at(tmp_path / "home")
    home.ensure()
    path = home.inbox / "ke-hoach.txt"
    path.write_text("x", encoding="utf-8")
    payload = document_from_text("KẾ HOẠCH\nThử\n1. Hỗ trợ 30 doanh nghiệp.\n").model_dump_json()

    class FullDisk(Dataset):
        def write_document(self, *args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(RunBlocked, match="No space left"):
        store(home, path, "0" * 64, Extraction(payload=payload), FullDisk(home.root))
    assert path.exists()
    assert not list(home.quarantine.iterdir())


def test_the_local_server_is_reused_and_stops_when_idle(tmp_path, monkeypatch):
    from flows import server

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(server, "IDLE_SECONDS", 4.0)
    url = server.start()
    try:
        assert server.healthy(url)
        with server.prefect_api() as used:  # a run finds it and registers as its client
            assert used == url
            assert os.environ["PREFECT_API_URL"] == url
            assert [p.name for p in server.ServerFiles.here().clients.iterdir()] == [str(os.getpid())]
            time.sleep(8)  # longer than the idle time: a client keeps it up
            assert server.healthy(url)
        assert "PREFECT_API_URL" not in os.environ
        pid = server.status()["pid"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.healthy(url):
            time.sleep(0.5)
        assert not server.healthy(url), "the idle server did not stop"
        assert server.ServerFiles.here().read_state() is None
        assert pid is not None
    finally:
        server.stop()


@pytest.fixture(scope="module")
def warm_prefect_home(tmp_path_factory):
    """A Prefect home whose local server is already up, shared by the tests that need a real run."""
    from flows import server

    home = tmp_path_factory.mktemp("warm-prefect-home")
    saved = {name: os.environ.pop(name, None) for name in ("PREFECT_HOME", "PREFECT_API_URL")}
    os.environ["PREFECT_HOME"] = str(home)
    try:
        server.start()
        yield home
    finally:
        server.stop()
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value


def as_unprivileged() -> list[str]:
    """A prefix that runs a command without the right to read others' files: root without CAP_DAC_OVERRIDE."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is needed to drop root's file-permission override")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]


def test_an_unreadable_file_costs_itself_only(tmp_path, warm_prefect_home):
    home = home_with_samples(tmp_path / "home")
    locked = home / "raw_docs" / "inbox" / "khong-doc-duoc.txt"
    locked.write_text("KẾ HOẠCH\nThử\n1. Hỗ trợ 30 doanh nghiệp.\n", encoding="utf-8")
    locked.chmod(0)
    os.utime(locked, (time.time() - 60, time.time() - 60))
    env = clean_env(PREFECT_HOME=str(warm_prefect_home))
    command = [*as_unprivileged(), sys.executable, "-m", "pipeline", "process", "--home", str(home)]
    for _ in range(2):  # and a second pass does not trip over it either
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, cwd=PROJECT)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Traceback" not in result.stdout + result.stderr
    assert batch_fixtures.inventory(home) == {"inbox": 0, "archive": 4, "quarantine": 2}
    report = json.loads((home / "raw_docs" / "quarantine" / "khong-doc-duoc.txt.error.json").read_text())
    assert "cannot be read" in report["reason"] and "Permission denied" in report["reason"]
    status = decree("status", "--home", str(home), env=env)
    assert "khong-doc-duoc.txt: cannot be read" in status.stdout


def test_no_tokens_stores_documents_without_their_words(tmp_path, warm_prefect_home):
    from pipeline.dataset import connect

    home = tmp_path / "home"
    Home.at(home).ensure()
    plan = home / "raw_docs" / "inbox" / "ke-hoach.txt"
    plan.write_text("KẾ HOẠCH\nThử nghiệm\n1. Hỗ trợ 30 doanh nghiệp trong năm 2025.\n", encoding="utf-8")
    os.utime(plan, (time.time() - 60, time.time() - 60))
    result = decree("process", "--home", str(home), "--no-tokens", env=clean_env(PREFECT_HOME=str(warm_prefect_home)),
                    timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    with connect(home) as db:
        assert db.execute("SELECT count(*) FROM items").fetchone()[0] >= 1
        assert db.execute("SELECT count(*) FROM tokens").fetchone()[0] == 0
