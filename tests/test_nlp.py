"""pipeline.nlp: underthesea's sentences and words in a spaCy Doc that reproduces the text."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import nlp
from pipeline.nlp import span_for_chars, tokenize, warm_up

warm_up()

TEXTS = [
    "",
    "   ",
    "Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Tài chính thực hiện.",
    "Sở KH&CN chủ trì.  Sở Tài chính phối hợp.\n\nỦy ban nhân dân Thành phố phê duyệt.",
    "  Ủy  ban nhân dân\tthành phố ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
    "QUYẾT ĐỊNH VỀ VIỆC BAN HÀNH KẾ HOẠCH HOẠT ĐỘNG KHOA HỌC VÀ CÔNG NGHỆ NĂM 2018",
    "Căn cứ Quyết định số 4937/QĐ-UBND ngày 02/10/2015; Số: 62 /KH-SKHCN; QĐ-BKHCN",
    "Uỷ ban nhân dân hoà bình. Thuỷ lợi “Quy chế” (Thời gian: Quý I/2018); 30 - 35% ...về",
    "a) 100% cơ quan; b) 22,6 tỷ đồng; c) www.dost.hochiminhcity.gov.vn",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("with_pos", [False, True])
def test_doc_reproduces_text_and_offsets(text, with_pos):
    doc = tokenize(text, with_pos=with_pos)
    assert doc.text == text
    for token in doc:
        assert text[token.idx:token.idx + len(token.text)] == token.text
    if len(doc):
        assert doc[0].is_sent_start


def test_multi_syllable_words_are_one_token():
    doc = tokenize("Sở Khoa học và Công nghệ chủ trì thực hiện.")
    texts = [t.text for t in doc]
    assert "chủ trì" in texts
    assert "thực hiện" in texts
    token = next(t for t in doc if t.text == "chủ trì")
    assert token.idx == doc.text.index("chủ trì")


def test_sentence_starts():
    text = "Sở Tài chính cân đối ngân sách. Sở Nội vụ thực hiện. Ủy ban nhân dân phê duyệt."
    doc = tokenize(text)
    sents = list(doc.sents)
    assert len(sents) == 3
    assert [s[0].idx for s in sents] == [0, text.index("Sở Nội"), text.index("Ủy ban")]


def test_internal_whitespace_kept_in_token():
    text = "Ủy  ban nhân dân\tthành phố"
    doc = tokenize(text)
    assert doc.text == text
    assert all(not t.text.isspace() or t.text in ("  ", "\t", " ") for t in doc)


def test_pos_tags():
    doc = tokenize("Sở Tài chính chủ trì thực hiện.", with_pos=True)
    tags = {t.text: t.tag_ for t in doc}
    assert tags["chủ trì"] == "V"
    assert tags["Sở"] == "N"


def test_source_offset_and_span_for_chars():
    text = "Sở Khoa học và Công nghệ chủ trì"
    doc = tokenize(text, source_offset=120)
    assert doc._.source_offset == 120
    start = text.index("học")
    span = span_for_chars(doc, start, start + 3)
    assert span is not None and span.start_char <= start and span.end_char >= start + 3
    assert span_for_chars(doc, 0, 0) is None or span_for_chars(doc, 0, 0).text == ""


def test_empty_text():
    doc = tokenize("")
    assert doc.text == "" and len(doc) == 0


def test_boundaries_cut_a_word_underthesea_glued():
    text = "Sở Tài chính thực hiện."
    whole = tokenize(text)
    assert "Tài chính" in [t.text for t in whole]
    cut = tokenize(text, boundaries={text.index("chính")}, with_pos=True)
    assert cut.text == text
    assert [t.text for t in cut][:3] == ["Sở", "Tài", "chính"]
    assert cut[1].tag_ == cut[2].tag_ == next(t.tag_ for t in tokenize(text, with_pos=True) if t.text == "Tài chính")


def test_long_sentences_are_tagged_in_pieces_that_rebuild_the_sentence():
    clause = "Sở Công Thương chủ trì hỗ trợ doanh nghiệp đổi mới công nghệ; "
    sentence = (clause * 40).strip()
    pieces = nlp._pieces(sentence)
    assert "".join(pieces) == sentence
    assert len(pieces) > 1 and all(len(p) <= nlp.MAX_PIECE_CHARS for p in pieces)
    assert all(p.endswith("; ") for p in pieces[:-1])  # cut after clause punctuation
    spaceless = "x" * (3 * nlp.MAX_PIECE_CHARS)
    assert "".join(nlp._pieces(spaceless)) == spaceless
    words = "hỗ trợ doanh nghiệp đổi mới sáng tạo " * 200  # no punctuation at all: cut at spaces
    assert all(len(p) <= nlp.MAX_PIECE_CHARS for p in nlp._pieces(words))
    doc = tokenize(sentence, with_pos=True)
    assert doc.text == sentence
    assert sum(t.text == "doanh nghiệp" for t in doc) == 40


@pytest.mark.parametrize("text", [
    "... ;;; --- !!! ??? ,,, (…) “” ..",
    "Sở Tài\x00chính\x07 phối\x1fhợp\x0b với \u200bSở Công Thương\ufeff\x1b.",
    "\x00\x01\x02",
    "Điều 1.\r\nSở Nội vụ\u00a0chủ trì.\x0c",
])
def test_punctuation_and_control_characters_keep_every_offset(text):
    doc = tokenize(text, with_pos=True)
    assert doc.text == text
    for token in doc:
        assert text[token.idx:token.idx + len(token.text)] == token.text


def test_nothing_is_downloaded_and_a_thread_may_not_import_underthesea_first(tmp_path):
    """In a fresh interpreter with no home folder to find cached models in and every connection
    refused: the stage runs on the models in underthesea's wheel; and a worker thread that would
    import underthesea first is refused (it deadlocks inside Prefect task threads)."""
    import subprocess
    import sys

    script = r'''
import socket, threading
def refuse(*args, **kwargs):
    raise OSError("network use refused by the test")
socket.socket.connect = refuse
socket.create_connection = refuse
from pipeline import tokens
errors = []
def in_a_thread():
    try:
        tokens.tokenize_document(None)
    except RuntimeError as exc:
        errors.append(str(exc))
thread = threading.Thread(target=in_a_thread)
thread.start(); thread.join()
assert errors and "main thread" in errors[0], errors
from tests.helpers import document_from_text
document = document_from_text("KẾ HOẠCH\nI. NHIỆM VỤ\n1. Sở Tài chính hỗ trợ 300 doanh nghiệp trong Quý II/2024.\n")
made = tokens.tokenize_document(document)
assert made.words > 5 and not made.failed, made
print("ok", made.words)
'''
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok")
    assert not (tmp_path / ".underthesea").exists()
