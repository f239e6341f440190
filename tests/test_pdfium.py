"""The pdfium char source (read/pdfium.py) reads every PDF as pdfplumber does (issue 15).

Each PDF the tests generate, and each PDF of the shared corpus, is read twice — characters
from pdfium, and from pdfplumber — and must give the same pages, lines, boxes (to a
hundredth of a point: pdfium keeps 32-bit floats), table cells, scan decisions and, for the
documents, the same items, tables and spans. Where pdfium cannot read a page alike it says
why and pdfplumber reads that page: the generated decrees must need no such help, so a
regression that sent every page to pdfplumber would fail here too.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.document import build_document
from pipeline.model import Source
from pipeline.read import pdfium
from pipeline.read.pdf import read_text_layer
from pipeline.read.words import extract_words
from tests.helpers import SHARED
from tests.pdf_fixtures import decree_pdf_bytes, require_fonts, survey_pdf_bytes, write_encrypted

CORPUS_PDFS = sorted(
    p for folder in ("files", "scans", "legacy/docs") for p in (SHARED / "corpus" / folder).glob("*.pdf")
) if (SHARED / "corpus").exists() else []


def _close(a, b, path="") -> str | None:
    """Where ``a`` and ``b`` differ (floats within 0.01), or None."""
    if isinstance(a, float) or isinstance(b, float):
        ok = isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= 0.01
        return None if ok else f"{path}: {a!r} != {b!r}"
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: {len(a)} != {len(b)} entries"
        return next((d for d in (_close(x, y, f"{path}[{i}]") for i, (x, y) in enumerate(zip(a, b))) if d), None)
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(set(a) ^ set(b))}"
        return next((d for d in (_close(a[k], b[k], f"{path}/{k}") for k in a) if d), None)
    return None if a == b else f"{path}: {a!r} != {b!r}"


def _layer(path: Path, chars: str):
    try:
        layer = read_text_layer(path, chars)
    except Exception as exc:  # both sources must refuse alike
        return f"{type(exc).__name__}: {exc}", None
    from pipeline.read.pdf import _build_pages, _drop_running_lines

    summary = [(p.number, p.width, p.height, p.quality, p.n_chars, p.scan, [r.text for r in p.overlay],
                [t.rows for t in p.tables]) for p in layer.pages]
    _drop_running_lines(layer.pages)
    pages = _build_pages(layer.pages)
    lines = [[(ln.text, ln.page, ln.bbox, ln.cells, ln.table, ln.header_row, ln.row_spans) for ln in page.lines]
             for page in pages]
    return (summary, lines, layer.warnings), pages


def assert_same_reading(path: Path) -> list:
    """Both sources read ``path`` alike; returns pdfium's pages (None for a refusal)."""
    (theirs, _), (ours, pages) = _layer(path, "pdfplumber"), _layer(path, "pdfium")
    assert _close(theirs, ours) is None, f"{path.name}: {_close(theirs, ours)}"
    return pages


def _fallbacks(path: Path) -> list[str | None]:
    with pdfium.open_pdf(path) as document:
        return [page.fallback for page in document.pages()]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    require_fonts()
    from tests.legacy_fixtures import legacy_pdf_bytes
    from tests.test_glyph_map import _wrong_glyph_pdf
    from tests.test_tables import pdf_bytes as table_pdf_bytes

    folder = tmp_path_factory.mktemp("pdfium")
    out = {}
    for name, data in (("decree", decree_pdf_bytes()), ("survey", survey_pdf_bytes()),
                       ("table-repeated-header", table_pdf_bytes(True)), ("table", table_pdf_bytes(False)),
                       ("legacy-fonts", legacy_pdf_bytes())):
        out[name] = folder / f"{name}.pdf"
        out[name].write_bytes(data)
    out["copy-protected"] = write_encrypted(folder / "copy-protected.pdf", "")
    _wrong_glyph_pdf(folder / "wrong-glyph.pdf")
    out["wrong-glyph"] = folder / "wrong-glyph.pdf"
    return out


@pytest.mark.parametrize("name", ["decree", "survey", "table-repeated-header", "table", "legacy-fonts",
                                  "copy-protected", "wrong-glyph"])
def test_generated_pdfs_read_alike(generated, name):
    assert_same_reading(generated[name])


def test_generated_decrees_need_no_pdfplumber(generated):
    """Prose, two-column header, ruled tables and page furniture: pdfium reads every page itself."""
    for name in ("decree", "survey", "table"):
        assert _fallbacks(generated[name]) == [None] * len(_fallbacks(generated[name])), name


def test_pdfium_characters_are_pdfplumbers(generated):
    """Same characters (text, font, size, box) as pdfplumber, page by page, in any order."""
    import pdfplumber

    path = generated["decree"]
    key = ("text", "fontname", "size", "x0", "x1", "top", "bottom", "upright")
    with pdfium.open_pdf(path) as document, pdfplumber.open(path) as pdf:
        for page, theirs in zip(document.pages(), pdf.pages):
            order = lambda c: (c["text"], c["top"], c["x0"])  # noqa: E731
            mine, ref = sorted(page.chars, key=order), sorted(theirs.chars, key=order)
            assert len(mine) == len(ref)
            for c, other in zip(mine, ref):
                assert all(abs(c[k] - other[k]) < 0.01 for k in key[2:7]), (c, other)
                assert all(c[k] == other[k] for k in ("text", "fontname", "upright")), (c, other)


@pytest.mark.parametrize("name", ["decree", "survey", "table"])
def test_the_arrays_give_what_the_dicts_give(generated, name):
    """`PdfiumPage.arrays` and the dicts made from them hold the same characters: the arrays' groups are
    the partition by (upright, text, fontname, size), and duplicate removal and words give the same on
    the arrays as on the dicts (as pdfplumber's code reads them)."""
    import numpy as np

    from pipeline.read.pdf import dedupe_index
    from pipeline.read.words import CODE_POINTS, extract_words

    read = 0
    with pdfium.open_pdf(generated[name]) as document:
        for page in document.pages():
            if page.fallback:
                assert page.arrays is None and page.chars == []
                continue
            read += 1
            arrays, chars = page.arrays, page.chars
            assert len(chars) == len(arrays) and all(len(c["text"]) == 1 for c in chars)
            boxes = np.array([[c["x0"], c["x1"], c["top"], c["bottom"], c["size"]] for c in chars], np.float64)
            assert np.array_equal(arrays.boxes, boxes.reshape(-1, 5))
            assert all(c["width"] == c["x1"] - c["x0"] and c["height"] == c["size"] for c in chars)
            assert [ord(c["text"]) for c in chars] == (arrays.groups % CODE_POINTS).tolist()
            keys = [(c["upright"], c["text"], c["fontname"], c["size"]) for c in chars]
            pairs = set(zip(keys, arrays.groups.tolist()))
            assert len(pairs) == len(set(keys)) == len(set(arrays.groups.tolist()))  # the same partition
            assert np.array_equal(dedupe_index(arrays), dedupe_index(chars))
            assert [w[:6] for w in extract_words(arrays)] == [w[:6] for w in extract_words(chars)]
            kept = arrays.take(dedupe_index(arrays))
            assert kept.dicts() == [chars[i] for i in dedupe_index(chars).tolist()]
    assert read


def test_coordinates_rounded_on_arrays_as_one_by_one():
    """The reader rounds pdfium's 32-bit coordinates on arrays: the same numbers as `_exact` one by one
    (halves, negatives, a page's range, 32-bit floats as pdfium gives them)."""
    import ctypes

    import numpy as np

    rng = random.Random(7)
    values = [0.0, 0.00005, 0.00015, 595.28, 841.89, -0.00005, -12.34565, 1e5 + 0.00005]
    values += [rng.uniform(-50, 900) for _ in range(5000)]
    values += [ctypes.c_float(rng.uniform(0, 900)).value for _ in range(5000)]
    values += [round(rng.uniform(0, 900), 4) + 0.00005 for _ in range(2000)]
    got = pdfium._exact_array(np.array(values, np.float64)).tolist()
    assert got == [pdfium._exact(v) for v in values]


def test_a_rotated_page_is_read_by_pdfplumber(tmp_path):
    from fpdf import FPDF

    require_fonts()
    pdf = FPDF()
    pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.cell(0, 10, "Điều 1. Giao Sở Công Thương chủ trì thực hiện.")
    path = tmp_path / "rotated.pdf"
    pdf.output(str(path))
    data = path.read_bytes().replace(b"/Type /Page\n", b"/Type /Page\n/Rotate 90\n", 1)
    path.write_bytes(data)
    if b"/Rotate 90" not in data:
        pytest.skip("could not insert /Rotate into the generated page")
    assert _fallbacks(path) == ["rotated page"]
    assert_same_reading(path)


@pytest.mark.skipif(not CORPUS_PDFS, reason="shared corpus not present")
@pytest.mark.parametrize("path", CORPUS_PDFS, ids=lambda p: p.name)
def test_corpus_pdfs_read_alike(path):
    """Every text layer of the shared corpus (files, scans, legacy PDFs): pages and, where the text
    layer is the document, the items, tables and spans."""
    pages = assert_same_reading(path)
    if pages is None or any(p.source != "text_layer" for p in pages):
        return
    from pipeline.errors import NeedsOCR
    from pipeline.read.pdf import read_pdf

    try:
        raw = read_pdf(path, "pdfplumber")
    except NeedsOCR:
        return  # scanned pages: the OCR tests read those
    source = Source(file_name=path.name, sha256="0" * 64, format="pdf", pages=len(pages), bytes=1)
    theirs = build_document(raw, source).model_dump(mode="json")
    ours = build_document(read_pdf(path, "pdfium"), source).model_dump(mode="json")
    assert _close(theirs, ours) is None, _close(theirs, ours)


def _random_chars(seed: int, n: int = 400) -> list[dict]:
    rng = random.Random(seed)
    chars = []
    for _ in range(n):
        x0 = rng.choice([rng.uniform(50, 500), 100 + rng.randint(0, 40) * 6.0])
        top = rng.choice([100.0, 103.0, 106.5, 110.0, rng.uniform(90, 130)])
        size = rng.choice([10.0, 12.0, 13.0])
        text = rng.choice(["a", "ư", " ", "ơ", "ﬁ", "", "\u00a0", "Đ", "1"])
        chars.append({"text": text, "x0": x0, "x1": x0 + rng.choice([0.0, 3.0, 6.0]), "top": top,
                      "bottom": top + size, "doctop": top, "size": size, "upright": rng.random() > 0.05})
    return chars


@pytest.mark.parametrize("seed", range(6))
def test_words_match_pdfplumber(seed):
    """read/words.py gives pdfplumber's words on crowded pages (ties, blanks, empty texts, ligatures,
    rotated characters, lines a tolerance apart)."""
    from pdfplumber.utils import extract_words as plumber_words

    chars = _random_chars(seed)
    ref = plumber_words(chars, x_tolerance=3, y_tolerance=3, keep_blank_chars=False, return_chars=True)
    got = extract_words(chars)
    assert [(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], [id(c) for c in w["chars"]]) for w in ref] == \
        [(w[0], w[1], w[2], w[3], w[4], [id(c) for c in w[6]]) for w in got]


def test_glyph_suspects_as_the_glyph_map_repair_finds_them(generated):
    """The quick test that sends a file to pdfplumber for the glyph-map repair finds what the repair finds
    (and, where it cannot follow a font, says yes: it may be cautious, never blind)."""
    import pdfplumber

    from pipeline.repair.glyph_map import find_suspects

    paths = [generated["wrong-glyph"], generated["decree"], generated["survey"]] + CORPUS_PDFS
    for path in paths:
        with pdfplumber.open(path) as pdf:
            found = bool(find_suspects(pdf))
        assert pdfium.glyph_suspects(path) or not found, path.name
    assert pdfium.glyph_suspects(generated["wrong-glyph"]) and not pdfium.glyph_suspects(generated["decree"])


def _embedded_fonts(paths: list[Path]) -> list[tuple[bytes | None, bytes | None]]:
    """(ToUnicode CMap, TrueType program) of every font the pages of ``paths`` use."""
    import pdfplumber
    from pdfminer.pdftypes import PDFStream, resolve1

    from pipeline.repair.glyph_map import font_program, page_fonts

    fonts = []
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for _, spec in page_fonts(pdf):
                cmap = resolve1(spec.get("ToUnicode"))
                program = font_program(spec) if getattr(resolve1(spec.get("Subtype")), "name", "") == "Type0" else None
                fonts.append((cmap.get_data() if isinstance(cmap, PDFStream) else None, program))
    return fonts


def test_the_quick_font_readers_read_as_the_general_ones(generated):
    """`glyph_suspects` reads ToUnicode pairs with one pattern and a font program's format 4 cmap
    directly; both give what the general readers (every CMap token; fontTools) give, on every font
    the tests make and every font of the corpus, and each quick path is taken."""
    from pipeline.repair import glyph_map

    fonts = _embedded_fonts([generated["wrong-glyph"], generated["decree"], generated["table"]] + CORPUS_PDFS)
    cmaps = [c for c, _ in fonts if c] + [
        b"2 beginbfchar <0041> <D800> <0042><00A0> <0042> <0020> <0042> <00A0> <> <0041> endbfchar",
        b"1 beginbfchar <041> <0041> endbfchar",  # odd digits: both refuse alike
        b"2 beginbfchar <0041> <00410042> <0043> <D83DDE00> endbfchar",
    ]

    def read(data, pairs):
        try:
            return pdfium._to_unicode(data, pairs)
        except ValueError as exc:
            return f"ValueError: {exc}"

    for cmap in cmaps:
        assert read(cmap, True) == read(cmap, False), cmap[:200]
    assert read(cmaps[-3], True) == {0x41: "", 0x42: " ", 0: "A"}
    quick = 0
    for _, program in fonts:
        if program is None:
            continue
        fast = glyph_map._format4_cmap(program)
        if fast is not glyph_map._UNSURE:
            quick += 1
            assert fast == glyph_map._fonttools_cmap(program)
    assert quick and fonts
