"""Every page the demo logins reach fits a 390 px phone and a 1280 px desk, and
passes axe-core with no serious or critical violation.

The demo union is seeded into the test database, with a few additions of this
test's own: a coworker and a demand and a claim each carrying a 120-letter word
with no place to break, an open survey to answer, a draft, and a closed survey
waiting for its trustees. Each role signs in and walks its pages: the ones
named here first (the warehouse's, where the demo data lives), then every link
they lead to, one page of each kind (`/units/3/chart` stands for every chart).
A few pages that only a form leads to are reached through the form: the
invitation link, the page that accepts it, and the receipt after answering.

On every page, at each width: the page is no wider than the window, and no
element reaches past its edge or spills out of its box (tests/e2e/layout_problems.js);
the same again with every menu and form behind a <details> opened; then axe-core
(vendored in tests/e2e/vendor/axe-core). axe is run through `page.evaluate`:
the app's Content-Security-Policy (`script-src 'self'`) refuses the inline
script that `add_script_tag` would insert, and the policy stays on so the pages
are tested as they are served.

LEVERAGE_SCREENSHOTS=<folder> saves a full-page screenshot of each page at both
widths (test-artifacts/issue11/ holds a set)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from core.extensions import db
from organizer import demo
from organizer.accounts import services as accounts
from organizer.ceremony import services as ceremonies
from organizer.charting import people
from organizer.charting.models import BargainingUnit
from organizer.conversations import services as conversations
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, ClaimSection, DemandKind, Tier
from organizer.unit_surveys import services as unit_surveys
from surveys import ballot_box, definitions, tally
from surveys.models import KeyMode, SurveyKind

pytestmark = pytest.mark.e2e

HERE = Path(__file__).resolve().parent
AXE_SOURCE = (HERE / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
LAYOUT_PROBLEMS = (HERE / "layout_problems.js").read_text(encoding="utf-8")
WIDTHS = (390, 1280)
#: 120 letters with no place to break: a name or word like this must break inside its box.
LONG_WORD = "Forklift" * 15

RUN_AXE = """async () => {
  const { violations } = await axe.run(document, { resultTypes: ["violations"] });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")})`);
}"""
OPEN_EVERY_DETAILS = """() => {
  const closed = [...document.querySelectorAll("details:not([open])")];
  closed.forEach((details) => { details.open = true; });
  return closed.length;
}"""
CLOSE_WHAT_WAS_OPENED = """(count) => {
  [...document.querySelectorAll("details[open]")].slice(-count).forEach((details) => { details.open = false; });
}"""


@dataclass(frozen=True)
class DemoWorld:
    """Ids of the seeded demo union's warehouse pages, and of this test's additions."""

    union_id: int
    warehouse_id: int
    long_name_person_id: int
    long_demand_id: int
    released_pulse_id: int
    endorsement_survey_id: int
    open_survey_id: int
    draft_survey_id: int
    trustee_survey_id: int
    ceremony_id: int


@pytest.fixture
def demo_world(app) -> DemoWorld:
    with app.app_context():
        union = demo.seed_demo_union()
        warehouse = db.session.scalars(sa.select(BargainingUnit).where(
            BargainingUnit.union_id == union.id, BargainingUnit.name == "Warehouse associates")).one()
        organizer = accounts.find_account_by_email("organizer@example.org")
        steward = accounts.find_account_by_email("steward@example.org")
        lena = accounts.find_account_by_email("member2@example.org")
        person = people.add_person(organizer, warehouse, people.PersonDetails(
            name=LONG_WORD, department_id=warehouse.departments[0].id, assessment=2, is_member=True,
            card_signed_on=date(2026, 9, 14)))
        day = conversations.union_today(union)
        conversations.record_conversation(organizer, person, conversations.ConversationDetails(
            held_on=day, held_by_id=organizer.id, issues=("pay",), assessment_after=2,
            note=f"Runs the {LONG_WORD} line.", next_step=conversations.NextStep(f"Ask about the {LONG_WORD} rota", organizer.id, day)))
        claim = demands.add_claim(lena, demands.ClaimDetails(
            ClaimSection.PERFORMANCE, f"Kept the {LONG_WORD} running through peak.", 2025))
        demand = demands.create_demand(lena, demands.DemandDetails(
            DemandKind.DEMAND, Tier.IMPORTANT, Basis.PERFORMANCE, Category.PAY,
            f"Will you pay the {LONG_WORD} certification rate? From when?", claim_ids=[claim.id]))
        released = min(s.id for s in _surveys_of(warehouse) if s.kind == SurveyKind.PULSE)
        endorsement = next(s.id for s in _surveys_of(warehouse) if s.kind == SurveyKind.ENDORSEMENT)
        built = DemoWorld(
            union_id=union.id, warehouse_id=warehouse.id, long_name_person_id=person.id, long_demand_id=demand.id,
            released_pulse_id=released, endorsement_survey_id=endorsement,
            open_survey_id=_open_pulse(organizer, warehouse).id,
            draft_survey_id=unit_surveys.create(organizer, warehouse, _settings(
                warehouse, "Strike authorization", kind=SurveyKind.VOTE), standard_questions=True).id,
            trustee_survey_id=_survey_waiting_for_trustees(organizer, warehouse).id,
            ceremony_id=ceremonies.start(organizer, union, [organizer.id, steward.id], 2).id)
        db.session.commit()
        db.session.remove()
    return built


def _surveys_of(unit: BargainingUnit):
    return definitions.surveys_in_scope(unit_surveys.unit_scope(unit))


def _settings(unit: BargainingUnit, title: str, kind=SurveyKind.PULSE, **more) -> definitions.SurveySettings:
    return definitions.SurveySettings(kind=kind, title=title, key_mode=more.pop("key_mode", KeyMode.SERVER_KEY),
                                      release_threshold=unit.union.floor_for(kind),
                                      comment_threshold=unit.union.comment_threshold, **more)


def _open_pulse(organizer, unit: BargainingUnit):
    survey = unit_surveys.create(organizer, unit, _settings(unit, f"Check-in on the {LONG_WORD} line"),
                                 standard_questions=True)
    unit_surveys.launch_for_unit(organizer, survey)
    return survey


def _survey_waiting_for_trustees(organizer, unit: BargainingUnit):
    """Locked with the demo's survey key, closed, answered by the warehouse's members, and waiting for
    its trustees to decrypt."""
    survey = unit_surveys.create(organizer, unit, _settings(
        unit, "Overtime check", key_mode=KeyMode.TRUSTEES, trustee_threshold=2), standard_questions=True)
    unit_surveys.launch_for_unit(organizer, survey)
    yes_no, willing, issues, comment = survey.questions
    for ref in sorted(unit_surveys.electorate(unit).voters):
        ballot_box.cast(survey, ref, {yes_no.id: True, willing.id: 4, issues.id: [0, 1], comment.id: ""})
    tally.close(survey)
    return survey


@dataclass
class Walk:
    """One browser walking pages, gathering every problem it finds with the page it was on."""

    base: str
    screenshots: Path | None
    problems: list[str] = field(default_factory=list)
    visited: dict[str, set[str]] = field(default_factory=dict)
    pages_checked: int = 0

    def check(self, page: Page, who: str, name: str) -> None:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SOURCE)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            where = f"{who}: {name} at {width}px"
            closed = page.evaluate(LAYOUT_PROBLEMS)
            self.report(where, closed)
            if self.screenshots is not None:
                self.screenshot(page, who, name, width)
            opened = page.evaluate(OPEN_EVERY_DETAILS)
            if opened:
                self.report(f"{where}, menus and forms opened",
                            [p for p in page.evaluate(LAYOUT_PROBLEMS) if p not in closed])
                if self.screenshots is not None and (opened > 1 or name == "/"):  # more than the account menu
                    self.screenshot(page, who, name, width, "-opened")
            self.report(where, [f"axe: {v}" for v in page.evaluate(RUN_AXE)])
            if opened:
                page.evaluate(CLOSE_WHAT_WAS_OPENED, opened)
        self.visited.setdefault(who, set()).add(_kind_of(name))
        self.pages_checked += 1

    def report(self, where: str, found: list[str], most: int = 6) -> None:
        """A page's first few problems: enough to see what is wrong without drowning the rest."""
        self.problems += [f"{where}: {p}" for p in found[:most]]
        if len(found) > most:
            self.problems.append(f"{where}: … and {len(found) - most} more")

    def screenshot(self, page: Page, who: str, name: str, width: int, suffix: str = "") -> None:
        folder = self.screenshots / _slug(who)
        folder.mkdir(parents=True, exist_ok=True)
        shot = folder / f"{self.pages_checked:02d}-{_slug(name)}{suffix}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)

    def walk(self, page: Page, who: str, start: list[str]) -> None:
        """The pages named in `start`, then one page of each kind their links lead to
        that no one has been shown yet: pages every role shares are checked once."""
        queue = list(start)
        seen = {kind for kinds in self.visited.values() for kind in kinds} | {_kind_of(path) for path in start}
        while queue:
            path = queue.pop(0)
            response = page.goto(self.base + path)
            if response is None or response.status != 200 or urlsplit(page.url).path != path:
                self.problems.append(f"{who}: {path} answered {response and response.status} at {page.url}")
                continue
            self.check(page, who, path)
            for link in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
                target = urlsplit(urljoin(self.base + path, link))
                if f"{target.scheme}://{target.netloc}" != self.base or not _is_a_page(target.path):
                    continue
                if _kind_of(target.path) not in seen:
                    seen.add(_kind_of(target.path))
                    queue.append(target.path)

    def sign_in(self, browser, email: str) -> Page:
        page = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}).new_page()
        page.goto(self.base + "/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(self.base + "/")
        return page


def _kind_of(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _is_a_page(path: str) -> bool:
    """Pages, not the static files, the summary's downloads or a survey's election record."""
    return not path.startswith("/static/") and not re.search(r"\.(pdf|md|csv|json)$", path)


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


@pytest.fixture
def walk(live_server) -> Iterator[Walk]:
    folder = os.environ.get("LEVERAGE_SCREENSHOTS")
    yield Walk(live_server, Path(folder) if folder else None)


def test_every_page_fits_a_phone_and_passes_axe(browser, walk, demo_world):
    w = demo_world
    warehouse = f"/units/{w.warehouse_id}"
    stranger = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}).new_page()
    stranger.goto(walk.base + "/login")
    walk.check(stranger, "signed out", "/login")

    organizer = walk.sign_in(browser, "organizer@example.org")
    walk.walk(organizer, "organizer", [
        "/", f"/unions/{w.union_id}", f"{warehouse}/chart", f"/people/{w.long_name_person_id}/edit",
        f"{warehouse}/surveys", f"/surveys/{w.released_pulse_id}", f"/surveys/{w.released_pulse_id}/results",
        f"/surveys/{w.endorsement_survey_id}/results", f"/surveys/{w.open_survey_id}", f"/surveys/{w.draft_survey_id}",
        f"/surveys/{w.trustee_survey_id}", f"/surveys/{w.trustee_survey_id}/decrypt", f"{warehouse}/strength",
        f"{warehouse}/demands", f"{warehouse}/summary", f"{warehouse}/endorsements", f"{warehouse}/segments",
        f"{warehouse}/audit", f"/unions/{w.union_id}/settings", f"/unions/{w.union_id}/audit",
        f"/unions/{w.union_id}/survey-key", "/trustee/key",
        f"{warehouse}/conversations", f"/people/{w.long_name_person_id}/conversations",
        f"/people/{w.long_name_person_id}/conversations/new", f"/people/{w.long_name_person_id}/follow-ups/new"])
    organizer.goto(walk.base + f"/people/{w.long_name_person_id}/invite")
    organizer.get_by_label("Role").select_option(value="member")
    organizer.get_by_role("button", name="Make invitation link").click()
    link = organizer.locator("#invite-link").input_value()
    walk.check(organizer, "organizer", "the invitation link")
    organizer.goto(walk.base + f"/unions/{w.union_id}/invitations")
    walk.check(organizer, "organizer", f"/unions/{w.union_id}/invitations, with the invitation")
    stranger.goto(link)
    expect(stranger.get_by_role("button", name="Create my account")).to_be_visible()
    walk.check(stranger, "signed out", "the invitation, followed")

    member = walk.sign_in(browser, "member2@example.org")
    walk.walk(member, "member", [
        "/", "/my/demands", f"/demands/{w.long_demand_id}/edit", "/my/profile", "/my/surveys",
        f"/surveys/{w.open_survey_id}/answer", f"/surveys/{w.released_pulse_id}/results",
        f"/surveys/{w.endorsement_survey_id}/results", f"/surveys/{w.released_pulse_id}/receipts"])
    member.goto(walk.base + f"/surveys/{w.open_survey_id}/answer")
    member.get_by_role("radio", name="Yes").check()
    member.get_by_role("radio", name=re.compile("^4 · Agree")).check()
    member.get_by_role("checkbox", name="Pay").check()
    member.get_by_role("button", name="Lock my answers").click()  # the booth: locked here, its code shown first
    expect(member.get_by_role("button", name="Send my answers")).to_be_visible()
    walk.check(member, "member", "the booth, its code shown")
    member.get_by_role("button", name="Send my answers").click()
    expect(member.get_by_role("heading", name="Your answers are in")).to_be_visible()
    walk.check(member, "member", "the receipt")

    steward = walk.sign_in(browser, "steward@example.org")
    walk.walk(steward, "steward", [
        "/", f"/steward/units/{w.warehouse_id}", f"{warehouse}/demands", f"{warehouse}/summary", "/my/surveys",
        f"/surveys/{w.trustee_survey_id}/decrypt", "/trustee/key", f"{warehouse}/audit", f"/survey-key/{w.ceremony_id}"])

    # The walk went where it must: a broken sign-in or a lost link would shrink it.
    assert {"/unions/N", "/units/N/chart", "/people/N/edit", "/units/N/people/new", "/people/N/invite",
            "/units/N/surveys", "/surveys/N", "/surveys/N/results", "/units/N/strength", "/units/N/demands",
            "/units/N/summary", "/units/N/segments", "/units/N/audit", "/unions/N/settings", "/unions/N/audit",
            "/unions/N/invitations", "/account/password", "/account/delete", "/my/surveys", "/trustee/key",
            "/surveys/N/decrypt", "/surveys/N/receipts", "/units/N/conversations", "/people/N/conversations",
            "/people/N/conversations/new", "/people/N/follow-ups/new", "/unions/N/survey-key"} <= walk.visited["organizer"]
    assert {"/", "/my/demands", "/my/demands/new", "/demands/N/edit", "/my/profile", "/my/surveys",
            "/surveys/N/answer", "/surveys/N/results"} <= walk.visited["member"]
    assert {"/", "/steward/units/N", "/units/N/demands", "/units/N/summary", "/surveys/N/decrypt",
            "/survey-key/N"} <= walk.visited["steward"]
    assert not walk.problems, f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems)


BAD_PAGE = f"""<!doctype html><html lang="en"><head><title>Bad page</title><style>
  .narrow {{ width: 200px; overflow-wrap: normal; }} .wide {{ width: 600px; }}
  .sr-only {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }}
</style></head><body><main>
  <h1>Bad page</h1>
  <p class="narrow" id="unbroken">{LONG_WORD}</p>
  <div class="narrow" id="clipped" style="overflow: hidden"><div class="wide">a clipped column</div></div>
  <div class="narrow" id="unreachable" style="overflow-x: auto"><div class="wide">a table only a mouse can scroll</div></div>
  <div class="narrow" id="reachable" style="overflow-x: auto" tabindex="0" aria-label="Figures">
    <div class="wide">a table the keyboard can scroll</div></div>
  <span class="sr-only" id="hidden">{LONG_WORD}</span>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
</main></body></html>"""


def test_the_checks_find_what_they_look_for(browser):
    """The walk above passes only if its checks can fail: here each one does."""
    page = browser.new_page()
    page.set_content(BAD_PAGE)
    walk = Walk(base="", screenshots=None)
    walk.check(page, "test", "the bad page")
    found = "\n".join(walk.problems)
    assert re.search(r"the bad page at 390px: the page is \d+px wide in a 390px window", found)
    assert "p#unbroken.narrow “ForkliftForklift" in found and "spills out of its box" in found
    assert "div#clipped.narrow “a clipped column” cuts off its content" in found
    assert "div#unreachable.narrow “a table only a mouse can scroll” scrolls sideways but the keyboard cannot reach it" in found
    assert "div.wide “a table only a mouse can scroll” reaches" in found
    assert "div#reachable" not in found and "the keyboard can scroll" not in found, "a focusable scroller is allowed"
    assert "#hidden" not in found, "visually hidden text is left out"
    assert "critical image-alt" in found, "axe ran and its violations are reported"
    assert "at 1280px: axe: critical image-alt" in found, "both widths are checked"
    page.close()
