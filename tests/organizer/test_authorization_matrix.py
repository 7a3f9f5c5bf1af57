"""Every route of the app against every kind of visitor.

A route added without an entry here fails `test_every_route_is_in_the_matrix`,
so no page ships without someone deciding who may see it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from briefs import services as briefs
from briefs import sources as brief_sources
from core.clock import today
from core.extensions import db
from organizer.accounts import committee, coworkers, invitations
from organizer.accounts import services as accounts
from organizer.accounts.services import account_ref
from organizer.cards import services as union_cards
from organizer.charting.models import BargainingUnit, Person
from organizer.conversations import services as conversations
from organizer.demands import services as demands
from organizer.demands.models import Basis, Category, ClaimSection, DemandKind, Tier
from organizer.grievances import rules as grievance_rules
from organizer.roles import Role
from organizer.strength import structure_tests
from organizer.strength.models import StructureTestKind
from surveys import ceremony, definitions, keys, launch, tally
from surveys.models import KeyMode, QuestionType, SurveyKind
from tests import factories
from tests.candidates.test_authorization_matrix import CANDIDATE_MATRIX
from tests.organizer.escrow import builders as escrow_builders
from tests.organizer.grievances import helpers as grievance_helpers

#: The world's visitors (see tests/conftest.py).
ACTORS = ("anonymous", "member", "steward", "other_organizer", "organizer")
#: ... and a committee member: a member of the world's unit, another than the world's
#: member, named to its organizing committee for the department the world's coworker is in.
MATRIX_ACTORS = (*ACTORS, "committee")
COMMITTEE_EMAIL = "committee@example.org"

# Expected status per actor, in MATRIX_ACTORS order. 302 for anonymous is the redirect to sign in.
# A committee member gets what a steward gets on an organizer's page: 403 (their role is not one it takes).
ORGANIZER_ONLY_GET = (302, 403, 403, 404, 200, 403)
ORGANIZER_ONLY_POST = (302, 403, 403, 404, 302, 403)
# A member's own pages; the committee member is a member of the unit too.
MEMBER_ONLY_GET = (302, 200, 403, 403, 403, 200)
# The world's member is the author of the demand, claims and card the routes name: another
# member of the unit (the committee member) finds none of them.
AUTHOR_ONLY_GET = (302, 200, 403, 403, 403, 404)
AUTHOR_ONLY_POST = (302, 302, 403, 403, 403, 404)
# The chart's own pages: the organizer and the committee member of the coworker's department.
CHARTING_GET = (302, 403, 403, 404, 200, 200)
# One-on-ones ask the policy alone, after sign-in: 404 for everyone it leaves out.
ONE_ON_ONES_GET = (302, 404, 404, 404, 200, 200)
ONE_ON_ONES_POST = (302, 404, 404, 404, 302, 302)

#: endpoint -> (method, url template, expected statuses)
MATRIX: dict[str, tuple[str, str, tuple[int, ...]]] = {
    "static": ("GET", "/static/css/app.css", (200, 200, 200, 200, 200, 200)),
    "home.index": ("GET", "/", (302, 200, 200, 200, 200, 200)),
    "auth.login": ("GET", "/login", (200, 302, 302, 302, 302, 302)),
    "auth.logout": ("POST", "/logout", (302, 302, 302, 302, 302, 302)),
    "auth.change_password": ("GET", "/account/password", (302, 200, 200, 200, 200, 200)),
    "auth.accept_invitation": ("GET", "/invite/{token}", (200, 200, 200, 200, 200, 200)),
    "auth.delete_account": ("GET", "/account/delete", (302, 200, 200, 200, 200, 200)),
    "auth.notification_settings": ("GET", "/account/notifications", (302, 200, 200, 200, 200, 200)),
    # Anyone may switch the language (posted empty here: a 400, nothing changed).
    "auth.choose_language": ("POST", "/language", (400, 400, 400, 400, 400, 400)),
    "organizing.dashboard": ("GET", "/unions/{union_id}", ORGANIZER_ONLY_GET),
    "organizing.create_unit": ("POST", "/unions/{union_id}/units", (302, 403, 403, 404, 400, 403)),
    "organizing.segments": ("GET", "/units/{unit_id}/segments", ORGANIZER_ONLY_GET),
    "organizing.unit_chart": ("GET", "/units/{unit_id}/chart", CHARTING_GET),
    "organizing.add_person": ("GET", "/units/{unit_id}/people/new", CHARTING_GET),
    # The import's later steps carry the file in the form: posted empty, the organizer is sent to start again (400).
    "organizing.import_chart": ("GET", "/units/{unit_id}/chart/import", ORGANIZER_ONLY_GET),
    "organizing.chart_import_columns": ("POST", "/units/{unit_id}/chart/import/columns", (302, 403, 403, 404, 400, 403)),
    "organizing.check_chart_import": ("POST", "/units/{unit_id}/chart/import/check", (302, 403, 403, 404, 400, 403)),
    "organizing.save_chart_import": ("POST", "/units/{unit_id}/chart/import/save", (302, 403, 403, 404, 400, 403)),
    "organizing.export_chart": ("GET", "/units/{unit_id}/chart/export", ORGANIZER_ONLY_GET),
    "organizing.edit_person": ("GET", "/people/{person_id}/edit", CHARTING_GET),
    "organizing.remove_person": ("POST", "/people/{person_id}/remove", ORGANIZER_ONLY_POST),
    "organizing.invite_person": ("GET", "/people/{person_id}/invite", ORGANIZER_ONLY_GET),
    "organizing.union_invitations": ("GET", "/unions/{union_id}/invitations", ORGANIZER_ONLY_GET),
    "organizing.revoke_invitation": ("POST", "/invitations/{invitation_id}/revoke", ORGANIZER_ONLY_POST),
    # The organizing committee is named by organizers only; its members never reach these pages.
    "organizing.unit_committee": ("GET", "/units/{unit_id}/committee", ORGANIZER_ONLY_GET),
    # Posted with no department ticked: the coworker's page again, saying to tick one (400).
    # Both name the world's member (a coworker with an account, not on the committee).
    "organizing.name_to_committee": ("POST", "/people/{member_person_id}/committee", (302, 403, 403, 404, 400, 403)),
    # Refused (they are not on the committee), and back to the committee page.
    "organizing.remove_from_committee": ("POST", "/people/{member_person_id}/committee/remove", ORGANIZER_ONLY_POST),
    "steward.unit": ("GET", "/steward/units/{unit_id}", (302, 403, 200, 403, 403, 403)),
    "surveys_ui.unit_surveys_page": ("GET", "/units/{unit_id}/surveys", ORGANIZER_ONLY_GET),
    "surveys_ui.manage": ("GET", "/surveys/{draft_id}", ORGANIZER_ONLY_GET),
    "surveys_ui.wording": ("GET", "/surveys/{draft_id}/wording/es", ORGANIZER_ONLY_GET),
    "surveys_ui.add_question": ("POST", "/surveys/{draft_id}/questions", (302, 403, 403, 404, 400, 403)),
    "surveys_ui.remove_question": ("POST", "/surveys/{draft_id}/questions/{question_id}/remove",
                                   ORGANIZER_ONLY_POST),
    "surveys_ui.launch": ("POST", "/surveys/{draft_id}/launch", (302, 403, 403, 404, 400, 403)),
    "surveys_ui.use_server_key": ("POST", "/surveys/{draft_id}/server-key", ORGANIZER_ONLY_POST),
    "surveys_ui.close": ("POST", "/surveys/{open_id}/close", ORGANIZER_ONLY_POST),
    "surveys_ui.my_surveys": ("GET", "/my/surveys", (302, 200, 200, 200, 200, 200)),
    # The committee member is a member of the unit but not among this survey's voters (409: not for them).
    "surveys_ui.answer": ("GET", "/surveys/{open_id}/answer", (302, 200, 403, 403, 403, 409)),
    # The booth's JSON endpoints answer JSON to everyone, a signed-out visitor included (401, not a redirect).
    "surveys_ui.submit_encrypted_ballot": ("POST", "/surveys/{open_id}/ballot", (401, 400, 403, 403, 403, 400)),
    "surveys_ui.record_checked_ballot": ("POST", "/surveys/{open_id}/ballot/checked", (401, 400, 403, 403, 403, 400)),
    "surveys_ui.results": ("GET", "/surveys/{released_id}/results", (302, 200, 200, 404, 200, 200)),
    "surveys_ui.receipts": ("GET", "/surveys/{released_id}/receipts", (302, 200, 200, 404, 200, 200)),
    "surveys_ui.election_record": ("GET", "/surveys/{released_id}/record.json", (302, 200, 200, 404, 200, 200)),
    "surveys_ui.trustee_key": ("GET", "/trustee/key", (302, 403, 200, 200, 200, 403)),
    "surveys_ui.decrypt": ("GET", "/surveys/{trustee_survey_id}/decrypt", (302, 403, 200, 404, 404, 403)),
    "organizing.unit_strength": ("GET", "/units/{unit_id}/strength", ORGANIZER_ONLY_GET),
    "organizing.remove_structure_test": ("POST", "/structure-tests/{structure_test_id}/remove", ORGANIZER_ONLY_POST),
    "organizing.set_evidence_window": ("POST", "/units/{unit_id}/strength/window", (302, 403, 403, 404, 400, 403)),
    "organizing.set_temperature_check": ("POST", "/surveys/{released_id}/temperature-check",
                                         (302, 403, 403, 404, 400, 403)),
    "demands.my_demands": ("GET", "/my/demands", MEMBER_ONLY_GET),
    "demands.new_demand": ("GET", "/my/demands/new", MEMBER_ONLY_GET),
    "demands.edit_demand": ("GET", "/demands/{demand_id}/edit", AUTHOR_ONLY_GET),
    "demands.profile": ("GET", "/my/profile", MEMBER_ONLY_GET),
    "demands.unit_demands": ("GET", "/units/{unit_id}/demands", (302, 403, 200, 404, 200, 403)),
    "demands.endorsement_requests": ("GET", "/units/{unit_id}/endorsements", ORGANIZER_ONLY_GET),
    "demands.request_demand_endorsement": ("POST", "/demands/{demand_id}/endorse", AUTHOR_ONLY_POST),
    "demands.request_claim_endorsement": ("POST", "/claims/{claim_id}/endorse", AUTHOR_ONLY_POST),
    "demands.record_response": ("POST", "/demands/{demand_id}/response", (302, 403, 400, 403, 403, 403)),
    "demands.launch_endorsement": ("POST", "/units/{unit_id}/endorsements/launch",
                                   (302, 403, 403, 404, 400, 403)),
    "demands.mark_same_as": ("POST", "/demands/{demand_id}/same-as", (302, 403, 302, 403, 403, 403)),
    "demands.bargaining_summary": ("GET", "/units/{unit_id}/summary", (302, 403, 200, 404, 200, 403)),
    "demands.bargaining_summary_export": ("GET", "/units/{unit_id}/summary.pdf", (302, 403, 200, 404, 200, 403)),
    "demands.prepare_summary_pdf": ("POST", "/units/{unit_id}/summary/prepare-pdf", (302, 403, 302, 404, 302, 403)),
    "demands.remove_demand": ("POST", "/demands/{spare_demand_id}/remove", AUTHOR_ONLY_POST),
    "demands.remove_claim": ("POST", "/claims/{spare_claim_id}/remove", AUTHOR_ONLY_POST),
    "demands.link_achievement": ("POST", "/claims/{claim_id}/grew-from", AUTHOR_ONLY_POST),
    "organizing.union_settings": ("GET", "/unions/{union_id}/settings", ORGANIZER_ONLY_GET),
    "organizing.union_time_zone": ("POST", "/unions/{union_id}/settings/time-zone", (302, 403, 403, 404, 400, 403)),
    "organizing.union_audit": ("GET", "/unions/{union_id}/audit", ORGANIZER_ONLY_GET),
    # Stewards read their own unit's log: the world's steward stewards this unit.
    "organizing.unit_audit": ("GET", "/units/{unit_id}/audit", (302, 403, 200, 404, 200, 403)),
    # The form is empty here (400 for the organizer): what matters is who gets that far.
    "organizing.rename_segment": ("POST", "/segments/department/{department_id}/rename", (302, 403, 403, 404, 400, 403)),
    "organizing.remove_segment": ("POST", "/segments/shift/{shift_id}/remove", ORGANIZER_ONLY_POST),
    # Union cards: the world's member has signed one (posted empty, the second screen is a 400, never a card).
    "cards.my_card": ("GET", "/my/card", MEMBER_ONLY_GET),
    "cards.sign_card": ("POST", "/my/card/sign", (302, 400, 403, 403, 403, 400)),
    "cards.withdraw_card": ("GET", "/cards/{card_id}/withdraw", AUTHOR_ONLY_GET),
    "cards.union_cards": ("GET", "/unions/{union_id}/cards", ORGANIZER_ONLY_GET),
    "cards.card_text": ("GET", "/unions/{union_id}/cards/words", ORGANIZER_ONLY_GET),
    "cards.unit_cards": ("GET", "/units/{unit_id}/cards", ORGANIZER_ONLY_GET),
    "cards.record_paper_card": ("GET", "/people/{person_id}/paper-card", ORGANIZER_ONLY_GET),
    "cards.confirm_export": ("GET", "/units/{unit_id}/cards/export/pdf", ORGANIZER_ONLY_GET),
    # Posted without the warning's box ticked: the warning again (400), never a file.
    "cards.export_cards": ("POST", "/units/{unit_id}/cards/export/csv", (302, 403, 403, 404, 400, 403)),
    # One-on-ones: every page takes any signed-in account and answers 404 unless the policy lets it in
    # (organizers, and committee members for the coworkers of their own departments).
    "conversations.unit_conversations": ("GET", "/units/{unit_id}/conversations", ONE_ON_ONES_GET),
    "conversations.coworker": ("GET", "/people/{person_id}/conversations", ONE_ON_ONES_GET),
    "conversations.record_conversation": ("GET", "/people/{person_id}/conversations/new", ONE_ON_ONES_GET),
    "conversations.add_follow_up": ("GET", "/people/{person_id}/follow-ups/new", ONE_ON_ONES_GET),
    "conversations.mark_follow_up_done": ("POST", "/follow-ups/{follow_up_id}/done", ONE_ON_ONES_POST),
    # The union's survey key: organizers start and stop ceremonies; only a ceremony's trustees (the world's
    # steward) see its steps, and its JSON endpoints answer JSON to everyone (posted empty: 400 for the trustee).
    "ceremony.union_key": ("GET", "/unions/{union_id}/survey-key", ORGANIZER_ONLY_GET),
    "ceremony.stop": ("POST", "/unions/{union_id}/survey-key/{ceremony_id}/stop", ORGANIZER_ONLY_POST),
    "ceremony.step": ("GET", "/survey-key/{ceremony_id}", (302, 403, 200, 404, 404, 403)),
    "ceremony.progress": ("GET", "/survey-key/{ceremony_id}/progress.json", (401, 403, 200, 404, 404, 403)),
    "ceremony.join": ("POST", "/survey-key/{ceremony_id}/join", (401, 403, 400, 404, 404, 403)),
    "ceremony.deal": ("POST", "/survey-key/{ceremony_id}/deal", (401, 403, 400, 404, 404, 403)),
    "ceremony.check": ("POST", "/survey-key/{ceremony_id}/check", (401, 403, 400, 404, 404, 403)),
    "surveys_ui.give_partials": ("POST", "/surveys/{trustee_survey_id}/partials", (401, 403, 400, 404, 404, 403)),
    # Reports of problems at work: a member's own pages (the committee member is a member too); the world's
    # member sent the report the routes name, which is as if it did not exist for anyone else (404). Only the
    # unit's stewards read its reports and take their steps, never an organizer who is not one; organizers set
    # the rules. Posted empty, the sealed forms are refused in words (400): nothing was sealed.
    "grievances.my_reports": ("GET", "/my/reports", MEMBER_ONLY_GET),
    "grievances.new_report": ("GET", "/my/reports/new", MEMBER_ONLY_GET),
    "grievances.my_report": ("GET", "/my/reports/{grievance_ref}", (302, 200, 404, 404, 404, 404)),
    "grievances.add_to_report": ("POST", "/my/reports/{grievance_ref}/add", (302, 400, 404, 404, 404, 404)),
    "grievances.withdraw_report": ("POST", "/my/reports/{grievance_ref}/withdraw", (302, 302, 404, 404, 404, 404)),
    "grievances.steward_key": ("GET", "/steward/report-key", (302, 403, 200, 403, 403, 403)),
    "grievances.unit_grievances": ("GET", "/units/{unit_id}/grievances", (302, 403, 200, 403, 403, 403)),
    "grievances.grievance": ("GET", "/grievances/{grievance_ref}", (302, 403, 200, 403, 403, 403)),
    "grievances.reply": ("POST", "/grievances/{grievance_ref}/reply", (302, 403, 400, 403, 403, 403)),
    "grievances.move_step": ("POST", "/grievances/{grievance_ref}/step", (302, 403, 400, 403, 403, 403)),
    # Copies of a report's keys for newer stewards: only its script posts them (posted empty here: a 400).
    "grievances.pass_on": ("POST", "/grievances/{grievance_ref}/copies", (302, 403, 400, 403, 403, 403)),
    "grievances.union_rules": ("GET", "/unions/{union_id}/grievance-rules", ORGANIZER_ONLY_GET),
    "grievances.add_referral": ("POST", "/unions/{union_id}/grievance-rules/referrals", (302, 403, 403, 404, 400, 403)),
    "grievances.remove_referral": ("POST", "/grievance-referrals/{referral_id}/remove", ORGANIZER_ONLY_POST),
    # Stories in escrow: the union's people read its archive and write in it (another union's organizer: 404);
    # a story's page is theirs too (its words only for its readers, once open). Only the trustees of the
    # story's key (the world's steward) reach its trustee page and endpoint; organizers record recognition.
    "escrow.archive": ("GET", "/unions/{union_id}/stories", (302, 200, 200, 404, 200, 200)),
    "escrow.new_story": ("GET", "/unions/{union_id}/stories/new", (302, 200, 200, 404, 200, 200)),
    "escrow.story": ("GET", "/stories/{story_id}", (302, 200, 200, 404, 200, 200)),
    "escrow.record_recognition": ("POST", "/unions/{union_id}/recognition", (302, 403, 403, 404, 400, 403)),
    "escrow.trustee_page": ("GET", "/stories/{story_id}/open", (302, 403, 200, 404, 404, 403)),
    "escrow.give_part": ("POST", "/stories/{story_id}/part", (401, 403, 400, 404, 404, 403)),
    # The question bank: a standard survey's draft, then its launch page (302) for the unit's organizers only.
    "surveys_ui.start_standard_survey": ("POST", "/units/{unit_id}/surveys/standard/stay", ORGANIZER_ONLY_POST),
    # The negotiation brief: a member keeps their own; the world's steward coaches the member's (a link
    # accepted), so reads it and may comment (posted empty: 400); everyone else finds no brief (404).
    "briefs.my_brief": ("GET", "/my/briefs/member", MEMBER_ONLY_GET),
    "briefs.export_brief": ("GET", "/my/briefs/member/brief.pdf", MEMBER_ONLY_GET),
    "briefs.add_risk": ("POST", "/my/briefs/member/risks", (302, 400, 403, 403, 403, 400)),
    "briefs.remove_risk": ("POST", "/my/briefs/member/risks/{brief_risk_id}/remove", AUTHOR_ONLY_POST),
    # Makes a link of one's own brief and shows it (200): the committee member is a member too.
    "briefs.invite_coach": ("POST", "/my/briefs/member/coaches", (302, 200, 403, 403, 403, 200)),
    "briefs.revoke_coach": ("POST", "/my/briefs/member/coaches/{brief_coach_id}/revoke", AUTHOR_ONLY_POST),
    # A coaching link opens for anyone of the author's union but the author (403), and for nobody outside it.
    "briefs.coach_invitation": ("GET", "/coach/{coach_token}", (302, 403, 200, 403, 200, 200)),
    "briefs.coaching": ("GET", "/my/coaching", (302, 200, 200, 200, 200, 200)),
    "briefs.read_brief": ("GET", "/briefs/{brief_id}", (302, 302, 200, 404, 404, 404)),
    "briefs.add_comment": ("POST", "/briefs/{brief_id}/comments", (302, 400, 400, 404, 404, 404)),
    # Pay surveys: the unit's organizers set one up; the standard one, with no roles declared yet in the
    # world, sends them to that form (302). A member's own role is theirs alone to choose.
    "surveys_ui.new_pay_survey": ("GET", "/units/{unit_id}/surveys/pay", ORGANIZER_ONLY_GET),
    "surveys_ui.standard_pay_survey": ("POST", "/units/{unit_id}/surveys/pay/standard", ORGANIZER_ONLY_POST),
    "surveys_ui.my_role": ("GET", "/my/role", MEMBER_ONLY_GET),
}


def _brief_ids(member, steward) -> dict[str, object]:
    """The member's brief with a worst case of their own, coached by the world's steward, and two
    links waiting: one to open, one to stop."""
    source = brief_sources.source("member")
    briefs.save(member, source, briefs.BriefDetails(None, None, "Not below 21 an hour."))
    risk = briefs.add_risk(member, source, "They ask who else is asking.", None)
    coaching, _ = briefs.invite_coach(member, source)
    briefs.accept(steward, source, coaching)
    (_, token), (waiting, _) = briefs.invite_coach(member, source), briefs.invite_coach(member, source)
    return {"brief_id": coaching.brief_id, "brief_risk_id": risk.id, "brief_coach_id": waiting.id,
            "coach_token": token}


def _grievance_ids(member, steward, organizer, unit) -> dict[str, object]:
    """A report the world's member sent to the world's steward (who made a key), and a place to turn to."""
    grievance_helpers.steward_key(steward)
    grievance = grievance_helpers.file(member, unit).grievance
    referral = grievance_rules.add_referral(organizer, unit.union, "Wage office", "unpaid wages", "+1 555 0100")
    return {"grievance_ref": grievance.public_id, "referral_id": referral.id}


def test_every_route_is_in_the_matrix(app):
    # Job seekers' routes and signing up have a matrix of their own (tests/candidates/test_authorization_matrix.py).
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(MATRIX) | set(CANDIDATE_MATRIX), "add the new route to MATRIX with the status each visitor gets"


def test_matrix_methods_match_the_routes(app):
    for rule in app.url_map.iter_rules():
        method = {**MATRIX, **CANDIDATE_MATRIX}[rule.endpoint][0]
        assert method in rule.methods, f"{rule.endpoint} does not accept {method}"


def _survey(scope: str, key_mode=KeyMode.SERVER_KEY, t=None):
    survey = definitions.create_survey(scope, definitions.SurveySettings(
        kind=SurveyKind.PULSE, title="Pulse", key_mode=key_mode, release_threshold=5, trustee_threshold=t))
    definitions.add_question(survey, type=QuestionType.YES_NO, prompt="Would you vote yes?")
    return survey


def _ids(app, world) -> dict[str, object]:
    """One of everything each route needs, in the states its route expects."""
    with app.app_context():
        person = db.session.get(Person, world.person_id)
        organizer = accounts.find_account_by_email(world.organizer)
        member = accounts.find_account_by_email(world.member)
        steward = accounts.find_account_by_email(world.steward)
        # Invite someone other than the person the remove route deletes (that would cascade).
        invitation, token = invitations.invite(organizer, factories.create_person(person.unit), Role.MEMBER)
        scope = f"unit:{world.unit_id}"
        voters = {account_ref(member): {"department": None}, **{f"other:{i}": {"department": None} for i in range(5)}}
        draft, open_, released = _survey(scope), _survey(scope), _survey(scope)
        launch.launch(open_, voters, ["department"])
        launch.launch(released, voters, ["department"])
        tally.close(released)
        tally.release_with_server_key(released)
        # A quorum is at least two: the world's steward and a second steward who is none of the visitors.
        second = factories.create_account(Role.STEWARD, unit=person.unit)
        for trustee in (steward, second):
            keys.register_trustee_key(account_ref(trustee), "a long trustee passphrase")
        with_trustees = _survey(scope, KeyMode.TRUSTEES, t=2)
        launch.launch(with_trustees, voters, ["department"], [account_ref(steward), account_ref(second)])
        tally.close(with_trustees)
        # Stories in escrow: the union's survey key made first (the ceremony below is then the one under way).
        story = escrow_builders.matrix_story(member, person.unit, [steward, second])
        key_ceremony = ceremony.start(f"union:{world.union_id}", [account_ref(steward), account_ref(second)], 2)
        demand, spare_demand = (demands.create_demand(member, demands.DemandDetails(
            DemandKind.DEMAND, Tier.PRIORITY, Basis.COLLECTIVE, Category.PAY, f"Will you {what}?"))
            for what in ("pay the night differential", "heat the bay"))
        claim, spare_claim = (demands.add_claim(member, demands.ClaimDetails(ClaimSection.NEED, text))
                              for text in ("A licence course.", "A quieter break room."))
        structure_test = structure_tests.record(organizer, person.unit, structure_tests.ActionDetails(
            StructureTestKind.RALLY, today(), 1))  # a union set up today records nothing earlier
        words = union_cards.set_card_text(organizer, person.unit.union, "I want the union to represent me.")
        card = union_cards.sign(member, person.unit, union_cards.Signature(
            "Member Example", "member.home@example.net", "+1 555 0100 1000", "Member Example", words.id, words.digest))
        # About a coworker of the committee member's department whom the remove route leaves on the chart.
        spoken_to = factories.create_person(person.unit, department_id=person.unit.departments[0].id)
        follow_up = conversations.add_follow_up(organizer, spoken_to, conversations.NextStep(
            "Ask about the night shift", organizer.id, today() + timedelta(days=7)))
        brief_ids = _brief_ids(member, steward)
        brief_ids.update(_grievance_ids(member, steward, organizer, person.unit))
        db.session.commit()
        ids = {"demand_id": demand.id, "structure_test_id": structure_test.id, "spare_demand_id": spare_demand.id, "claim_id": claim.id,
               "spare_claim_id": spare_claim.id,
               "union_id": world.union_id, "unit_id": world.unit_id, "person_id": world.person_id,
               "invitation_id": invitation.id, "token": token, "draft_id": draft.id,
               "question_id": draft.questions[0].id, "open_id": open_.id, "released_id": released.id,
               "trustee_survey_id": with_trustees.id, "card_id": card.id,
               "department_id": person.unit.departments[0].id, "shift_id": person.unit.shifts[0].id,
               "member_person_id": coworkers.person_of(member).id, "follow_up_id": follow_up.id,
               "ceremony_id": key_ceremony.id}
        ids.update(brief_ids)
        ids["story_id"] = story.id
        db.session.remove()
    return ids


@pytest.fixture
def committee_member(app, world) -> str:
    """The matrix's committee member: a member of the world's unit named to its committee
    for the department of the world's coworker (its first)."""
    with app.app_context():
        unit = db.session.get(BargainingUnit, world.unit_id)
        account = factories.create_account(Role.MEMBER, unit=unit, email=COMMITTEE_EMAIL)
        committee.name_to_committee(accounts.find_account_by_email(world.organizer), unit, account,
                                    {unit.departments[0].id})
        db.session.commit()
    return COMMITTEE_EMAIL


def _signed_in(app, world, login, actor: str):
    client = app.test_client()
    if actor != "anonymous":
        login(client, COMMITTEE_EMAIL if actor == "committee" else getattr(world, actor))
    return client


@pytest.mark.parametrize("actor", MATRIX_ACTORS)
def test_every_route_answers_each_actor_as_expected(app, world, login, committee_member, actor):
    ids = _ids(app, world)
    client = _signed_in(app, world, login, actor)
    # Reads first, then writes, so no write changes what a later read finds; signing out comes last.
    ordered = sorted(MATRIX.items(), key=lambda item: (item[1][0] != "GET", item[0] == "auth.logout"))
    mismatches = []
    for endpoint, (method, template, expected) in ordered:
        url = template.format(**ids)
        response = client.open(url, method=method)
        response.close()
        want = expected[MATRIX_ACTORS.index(actor)]
        if response.status_code != want:
            mismatches.append(f"{method} {url} ({endpoint}): got {response.status_code}, expected {want}")
        elif actor == "anonymous" and response.status_code == 302 and endpoint != "auth.logout":
            if not response.headers["Location"].startswith("/login"):
                mismatches.append(f"{endpoint}: anonymous redirected elsewhere than sign-in")
    assert not mismatches, "\n".join(mismatches)


#: The chart's query parameters (a page, a page size, a name search, the filters) reach it only
#: as the chart's own entry says; for the organizer and the committee member, a bad value is a 400
#: with the form, never a 500.
BAD_FOR_THE_CHARTERS = (302, 403, 403, 404, 400, 400)
CHART_QUERIES: dict[str, tuple[int, ...]] = {
    "?page=2&per_page=25": CHARTING_GET,
    "?search=Jordan&membership=no&assessment=2&page=1": CHARTING_GET,
    "?page=99999999": CHARTING_GET,
    "?search=%25_%27%3Cb%3E": CHARTING_GET,
    "?page=0": BAD_FOR_THE_CHARTERS,
    "?page=abc": BAD_FOR_THE_CHARTERS,
    "?per_page=100000": BAD_FOR_THE_CHARTERS,
    "?search=%01": BAD_FOR_THE_CHARTERS,
    "?department=abc": BAD_FOR_THE_CHARTERS,
}


@pytest.mark.parametrize("actor", MATRIX_ACTORS)
def test_the_charts_parameters_answer_each_actor_as_expected(app, world, login, committee_member, actor):
    client = _signed_in(app, world, login, actor)
    mismatches = []
    for query, expected in CHART_QUERIES.items():
        response = client.get(f"/units/{world.unit_id}/chart{query}")
        want = expected[MATRIX_ACTORS.index(actor)]
        if response.status_code != want:
            mismatches.append(f"{query}: got {response.status_code}, expected {want}")
        elif response.status_code == 200 and b"Jordan Example" not in response.data and "search=Jordan" in query:
            mismatches.append(f"{query}: the chart was shown without the coworker searched for")
    assert not mismatches, "\n".join(mismatches)
