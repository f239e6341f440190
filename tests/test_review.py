"""The review site without a browser: pages, decisions and the security rules."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipeline.dataset import Dataset, load
from pipeline.review.app import LOOPBACK_HOSTS, create_app
from tests import review_fixtures, review_server

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    home = tmp_path_factory.mktemp("review") / "home"
    ids = review_fixtures.build_home(home)
    # Put the item holding the <script> text in the queue as an 'item' entry.
    ds = Dataset(home)
    doc = ds.read_document(ids["plan"])
    for item in doc.items:
        if SCRIPT in item.text:
            item.confidence, item.reasons = 0.05, [f"reason with {SCRIPT}"]
    ds.write_document(doc)
    return home, ids


@pytest.fixture
def home(built, tmp_path) -> tuple[Path, dict[str, str]]:
    source, ids = built
    return review_fixtures.copy_home(source, tmp_path / "home"), ids


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def form_of(html: str, form_id: str) -> dict[str, str]:
    block = re.search(rf'<form[^>]*id="{form_id}".*?</form>', html, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', block))


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------
def test_queue_document_dashboard_and_corrections_pages(home):
    home, ids = home
    client = TestClient(create_app(home))
    queue = client.get("/queue")
    assert queue.status_code == 200
    confidences = [float(c) for c in re.findall(r'</span> (\d\.\d\d)\s*<span class="raw">', queue.text)]
    assert confidences == sorted(confidences) and confidences[0] == 0.05 and max(confidences) < 0.8
    assert 'id="form-accept"' in queue.text and 'id="form-reject"' in queue.text
    assert client.get("/queue?i=1").status_code == 200 and client.get("/queue?i=9999").status_code == 200

    doc = client.get(f"/doc/{ids['plan']}").text
    assert "45/KH-UBND" in doc and "Nguyễn Văn An" in doc and 'class="tree"' in doc
    assert f'<a href="/doc/{ids["pdf"]}" class="cited-in-dataset">12/QĐ-UBND</a>' in doc
    assert "Sở Công Thương" in doc and "Khảo sát nhu cầu" in doc  # the table with its cells
    assert "II.1" in doc and "task" in doc

    dashboard = client.get("/dashboard").text
    assert dashboard.count("<svg") == 3 and "2024" in dashboard and "Documents processed per day" in dashboard
    assert client.get("/corrections").status_code == 200

    crop = client.get(f"/doc/{ids['pdf']}/item/i0003/crop.png")
    assert crop.status_code == 200 and crop.headers["content-type"] == "image/png" and crop.content[:4] == b"\x89PNG"


def test_a_decision_through_the_form_is_stored_and_applied(home):
    home, ids = home
    client = TestClient(create_app(home, who="lan"))
    page = client.get("/queue?i=1").text
    form = form_of(page, "form-reject")
    response = client.post("/decide", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/queue?i=1"
    corrections = load("corrections", home=home)
    assert corrections["action"].tolist() == ["reject"] and corrections["who"].tolist() == ["lan"]
    assert "rejected" in client.get("/queue?i=1").text
    # An invalid edit is refused with a message, and nothing is stored.
    number = re.findall(r'href="/queue\?i=(\d+)">\s*<span class="what what-quantity">', client.get("/queue").text)[0]
    form = {**form_of(client.get(f"/queue?i={number}").text, "form-edit"), "value": "nhiều"}
    assert client.post("/decide", data=form, follow_redirects=True).text.count("not saved") == 1
    assert len(load("corrections", home=home)) == 1


# --------------------------------------------------------------------------
# Security
# --------------------------------------------------------------------------
def test_a_token_is_required_off_localhost(home):
    home, _ = home
    client = TestClient(create_app(home, token="s3cret-token"))
    assert client.get("/queue").status_code == 401
    assert client.get("/dashboard").status_code == 401
    assert client.get("/queue?token=wrong").status_code == 401
    assert client.post("/decide", data={"csrf": "x"}).status_code == 401
    first = client.get("/queue?token=s3cret-token", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/queue"
    assert "decree_token" in first.headers["set-cookie"] and "httponly" in first.headers["set-cookie"].lower()
    assert client.get("/queue").status_code == 200  # the cookie now carries it
    other = TestClient(create_app(home, token="s3cret-token"))
    assert other.get("/queue", headers={"X-Decree-Token": "s3cret-token"}).status_code == 200
    assert other.get("/queue", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    assert other.get("/queue", headers={"X-Decree-Token": "s3cret"}).status_code == 401


def test_serve_binds_loopback_without_token_and_elsewhere_with_one(monkeypatch, tmp_path):
    import uvicorn

    from pipeline.review import cli

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append((app, kw)))
    printed: list[str] = []
    cli.serve(tmp_path, echo=printed.append)
    app, kw = started[-1]
    assert kw["host"] == "127.0.0.1" and app.state.settings.token is None
    assert app.state.settings.allowed_hosts == LOOPBACK_HOSTS
    cli.serve(tmp_path, host="0.0.0.0", port=9999, echo=printed.append)
    app, kw = started[-1]
    token = app.state.settings.token
    assert kw["host"] == "0.0.0.0" and token and len(token) >= 24
    assert any(f"?token={token}" in line for line in printed)
    assert TestClient(app).get("/queue").status_code == 401


def test_unknown_host_headers_are_refused(home):
    home, _ = home
    client = TestClient(create_app(home, allowed_hosts=LOOPBACK_HOSTS), base_url="http://127.0.0.1:8765")
    assert client.get("/queue").status_code == 200
    assert client.get("/queue", headers={"host": "evil.example:8765"}).status_code == 400


def test_posts_need_the_sessions_csrf_token(home):
    home, _ = home
    client = TestClient(create_app(home))
    page = client.get("/queue").text
    form = form_of(page, "form-accept")
    assert form["csrf"] == csrf_of(page)
    without = {k: v for k, v in form.items() if k != "csrf"}
    assert client.post("/decide", data=without).status_code == 403
    assert client.post("/decide", data={**form, "csrf": "0" * 64}).status_code == 403
    # Another session's token does not work here, and a client without a session is refused.
    other = TestClient(create_app(home))
    other.get("/queue")
    assert other.post("/decide", data=form).status_code == 403
    assert TestClient(client.app).post("/decide", data=form).status_code == 403
    # A cross-site form (Origin of another site) is refused even with the right token.
    assert client.post("/decide", data=form, headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post("/decide", content=b"{}", headers={"content-type": "application/json"}).status_code in (403, 415)
    assert load("corrections", home=home).empty
    assert client.post("/decide", data=form, follow_redirects=False).status_code == 303
    assert len(load("corrections", home=home)) == 1


def test_document_text_is_escaped(home):
    home, ids = home
    client = TestClient(create_app(home))
    for path in (f"/doc/{ids['plan']}", "/queue?i=0"):
        html = client.get(path).text
        assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    queue = client.get("/queue?i=0")
    assert 'id="passage"' in queue.text and "what-item" in queue.text  # the script item is the first entry
    assert "script-src 'self'" in queue.headers["content-security-policy"]
    assert queue.headers["x-content-type-options"] == "nosniff"


def test_paths_cannot_leave_the_dataset(home):
    home, ids = home
    (home / "raw_docs" / "archive" / "secret.txt").write_text("root:x:0:0")
    app = create_app(home)
    client = TestClient(app)
    unknown = "ab" * 32
    for path in (f"/doc/{unknown}", f"/doc/{unknown}/item/i0001/crop.png", "/doc/ABC", "/doc/secret.txt",
                 f"/doc/{ids['pdf']}/item/..%2f..%2fsecret/crop.png", f"/doc/{ids['pdf']}/item/i9999/crop.png",
                 f"/doc/{ids['plan']}/item/i0001/crop.png",  # a text document has no page image
                 "/doc/%2e%2e/%2e%2e/etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fapp.py"):
        response = client.get(path)
        assert response.status_code in (400, 404), path
        assert b"root:" not in response.content and b"import" not in response.content
    with review_server.running(app) as base:
        for target in ("/doc/../../etc/passwd", "/doc/%2e%2e/%2e%2e/etc/passwd", "/static/../../../etc/passwd",
                       "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/doc/..%2f..%2f..%2fetc%2fpasswd",
                       f"/doc/{ids['pdf']}/item/../../../../raw_docs/archive/secret.txt"):
            status, body = review_server.raw_get(base, target)
            assert status in (400, 404), target
            assert b"root:" not in body
    # A document folder that is in the dataset but whose manifest points outside the archive gets no image.
    manifest = Dataset(home).doc_dir(ids["pdf"]) / "manifest.json"
    text = manifest.read_text()
    assert f'"{ids["pdf"]}.pdf"' in text
    manifest.write_text(text.replace(f'"{ids["pdf"]}.pdf"', '"../../etc/passwd"'))
    assert TestClient(create_app(home)).get(f"/doc/{ids['pdf']}/item/i0003/crop.png").status_code == 404


def test_review_cli_registers(tmp_path):
    import typer
    from typer.testing import CliRunner

    from pipeline.review.cli import register

    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command, as in the real CLI
        pass

    result = CliRunner().invoke(app, ["review", "--help"])
    assert result.exit_code == 0 and "--threshold" in result.output and "--host" in result.output


# --------------------------------------------------------------------------
# Every row of the queue; titles; correcting from document and item pages; undo
# --------------------------------------------------------------------------
def posted_forms(html: str) -> list[str]:
    return re.findall(r'<form method="post".*?</form>', html, re.S)


def assert_forms_carry_csrf(html: str, where: str) -> int:
    token = csrf_of(html)
    forms = posted_forms(html)
    for block in forms:
        assert f'name="csrf" value="{token}"' in block, (where, block[:200])
    return len(forms)


def test_every_row_of_the_queue_is_shown_with_its_forms(home, tmp_path):
    from pipeline.dataset.store import review_queue_select
    from pipeline.link.refresh import refresh_links
    from tests.test_handwritten_slots import HEADER

    home, ids = home
    blank = tmp_path / "qd-so-trong.txt"
    blank.write_text(HEADER, encoding="utf-8")
    blank_id = review_fixtures.add_file(home, blank)
    ds = Dataset(home)
    refresh_links(ds)
    ds.refresh_views()
    # At 0.95 the queue holds items, facts, citations, the two links between documents and the unread header.
    con = ds.connect()
    expected = con.execute(f"SELECT what, count(*) FROM ({review_queue_select(0.95)}) GROUP BY 1").fetchall()
    con.close()
    expected = dict(expected)
    assert {"number", "issued_date", "document_link", "citation", "agency"} <= set(expected)
    client = TestClient(create_app(home, threshold=0.95))
    queue = client.get("/queue").text
    assert int(re.search(r'id="queue-count">(\d+)<', queue).group(1)) == sum(expected.values())
    shown = re.findall(r'<span class="what what-([a-z_]+)">', queue.split('<section class="entry">')[0])
    assert {w: shown.count(w) for w in set(shown)} == expected

    for i in range(sum(expected.values())):
        page = client.get(f"/queue?i={i}")
        assert page.status_code == 200, i
        title = html.unescape(re.sub(r"<[^>]+>", "", re.search(r'<h1 id="entry-title">(.*?)<small', page.text,
                                                                re.S).group(1)))
        assert len(title.split()) >= 5 and not re.search(r"#\d+ in", title), title  # what, the value, where: not "AGENCY #0 in 10"
        assert assert_forms_carry_csrf(page.text, f"queue {i}") >= 1
        assert "<b>Accept" in page.text  # the buttons are explained

    def entry(what: str, value: str = "") -> tuple[int, str]:
        """The first entry of kind `what` whose listed value contains `value` (the queue shrinks as decisions are made)."""
        listed = re.findall(r'<span class="what what-([a-z_]+)">[^<]*</span>[^<]*<span class="raw">([^<]*)</span>',
                            client.get("/queue").text.split('class="entry"')[0])
        i = next(n for n, (w, v) in enumerate(listed) if w == what and value in html.unescape(v))
        return i, client.get(f"/queue?i={i}").text

    i, page = entry("number")
    assert "Number (số ký hiệu) of qd-so-trong.txt" in page and "Số: …/QĐ-UBND" in page
    form = {**form_of(page, "form-edit"), "value": "152/QĐ-UBND"}
    response = client.post("/header", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/queue?i={i}"
    assert load("documents", home=home).set_index("doc_id").loc[blank_id, "number"] == "152/QĐ-UBND"
    i, page = entry("document_link")
    cited = re.search(r'href="/targets\?doc=([0-9a-f]{64})" id="targets-link"', page).group(1)
    form = form_of(page, "form-accept")
    assert form["cited"] == cited and form["back"] == "queue"
    assert client.post("/targets/decide", data=form, follow_redirects=False).headers["location"] == f"/queue?i={i}"
    # Two citations are queued (each document cites the Luật by name, no number): the PDF's one.
    i, page = entry("citation", "19 tháng 6")
    assert "Citation 'Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015' in 12/QĐ-UBND" in html.unescape(page)
    assert 'mark class="ent ent-citation focus"' in page
    form = form_of(page, "form-accept")
    assert form["item_id"] == "" and client.post("/decide", data=form).status_code == 200
    after = client.get("/queue").text
    assert int(re.search(r'id="queue-count">(\d+)<', after).group(1)) == sum(expected.values()) - 3
    assert set(load("corrections", home=home)["field"]) == {"number", "document_link", f"citations[{form['fact_no']}]"}


def test_readable_titles_and_table_cells_marked(home):
    from pipeline.review import facts

    home, ids = home
    items = {r["item_id"]: r for r in Dataset(home).read_rows(ids["plan"], "items")}
    lead = next(a for a in Dataset(home).read_rows(ids["plan"], "agencies") if a["name"] == "Sở Công Thương")
    row = items[lead["item_id"]]
    assert row["kind"] == "table_row" and lead["span_start"] is None  # read from the row's cell
    assert facts.title("agency", lead, row) == "Lead agency 'Sở Công Thương' of row 1 of table 1"
    client = TestClient(create_app(home))
    page = client.get(f"/doc/{ids['plan']}/item/{row['item_id']}").text
    cells = re.search(r'<div class="passage" id="item-cells">(.*?)</div>', page, re.S).group(1)
    assert re.search(r'<th scope="row">Đơn vị chủ trì</th><td><mark class="ent ent-agency"[^>]*>Sở Công Thương<', cells)
    assert 'title="Lead agency &#39;Sở Công Thương&#39; of row 1 of table 1"' in page
    document = client.get(f"/doc/{ids['plan']}").text
    assert 'title="Lead agency &#39;Sở Công Thương&#39; of row 1 of table 1"' in document


def test_facts_are_corrected_added_and_undone_from_document_and_item_pages(home):
    home, ids = home
    plan = ids["plan"]
    client = TestClient(create_app(home, who="lan"))
    document = client.get(f"/doc/{plan}").text
    assert_forms_carry_csrf(document, "document")

    def fact_form(html: str, item_id: str, what: str) -> dict[str, str]:
        block = re.search(rf'<details class="fact-edit" id="fact-{item_id}-{what}-[0-9]*">.*?</details>', html, re.S)
        form = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', block.group(0)))
        form.update(re.findall(r'<input (?:type="date" )?name="([a-z_]+)"[^>]* value="([^"]*)"', block.group(0)))
        return form

    # A wrong deadline, corrected from the document page.
    deadline = next(d for d in Dataset(home).read_rows(plan, "deadlines") if d["raw"] == "trước ngày 30/6/2024")
    form = {**fact_form(document, deadline["item_id"], "deadline"), "end": "2024-07-15", "action": "set"}
    response = client.post("/decide", data=form, follow_redirects=False)
    assert response.headers["location"] == f"/doc/{plan}#item-{deadline['item_id']}"
    assert "corrected deadline of task II.1" in client.get(f"/doc/{plan}").text
    # A missing lead, added from the item page; a header field from the document page.
    item = next(i for i in Dataset(home).read_rows(plan, "items") if i["text"].startswith("Xây dựng cơ sở dữ liệu"))
    page = client.get(f"/doc/{plan}/item/{item['item_id']}").text
    assert_forms_carry_csrf(page, "item")
    block = re.search(r'<form method="post" action="/decide" class="add-form edit-form" data-what="agency">.*?</form>',
                      page, re.S).group(0)
    form = {**dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', block)),
            "name": "Sở Công Thương", "role": "lead", "raw": ""}
    response = client.post("/decide", data=form, follow_redirects=False)
    assert response.headers["location"] == f"/doc/{plan}/item/{item['item_id']}"
    block = re.search(r'<tr id="header-issuer".*?</form>', document, re.S).group(0)
    form = {**dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', block)),
            "value": "UBND tỉnh Nam Định Sơn", "action": "set"}
    assert client.post("/header", data=form, follow_redirects=False).headers["location"] == f"/doc/{plan}#header"

    rows = {name: Dataset(home).read_rows(plan, name) for name in ("deadlines", "agencies", "documents")}
    assert [str(d["end"]) for d in rows["deadlines"] if d["raw"] == "trước ngày 30/6/2024"] == ["2024-07-15"]
    assert [(a["name"], a["role"], a["review"]) for a in rows["agencies"] if a["item_id"] == item["item_id"]] == [
        ("Sở Công Thương", "lead", "added")]
    assert rows["documents"][0]["issuer"] == "UBND tỉnh Nam Định Sơn"

    # Undo the addition on the Corrections page: one more correction, the agency gone, the others kept.
    assert "set issuer: recorded" in client.get("/dashboard").text  # the last message, shown once
    corrections = client.get("/corrections").text
    assert assert_forms_carry_csrf(corrections, "corrections") == 3  # an undo button per correction
    added = load("corrections", home=home).query("action == 'add'")["correction_id"].iloc[0]
    block = re.search(rf'<tr class="status-applied" id="correction-{added}">.*?</tr>', corrections, re.S).group(0)
    response = client.post("/undo", data=dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', block)),
                           follow_redirects=False)
    assert response.headers["location"] == "/corrections"
    assert not [a for a in Dataset(home).read_rows(plan, "agencies") if a["item_id"] == item["item_id"]]
    corrections = client.get("/corrections").text
    assert f'id="correction-{added}"' in corrections and "status-undone" in corrections
    assert "Undo the undo" in corrections  # the undo itself can be undone
    assert sorted(load("corrections", home=home)["action"]) == ["add", "set", "set", "undo"]
    assert load("corrections_unapplied", home=home).empty
    # The message after a decision offers to undo it, and returns to the page it was on.
    client.post("/decide", data={**fact_form(client.get(f"/doc/{plan}").text, deadline["item_id"], "deadline"),
                                 "action": "accept"}, follow_redirects=False)
    page = client.get(f"/doc/{plan}").text
    flash = re.search(r'<div class="flash".*?</div>', page, re.S).group(0)
    assert "accepted deadline" in flash and 'name="here" value="/doc/' in flash


def test_new_forms_need_the_csrf_token_and_return_only_to_the_site(home):
    home, ids = home
    client = TestClient(create_app(home))
    page = client.get(f"/doc/{ids['plan']}").text
    token = csrf_of(page)
    posts = {
        "/header": {"doc_id": ids["plan"], "field": "issuer", "action": "set", "value": "x", "back": "doc"},
        "/undo": {"correction_id": "20240101T000000000000Z-abc", "back": "corrections"},
        "/decide": {"doc_id": ids["plan"], "item_id": "i0007", "what": "agency", "action": "add", "name": "Sở X",
                    "role": "lead", "back": "doc"},
    }
    other = TestClient(create_app(home))
    other_token = csrf_of(other.get("/queue").text)
    for path, form in posts.items():
        assert client.post(path, data=form).status_code == 403, path
        assert client.post(path, data={**form, "csrf": other_token}).status_code == 403, path
        assert client.post(path, data={**form, "csrf": token}, headers={"Origin": "http://evil.example"}).status_code == 403
    assert load("corrections", home=home).empty
    # A form may only send the browser back to one of the site's own pages.
    for here in ("//evil.example/x", "http://evil.example/", "/queue/../../etc", "/doc/x"):
        response = client.post("/undo", data={"csrf": token, "correction_id": "nope", "back": "here", "here": here},
                               follow_redirects=False)
        assert response.headers["location"] == "/queue", here
    response = client.post("/undo", data={"csrf": token, "correction_id": "nope", "back": "here",
                                          "here": f"/doc/{ids['plan']}"}, follow_redirects=False)
    assert response.headers["location"] == f"/doc/{ids['plan']}"
    assert "not undone: no correction nope" in client.get("/queue").text
    for bad in ({"field": "pipeline_version"}, {"action": "reject"}):
        assert client.post("/header", data={**posts["/header"], **bad, "csrf": token}).status_code == 400
    assert client.post("/decide", data={**posts["/decide"], "what": "citation", "csrf": token}).status_code == 400


def test_a_second_loopback_address_is_served_without_a_token(monkeypatch, tmp_path):
    import uvicorn

    from pipeline.review import cli

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append((app, kw)))
    printed: list[str] = []
    cli.serve(tmp_path, host="127.0.0.2", port=8766, echo=printed.append)
    app, kw = started[-1]
    assert app.state.settings.token is None and "127.0.0.2" in app.state.settings.allowed_hosts
    assert any("http://127.0.0.2:8766/queue" in line for line in printed)
    client = TestClient(app, base_url="http://127.0.0.2:8766")
    assert client.get("/favicon.ico").status_code == 204  # the printed address answers (not 400)
    assert client.get("/favicon.ico", headers={"host": "evil.example:8766"}).status_code == 400
