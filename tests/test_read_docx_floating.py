"""The DOCX reader's notes, text boxes and symbols: what floats outside the body's flow is read after it.

The packages are written here, part by part, the way Word and LibreOffice write them.
"""
from pipeline.read.docx import read_docx
from tests.docx_fixtures import minimal_docx_members, write_zip

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def _p(text: str, extra: str = "") -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>{extra}</w:p>"


def _box(*paragraphs: str) -> str:
    """A text box as Word 2010 writes it: DrawingML, and the same text again as VML for older readers."""
    content = "<w:txbxContent>" + "".join(_p(t) for t in paragraphs) + "</w:txbxContent>"
    return (
        "<w:r><mc:AlternateContent>"
        "<mc:Choice Requires=\"wps\"><w:drawing><wp:anchor><a:graphic><a:graphicData>"
        f"<wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:rect><v:textbox>{content}</v:textbox></v:rect></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def _note_ref(kind: str, number: int) -> str:
    return f'<w:r><w:{kind}Reference w:id="{number}"/></w:r>'


def _package(tmp_path, body: str, footnotes: str = "", endnotes: str = ""):
    members = minimal_docx_members(
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {NS}><w:body>{body}</w:body></w:document>'
    )
    rels = []
    for kind, notes in (("footnotes", footnotes), ("endnotes", endnotes)):
        if notes:
            tag = kind[:-1]
            separator = f'<w:{tag} w:type="separator" w:id="0"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>'
            members[f"word/{kind}.xml"] = f'<?xml version="1.0" encoding="UTF-8"?><w:{kind} {NS}>{separator}{notes}</w:{kind}>'
            rels.append(
                f'<Relationship Id="r{kind}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" '
                f'Target="{kind}.xml"/>'
            )
    members["word/_rels/document.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels) + "</Relationships>"
    )
    return read_docx(write_zip(tmp_path / "floating.docx", members))


def test_notes_and_text_boxes_come_after_the_body_in_story_order(tmp_path):
    body = (
        _p("Điều 1. Phê duyệt đề án phát triển", _note_ref("footnote", 2) + _box("Sơ đồ tổ chức", "Ban chỉ đạo"))
        + _p("Điều 2. Giao Sở Nội vụ chủ trì", _note_ref("endnote", 1) + _note_ref("footnote", 3))
        + _p("Điều 3. Hiệu lực thi hành")
    )
    footnotes = (
        '<w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Đã sửa đổi năm 2005.</w:t></w:r></w:p></w:footnote>'
        '<w:footnote w:id="3"><w:p><w:r><w:t>Theo Nghị định số 43/2006/NĐ-CP.</w:t></w:r></w:p></w:footnote>'
    )
    endnotes = '<w:endnote w:id="1"><w:p><w:r><w:t>Phụ lục kèm theo.</w:t></w:r></w:p></w:endnote>'
    raw = _package(tmp_path, body, footnotes, endnotes)
    assert [line.text for line in raw.lines] == [
        "Điều 1. Phê duyệt đề án phát triển",
        "Điều 2. Giao Sở Nội vụ chủ trì",
        "Điều 3. Hiệu lực thi hành",
        "Đã sửa đổi năm 2005.",  # footnotes, in the order of their references
        "Theo Nghị định số 43/2006/NĐ-CP.",
        "Phụ lục kèm theo.",  # then endnotes
        "Sơ đồ tổ chức",  # then text boxes, read once (not again from the VML copy)
        "Ban chỉ đạo",
    ]
    assert raw.warnings == []


def test_a_missing_note_is_reported(tmp_path):
    raw = _package(tmp_path, _p("Điều 1. Nội dung", _note_ref("footnote", 7)))
    assert [line.text for line in raw.lines] == ["Điều 1. Nội dung"]
    assert raw.warnings == ["1 footnote/endnote reference(s): note text not found"]


def test_text_box_in_a_table_cell_and_deleted_box(tmp_path):
    cell = f"<w:tc><w:p><w:r><w:t>Ô một</w:t></w:r>{_box('Chú thích trong ô')}</w:p></w:tc>"
    table = f"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>{cell}<w:tc>{_p('Ô hai')}</w:tc></w:tr>" \
            f"<w:tr><w:tc>{_p('1')}</w:tc><w:tc>{_p('2')}</w:tc></w:tr></w:tbl>"
    deleted = f"<w:p><w:del>{_box('Đã xóa')}</w:del><w:r><w:t>Sau bảng</w:t></w:r></w:p>"
    raw = _package(tmp_path, table + deleted)
    texts = [line.text for line in raw.lines]
    assert texts[-1] == "Chú thích trong ô" and "Đã xóa" not in texts
    assert raw.lines[0].cells == ["Ô một", "Ô hai"]


def test_symbols_keep_their_meaning(tmp_path):
    sym = '<w:r><w:sym w:font="Symbol" w:char="{}"/></w:r>'
    body = (
        f"<w:p><w:r><w:t xml:space=\"preserve\">Tỷ lệ </w:t></w:r>{sym.format('F0B3')}<w:r><w:t xml:space=\"preserve\"> 50%</w:t></w:r></w:p>"
        f"<w:p>{sym.format('F0B7')}<w:r><w:t xml:space=\"preserve\"> Nội dung thứ nhất</w:t></w:r></w:p>"
        f"<w:p>{sym.format('F061')}<w:r><w:t xml:space=\"preserve\"> = 0,05</w:t></w:r></w:p>"
    )
    raw = _package(tmp_path, body)
    assert [line.text for line in raw.lines] == ["Tỷ lệ ≥ 50%", "- Nội dung thứ nhất", "α = 0,05"]
