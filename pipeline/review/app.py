"""The maintainers' review site: FastAPI + Jinja2 pages rendered on the server.

    /queue         extractions below the threshold, least confident first; one at a time,
                   with the passage highlighted, the page crop, values, reasons and the
                   accept / edit / reject forms (keys a, e, r; j / k move)
    /doc/<id>      a document: metadata, structure tree, citations (linked when the cited
                   document is in the dataset), tables, corrections
    /doc/<id>/item/<item>  an item's text with its facts marked from its spaCy Doc (displaCy's
                   entity view) and its words with their part-of-speech tags
    /dashboard     targets by year and agency, confidence histogram, documents per day (SVG)
    /corrections   every correction with its status; those that no longer apply first
    /targets       a plan's targets and what later documents report on them (chart, links,
                   accept / reject of each link)

Security (see `create_app`): a token when served beyond the loopback interface, a
per-session CSRF token on every POST, Host checking, escaped output (Jinja2
autoescape; fragments built with markupsafe), a strict Content-Security-Policy,
and images only for documents in the dataset, found through their manifest.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.dataset import Dataset, DatasetError, dataset_at
from pipeline.dataset.corrections import SETTABLE, CorrectionError, corrections_for, record_decision
from pipeline.dataset.store import review_queue_select
from pipeline.dataset.tables import REVIEW_THRESHOLD
from pipeline.review import render
from pipeline.review.images import NoImage, archived_original, render_crop

HERE = Path(__file__).parent
DOC_ID_RE = re.compile(r"[0-9a-f]{64}")
ITEM_ID_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
SESSION_COOKIE = "decree_session"
TOKEN_COOKIE = "decree_token"
TOKEN_HEADER = "x-decree-token"
MAX_FORM_BYTES = 64 * 1024
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
QUEUE_LIMIT = 2000
REVIEWABLE = ("item", "quantity", "deadline", "agency")
RECURRENCES = ("daily", "weekly", "monthly", "quarterly", "semiannual", "yearly")
ROLES = ("lead", "support", "assignee")


@dataclass
class Settings:
    home: Path
    threshold: float = REVIEW_THRESHOLD
    who: str = "maintainer"
    token: str | None = None  # required on every request when set (binding beyond the loopback)
    allowed_hosts: tuple[str, ...] | None = None  # Host header names accepted (None: any, for tests)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


# --------------------------------------------------------------------------
# Reading the dataset
# --------------------------------------------------------------------------
def _query(dataset: Dataset, sql: str, params: list | None = None) -> list[dict]:
    con = dataset.connect()
    try:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        con.close()


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:,.0f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def queue_entries(dataset: Dataset, threshold: float) -> list[dict]:
    sql = (f"SELECT q.*, d.file_name, d.number FROM ({review_queue_select(threshold)}) q "
           f"LEFT JOIN documents d USING (doc_id) WHERE q.what IN ('item', 'quantity', 'deadline', 'agency') "
           f"ORDER BY q.confidence, q.doc_id, q.what, q.item_id, q.fact_no LIMIT {QUEUE_LIMIT}")
    return _query(dataset, sql)


def _facts_of_item(dataset: Dataset, doc_id: str, item_id: str) -> dict[str, list[dict]]:
    return {
        "quantity": [r for r in dataset.read_rows(doc_id, "quantities") if r["item_id"] == item_id],
        "deadline": [r for r in dataset.read_rows(doc_id, "deadlines") if r["item_id"] == item_id and r["stated"]],
        "agency": [r for r in dataset.read_rows(doc_id, "agencies") if r["item_id"] == item_id],
    }


def entry_detail(dataset: Dataset, entry: dict) -> dict:
    """Everything the queue page shows about one entry."""
    doc_id, item_id, what = entry["doc_id"], entry["item_id"], entry["what"]
    items = {r["item_id"]: r for r in dataset.read_rows(doc_id, "items")}
    item = items.get(item_id)
    if item is None:
        raise HTTPException(404, "item not found")
    document = (dataset.read_rows(doc_id, "documents") or [{}])[0]
    facts = _facts_of_item(dataset, doc_id, item_id)
    base = item["span_start"] or 0
    marks, target = [], None
    for kind, rows in facts.items():
        for row in rows:
            no = row.get("quantity_no", row.get("agency_no"))
            focus = kind == what and (kind == "deadline" or no == entry["fact_no"])
            if focus:
                target = row
            if row.get("span_start") is None or item["span_start"] is None:
                continue
            title = {"quantity": lambda r: f"{_fmt(r['value'])} {r['unit'] or ''}",
                     "deadline": lambda r: f"{_fmt(r['start'])} → {_fmt(r['end'])} {r['recurrence'] or ''}",
                     "agency": lambda r: f"{r['normalized']} ({r['role']})"}[kind](row)
            marks.append(render.Mark(row["span_start"] - base, row["span_end"] - base, kind, focus,
                                     unit=row.get("unit") if kind == "quantity" else None, title=title.strip()))
    if what != "item" and target is None:
        raise HTTPException(404, "fact not found")
    values = []
    if what == "item":
        values = [("kind", item["kind"]), ("path", item["path"]), ("page", item["page"])]
    elif target is not None:
        keys = {"quantity": ("raw", "value", "value_max", "unit", "unit_normalized", "kind", "qualifier"),
                "deadline": ("raw", "start", "end", "recurrence"),
                "agency": ("raw", "name", "normalized", "role")}[what]
        values = [(key, _fmt(target.get(key))) for key in keys]
    has_box = item.get("bbox_x0") is not None
    return {
        "item": item, "document": document, "target": target, "fields": values,
        "passage": render.highlight(item["text"], marks),
        "image": document.get("format") in ("pdf", "image"),
        "has_box": has_box,
        "reasons": list(entry["reasons"] or []),
        "edit": {key: _edit_value(target, key) for key in SETTABLE.get(what, ())},
    }


def _edit_value(row: dict | None, key: str) -> str:
    """A value as the edit form shows it (numbers without thousands separators)."""
    value = None if row is None else row.get(key)
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    return _fmt(value)


def build_tree(items: list[dict]) -> list[dict]:
    nodes = {row["item_id"]: {**row, "children": []} for row in items}
    roots = []
    for row in items:
        node = nodes[row["item_id"]]
        parent = nodes.get(row["parent_id"]) if row["parent_id"] else None
        (parent["children"] if parent is not None else roots).append(node)
    return roots


def document_view(dataset: Dataset, doc_id: str) -> dict:
    document = dataset.read_rows(doc_id, "documents")[0]
    items = dataset.read_rows(doc_id, "items")
    citations = dataset.read_rows(doc_id, "citations")
    numbers = [c["number"] for c in citations if c["number"]]
    known: dict[str, str] = {}
    if numbers:
        for row in _query(dataset, "SELECT number, doc_id FROM documents WHERE number IS NOT NULL ORDER BY doc_id"):
            known.setdefault(row["number"].casefold(), row["doc_id"])
    for citation in citations:
        citation["link"] = known.get((citation["number"] or "").casefold()) if citation["number"] else None
    tables: dict[Any, dict] = {}
    for row in dataset.read_rows(doc_id, "table_rows"):
        cells = json.loads(row["cells_json"] or "{}")
        table = tables.setdefault(row["table_no"], {"table_no": row["table_no"], "columns": [], "rows": []})
        for column in cells:
            if column not in table["columns"]:
                table["columns"].append(column)
        table["rows"].append({**row, "cells": cells})
    statuses = {r["correction_id"]: r for r in dataset.read_rows(doc_id, "correction_status")}
    corrections = []
    for c in corrections_for(dataset, doc_id):
        status = statuses.get(c["correction_id"])
        corrections.append({**c, "status": status["status"] if status else "unapplied",
                            "detail": status["detail"] if status else "not applied yet"})
    counts = {"quantities": len(dataset.read_rows(doc_id, "quantities")),
              "agencies": len(dataset.read_rows(doc_id, "agencies"))}
    return {"document": document, "tree": build_tree(items), "citations": citations, "tables": list(tables.values()),
            "corrections": corrections, "n_items": len(items), "counts": counts}


def item_view(dataset: Dataset, doc_id: str, item_id: str) -> dict:
    """An item's page: its Doc (from the document's tokens.spacy) rendered, or its stored facts when
    the document was stored without tokens."""
    items = [r for r in dataset.read_rows(doc_id, "items") if r["item_id"] == item_id]
    if not items:
        raise HTTPException(404, "no such item")
    item = items[0]
    document = (dataset.read_rows(doc_id, "documents") or [{}])[0]
    data = dataset.read_tokens(doc_id)
    doc = None
    if data:
        from pipeline.tokens import unpack

        doc = next((d for d in unpack(data) if d._.item_id == item_id), None)
    if doc is None:
        base = item["span_start"] or 0
        marks = [render.Mark(r["span_start"] - base, r["span_end"] - base, kind, unit=r.get("unit"))
                 for kind, rows in _facts_of_item(dataset, doc_id, item_id).items() for r in rows
                 if r.get("span_start") is not None and item["span_start"] is not None]
        return {"item": item, "document": document, "passage": render.highlight(item["text"], marks),
                "words": [], "facts": [], "tokenized": False}
    words = [(t.text, t.tag_) for t in doc if not t.is_space]
    facts = [(s.label_.lower(), s.text, render.fact_tip(s)) for s in doc.spans.get("facts", [])]
    return {"item": item, "document": document, "passage": render.doc_entities(doc), "words": words,
            "facts": facts, "tokenized": True}


def dashboard_data(dataset: Dataset) -> dict:
    targets = _query(dataset, """
        WITH lead AS (
            SELECT doc_id, item_id, normalized,
                   row_number() OVER (PARTITION BY doc_id, item_id ORDER BY role <> 'lead', agency_no) AS n
            FROM agencies)
        SELECT CAST(year(coalesce(i.effective_deadline_end, i.effective_deadline_start)) AS INTEGER) AS year,
               coalesce(l.normalized, '(no agency)') AS agency, count(*) AS n
        FROM quantities q JOIN items i ON i.doc_id = q.doc_id AND i.item_id = q.item_id
        LEFT JOIN lead l ON l.doc_id = q.doc_id AND l.item_id = q.item_id AND l.n = 1
        GROUP BY ALL ORDER BY year NULLS LAST""")
    confidence = _query(dataset, """
        SELECT least(CAST(floor(confidence * 10) AS INTEGER), 9) AS bin, count(*) AS n FROM (
            SELECT confidence FROM items UNION ALL SELECT confidence FROM quantities
            UNION ALL SELECT confidence FROM deadlines WHERE stated UNION ALL SELECT confidence FROM agencies
            UNION ALL SELECT confidence FROM citations) GROUP BY 1 ORDER BY 1""")
    per_day = _query(dataset, "SELECT CAST(processed_at AS DATE) AS day, count(*) AS n FROM documents GROUP BY 1 ORDER BY 1")
    totals = _query(dataset, """SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM items) AS items,
        (SELECT count(*) FROM quantities) AS quantities, (SELECT count(*) FROM corrections) AS corrections""")[0]

    agency_totals: dict[str, int] = {}
    for row in targets:
        agency_totals[row["agency"]] = agency_totals.get(row["agency"], 0) + row["n"]
    top = [name for name, _ in sorted(agency_totals.items(), key=lambda kv: -kv[1])[:6]]
    series = top + (["other"] if len(agency_totals) > len(top) else [])
    by_year: dict[str, dict[str, float]] = {}
    for row in targets:
        label = str(row["year"]) if row["year"] is not None else "no deadline"
        name = row["agency"] if row["agency"] in top else "other"
        by_year.setdefault(label, {})
        by_year[label][name] = by_year[label].get(name, 0) + row["n"]
    bins = {row["bin"]: row["n"] for row in confidence}
    return {
        "totals": totals,
        "targets_chart": render.stacked_bar_chart(list(by_year.items()), series=series,
                                                  title="Targets (quantities) by deadline year and lead agency"),
        "confidence_chart": render.bar_chart([(f"{b / 10:.1f}", bins.get(b, 0)) for b in range(10)],
                                             title="Confidence of extracted facts", color=render.PALETTE[2]),
        "per_day_chart": render.bar_chart([(_fmt(r["day"]), r["n"]) for r in per_day],
                                          title="Documents processed per day", color=render.PALETTE[4]),
    }


def targets_view(dataset: Dataset, doc_id: str | None) -> dict:
    """The /targets page: the source documents with target links, and one of them in full."""
    from markupsafe import Markup

    from pipeline.link.chart import chart
    from pipeline.link.report import target_report

    sources = _query(dataset, """SELECT cited_doc_id AS doc_id, coalesce(any_value(target_number), left(cited_doc_id, 12))
                                 AS number, count(*) AS n FROM target_links GROUP BY 1 ORDER BY 2""")
    current = doc_id if any(s["doc_id"] == doc_id for s in sources) else (sources[0]["doc_id"] if sources else None)
    if current is None:
        return {"sources": sources, "current": None}
    con = dataset.connect()
    try:
        objects = target_report(doc=current, con=con)
    finally:
        con.close()
    reports = sorted({o["report_doc"] for o in objects if o["report_doc"]})
    number = next(s["number"] for s in sources if s["doc_id"] == current)
    links = _query(dataset, "SELECT * FROM target_links WHERE cited_doc_id = ? ORDER BY target_item_id, citing_doc_id, link_no",
                   [current])
    for link in links:
        link["figures"] = json.loads(link["values_json"] or "{}")
    return {
        "sources": sources, "current": current, "target_links": links,
        "document_links": _query(dataset, "SELECT * FROM document_links WHERE cited_doc_id = ? ORDER BY citing_doc_id, link_no",
                                 [current]),
        "chart": Markup(chart(objects, f"{number}: targets, and what {', '.join(reports) or 'no document'} report(s) by year")),
    }


# --------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------
def create_app(home: str | Path = ".", *, threshold: float = REVIEW_THRESHOLD, who: str = "maintainer",
               token: str | None = None, allowed_hosts: tuple[str, ...] | None = None) -> FastAPI:
    """The review site over the dataset of `home`.

    `token`: when given, every request must carry it (``?token=`` once, then a cookie; or the
    ``X-Decree-Token`` header / ``Authorization: Bearer``), else 401. `allowed_hosts`: the Host
    header names accepted (against DNS rebinding); None accepts any.
    """
    settings = Settings(Path(home).resolve(), threshold, who, token, allowed_hosts)
    app = FastAPI(title="decree review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    templates = Jinja2Templates(directory=str(HERE / "templates"))  # .html: autoescape on
    templates.env.autoescape = True
    templates.env.globals["fmt"] = _fmt
    flashes: dict[str, str] = {}
    flash_lock = threading.Lock()

    def dataset() -> Dataset:
        return dataset_at(settings.home)

    def csrf_for(session: str) -> str:
        return hmac.new(settings.secret, b"csrf:" + session.encode(), hashlib.sha256).hexdigest()

    def flash(request: Request, message: str) -> None:
        with flash_lock:
            flashes[request.state.session] = message

    def take_flash(request: Request) -> str | None:
        with flash_lock:
            return flashes.pop(request.state.session, None)

    def page(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
        base = {"csrf": request.state.csrf, "threshold": settings.threshold, "who": settings.who,
                "message": take_flash(request)}
        return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)

    def valid_doc(doc_id: str) -> str:
        if not DOC_ID_RE.fullmatch(doc_id or ""):
            raise HTTPException(404, "no such document")
        if dataset().manifest(doc_id) is None:
            raise HTTPException(404, "no such document")
        return doc_id

    @app.middleware("http")
    async def security(request: Request, call_next):
        # Host: a page on another site must not reach this one through DNS rebinding.
        if settings.allowed_hosts is not None:
            host = (request.headers.get("host") or "").rsplit(":", 1)[0] if not (request.headers.get("host") or "").startswith("[") \
                else (request.headers.get("host") or "").split("]")[0] + "]"
            if host not in settings.allowed_hosts:
                return PlainTextResponse("unknown host", status_code=400)
        if settings.token is not None:
            given = request.query_params.get("token")
            if given is not None:
                if not hmac.compare_digest(given.encode(), settings.token.encode()):
                    return PlainTextResponse("invalid token", status_code=401)
                # Keep it in a cookie and drop it from the address bar (and from Referer headers).
                rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                target = request.url.path + ("?" + urlencode(rest) if rest else "")
                response = RedirectResponse(target, status_code=303)
                response.set_cookie(TOKEN_COOKIE, settings.token, httponly=True, samesite="strict", path="/")
                return _secure(response)
            auth = request.headers.get("authorization", "")
            candidates = [request.cookies.get(TOKEN_COOKIE), request.headers.get(TOKEN_HEADER),
                          auth[7:] if auth.lower().startswith("bearer ") else None]
            if not any(c and hmac.compare_digest(c.encode(), settings.token.encode()) for c in candidates):
                return _secure(PlainTextResponse("a token is required: open the address printed by `decree review`",
                                                 status_code=401))
        session = request.cookies.get(SESSION_COOKIE, "")
        new_session = not re.fullmatch(r"[A-Za-z0-9_-]{32,64}", session)
        if new_session:
            session = secrets.token_urlsafe(32)
        request.state.session = session
        request.state.csrf = csrf_for(session)
        response = await call_next(request)
        if new_session:
            response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", path="/")
        return _secure(response)

    async def read_form(request: Request) -> dict[str, str]:
        """The POSTed form, after the CSRF and origin checks (403 otherwise)."""
        origin = request.headers.get("origin")
        if origin and origin != "null":
            host = request.headers.get("host", "")
            if origin.split("://", 1)[-1] != host:
                raise HTTPException(403, "cross-origin request refused")
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(413, "form too large")
        if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            raise HTTPException(415, "form expected")
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        given = form.get("csrf", "")
        if not request.cookies.get(SESSION_COOKIE) or not hmac.compare_digest(given.encode(), request.state.csrf.encode()):
            raise HTTPException(403, "invalid or missing CSRF token: reload the page and try again")
        return form

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response(status_code=204)

    @app.get("/", include_in_schema=False)
    def index():
        return RedirectResponse("/queue", status_code=303)

    @app.get("/queue", response_class=HTMLResponse)
    def queue(request: Request, i: int = 0):
        ds = dataset()
        entries = queue_entries(ds, settings.threshold)
        i = max(0, min(i, len(entries) - 1)) if entries else 0
        current = entries[i] if entries else None
        detail = entry_detail(ds, current) if current else None
        unapplied = _query(ds, "SELECT count(*) AS n FROM corrections_unapplied")[0]["n"]
        return page(request, "queue.html", {
            "entries": entries, "i": i, "current": current, "detail": detail, "unapplied": unapplied,
            "prev": i - 1 if i > 0 else None, "next": i + 1 if i + 1 < len(entries) else None,
            "recurrences": RECURRENCES, "roles": ROLES, "limit": QUEUE_LIMIT,
        })

    @app.post("/decide")
    async def decide(request: Request):
        form = await read_form(request)
        doc_id = valid_doc(form.get("doc_id", ""))
        item_id, what, action = form.get("item_id", ""), form.get("what", ""), form.get("action", "")
        if not ITEM_ID_RE.fullmatch(item_id) or what not in REVIEWABLE or action not in ("accept", "set", "reject"):
            raise HTTPException(400, "bad request")
        try:
            fact_no = int(form["fact_no"]) if form.get("fact_no") not in (None, "") else None
            index = max(0, int(form.get("i") or 0))
        except ValueError:
            raise HTTPException(400, "bad request") from None
        values = {key: form[key] for key in SETTABLE.get(what, ()) if key in form} if action == "set" else None
        try:
            record_decision(dataset(), who=settings.who, doc_id=doc_id, what=what, item_id=item_id,
                            fact_no=fact_no, action=action, values=values, note=form.get("note") or None)
        except (CorrectionError, DatasetError) as exc:
            flash(request, f"not saved: {exc}")
        else:
            flash(request, {"accept": "accepted", "set": "corrected", "reject": "rejected"}[action]
                  + f" {what} of {item_id}")
        return RedirectResponse(f"/queue?i={index}", status_code=303)

    @app.get("/doc/{doc_id}", response_class=HTMLResponse)
    def document(request: Request, doc_id: str):
        valid_doc(doc_id)
        return page(request, "document.html", {"doc_id": doc_id, **document_view(dataset(), doc_id)})

    @app.get("/doc/{doc_id}/item/{item_id}", response_class=HTMLResponse)
    def item(request: Request, doc_id: str, item_id: str):
        valid_doc(doc_id)
        if not ITEM_ID_RE.fullmatch(item_id):
            raise HTTPException(404, "no such item")
        return page(request, "item.html", {"doc_id": doc_id, **item_view(dataset(), doc_id, item_id)})

    @app.get("/doc/{doc_id}/item/{item_id}/crop.png")
    def crop(doc_id: str, item_id: str, full: int = 0):
        ds = dataset()
        valid_doc(doc_id)
        if not ITEM_ID_RE.fullmatch(item_id):
            raise HTTPException(404, "no such item")
        items = [r for r in ds.read_rows(doc_id, "items") if r["item_id"] == item_id]
        if not items:
            raise HTTPException(404, "no such item")
        item = items[0]
        bbox = None if full or item["bbox_x0"] is None else (item["bbox_x0"], item["bbox_top"], item["bbox_x1"], item["bbox_bottom"])
        pages = {p.number: p for p in ds.read_document(doc_id).pages}
        info = pages.get(item["page"])
        try:
            path = archived_original(settings.home, ds, doc_id)
            data = render_crop(path, item["page"], bbox, (info.width, info.height) if info else (None, None))
        except NoImage as exc:
            raise HTTPException(404, f"no page image: {exc}") from None
        return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})

    @app.get("/dashboard", response_class=HTMLResponse)
    def dashboard(request: Request):
        return page(request, "dashboard.html", dashboard_data(dataset()))

    @app.get("/targets", response_class=HTMLResponse)
    def targets(request: Request, doc: str | None = None):
        return page(request, "targets.html", targets_view(dataset(), doc if DOC_ID_RE.fullmatch(doc or "") else None))

    @app.post("/targets/decide")
    async def decide_link(request: Request):
        from pipeline.link.refresh import record_link_decision

        form = await read_form(request)
        citing, cited = valid_doc(form.get("citing", "")), valid_doc(form.get("cited", ""))
        what, action = form.get("what", ""), form.get("action", "")
        if what not in ("target_link", "document_link") or action not in ("accept", "reject"):
            raise HTTPException(400, "bad request")
        try:
            link_no = int(form.get("link_no", ""))
        except ValueError:
            raise HTTPException(400, "bad request") from None
        try:
            record_link_decision(dataset(), who=settings.who, what=what, citing_doc_id=citing, cited_doc_id=cited,
                                 link_no=link_no, action=action)
        except (CorrectionError, DatasetError) as exc:
            flash(request, f"not saved: {exc}")
        else:
            flash(request, f"{action}ed {what.replace('_', ' ')} {link_no}")
        back = form.get("doc", "")
        return RedirectResponse(f"/targets?doc={back}" if DOC_ID_RE.fullmatch(back) else "/targets", status_code=303)

    @app.get("/corrections", response_class=HTMLResponse)
    def corrections(request: Request):
        ds = dataset()
        rows = _query(ds, """
            SELECT c.*, coalesce(s.status, 'unapplied') AS status, coalesce(s.detail, u.reason) AS detail,
                   s.item_id AS applied_item, s.matched_by, d.file_name
            FROM corrections c
            LEFT JOIN (SELECT doc_id, correction_id, status, detail, item_id, matched_by FROM correction_status
                       UNION ALL SELECT doc_id, correction_id, status, detail, NULL, matched_by FROM link_correction_status) s
                   ON s.doc_id = c.doc_id AND s.correction_id = c.correction_id
            LEFT JOIN corrections_unapplied u ON u.correction_id = c.correction_id
            LEFT JOIN documents d ON d.doc_id = c.doc_id
            ORDER BY (coalesce(s.status, 'unapplied') = 'applied'), c."at" DESC""")
        return page(request, "corrections.html", {"rows": rows})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: HTTPException):
        return _secure(PlainTextResponse(str(exc.detail), status_code=exc.status_code))

    return app


CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")


def _secure(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cache-Control", "no-store")
    return response
