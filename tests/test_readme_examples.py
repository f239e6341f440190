"""Every example of the README prints what the README shows (tests/readme_examples.py says how they run).

The README's ```console blocks are transcripts made on the sample inbox (and on ../shared/corpus/text
where a block says so); a change to what a command prints must come with the README's update
(`python -m tests.readme_examples --write` rewrites the shown output; read the diff before committing).
"""
from __future__ import annotations

import os

import pytest

from tests import readme_examples as rx

EXAMPLES = rx.examples()


def test_the_readme_has_examples_of_every_command():
    shown = {command.split()[1] for example in EXAMPLES for command in example.commands
             if command.split()[0] in ("decree", ".venv/bin/decree") and len(command.split()) > 1}
    shown |= {command.split()[3] for example in EXAMPLES for command in example.commands
              if command.startswith("decree --dataset")}
    for command in ("process", "status", "retry", "extract", "text", "query", "tasks", "export", "words", "targets",
                    "prefect", "schema"):
        assert command in shown, f"no ```console example of decree {command} in the README"


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    from flows import server

    root = tmp_path_factory.mktemp("readme")
    env = rx.environment(root / "prefect-home")
    saved = os.environ.get("PREFECT_HOME")
    os.environ["PREFECT_HOME"] = env["PREFECT_HOME"]
    kinds = {example.home for example in EXAMPLES}
    if "corpus" in kinds and not rx.CORPUS_TEXT.is_dir():
        kinds.discard("corpus")
    try:
        yield {kind: rx.make_home(kind, root, env) for kind in sorted(kinds)}, env
    finally:
        server.stop()
        if saved is None:
            os.environ.pop("PREFECT_HOME", None)
        else:
            os.environ["PREFECT_HOME"] = saved


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"line{e.line}" for e in EXAMPLES])
def test_a_readme_example_prints_what_is_shown(example, homes):
    made, env = homes
    if example.home not in made:
        pytest.skip("../shared/corpus absent")
    for r, shown in zip(rx.run(example, made[example.home], env), example.shown):
        problem = rx.mismatch(shown, r.output)
        assert problem is None, f"README line {example.line}: $ {r.command}\n{problem}\n--- it printed:\n" + "\n".join(r.output)
