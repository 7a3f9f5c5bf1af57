"""Languages (docs/translating.md): every marked string has its Spanish, the
compiled catalogue is the one its source says, the language is picked in the
documented order and survives signing in and out, emails go out in the
reader's language, numbers and dates are written the language's way, and the
translated pages, walked in Spanish with the demo logins, show none of the
interface's English words.

To cover a page you have translated, append it to SPANISH_PAGES; to catch an
English word the walk lets through, append it to INTERFACE_TERMS."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import render_template, render_template_string
from flask_babel import force_locale

from candidates import sharing
from candidates.models import Job
from core import i18n, mail
from core.extensions import db
from core.timezones import format_local
from organizer import demo
from organizer.accounts import invitations
from organizer.accounts import services as accounts
from organizer.accounts.models import Invitation, RoleAssignment
from organizer.cards import services as union_cards
from organizer.charting.models import Person
from organizer.demands.models import Demand
from organizer.grievances import services as grievance_services
from organizer.notifications import services as notifications
from organizer.notifications.models import SurveyEvent
from organizer.roles import Role
from organizer.unit_surveys import pay as unit_pay
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box, definitions, results
from surveys.models import KeyMode, SurveyKind
from tests import factories
from tests.organizer.notifications.builders import Outbox
from tests.organizer.escrow import builders as escrow_builders
from tests.organizer.grievances import helpers as grievance_helpers

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "translations"
SPANISH = CATALOGUES / "es" / "LC_MESSAGES"

#: Words and phrases of the interface in English, each of which a Spanish page
#: shows only if someone forgot to mark it. Whole words, any case. Demo data
#: (names, units, departments) stays out of this list: pages mark such text
#: `|untranslated`, and the walk skips it.
INTERFACE_TERMS = [
    "sign in", "sign out", "sign-in", "password", "email", "account", "invitation", "invited", "join",
    "home", "organizing", "union", "unit", "surveys?", "demands?", "steward", "organizer", "member",
    "coworkers?", "trustee", "results", "delete", "change", "save", "create", "repeat", "current", "new",
    "skip to content", "your", "the", "and", "with", "not", "page", "back", "only", "never",
    "encrypted", "sealed", "leverage keeps", "anonymous", "attempts", "minutes", "try again", "language",
    # organizing: the chart, its import and export, strength, committee, settings
    "spreadsheet", "import(ed|ing)?", "download(ed)?", "rows?", "columns?", "strength", "tier", "structure tests?",
    "rally", "petition", "gear day", "strike", "settings", "floors?", "time zone", "audit log", "invite",
    "invitations", "revoke", "expired", "pending", "filter", "clear", "supporter", "undecided", "opposed",
    "leaning against", "not yet assessed", "bargaining units?", "units", "members", "manage", "rename", "remove",
    "name", "notes", "phone", "per page", "temperature check", "target", "held on", "took part", "evidence",
    "record", "support",
    # surveys, the booth and the key ceremony
    "written in", "wording", "introduction", "strongly (dis)?agree", "willing",
    "ballots?", "tracker", "fingerprints?", "receipts?", "lock(ed|ing)?", "unlock", "decrypt(ed|s)?", "draft",
    "launch(ed)?", "rounds?", "threshold", "breakdowns?", "participation", "answers?", "answered", "questions?",
    "closes", "withheld", "can't say", "yes", "likely between", "booth",
    # the key ceremony and trustees
    "passphrases?", "ceremony", "ceremonies", "pieces?", "trustees", "device", "dealt", "key", "browser", "step",
    # home, demands, cards, conversations, the steward's pages, the summary
    # demands, cards and the summary
    "dealbreaker", "nice to have", "curious", "backing", "claims?", "endorse(ment|ments)?", "employer",
    "bargaining", "summary", "score", "raised by", "cards?", "signature", "withdraw(n)?", "paper", "legal name",
    "exports?", "combined", "leverage profile", "prepare", "versions?", "words", "item", "rank", "kind",
    # home, conversations and the steward's pages
    "follow-ups?", "one-on-ones?", "conversations?", "overdue", "due", "spoken", "next step", "welcome",
    "headcount", "density", "committee", "chart", "departments?", "shifts?", "assessment", "signed",
    # the negotiation brief
    "brief", "coach(es|ing)?", "walk-away", "worst cases?", "give up",
    # a job search and its card, signing up
    "job( search)?", "experience", "requirements?", "preferences?", "looking", "offers?", "skills?", "link",
    "map(ped)?", "sign up", "candidate", "precondition",
    # reports of problems at work
    "reports?", "reported", "grievances?", "deadlines?", "arbitration", "investigating", "problems?", "places",
]

#: The pages walked in Spanish: who signs in first (a demo login, or None for a
#: visitor) and the page. `{invitation}` is a pending invitation's token.
SPANISH_PAGES: list[tuple[str | None, str]] = [
    (None, "/login"),
    (None, "/invite/{invitation}"),
    (None, "/invite/not-a-real-invitation-token-at-all-xxxxxxxx"),
    (None, "/no-such-page"),
    ("member1@example.org", "/account/password"),
    ("member1@example.org", "/account/delete"),
    ("member1@example.org", "/account/notifications"),
    ("member2@example.org", "/no-such-page"),
    ("steward@example.org", "/account/password"),
    ("organizer@example.org", "/account/password"),
    # organizing: the chart, its import and export, strength, committee, settings
    ("organizer@example.org", "/unions/{union}"),
    ("organizer@example.org", "/units/{survey_unit}/chart"),
    ("organizer@example.org", "/units/{survey_unit}/chart?search=a&membership=yes&per_page=25"),
    ("organizer@example.org", "/units/{survey_unit}/chart?search=no-such-coworker"),
    ("organizer@example.org", "/people/{talked_with}/edit"),
    ("organizer@example.org", "/units/{survey_unit}/people/new"),
    ("organizer@example.org", "/units/{survey_unit}/segments"),
    ("organizer@example.org", "/unions/{union}/settings"),
    ("organizer@example.org", "/units/{survey_unit}/strength"),
    ("organizer@example.org", "/units/{survey_unit}/committee"),
    ("organizer@example.org", "/unions/{union}/invitations"),
    ("organizer@example.org", "/people/{talked_with}/invite"),
    ("organizer@example.org", "/units/{survey_unit}/chart/import"),
    ("organizer@example.org", "/units/{survey_unit}/chart/export"),
    ("organizer@example.org", "/unions/{union}/audit"),
    ("organizer@example.org", "/units/{survey_unit}/audit"),
    ("steward@example.org", "/units/{survey_unit}/audit"),
    ("member1@example.org", "/units/{survey_unit}/chart"),
    # surveys, the booth and the key ceremony
    ("organizer@example.org", "/surveys/{draft_survey}/wording/es"),
    ("member1@example.org", "/my/surveys"),
    ("member1@example.org", "/surveys/{open_survey}/answer"),
    ("member1@example.org", "/surveys/{released_pulse}/answer"),
    ("member1@example.org", "/surveys/{released_pulse}/results"),
    ("member1@example.org", "/surveys/{released_pulse}/receipts"),
    ("steward@example.org", "/my/surveys"),
    ("steward@example.org", "/surveys/{released_pulse}/results"),
    ("organizer@example.org", "/my/surveys"),
    ("organizer@example.org", "/units/{survey_unit}/surveys"),
    ("organizer@example.org", "/surveys/{released_pulse}"),
    ("organizer@example.org", "/surveys/{open_survey}"),
    ("organizer@example.org", "/surveys/{draft_survey}"),
    # the key ceremony and trustees
    ("organizer@example.org", "/unions/{union}/survey-key"),
    ("organizer@example.org", "/survey-key/{ceremony}"),
    ("steward2@example.org", "/survey-key/{ceremony}"),
    ("organizer@example.org", "/surveys/{draft_survey}/launch"),
    ("organizer@example.org", "/surveys/{trustee_draft}/launch"),
    ("organizer@example.org", "/surveys/{unkeyed_draft}/launch"),
    ("steward@example.org", "/surveys/{trustee_closed}/decrypt"),
    ("steward@example.org", "/trustee/key"),
    # home, demands, cards, conversations, the steward's pages, the summary
    # demands, cards and the summary
    ("member2@example.org", "/my/demands"),
    ("member2@example.org", "/my/demands/new"),
    ("member2@example.org", "/demands/{demand}/edit"),
    ("member2@example.org", "/my/profile"),
    ("member2@example.org", "/my/card"),
    ("member7@example.org", "/my/card"),
    ("member7@example.org", "/cards/{card}/withdraw"),
    ("steward@example.org", "/units/{survey_unit}/demands"),
    ("steward@example.org", "/units/{survey_unit}/demands?kind=question&answer=no_answer"),
    ("steward@example.org", "/demands/{demand}/same-as"),
    ("steward@example.org", "/units/{survey_unit}/summary"),
    ("steward@example.org", "/units/{survey_unit}/summary.pdf"),
    ("organizer@example.org", "/units/{survey_unit}/demands"),
    ("organizer@example.org", "/units/{survey_unit}/endorsements"),
    ("organizer@example.org", "/unions/{union}/cards"),
    ("organizer@example.org", "/unions/{union}/cards/words"),
    ("organizer@example.org", "/units/{survey_unit}/cards"),
    ("organizer@example.org", "/units/{card_unit}/cards?search=a"),
    ("organizer@example.org", "/people/{talked_with}/paper-card"),
    ("organizer@example.org", "/units/{card_unit}/cards/export/pdf"),
    ("organizer@example.org", "/units/{card_unit}/cards/export/csv"),
    # home, conversations and the steward's pages
    ("organizer@example.org", "/"),
    ("steward@example.org", "/"),
    ("steward2@example.org", "/"),
    ("member1@example.org", "/"),
    ("member2@example.org", "/"),
    ("steward@example.org", "/steward/units/{survey_unit}"),
    ("organizer@example.org", "/units/{survey_unit}/conversations"),
    ("organizer@example.org", "/units/{survey_unit}/conversations?search=a"),
    ("member1@example.org", "/units/{survey_unit}/conversations"),
    ("organizer@example.org", "/people/{talked_with}/conversations"),
    ("organizer@example.org", "/people/{talked_with}/conversations/new"),
    ("organizer@example.org", "/people/{talked_with}/follow-ups/new"),
    # rank questions and the question bank: a bargaining survey's preview, its answer page, its results
    ("organizer@example.org", "/surveys/{bank_draft}/launch"),
    ("member1@example.org", "/surveys/{bank_open}/answer"),
    ("member1@example.org", "/surveys/{bank_released}/results"),
    ("organizer@example.org", "/surveys/{bank_released}/results"),
    # stories in escrow: the archive, writing one, a locked one, an open one (its author, a reader,
    # someone it is not for), the trustee's page (due, not yet, done) and the home page that leads there
    ("member1@example.org", "/unions/{union}/stories"),
    ("member1@example.org", "/unions/{union}/stories/new"),
    ("member1@example.org", "/stories/{sealed_story}"),
    ("member1@example.org", "/stories/{opened_story}"),
    ("member2@example.org", "/stories/{opened_story}"),
    ("member7@example.org", "/stories/{opened_story}"),
    ("organizer@example.org", "/unions/{union}/stories"),
    ("organizer@example.org", "/unions/{union}/stories/new"),
    ("steward@example.org", "/stories/{due_story}/open"),
    ("steward@example.org", "/stories/{sealed_story}/open"),
    ("steward2@example.org", "/stories/{opened_story}/open"),
    # the negotiation brief: a member's own, with their demands; the briefs one coaches (none yet)
    # (the coach's pages are walked in Spanish in tests/briefs/test_brief_spanish.py)
    ("member2@example.org", "/my/briefs/member"),
    ("member2@example.org", "/my/coaching"),
    # a job search and its card: the demo candidate's pages, the card as its employer opens it (and a
    # stale link), signing up (and a broken sign-up link), a member's job search not started yet
    ("candidate@example.org", "/candidate"),
    ("candidate@example.org", "/candidate/experiences"),
    ("candidate@example.org", "/candidate/questions"),
    ("candidate@example.org", "/candidate/jobs"),
    ("candidate@example.org", "/candidate/jobs/{candidate_job}"),
    ("candidate@example.org", "/candidate/jobs/{candidate_job}/card"),
    (None, "/candidate-card/{card_link}"),
    (None, "/candidate-card/{card_link}?need={candidate_requirement}"),
    (None, "/candidate-card/not-a-real-card-link-at-all-xxxxxxxxxxxxxxxxxx"),
    (None, "/sign-up"),
    (None, "/sign-up/1.2.3"),
    ("member1@example.org", "/candidate"),
    # pay surveys: setting one up, a standard one's draft and launch page, the demo's released one, a
    # member's own role (their pay demand's pay is on /my/demands above, a steward's on the unit's demands)
    ("organizer@example.org", "/units/{survey_unit}/surveys/pay"),
    ("organizer@example.org", "/surveys/{pay_draft}"),
    ("organizer@example.org", "/surveys/{pay_draft}/launch"),
    ("member1@example.org", "/surveys/{pay_released}/results"),
    ("member2@example.org", "/my/role"),
    # reports of problems at work: a member's reports, the report form and one report; the steward's key,
    # the unit's reports and one report; the organizers' rules (the counts are on the strength page above)
    ("member1@example.org", "/my/reports"),
    ("member1@example.org", "/my/reports/new"),
    ("member1@example.org", "/my/reports/{report}"),
    ("steward@example.org", "/steward/report-key"),
    ("steward2@example.org", "/steward/report-key"),
    ("steward@example.org", "/units/{survey_unit}/grievances"),
    ("steward@example.org", "/grievances/{report}"),
    ("organizer@example.org", "/unions/{union}/grievance-rules"),
]

#: The attributes whose words a person meets (read aloud, shown on hover, in a field).
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


# -- the catalogue ------------------------------------------------------------------------------------


def _makefile_keywords() -> dict[str, tuple[int, ...] | None]:
    """The extra keywords `make translations` extracts, read from its command line."""
    [command] = [line for line in (ROOT / "Makefile").read_text().replace("\\\n", " ").splitlines()
                 if "pybabel extract" in line]
    words = shlex.split(command)
    keywords: dict[str, tuple[int, ...] | None] = {}
    for flag, value in zip(words, words[1:]):
        if flag == "-k":
            name, _, spec = value.partition(":")
            keywords[name] = tuple(int(n) for n in spec.split(",")) if spec else None
    return keywords


def _extracted() -> set[str | tuple[str, ...]]:
    """Every message the source marks today, extracted as `make translations` does."""
    from babel.messages.extract import DEFAULT_KEYWORDS

    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, **_makefile_keywords()}
    # As the Makefile's --ignore-dirs: Babel's default would also skip templates/_macros.
    def walked(path: str) -> bool:
        return not (Path(path).name.startswith(".") or Path(path).name == "__pycache__")
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords,
                                                directory_filter=walked):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def _spanish_catalogue():
    with open(SPANISH / "messages.po", "rb") as po:
        return read_po(po)


def _untranslated(marked: set, catalogue) -> list[str]:
    """The marked messages without a Spanish translation in every plural form, or fuzzy."""
    problems = []
    for message_id in sorted(marked, key=str):
        entry = catalogue.get(message_id)
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or entry.fuzzy or not strings or not all(strings):
            problems.append(str(message_id))
    return problems


def test_the_keywords_of_make_translations_are_read():
    assert _makefile_keywords() == {"lazy_gettext": None, "lazy_ngettext": (1, 2)}


def test_every_marked_message_has_its_spanish():
    marked = _extracted()
    assert len(marked) > 100, "extraction found the marked strings"
    missing = _untranslated(marked, _spanish_catalogue())
    assert not missing, ("translate these in translations/es/LC_MESSAGES/messages.po "
                         "(run `make translations` first):\n" + "\n".join(missing))


def test_the_catalogue_holds_no_empty_or_fuzzy_entry():
    catalogue = _spanish_catalogue()
    entries = [entry for entry in catalogue if entry.id]
    assert entries
    bad = [str(entry.id) for entry in entries if entry.fuzzy or not all(
        entry.string if isinstance(entry.string, tuple) else (entry.string,))]
    assert not bad, "empty or fuzzy: " + "; ".join(bad)
    assert not catalogue.fuzzy, "a catalogue whose header is fuzzy is not compiled at all"


def test_the_check_sees_a_missing_an_empty_and_a_fuzzy_translation():
    catalogue = _spanish_catalogue()
    catalogue.add("A string nobody translated")
    catalogue.add("A string half translated", string="", flags=())
    catalogue.add("A guess", string="Una adivinanza", flags=("fuzzy",))
    marked = {"Sign in", "A string nobody translated", "A string half translated", "A guess", "Never extracted"}
    assert _untranslated(marked, catalogue) == ["A guess", "A string half translated", "A string nobody translated",
                                                "Never extracted"]


def _as_tuple(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_compiled_catalogue_is_its_source_compiled():
    source = {_as_tuple(entry.id): _as_tuple(entry.string) for entry in _spanish_catalogue() if entry.id}
    with open(SPANISH / "messages.mo", "rb") as mo:
        compiled = {_as_tuple(entry.id): _as_tuple(entry.string) for entry in read_mo(mo) if entry.id}
    assert compiled == source, "run `make translations`: messages.mo is older than messages.po"


# -- which language ---------------------------------------------------------------------------------


def _language_of(response) -> str:
    found = re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))
    assert found, "the page names its language"
    return found.group(1)


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "en"), ("es", "es"), ("es-MX,es;q=0.9", "es"), ("fr-FR,fr;q=0.9", "en"),
    ("fr;q=1,es;q=0.5,en;q=0.3", "es"), ("en-US,en;q=0.9,es;q=0.8", "en"),
])
def test_a_visitor_who_chose_nothing_reads_the_browsers_language(app, accept, expected):
    headers = {"Accept-Language": accept} if accept else {}
    response = app.test_client().get("/login", headers=headers)
    assert _language_of(response) == expected
    assert {"en": "<h1>Sign in</h1>", "es": "<h1>Iniciar sesión</h1>"}[expected] in response.get_data(as_text=True)


def _switch(client, language: str, back_to: str = "/login"):
    return client.post("/language", data={"language-language": language, "language-next": back_to})


def test_a_visitors_choice_beats_the_browsers_language(app):
    client = app.test_client()
    response = _switch(client, "es", "/login?next=/account/password")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/account/password"
    assert _language_of(client.get("/login", headers={"Accept-Language": "en"})) == "es"
    _switch(client, "en")
    assert _language_of(client.get("/login", headers={"Accept-Language": "es"})) == "en"


def test_the_switch_refuses_an_unknown_language_and_a_foreign_return_address(app):
    client = app.test_client()
    assert client.post("/language", data={"language-language": "xx"}).status_code == 400
    assert _language_of(client.get("/login")) == "en"
    response = _switch(client, "es", "https://elsewhere.example/")
    assert response.headers["Location"] == "/", "only a path on this site"


def test_the_switch_needs_its_csrf_token(app, csrf_on):
    client = app.test_client()
    assert _switch(client, "es").status_code == 400
    assert _language_of(client.get("/login")) == "en"
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="language-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/language", data={"language-csrf_token": token, "language-language": "es",
                                               "language-next": "/login"})
    assert response.status_code == 302 and _language_of(client.get("/login")) == "es"


def _saved_language(app, email: str) -> str | None:
    with app.app_context():
        language = accounts.find_account_by_email(email).language
        db.session.remove()
    return language


def _save_language(app, email: str, language: str | None) -> None:
    with app.app_context():
        accounts.find_account_by_email(email).language = language
        db.session.commit()


def test_a_page_switched_to_spanish_stays_spanish_after_sign_in_and_the_choice_is_saved(app, world, login):
    client = app.test_client()
    _switch(client, "es")
    assert _language_of(client.get("/login")) == "es"
    login(client, world.member)
    home = client.get("/", headers={"Accept-Language": "en"})
    assert _language_of(home) == "es" and "Cerrar sesión" in home.get_data(as_text=True)
    assert _saved_language(app, world.member) == "es"
    # A browser that never chose reads the account's language too.
    elsewhere = login(app.test_client(), world.member)
    assert _language_of(elsewhere.get("/account/password", headers={"Accept-Language": "en"})) == "es"
    # Signing out keeps the sign-in page in it.
    signed_out = client.post("/logout", follow_redirects=True)
    assert _language_of(signed_out) == "es" and "Cerraste tu sesión." in signed_out.get_data(as_text=True)


def test_the_accounts_language_beats_the_browsers_and_a_language_left_on_a_shared_computer(app, world, login):
    _save_language(app, world.member, "es")
    shared = app.test_client()
    login(shared, world.member)
    assert _language_of(shared.get("/", headers={"Accept-Language": "en"})) == "es"
    shared.post("/logout")
    assert _language_of(shared.get("/login", headers={"Accept-Language": "en"})) == "es", "kept after sign-out"
    # The next person on that computer has no language saved: theirs is their browser's,
    # not the one the member before them left behind, and it is what their account keeps.
    login(shared, world.steward)
    assert _language_of(shared.get("/", headers={"Accept-Language": "en"})) == "en"
    assert _saved_language(app, world.steward) == "en"
    assert _saved_language(app, world.member) == "es"


def test_a_signed_in_switch_saves_on_the_account(app, world, login):
    client = login(app.test_client(), world.organizer)
    assert _saved_language(app, world.organizer) == "en"
    _switch(client, "es", "/account/password")
    assert _saved_language(app, world.organizer) == "es"
    assert _language_of(client.get("/account/password")) == "es"


def test_accepting_an_invitation_in_spanish_makes_a_spanish_account(app, world):
    with app.app_context():
        person = db.session.get(Person, world.person_id)
        _, token = invitations.invite(accounts.find_account_by_email(world.organizer), person, Role.MEMBER)
        db.session.commit()
    client = app.test_client()
    page = client.get(f"/invite/{token}", headers={"Accept-Language": "es-US"})
    assert _language_of(page) == "es" and "Crear mi cuenta" in page.get_data(as_text=True)
    accepted = client.post(f"/invite/{token}", headers={"Accept-Language": "es-US"}, follow_redirects=True, data={
        "display_name": "Jordan", "email": "jordan.home@example.net", "password": factories.PASSWORD,
        "confirm": factories.PASSWORD})
    assert "Te damos la bienvenida a Leverage." in accepted.get_data(as_text=True)
    assert _saved_language(app, "jordan.home@example.net") == "es"


def test_the_saved_language_is_sealed_and_its_absence_too(app, world, login):
    _save_language(app, world.member, "es")
    with app.app_context():
        rows = dict(db.session.execute(sa.text("SELECT id, language FROM accounts")).all())
        member = accounts.find_account_by_email(world.member).id
        db.session.remove()
    assert b"es      " not in bytes(rows[member]), "no language in the clear"
    assert len({len(bytes(raw)) for raw in rows.values()}) == 1, "a chosen language is as long as none"


# -- words from services, enums, forms -----------------------------------------------------------------


def test_a_services_refusal_reads_in_the_language_of_the_request(app, world, login):
    client = login(app.test_client(), world.member)
    _switch(client, "es", "/account/password")
    response = client.post("/account/password", data={"current_password": "wrong wrong wrong",
                                                      "new_password": "x", "confirm": "x"})
    assert response.status_code == 400
    assert "Tu contraseña actual no es correcta." in response.get_data(as_text=True)


def test_outside_a_request_refusals_and_labels_are_english(app, runner):
    result = runner.invoke(args=["create-organizer", "--union", "U", "--email", "a@example.org",
                                 "--display-name", "A", "--password", "short"])
    assert result.exit_code != 0 and "Use between 10 and 128 characters" in result.output
    assert str(Role.STEWARD.label) == "Steward"


def test_a_labelled_enum_keeps_its_value_and_reads_in_each_language(app):
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert (Role.STEWARD.value, str(Role.STEWARD.label)) == ("steward", "Delegado/a")
        with force_locale("en"):
            assert str(Role.STEWARD.label) == "Steward"
        assert render_template_string("{{ role.label }}", role=Role.MEMBER) == "Miembro"


# -- emails ---------------------------------------------------------------------------------------------


@pytest.fixture
def outbox(app) -> Outbox:
    return Outbox(app)


def test_each_account_gets_its_notice_in_its_own_language(app, world):
    with app.app_context():
        spanish, english, unset = (accounts.find_account_by_email(e) for e in (world.member, world.steward,
                                                                               world.organizer))
        spanish.language, english.language, unset.language = "es", "en", None
        for account in (spanish, english, unset):
            account.wants_email = True
        letters = {letter.to: letter for letter in notifications.letters_for(
            [spanish, english, unset], SurveyEvent.OPENED)}
        db.session.rollback()
    assert letters[world.member].subject == "Tienes algo pendiente en Leverage"
    assert "Hay una encuesta abierta para ti." in letters[world.member].body
    assert _english_in(letters[world.member].body) == []
    for address in (world.steward, world.organizer):
        assert letters[address].subject == "Something is waiting for you in Leverage"
        assert "A survey is open for you." in " ".join(letters[address].body.split())


def test_an_invitation_emailed_in_spanish_is_in_spanish_with_a_spanish_date(app, world, login, outbox):
    client = login(app.test_client(), world.organizer)
    response = client.post(f"/people/{world.person_id}/invite", data={
        "role": "member", "email": "jordan.at.home@example.net", "language": "es"})
    assert response.status_code == 200
    [message] = outbox.to("jordan.at.home@example.net")
    body = message.get_content()
    with app.app_context():
        invitation = db.session.scalar(sa.select(Invitation))
        with force_locale("es"):
            spanish_day = i18n.format_day(invitation.expires_at.date())
    assert message["Subject"] == "Tu invitación a Leverage"
    assert "Te invitan a crear una cuenta en Leverage." in " ".join(body.split())
    assert f"hasta el {spanish_day}:" in " ".join(body.split())
    assert _english_in(body) == []


def test_an_invitation_emailed_without_a_language_is_in_the_organizers(app, world, login, outbox):
    client = login(app.test_client(), world.organizer)
    client.post(f"/people/{world.person_id}/invite", data={"role": "member", "email": "jordan.at.home@example.net"})
    [message] = outbox.to("jordan.at.home@example.net")
    assert message["Subject"] == "Your invitation to Leverage"


# -- numbers and dates ----------------------------------------------------------------------------------

FIGURES = ("{{ 10000|number }} | {{ 0.425|percent }} | {{ 0.5|decimal(2) }} | {{ day|day }} | "
           "{{ moment|local_time('America/New_York') }}")


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "10,000 | 42% | 0.50 | 3 Sep 2026 | Fri 11 Dec 2026, 17:00 EST"),
    ("es", "10.000 | 42\u00a0% | 0,50 | 3 sept 2026 | vie 11 dic 2026, 17:00 EST"),
])
def test_numbers_percentages_and_dates_are_written_the_languages_way(app, language, expected):
    with app.test_request_context(headers={"Accept-Language": language}):
        shown = render_template_string(FIGURES, day=date(2026, 9, 3), moment=datetime(2026, 12, 11, 22, 0))
        assert shown == expected
        assert format_local(datetime(2026, 12, 11, 22, 0), "America/New_York") == expected.split(" | ")[-1]


def test_untranslated_text_is_escaped_and_marked(app):
    with app.test_request_context():
        assert (render_template_string("{{ name|untranslated }}", name="<Ana & Bo>")
                == '<span translate="no">&lt;Ana &amp; Bo&gt;</span>')


# -- the walk: translated pages in Spanish hold none of the interface's English ---------------------------


class _ReadableText(HTMLParser):
    """The words of a page a person reads: text (the title's included) and the
    READ_ATTRIBUTES, outside scripts, styles and anything marked translate="no"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._skipping or tag in ("script", "style") or attributes.get("translate") == "no":
            if tag not in _VOID:
                self._skipping.append(tag)
            return
        self.words += [attributes[name] for name in READ_ATTRIBUTES if attributes.get(name)]
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.words.append(attributes["value"])

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping:
            self.words.append(data)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_TERMS = [re.compile(rf"(?<![\w-]){term}(?![\w-])", re.IGNORECASE) for term in INTERFACE_TERMS]


_LINK = re.compile(r"\S+://\S+")


def _english_in(text: str, *, html: bool = False) -> list[str]:
    """The INTERFACE_TERMS found in a page (html) or a plain text (an email), links left out."""
    if html:
        reader = _ReadableText()
        reader.feed(text)
        text = " ".join(reader.words)
    text = " ".join(_LINK.sub(" ", text).split())
    return sorted({found.group(0) for term in _TERMS for found in term.finditer(text)})


def test_the_walk_sees_english_and_passes_over_what_is_marked_untranslated():
    page = ('<html lang="es"><title>Sign in</title><body><p>Hola <span translate="no">Union Hall '
            '<b>steward</b></span></p><input type="submit" value="Save"><a title="Your account">x</a>'
            '<script>var password;</script><p>Miembro, organizador/a, reunión</p></body></html>')
    assert _english_in(page, html=True) == ["Save", "Sign in", "Your", "account"]


@dataclass(frozen=True)
class DemoPlaces:
    """What the walked pages' placeholders stand for in the seeded demo union."""

    invitation: str
    #: The warehouse, whose surveys the walk reads; the last released round of its pulse; a
    #: round of the pulse open for the demo's members (as the demo's third round is), and a draft.
    survey_unit: int = 0
    released_pulse: int = 0
    open_survey: int = 0
    draft_survey: int = 0
    #: A coworker of the warehouse the demo organizer has talked with (its first one-on-one).
    talked_with: int = 0
    #: The demo union: its dashboard, settings, invitations and audit log.
    union: int = 0
    #: Demands, cards and the summary: Lena's first demand; a union card signed in the drivers' unit.
    demand: int = 0
    card: int = 0
    card_unit: int = 0
    #: The key ceremony and trustees: the demo's survey key; a trustee draft that will use it; a
    #: trustee draft in a unit of a union without one; a closed trustee survey waiting for its trustees.
    ceremony: int = 0
    trustee_draft: int = 0
    unkeyed_draft: int = 0
    trustee_closed: int = 0
    #: Stories in escrow of the warehouse: one locked, one due (for its trustees), one open.
    sealed_story: int = 0
    due_story: int = 0
    opened_story: int = 0
    #: Rank questions and the question bank: the standard bargaining survey as a draft, open, and released.
    bank_draft: int = 0
    bank_open: int = 0
    bank_released: int = 0
    #: A job search: the demo candidate's job, its first requirement, and a fresh link to its card.
    candidate_job: int = 0
    candidate_requirement: int = 0
    card_link: str = ""
    #: Pay surveys: the demo's released pay survey, and a standard one's draft started in Spanish.
    pay_released: int = 0
    pay_draft: int = 0
    #: Reports of problems at work: one member1 sent to the warehouse's steward, answered and taken a step.
    report: str = ""


@pytest.fixture
def demo_places(app) -> DemoPlaces:
    with app.app_context():
        union = demo.seed_demo_union()
        organizer = accounts.find_account_by_email(demo.DEMO_LOGINS[0][0])
        warehouse = next(unit for unit in union.units if unit.name == demo.WAREHOUSE)
        uninvited = factories.create_person(warehouse, "Sam Uninvited")
        _, token = invitations.invite(organizer, uninvited, Role.MEMBER)
        pulse = definitions.SurveySettings(kind=SurveyKind.PULSE, title="Warehouse pulse", key_mode=KeyMode.SERVER_KEY,
                                           release_threshold=union.floor_for(SurveyKind.PULSE))
        open_survey = unit_surveys.create(organizer, warehouse, pulse, standard_questions=True)
        unit_surveys.launch_for_unit(organizer, open_survey)
        draft = unit_surveys.create(organizer, warehouse, pulse, standard_questions=True)
        released_pulse = results.latest_released(unit_surveys.unit_scope(warehouse), SurveyKind.PULSE).survey
        places = DemoPlaces(invitation=token, survey_unit=warehouse.id, released_pulse=released_pulse.id,
                            open_survey=open_survey.id, draft_survey=draft.id)
        places = replace(places, talked_with=db.session.scalar(
            sa.select(sa.func.min(Person.id)).where(Person.unit_id == warehouse.id)))
        places = replace(places, union=union.id)
        places = replace(places, **_demand_and_card_places(union, organizer))
        places = replace(places, **_ceremony_places(union, organizer, warehouse))
        places = replace(places, **escrow_builders.spanish_walk_places(union, demo.DEMO_TRUSTEE_PASSPHRASE))
        places = replace(places, **_question_bank_places(organizer, warehouse))
        places = replace(places, **_candidate_places())
        places = replace(places, **_pay_places(organizer, warehouse))
        places = replace(places, **_grievance_places(warehouse))
        db.session.commit()
        db.session.remove()
    return places


def _demand_and_card_places(union, organizer) -> dict[str, int]:
    """Lena's first demand, and the union's card words with a card signed in the drivers' unit (the
    demo has none), so that the card pages a member and an organizer reach have something on them."""
    lena = accounts.find_account_by_email("member2@example.org")
    words = union_cards.set_card_text(organizer, union, "I want Riverside Logistics Workers to represent me.")
    signer = accounts.find_account_by_email("member7@example.org")
    unit = union_cards.member_unit(signer)
    card = union_cards.sign(signer, unit, union_cards.Signature(
        legal_name="Demo Signer", email="demo.signer@example.net", phone="+1 555 0100",
        typed_signature="Demo Signer", text_id=words.id, text_digest=words.digest))
    return {"demand": db.session.scalar(sa.select(sa.func.min(Demand.id)).where(Demand.account_id == lena.id)),
            "card": card.id, "card_unit": unit.id}


def _ceremony_places(union, organizer, warehouse) -> dict[str, int]:
    """The demo's survey key; trustee pulses of the warehouse, a draft and one answered and closed; and
    a trustee draft in a union that has no survey key yet (the launch page says what to do first)."""
    trustee_pulse = definitions.SurveySettings(
        kind=SurveyKind.PULSE, title="Warehouse pulse", key_mode=KeyMode.TRUSTEES,
        release_threshold=union.floor_for(SurveyKind.PULSE), trustee_threshold=2)
    closed = unit_surveys.create(organizer, warehouse, trustee_pulse, standard_questions=True)
    unit_surveys.launch_for_unit(organizer, closed)
    for ref in sorted(unit_surveys.electorate(warehouse).voters):
        ballot_box.cast(closed, ref, {closed.questions[0].id: True, closed.questions[1].id: 4,
                                      closed.questions[2].id: [0], closed.questions[3].id: ""})
    unit_surveys.end_voting(organizer, closed)
    unit_surveys.tally_and_release(organizer, closed)
    elsewhere = factories.create_union("Harbor Workers United")
    demo_organizer_there = RoleAssignment(role=Role.ORGANIZER, union_id=elsewhere.id, account_id=organizer.id)
    db.session.add(demo_organizer_there)
    db.session.flush()
    db.session.expire(organizer)
    unkeyed = unit_surveys.create(organizer, elsewhere.units[0], trustee_pulse, standard_questions=True)
    return {"ceremony": unit_surveys.union_key(union).id,
            "trustee_draft": unit_surveys.create(organizer, warehouse, trustee_pulse, standard_questions=True).id,
            "unkeyed_draft": unkeyed.id, "trustee_closed": closed.id}


def _question_bank_places(organizer, warehouse) -> dict[str, int]:
    """The standard bargaining survey of the warehouse, started by an organizer reading Spanish: a draft;
    one open; one every member answered (a ranking, each scale at 4, no comment), closed and released
    with the server key."""
    with i18n.in_language("es"):
        draft, opened, released = (unit_surveys.start_standard_survey(organizer, warehouse, "bargaining")
                                   for _ in range(3))
    for survey in (opened, released):
        survey.key_mode, survey.trustee_threshold = KeyMode.SERVER_KEY, None
        unit_surveys.launch_for_unit(organizer, survey)
    for number, ref in enumerate(sorted(unit_surveys.electorate(warehouse).voters)):
        ranked, *scales, comment = released.questions
        answers = {ranked.id: [number % 9, (number + 3) % 9], comment.id: ""}
        ballot_box.cast(released, ref, {**answers, **{scale.id: 4 for scale in scales}})
    unit_surveys.end_voting(organizer, released)
    unit_surveys.tally_and_release(organizer, released)
    return {"bank_draft": draft.id, "bank_open": opened.id, "bank_released": released.id}


def _pay_places(organizer, warehouse) -> dict[str, int]:
    """The demo's released pay survey, and the standard pay survey started by an organizer reading Spanish."""
    released = results.latest_released(unit_surveys.unit_scope(warehouse), SurveyKind.PAY).survey
    with i18n.in_language("es"):
        draft = unit_pay.create_standard_pay_survey(organizer, warehouse, "es")
    return {"pay_released": released.id, "pay_draft": draft.id}


def _candidate_places() -> dict[str, object]:
    """The demo candidate's job, and a new link to its card (the seed's token is not kept)."""
    candidate = accounts.find_account_by_email(demo.DEMO_CANDIDATE[0])
    [job] = db.session.scalars(sa.select(Job)).all()
    _, token = sharing.share(candidate, job, 14)
    return {"candidate_job": job.id, "candidate_requirement": job.requirements[0].id, "card_link": token}


def _grievance_places(warehouse) -> dict[str, str]:
    """The warehouse's steward makes a key; member1 reports, is answered, and the report takes a step."""
    steward = accounts.find_account_by_email("steward@example.org")
    grievance_helpers.steward_key(steward)
    grievance = grievance_helpers.file(accounts.find_account_by_email("member1@example.org"), warehouse).grievance
    grievance_helpers.answer(steward, grievance, "Hablamos el martes.")
    grievance_services.move(steward, grievance, grievance_services.StepChange("investigating", None, None))
    return {"report": grievance.public_id}


def test_the_translated_pages_in_spanish_show_no_english(app, demo_places):
    clients: dict[str | None, object] = {}
    found = {}
    for who, page in SPANISH_PAGES:
        if who not in clients:
            client = clients[who] = app.test_client()
            _switch(client, "es")
            if who is not None:
                signed_in = client.post("/login", data={"email": who, "password": demo.DEMO_PASSWORD})
                assert signed_in.status_code == 302, f"{who} signs in"
        response = clients[who].get(page.format(**vars(demo_places)), headers={"Accept-Language": "en"})
        html = response.get_data(as_text=True)
        assert _language_of(response) == "es", page
        english = _english_in(html, html=True)
        if english:
            found[f"{who or 'visitor'} {page}"] = english
    assert not found, "English on Spanish pages (mark the words, or mark names |untranslated):\n" + "\n".join(
        f"{page}: {words}" for page, words in found.items())


def test_the_too_many_attempts_page_is_in_spanish(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_LIMIT", "1 per 15 minutes")
    client = app.test_client()
    _switch(client, "es")
    for _ in range(2):
        response = client.post("/login", data={"email": world.member, "password": "not the password"})
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Demasiados intentos de iniciar sesión" in html and "15 minutos" in html
    assert _english_in(html, html=True) == []


def test_the_emails_templates_in_spanish_show_no_english(app):
    with app.test_request_context(), force_locale("es"):
        for event, template in notifications.TEMPLATES.items():
            body = render_template(template, home=mail.link("/"), settings=mail.link(notifications.SETTINGS_PATH))
            assert _english_in(body) == [], event
