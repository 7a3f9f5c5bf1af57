"""Builders for the union card tests, and a browser's way through the two signing
screens: the second screen's form is read back from the page (its hidden inputs
carry what the first screen took), then posted as a browser would."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from organizer.accounts.models import Account
from organizer.cards import services
from organizer.cards.models import UnionCard, UnionCardText
from organizer.charting.models import BargainingUnit, Person, Union
from tests.factories import OrganizerOf

WORDS = ("I want Harbor Workers United to represent me in bargaining with Portside Logistics "
         "over pay, hours and working conditions.")

#: A signer's details, each distinctive enough to search a raw database for.
SIGNER = {"legal_name": "Philomena Quartermaine-Obuya", "email": "philomena.obuya@example.net",
          "phone": "+1 555 0142 8831", "typed_signature": "philomena  QUARTERMAINE-obuya"}


def set_words(union: Union, words: str = WORDS) -> UnionCardText:
    return services.set_card_text(OrganizerOf(union), union, words)


def signature(text: UnionCardText, **overrides: str) -> services.Signature:
    details = {**SIGNER, **overrides}
    return services.Signature(text_id=text.id, text_digest=text.digest, **details)


def sign(account: Account, unit: BargainingUnit, text: UnionCardText, **overrides: str) -> UnionCard:
    return services.sign(account, unit, signature(text, **overrides))


def paper_card(organizer, person: Person, text: UnionCardText, *, legal_name: str | None = None,
               signed_on: date = date(2026, 10, 2), email: str | None = "paper.signer@example.net",
               phone: str | None = None) -> UnionCard:
    return services.record_paper_card(organizer, person, services.PaperCard(
        legal_name=legal_name or person.name, signed_on=signed_on, text_id=text.id, email=email, phone=phone))


class _Forms(HTMLParser):
    """Every form of a page: its action and the names and values of its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append((values.get("action") or "", {}))
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1][1][values["name"]] = values.get("value") or ""


def form_on(html: str, action: str) -> dict[str, str]:
    """The inputs of the page's form that posts to `action`."""
    parser = _Forms()
    parser.feed(html)
    found = [inputs for target, inputs in parser.forms if target == action]
    assert found, f"no form posts to {action}"
    return found[0]


def first_screen(client: FlaskClient, **overrides: str) -> TestResponse:
    """Fill the first screen as a browser does: the page's own token and hidden words."""
    page = client.get("/my/card").get_data(as_text=True)
    inputs = form_on(page, "/my/card")
    return client.post("/my/card", data={**inputs, **SIGNER, **overrides})


def sign_over_http(client: FlaskClient, **overrides: str) -> TestResponse:
    """Both screens: the details and the signature, then "I sign this card"."""
    confirm = first_screen(client, **overrides)
    assert confirm.status_code == 200, confirm.get_data(as_text=True)
    inputs = form_on(confirm.get_data(as_text=True), "/my/card/sign")
    return client.post("/my/card/sign", data=inputs)

