"""The bargaining summary on screen, a page at a time: every item once, in the
summary's order, each with its rank in its section (a section carried over to
the next page says so); the strength on every page, the counts per tier and the
first of the released comments (with a link to them all) on the first."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from core.extensions import db
from organizer import demo, demo_scale
from organizer.accounts import services as accounts
from organizer.bargaining import summary
from organizer.charting.models import BargainingUnit
from organizer.strength import metrics
from surveys import results
from tests.organizer.demands.filling import fill


def _rows(page: str) -> list[tuple[int, str]]:
    """(rank, words) of each item row of a summary page."""
    return [(int(rank), html.unescape(text)) for rank, text in re.findall(
        r'<td class="num" data-label="Rank">(\d+)</td>\s*<th scope="row"><span translate="no">([^<]*)</span><br>',
        page)]


def test_every_item_is_on_one_page_in_the_summarys_order_with_its_rank(app, world, login):
    with app.app_context():
        fill(world.unit_id, 70, password_of=world.organizer)
        built = summary.build(accounts.find_account_by_email(world.steward), db.session.get(BargainingUnit, world.unit_id))
        expected = [(rank, item.demand.text) for section in built.demand_sections
                    for rank, item in enumerate(section.items, 1)]
        expected += [(rank, item.demand.text) for rank, item in enumerate(built.questions, 1)]
    steward = login(app.test_client(), world.steward)
    pages = -(-len(expected) // summary.SUMMARY_PAGE_SIZE)
    assert pages > 1
    seen = []
    for number in range(1, pages + 1):
        page = steward.get(f"/units/{world.unit_id}/summary?page={number}").get_data(as_text=True)
        assert len(_rows(page)) <= summary.SUMMARY_PAGE_SIZE
        seen += _rows(page)
        assert "Strength: " in page
        assert ("Counts per tier" in page) == (number == 1)
        assert ("Comments released from the latest pulse" in page) == (number == 1)
        if number > 1 and _rows(page)[0][0] > 1:
            assert "(continued)" in page, "a section carried over does not say so"
    assert seen == expected
    past = steward.get(f"/units/{world.unit_id}/summary?page=999").get_data(as_text=True)
    assert _rows(past) == expected[(pages - 1) * summary.SUMMARY_PAGE_SIZE:]


def test_a_bad_page_number_is_refused_with_the_reason_and_the_first_page(app, world, login):
    with app.app_context():
        fill(world.unit_id, 4, password_of=world.organizer)
    steward = login(app.test_client(), world.steward)
    for bad in ("0", "-1", "abc", "1.5"):
        response = steward.get(f"/units/{world.unit_id}/summary?page={bad}")
        assert response.status_code == 400, bad
        text = response.get_data(as_text=True)
        assert "Showing the first page" in text and _rows(text), bad


def test_the_first_page_shows_the_first_comments_and_links_to_them_all(app, login, monkeypatch):
    with app.app_context():
        demo_scale.seed_scaled_demo_union(150)  # released pulse rounds with comments
        db.session.commit()
        unit = db.session.scalar(sa.select(BargainingUnit).where(BargainingUnit.name == demo.WAREHOUSE))
        pulse = metrics.unit_strength(unit).pulse
        released = [comment.text for comment in results.released_comments(pulse)]
        unit_id, pulse_id = unit.id, pulse.id
    assert len(released) > 3
    monkeypatch.setattr(summary, "COMMENTS_ON_THE_PAGE", 3)
    steward = login(app.test_client(), "steward@example.org", demo.DEMO_PASSWORD)
    page = steward.get(f"/units/{unit_id}/summary").get_data(as_text=True)
    section = page[page.index("Comments released from the latest pulse"):]
    listed = [html.unescape(text) for text in re.findall(r'<li><span translate="no">([^<]*)</span></li>', section[:section.index("</section>")])]
    assert listed == released[:3]
    assert f'href="/surveys/{pulse_id}/results">Read all {len(released)}' in section
