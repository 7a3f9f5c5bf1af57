"""The brief's pages, its coaching pages and its downloads in Spanish: a member and a coach
who read Spanish meet none of the interface's English words (tests/core/test_i18n.py's
walk, on pages that need a brief and a coach the demo does not have)."""

from __future__ import annotations

import sqlalchemy as sa

from briefs.models import Brief
from core.extensions import db
from tests.briefs.conftest import LINK
from tests.core.test_i18n import _english_in
from tests.organizer.bargaining.pdf_reading import read_pdf


def _in_spanish(client):
    assert client.post("/language", data={"language-language": "es", "language-next": "/"}).status_code == 302
    return client


def test_the_brief_and_its_coaching_in_spanish_show_no_english(app, briefing, login):
    author = _in_spanish(login(app.test_client(), briefing.member))
    coach = _in_spanish(login(app.test_client(), briefing.coach))
    pages = {}
    author.post("/my/briefs/member", data={"walk_away": "Nada por debajo de 21 dólares."})
    pages["the brief"] = author.get("/my/briefs/member")
    made = author.post("/my/briefs/member/coaches")
    pages["the coaching link"] = made
    link = "/coach/" + LINK.search(made.get_data(as_text=True)).group(2)
    pages["the invitation"] = coach.get(link)
    pages["the author accepting"] = author.post(link)
    coach.post(link)
    with app.app_context():
        brief_id = db.session.scalar(sa.select(Brief.id))
    coach.post(f"/briefs/{brief_id}/comments", data={"text": "Empieza por la calefacción."})
    pages["the coach's brief"] = coach.get(f"/briefs/{brief_id}")
    pages["the briefs one coaches"] = coach.get("/my/coaching")
    pages["the brief, with a comment"] = author.get("/my/briefs/member")
    pages["a refused save"] = author.post("/my/briefs/member", data={"walk_away": "x" * 1001})
    found = {}
    for name, response in pages.items():
        html = response.get_data(as_text=True)
        assert 'lang="es"' in html, name
        english = _english_in(html, html=True)
        if english:
            found[name] = english
    assert not found, found
    assert "Prepárate para la reunión" in pages["the brief"].get_data(as_text=True)


def test_the_downloads_in_spanish(app, briefing, login):
    author = _in_spanish(login(app.test_client(), briefing.member))
    author.post("/my/briefs/member", data={"walk_away": "Nada por debajo de 21 dólares."})
    md = author.get("/my/briefs/member/brief.md").get_data(as_text=True)
    assert md.startswith("# Plan para la reunión\n")
    for heading in ("## Qué pedir primero", "## Qué puedes ceder", "## Tu límite",
                    "## Los peores casos, con la respuesta preparada", "### Innegociables"):
        assert f"\n{heading}\n" in md, heading
    assert "No quieren negociar" in md and "Nada por debajo de 21 dólares." in md
    text = " ".join(" ".join(read_pdf(author.get("/my/briefs/member/brief.pdf").data).lines).split())
    assert "PLAN PARA LA REUNIÓN" in text and "Tu límite" in text and "Nada por debajo de 21 dólares." in text
    for english in ("What to ask for first", "Your walk-away point", "They won't negotiate", "Dealbreakers"):
        assert english not in md and english not in text
