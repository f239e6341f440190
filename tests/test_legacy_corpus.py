"""Legacy files of ../shared/corpus/legacy (TCVN3/VNI Word 97, RTF and PDF, 2002-2009) against their transcripts.

Prints the diacritic accuracy of every file and overall (``pytest -s``), and the
seconds each file took; asserts the accuracy and that no file fails. The times
are printed, not asserted (the machine is shared); ``benchmarks/legacy_speed.py``
measures a batch. Skips when ../shared or LibreOffice is absent.
"""
import time

import pytest

from pipeline.errors import PipelineError
from pipeline.read import read_file
from pipeline.read.office import find_soffice
from pipeline.repair.metrics import diacritic_accuracy, fold, is_diacritic_letter
from tests.helpers import SHARED

LEGACY = SHARED / "corpus" / "legacy"


@pytest.mark.skipif(not (LEGACY / "docs").is_dir(), reason="../shared/corpus/legacy not available")
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) not installed")
def test_legacy_collection_diacritic_accuracy():
    results = []  # (name, accuracy, diacritic letters, seconds, error)
    for doc in sorted((LEGACY / "docs").iterdir()):
        truth = (LEGACY / "truth" / f"{doc.stem}.txt").read_text(encoding="utf-8")
        started = time.perf_counter()
        try:
            text, error = "\n".join(line.text for line in read_file(doc).lines), None
        except PipelineError as exc:
            text, error = "", exc.reason
        seconds = time.perf_counter() - started
        letters = sum(map(is_diacritic_letter, fold(truth)))
        results.append((doc.name, diacritic_accuracy(truth, text), letters, seconds, error))
    overall = sum(acc * n for _, acc, n, _, _ in results) / sum(n for _, _, n, _, _ in results)
    after_first = [s for _, _, _, s, _ in results[1:]]
    print()
    for name, acc, n, seconds, error in results:
        print(f"  {name[:60]:60s} {acc:.4f}  ({n:6d} letters)  {seconds:5.1f} s{'  FAILED: ' + error if error else ''}")
    print(f"  overall diacritic accuracy {overall:.4f} over {len(results)} files; "
          f"{sum(after_first) / len(after_first):.1f} s per file after the first "
          f"(median {sorted(after_first)[len(after_first) // 2]:.1f} s, first {results[0][3]:.1f} s)")
    assert not [name for name, *_, error in results if error]
    assert overall >= 0.99
    assert min(acc for _, acc, *_ in results) >= 0.95


# The header of each legacy transcript whose text opens with a republished heading ("Nghị định của
# Chính phủ số 117/2003/NĐ-CP ngày 10/10/2003 …"), read off the transcripts by hand.
REPUBLISHED_HEADERS = {
    "2003-A-15": ("nghi_dinh", "94/1998/NĐ-CP", "1998-11-17", "Chính phủ"),
    "2003-A16": ("thong_tu", "172/1998/TT/BTC", "1998-12-22", "Bộ Tài chính"),
    "2003-TT132001": ("thong_tu", "13/2001/TT-BTC", "2001-03-08", "Bộ Tài chính"),
    "2004-A33": ("thong_tu_lien_tich", "176/1998/TTLT-BTC-BCN-TCHQ", "1998-12-25", None),
    "2004-B6": ("quyet_dinh", "1141-TC/QĐ/CĐKT", "1995-11-01", "Bộ Tài chính"),
    "2004-NghiDinh115_2003": ("nghi_dinh", "115/2003/NĐ-CP", "2003-10-10", "Chính phủ"),
    "2004-NghiDinh117_2003": ("nghi_dinh", "117/2003/NĐ-CP", "2003-10-10", "Chính phủ"),
    "2004-TT1691998": ("thong_tu", "169/1998/TT-BTC", "1998-12-22", "Bộ Tài chính"),
}


@pytest.mark.skipif(not (LEGACY / "truth").is_dir(), reason="../shared/corpus/legacy not available")
@pytest.mark.parametrize("name", sorted(REPUBLISHED_HEADERS))
def test_republished_headings_of_the_transcripts(name):
    from pipeline.document import extract_document

    info = extract_document(LEGACY / "truth" / f"{name}.txt").document
    doc_type, number, date, issuer = REPUBLISHED_HEADERS[name]
    assert (info.doc_type, info.number, info.issued_date) == (doc_type, number, date)
    if issuer:
        assert info.issuer == issuer
