"""The review site shows an item's text with its facts marked from its spaCy Doc, in a real browser.

Playwright driving Debian's Chromium, as tests/test_review_browser.py: the document page's
tree links to the item, whose page renders the item's Doc (tokens.spacy) in displaCy's
entity view; the quantity "3.000 doanh nghiệp" is marked, the script tag in another item
is text, and the strict Content-Security-Policy refuses nothing (no inline styles).
Skipped when /usr/bin/chromium or the `playwright` package is missing.
"""
from __future__ import annotations

import pytest

from pipeline.dataset import Dataset
from pipeline.tokens import tokenize_document
from tests import review_fixtures, review_server
from tests.review_server import CHROMIUM

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed (apt-get install chromium)")


def test_an_item_shows_its_facts_from_its_doc(tmp_path):
    home = tmp_path / "home"
    ids = review_fixtures.build_home(home)
    dataset = Dataset(home)
    plan = dataset.read_document(ids["plan"])
    dataset.write_document(plan, tokens=tokenize_document(plan))  # the fixtures are stored without tokens
    item = next(i for i in plan.items if "3.000 doanh nghiệp" in i.text)
    script = next(i for i in plan.items if "<script>" in i.text)
    with review_server.in_chromium(home) as (base, page, errors):

        page.goto(f"{base}/doc/{ids['plan']}")
        with page.expect_navigation():
            page.click(f"#item-{item.id} > a.path")
        assert page.url.endswith(f"/doc/{ids['plan']}/item/{item.id}")
        mark = page.locator("#item-text .entities mark.ent-quantity")
        assert mark.count() == 1
        assert mark.inner_text().startswith("3.000 doanh nghiệp")
        assert mark.locator(".ent-label").inner_text() == "QUANTITY"
        assert mark.get_attribute("title").startswith("3000 doanh nghiệp")  # the value as read
        assert page.locator("#item-text mark.ent-deadline").count() == 1
        assert page.locator("#item-facts tr.fact-quantity").count() == 1
        assert page.locator("#item-words .word").count() > 5
        # Styled by the site's stylesheet, not inline: the marks have their background.
        background = mark.evaluate("m => getComputedStyle(m).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent")

        page.goto(f"{base}/doc/{ids['plan']}/item/{script.id}")
        assert "<script>alert(1)</script>" in page.locator("#item-text").inner_text()
        assert page.locator("#item-text script").count() == 0

        # A document stored without tokens still shows its item, with the facts from the tables.
        notice = dataset.read_document(ids["notice"])
        other = next(i for i in notice.items if i.quantities)
        page.goto(f"{base}/doc/{ids['notice']}/item/{other.id}")
        assert page.locator("#item-text mark.ent-quantity").count() >= 1
        assert "stored without tokens" in page.locator(".doc-ref").inner_text()
        assert not errors, errors
