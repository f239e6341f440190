"""The tokens stage end to end: the sample decrees through `decree process`, the dataset's tokens, `docs()`,
`decree words`, the stores, the settings, and bad input.

The samples (raw_docs/samples/) go through the inbox flow once for the module (Prefect's
test harness); every token row of every document is checked against Document.text.
"""
from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import fsspec
import pytest
from typer.testing import CliRunner

from pipeline import tokens as tokens_module
from pipeline.cli import app
from pipeline.dataset import Dataset, dataset_at, docs, load
from pipeline.dataset.tables import TABLES
from pipeline.inbox import Home
from pipeline.tokens import VERSION, Tokens, tokenize_document, unpack
from tests.helpers import by_path, document_from_text

SAMPLES = Path(__file__).resolve().parents[1] / "raw_docs" / "samples"


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    """A home whose inbox held the samples, after one `decree process` (the flow, tokens on)."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.inbox import run_inbox

    home = tmp_path_factory.mktemp("samples")
    Home.at(home).ensure()
    for sample in SAMPLES.iterdir():
        shutil.copy2(sample, home / "raw_docs" / "inbox" / sample.name)
    with prefect_test_harness(server_startup_timeout=90):
        summary = run_inbox(str(home), settle_seconds=0)
    assert summary.count("processed") == 4 and summary.count("quarantined") == 1
    return home


def test_every_token_slices_the_document_text(processed):
    dataset = Dataset(processed)
    frame = load("tokens", home=processed)
    assert len(frame) > 0
    assert set(frame["doc_id"]) == set(dataset.documents())
    for doc_id, rows in frame.groupby("doc_id"):
        text = dataset.read_document(doc_id).text
        for row in rows.itertuples():
            assert text[row.span_start:row.span_end] == row.text
            assert row.lower == " ".join(row.text.split()).lower()
    assert frame["text"].str.contains(" ").any()  # multi-syllable words are one row
    assert frame["in_fact"].any() and (frame["in_fact"] == frame["fact"].notna()).all()
    manifest = dataset.manifest(dataset.documents()[0])
    assert manifest["tokens"]["version"] == VERSION and manifest["rows"]["tokens"] > 0
    with dataset.connect() as con:
        assert con.execute("SELECT count(*) FROM tokens").fetchone()[0] == len(frame)


def test_docs_spans_are_the_items_facts(processed):
    dataset = Dataset(processed)
    documents = {doc_id: dataset.read_document(doc_id) for doc_id in dataset.documents()}
    seen = 0
    for doc in docs(processed):
        document = documents[doc._.doc_id]
        item = next(i for i in document.items if i.id == doc._.item_id)
        assert doc.text == document.text[item.span[0]:item.span[1]] and doc._.source_offset == item.span[0]
        by_label = {label: [s._.fact for s in doc.spans["facts"] if s.label_ == label]
                    for label in ("QUANTITY", "DEADLINE", "AGENCY")}
        assert by_label["QUANTITY"] == item.quantities
        assert by_label["DEADLINE"] == ([item.deadline] if item.deadline and item.deadline.span else [])
        assert by_label["AGENCY"] == [a for a in item.agencies if a.span is not None]
        for span in doc.spans["facts"]:
            assert document.text[slice(*span._.source)] == span.text
        seen += 1
    assert seen >= 20
    chosen = list(docs(processed, year=2024, with_quantities=True))
    assert chosen and all(any(s.label_ == "QUANTITY" for s in d.spans["facts"]) for d in chosen)


def test_decree_words_answers(processed):
    runner = CliRunner()
    result = runner.invoke(app, ["words", "--year", "2024", "--top", "10", "--home", str(processed)])
    assert result.exit_code == 0, result.output
    assert "word" in result.output and "10 row(s)" in result.output
    result = runner.invoke(app, ["words", "--pos", "N,V", "--top", "50", "--json", "--home", str(processed)])
    rows = json.loads(result.output)
    assert 0 < len(rows) <= 50 and {r["pos"] for r in rows} <= {"N", "V"}
    assert any(r["word"] == "thực hiện" for r in rows)  # multi-syllable words kept whole
    assert [r["n"] for r in rows] == sorted((r["n"] for r in rows), reverse=True)
    result = runner.invoke(app, ["words", "--pos", "Q", "--home", str(processed)])
    assert result.exit_code == 1 and "unknown POS tag" in result.output


def test_a_document_written_again_keeps_its_tokens(processed):
    dataset = Dataset(processed)
    doc_id = dataset.documents()[0]
    before = dataset.read_tokens(doc_id)
    rows = len(load("tokens", home=processed).query("doc_id == @doc_id"))
    # Another name for the same file (what `check` does): no tokens given, the stored ones stay.
    result = dataset.write_document(dataset.read_document(doc_id), original_names=["ban-sao.txt"])
    assert result.status == "replaced"
    assert dataset.read_tokens(doc_id) == before and result.rows["tokens"] == rows
    assert dataset.has_document(doc_id, tokens_version=VERSION)
    assert not dataset.has_document(doc_id, tokens_version="0/other")
    assert dataset.verify() == []


def test_token_columns_are_the_tables(processed):
    assert tokens_module.TOKEN_COLUMNS == tuple(c for c, *_ in TABLES["tokens"].columns)


# --------------------------------------------------------------------------
# Without the flow: the stores, the setting, bad input
# --------------------------------------------------------------------------
PLAN = """KẾ HOẠCH
Hỗ trợ doanh nghiệp năm 2024
I. NHIỆM VỤ
1. Sở Công Thương chủ trì, phối hợp với Sở Tài chính hỗ trợ 3.000 doanh nghiệp trong Quý II/2024.
2. Sở Nội vụ chủ trì tổ chức 12 lớp tập huấn trong Quý III/2024.
"""

LONG_WORDS = "hỗ trợ doanh nghiệp đổi mới sáng tạo ứng dụng khoa học công nghệ tại các huyện thị xã "
BAD = f"""KẾ HOẠCH
Chuyển đổi số năm 2024
I. NHIỆM VỤ
1. {(LONG_WORDS * (200_000 // len(LONG_WORDS) + 1))[:200_000].strip()}
2. ... ;;; --- !!! ??? ,,, (…) “” ..
3. Sở Tài\x00chính\x07 phối\x1fhợp\x0b với \u200bSở Công Thương\ufeff hỗ trợ 300 doanh nghiệp\x1b trước ngày 30/6/2024.
4. Sở Nội vụ chủ trì tổ chức 12 lớp tập huấn trong Quý III/2024.
"""


def test_bad_items_get_tokens_or_none_and_nothing_else_changes(tmp_path):
    bad, plan = document_from_text(BAD, "bad.txt"), document_from_text(PLAN, "plan.txt")
    items = by_path(bad)
    assert len(items["I.1"].text) == 200_000
    made = tokenize_document(bad)
    assert made.failed == [] and made.docs == len(bad.items)
    by_item = {doc._.item_id: doc for doc in unpack(made.data)}
    for item in bad.items:
        doc = by_item[item.id]
        assert doc.text == bad.text[item.span[0]:item.span[1]]
        for token in doc:
            start = item.span[0] + token.idx
            assert bad.text[start:start + len(token.text)] == token.text
    assert len(by_item[items["I.1"].id]) > 20_000
    punctuation = by_item[items["I.2"].id]
    assert len(punctuation) > 5 and not any(c.isalnum() for t in punctuation for c in t.text)
    last = by_item[items["I.4"].id]
    assert {s.label_ for s in last.spans["facts"]} == {"QUANTITY", "DEADLINE", "AGENCY"}

    dataset = Dataset(tmp_path)
    dataset.write_document(plan, tokens=tokenize_document(plan))
    plan_rows = load("tokens", home=tmp_path).to_dict("records")
    dataset.write_document(bad, tokens=made)
    frame = load("tokens", home=tmp_path)
    assert frame.query("doc_id == @plan.document.source.sha256").to_dict("records") == plan_rows
    assert len(frame.query("doc_id == @bad.document.source.sha256")) == made.words
    assert dataset.verify() == []


def test_a_failing_tokenizer_costs_the_tokens_not_the_document(tmp_path, monkeypatch):
    plan = document_from_text(PLAN)
    import pipeline.nlp as nlp

    def broken(text, with_pos=True):
        if "Nội vụ" in text:
            raise ValueError("underthesea choked")
        return real(text, with_pos)

    real = nlp.segment
    monkeypatch.setattr(nlp, "segment", broken)
    made = tokenize_document(plan)
    assert len(made.failed) == 1 and "underthesea choked" in made.failed[0]
    assert made.docs == len(plan.items) - 1
    result = Dataset(tmp_path).write_document(plan, tokens=made)
    assert result.rows["items"] == len(plan.items) and result.rows["tokens"] == made.words
    # And when there are none at all, the document is stored without them.
    other = document_from_text(PLAN.replace("12 lớp", "15 lớp"))
    result = Dataset(tmp_path).write_document(other, tokens=Tokens.none("tokenizing took too long"))
    assert result.rows["tokens"] == 0 and Dataset(tmp_path).read_tokens(other.document.source.sha256) is None
    manifest = Dataset(tmp_path).manifest(other.document.source.sha256)
    assert manifest["tokens"]["skipped"] == "tokenizing took too long"


def test_the_shared_store_keeps_tokens_per_generation():
    url = f"memory://decree-tokens-{uuid.uuid4().hex}"
    try:
        store = dataset_at(".", url)
        plan = document_from_text(PLAN)
        doc_id = plan.document.source.sha256
        store.write_document(plan, tokens=tokenize_document(plan))
        first = store.manifest(doc_id)["generation"]
        assert store.read_tokens(doc_id) and len(load("tokens", location=url)) == store.manifest(doc_id)["rows"]["tokens"]
        store.write_document(plan, original_names=["again.txt"])  # replaced, tokens carried over
        second = store.manifest(doc_id)["generation"]
        assert second != first and store.read_tokens(doc_id)
        fs = fsspec.filesystem("memory")
        assert not fs.exists(f"{store.doc_dir(doc_id)}/{first}")  # the old generation, tokens.spacy included
        assert [d._.item_id for d in unpack(store.read_tokens(doc_id))] == [i.id for i in plan.items]
        assert store.verify() == []
    finally:
        fs = fsspec.filesystem("memory")
        if fs.exists(url):
            fs.rm(url, recursive=True)


def test_the_setting_turns_tokens_off(tmp_path, monkeypatch):
    from pipeline.batch import check, extract

    monkeypatch.setenv("DECREE_TOKENS", "off")
    assert not tokens_module.enabled()
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    extraction = extract(path)
    assert extraction.payload and extraction.tokens is None
    home = Home.at(tmp_path / "home")
    home.ensure()
    dataset = Dataset(home.root)
    from pipeline.model import Document

    dataset.write_document(Document.model_validate_json(extraction.payload))
    assert check(home, path, dataset)[1] is not None  # stored: nothing to do while tokens are off
    monkeypatch.setenv("DECREE_TOKENS", "on")
    copy = tmp_path / "again.txt"
    copy.write_text(PLAN, encoding="utf-8")
    assert check(home, copy, dataset)[1] is None  # tokens on: the document is made again, with them


def test_the_parent_gives_up_on_tokens_that_do_not_come():
    from pipeline.isolation import Limits, _receive_tokens

    class Silent:
        def poll(self, timeout):
            return False

    class Dead:
        def poll(self, timeout):
            return True

        def recv(self):
            raise EOFError

    class Process:
        killed, exitcode = False, -9

        def kill(self):
            self.killed = True

        def join(self, timeout):
            pass

    process = Process()
    made = _receive_tokens(Silent(), process, 0.0, Limits(timeout_s=30))
    assert made.data is None and "longer than the 30 s" in made.skipped and process.killed
    made = _receive_tokens(Dead(), Process(), 0.0, Limits())
    assert made.data is None and "killed by signal 9" in made.skipped


def test_packed_docs_read_back_as_docbin_add_makes_them():
    from spacy.tokens import DocBin

    from pipeline.tokens import DOCBIN_ATTRS, item_doc, pack

    document = document_from_text(PLAN)
    made = [item_doc(document, item) for item in document.items]
    box = DocBin(attrs=DOCBIN_ATTRS, store_user_data=True)
    for doc in made:
        box.add(doc)

    def seen(doc):
        return ([(t.text, t.tag_, t.is_sent_start, t.whitespace_, t.lower_) for t in doc],
                [(s.label_, s.start, s.end, s._.fact_no, s._.fact) for s in doc.spans["facts"]], doc.user_data)

    assert [seen(d) for d in unpack(pack(made))] == [seen(d) for d in unpack(box.to_bytes())]
