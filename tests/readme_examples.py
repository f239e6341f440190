"""The README's examples, run for real: every ```console block is a transcript of commands ("$ decree …")
and what they print, made on the sample inbox (and, where the block says so, the two documents of
../shared/corpus/text). `tests/test_readme_examples.py` checks that each still prints what is shown;
`python -m tests.readme_examples --write` refreshes the shown output after a deliberate change.

A block is run in a home folder (`/srv/decrees` in the README) holding:

* `<!-- example: samples -->` (the default): the files of `raw_docs/samples/`, processed;
* `<!-- example: fresh -->`: the same files dropped in the inbox, not yet processed (one block only:
  its commands change the home);
* `<!-- example: corpus -->`: the samples plus `../shared/corpus/text/*.txt` (62/KH-SKHCN first, then
  4937/QĐ-UBND, as a report may arrive before the plan it reports on).

Each home also holds a copy of `raw_docs/samples/`, so paths as from the project root work; `/tmp/`
in a command is a scratch folder of the run.

What may differ between runs is masked on both sides before comparing: durations ("16.8 s"),
timestamps, the Prefect server's port and pid, and the home's own path. A shown line ending in "…"
matches any line starting with what comes before it; a line "…" alone stands for any number of lines.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
README = PROJECT / "README.md"
SAMPLES = PROJECT / "raw_docs" / "samples"
CORPUS_TEXT = PROJECT.parent / "shared" / "corpus" / "text"
SHOWN_HOME = "/srv/decrees"
COLUMNS = "200"  # the width the README's tables are printed at

_BLOCK_RE = re.compile(r"(?:<!-- example: (?P<home>\w+) -->\n)?(?P<indent>[ \t]*)```console\n(?P<body>.*?)\n(?P=indent)```",
                       re.S)


@dataclass
class Example:
    home: str  # samples | corpus
    commands: list[str]
    shown: list[list[str]]  # the output shown under each command
    start: int  # where the block's body is in the README
    end: int
    indent: str = ""

    @property
    def line(self) -> int:
        return README.read_text(encoding="utf-8").count("\n", 0, self.start) + 1


@dataclass
class Run:
    command: str
    output: list[str] = field(default_factory=list)
    code: int = 0


def examples(text: str | None = None) -> list[Example]:
    text = README.read_text(encoding="utf-8") if text is None else text
    found = []
    for m in _BLOCK_RE.finditer(text):
        indent = m.group("indent")
        commands: list[str] = []
        shown: list[list[str]] = []
        for raw in m.group("body").split("\n"):
            line = raw[len(indent):] if raw.startswith(indent) else raw.lstrip()
            if line.startswith("$ "):
                commands.append(line[2:])
                shown.append([])
            elif commands:
                shown[-1].append(line)
        found.append(Example(m.group("home") or "samples", commands, shown, m.start("body"), m.end("body"), indent))
    return found


# --------------------------------------------------------------------------
# Homes
# --------------------------------------------------------------------------
def make_home(kind: str, root: Path, env: dict) -> Path:
    """A home with the samples (and the corpus texts) processed, as the README's first command does."""
    home = root / kind
    inbox = home / "raw_docs" / "inbox"
    inbox.mkdir(parents=True)
    shutil.copytree(SAMPLES, home / "raw_docs" / "samples")
    (home / "tmp").mkdir()
    for sample in sorted(SAMPLES.iterdir()):
        shutil.copy2(sample, inbox / sample.name)
    if kind == "fresh":
        for path in inbox.iterdir():
            os.utime(path, (time.time() - 60, time.time() - 60))
        return home
    batches = [None]
    if kind == "corpus":
        batches = [CORPUS_TEXT / "hcm-62-kh-skhcn-2018.txt", CORPUS_TEXT / "hcm-4937-qd-ubnd-2015.txt"]
    for extra in batches:
        if extra is not None:
            shutil.copy2(extra, inbox / extra.name)
        for path in inbox.iterdir():
            os.utime(path, (time.time() - 60, time.time() - 60))
        done = subprocess.run([sys.executable, "-m", "pipeline", "process", "--home", str(home)], capture_output=True,
                              text=True, env=env, cwd=home, timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"processing the {kind} home failed: {done.stderr[-2000:]}")
    return home


def environment(prefect_home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DECREE_"))}
    env.update(PREFECT_HOME=str(prefect_home), COLUMNS=COLUMNS, LINES="200", TERM="dumb", NO_COLOR="1",
               PYTHONPATH=str(PROJECT))
    return env


def run(example: Example, home: Path, env: dict) -> list[Run]:
    """Run the block's commands in `home` (`decree` is this project's CLI), in order."""
    runs = []
    for command in example.commands:
        args = [_local(word, home) for word in shlex.split(command)]
        if args[0] in ("decree", ".venv/bin/decree"):
            args = [sys.executable, "-m", "pipeline", *args[1:]]
        done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=home, timeout=600)
        output = _shown(done.stdout + done.stderr, home, env).rstrip("\n").split("\n")
        runs.append(Run(command, output if output != [""] else [], done.returncode))
    return runs


def _local(word: str, home: Path) -> str:
    return word.replace("/tmp/", f"{SHOWN_HOME}/tmp/").replace(SHOWN_HOME, str(home))


def _shown(output: str, home: Path, env: dict) -> str:
    """The output as the README shows it: the run's folders under the names the README uses."""
    return (output.replace(f"{home}/tmp/", "/tmp/").replace(str(home), SHOWN_HOME)
            .replace(env["PREFECT_HOME"], "/root/.prefect"))


# --------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------
_MASKS = [
    (re.compile(r"\b\d+(?:\.\d+)? s\b"), "N s"),  # durations
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d)?"), "TIME"),
    (re.compile(r"\b\d\d:\d\d:\d\d\b"), "TIME"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
    (re.compile(r"\bpid \d+"), "pid N"),
]


def normal(line: str) -> str:
    for pattern, mask in _MASKS:
        line = pattern.sub(mask, line)
    line = re.sub(r"[┃│]", "|", line)
    line = re.sub(r"[━─╇┿╋┼]+", "-", line)
    return " ".join(line.split())


def mismatch(shown: list[str], actual: list[str]) -> str | None:
    """None when every shown line is found in the output, in order ("…" lines skip); else what is missing."""
    got = [normal(line) for line in actual]
    at = 0
    free = False  # after a "…" line, lines may be skipped
    for wanted in shown:
        want = normal(wanted)
        if want in ("…", "..."):
            free = True
            continue
        prefix = want.endswith("…")
        key = want[:-1].rstrip() if prefix else want

        def fits(line: str) -> bool:
            return line.startswith(key) if prefix else line == key

        if at < len(got) and fits(got[at]):
            at += 1
            continue
        if free:
            later = next((k for k in range(at, len(got)) if fits(got[k])), None)
            if later is not None:
                at = later + 1
                free = False
                continue
        return f"expected {wanted!r}, got {actual[at] if at < len(actual) else '(end of output)'!r}"
    if not free and at < len(got):
        return f"unexpected further output: {actual[at]!r} (end the block with '…' if more follows)"
    return None


def rewrite(results: list[tuple[Example, list[Run]]]) -> str:
    """The README with each block's output replaced by what its commands print now."""
    text = README.read_text(encoding="utf-8")
    for example, runs in sorted(results, key=lambda r: r[0].start, reverse=True):
        lines = []
        for r in runs:
            lines.append(f"$ {r.command}")
            lines.extend(r.output)
        body = "\n".join(example.indent + line if line else line for line in lines)
        text = text[: example.start] + body + text[example.end:]
    return text


def main(argv: list[str]) -> int:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m tests.readme_examples")
    parser.add_argument("--write", action="store_true", help="replace the README's shown output with the real one")
    args = parser.parse_args(argv)
    from flows import server

    root = Path(tempfile.mkdtemp(prefix="decree-readme-"))
    env = environment(root / "prefect-home")
    os.environ["PREFECT_HOME"] = env["PREFECT_HOME"]
    try:
        found = examples()
        homes = {kind: make_home(kind, root, env) for kind in sorted({e.home for e in found})}
        results = [(e, run(e, homes[e.home], env)) for e in found]
    finally:
        server.stop()
    failures = 0
    for example, runs in results:
        for r, shown in zip(runs, example.shown):
            problem = mismatch(shown, r.output)
            if problem:
                failures += 1
                print(f"README line {example.line}: $ {r.command}\n  {problem}")
    if args.write:
        README.write_text(rewrite(results), encoding="utf-8")
        print(f"rewrote the output of {len(results)} example block(s)")
    return 1 if failures and not args.write else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
