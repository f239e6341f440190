"""The review site without a browser: pages, decisions and the security rules."""
from __future__ import annotations

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
