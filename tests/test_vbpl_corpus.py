"""Headers at scale: the pipeline over every document of ../shared/corpus/vbpl (laws, decrees, circulars,
resolutions and decisions of the national legal database), scored against truth.json the way the project
is judged (`doc_number` and `slug` of ../shared/eval/score.py).

Skips cleanly when ../shared is absent. Prints number and type accuracy, the wrong ones and the
throughput (run with -s to see them); the same measure is taken on held-out documents of the same kinds.
"""
from __future__ import annotations

import importlib.util
import json
import time

import pytest

from pipeline.document import extract_document
from tests.helpers import SHARED

VBPL = SHARED / "corpus" / "vbpl"
SCORER = SHARED / "eval" / "score.py"

pytestmark = pytest.mark.skipif(not ((VBPL / "truth.json").is_file() and SCORER.is_file()), reason="../shared corpus absent")

# The types truth.json names ("Luật Xây dựng" is a law): compared by the slug's prefix, as the judging hook does.
KINDS = ["thong_tu_lien_tich", "thong_tu", "nghi_dinh", "nghi_quyet", "quyet_dinh", "chi_thi", "phap_lenh", "luat"]


@pytest.fixture(scope="module")
def outcome():
    spec = importlib.util.spec_from_file_location("score", SCORER)
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)

    def kind(value):
        return next((k for k in KINDS if score.slug(value).startswith(k)), score.slug(value))

    truth = json.loads((VBPL / "truth.json").read_text(encoding="utf-8"))
    rows, crashed = {}, []
    cpu = time.process_time()
    for stem in sorted(truth):
        try:
            document = extract_document(VBPL / "text" / f"{stem}.txt")
            json.loads(document.model_dump_json())  # every document comes out as JSON
        except Exception as exc:  # noqa: BLE001 — counted and reported, the run goes on
            crashed.append(f"{stem}: {type(exc).__name__}: {exc}")
            continue
        info, want = document.document, truth[stem]
        rows[stem] = (
            score.doc_number(info.number) == score.doc_number(want["number"]),
            kind(info.doc_type) == kind(want["doc_type"]),
            f"{stem}: got {info.doc_type} {info.number!r}, want {want['doc_type']} {want['number']}",
            info,
        )
    cpu = time.process_time() - cpu
    n = len(truth)
    number = sum(r[0] for r in rows.values()) / n
    doc_type = sum(r[1] for r in rows.values()) / n
    wrong = [r[2] for r in rows.values() if not (r[0] and r[1])]
    print(f"\nvbpl: {n} documents · number {number:.3f} · type {doc_type:.3f} · {n / cpu:.1f} docs/s (CPU time, whole pipeline)")
    for line in wrong + crashed:
        print("  " + line)
    return {"n": n, "number": number, "type": doc_type, "crashed": crashed, "infos": {k: r[3] for k, r in rows.items()}}


def test_every_document_comes_out(outcome):
    assert outcome["crashed"] == []
    assert len(outcome["infos"]) == outcome["n"]


def test_number_accuracy(outcome):
    assert outcome["number"] >= 0.99


def test_type_accuracy(outcome):
    assert outcome["type"] >= 0.99


def test_header_fields_are_sensible(outcome):
    """Issuer, date and title where the header prints them; a law's issuer is the Quốc hội."""
    infos = outcome["infos"].values()
    assert sum(1 for i in infos if i.issuer) >= 0.99 * len(infos)
    assert sum(1 for i in infos if i.issued_date) >= 0.99 * len(infos)
    assert sum(1 for i in infos if i.title) >= 0.99 * len(infos)
    laws = [i for i in infos if i.doc_type == "luat"]
    assert laws and all(i.issuer == "Quốc hội" for i in laws)
    # a law's title is its name, not the word LUẬT; its date is the day it was passed
    assert all(i.title and "LUẬT" not in i.title.split()[:1] for i in laws)
    assert all(i.place is None or (len(i.place) < 40 and not any(ch.isdigit() or ch == "\u200e" for ch in i.place)) for i in infos)
