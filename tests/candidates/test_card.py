"""What the card shows, in what order: the looking status first, then the preferences
heaviest first (dealbreakers lead), then each requirement with what meets it or a
plain "not met"; the employer narrows the experience down to the requirements
they choose, with a plain GET form (no script), and the candidate's preview is the
same card without the answer boxes."""

from __future__ import annotations

import re
from html import unescape

from candidates import jobs, profiles, sharing
from candidates.models import Job, PreferenceAspect
from core.extensions import db
from ontology import Tier
from tests.candidates import builders
from tests.candidates.builders import WORDS


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def _positions(html: str, *needles: str) -> list[int]:
    found = [html.find(needle) for needle in needles]
    assert -1 not in found, [needle for needle, at in zip(needles, found) if at == -1]
    return found


def test_the_card_leads_with_the_looking_status_then_dealbreakers_first(app, search, card_token):
    html = _text(app.test_client().get(f"/candidate-card/{card_token}"))
    looking, pay, schedule, place, requirement = _positions(
        html, "Open to offers", WORDS["preference_pay"], WORDS["preference_schedule"], WORDS["preference_place"],
        WORDS["requirement_lead"])
    # Written lightest first (builders.job_search); shown heaviest first, before the requirements.
    assert looking < pay < schedule < place < requirement


def test_preferences_order_by_weight_then_by_aspect_then_as_added(app_ctx):
    account = builders.candidate_account()
    profile = profiles.set_looking(account, profiles.LookingStatus.ACTIVELY_LOOKING)
    added = [profiles.add_preference(account, profile, profiles.PreferenceDetails(aspect, tier, text))
             for aspect, tier, text in [(PreferenceAspect.SKILL, Tier.PRIORITY, "skill"),
                                        (PreferenceAspect.LOCATION, Tier.NICE_TO_HAVE, "place"),
                                        (PreferenceAspect.PAY_FLOOR, Tier.DEALBREAKER, "pay"),
                                        (PreferenceAspect.LOCATION, Tier.PRIORITY, "near"),
                                        (PreferenceAspect.SKILL, Tier.PRIORITY, "second skill")]]
    assert [p.text for p in profiles.by_weight(added)] == ["pay", "near", "skill", "second skill", "place"]


def test_the_questions_lead_with_dealbreakers_too(app, search, card_token):
    html = _text(app.test_client().get(f"/candidate-card/{card_token}"))
    # The question was written before the dealbreaker; the card asks the dealbreaker first.
    dealbreaker, curious = _positions(html, WORDS["precondition_pay"], WORDS["question_turnover"])
    assert dealbreaker < curious


def test_an_unmapped_requirement_is_shown_as_not_met(app, search, card_token):
    html = _text(app.test_client().get(f"/candidate-card/{card_token}"))
    listed = html[html.index('<ol class="requirements">'):]
    weekends = listed[listed.index(WORDS["requirement_weekends"]):]
    assert weekends[:weekends.index("</li>")].count("Not met") == 1
    lead = listed[listed.index(WORDS["requirement_lead"]):]
    assert "Not met" not in lead[:lead.index("</li>")] and WORDS["how_lead"] in lead[:lead.index("</li>")]
    assert "2 of 3 met" in html


def test_the_employer_filters_the_experience_by_the_requirements_chosen(app, search, card_token):
    lead, forklift, weekends = search.requirement_ids
    client = app.test_client()
    everything = _text(client.get(f"/candidate-card/{card_token}"))
    for words in (WORDS["experience_dock"], WORDS["experience_training"], WORDS["experience_stock"]):
        assert words in everything
    narrowed = client.get(f"/candidate-card/{card_token}?need={forklift}")
    html = _text(narrowed)
    assert narrowed.status_code == 200
    assert WORDS["experience_training"] in html and WORDS["how_forklift"] in html
    assert WORDS["experience_dock"] not in html and WORDS["experience_stock"] not in html
    assert WORDS["requirement_lead"] not in html.split("Show the experience for")[1].split("</fieldset>")[1]
    # The box stays ticked, the other not, and "show all" brings the rest back.
    assert re.search(rf'<input checked[^>]*value="{forklift}"', html)
    assert not re.search(rf'<input checked[^>]*value="{lead}"', html)
    assert "Show all" in html and "Show all" not in everything
    both = _text(client.get(f"/candidate-card/{card_token}?need={lead}&need={forklift}"))
    assert WORDS["experience_dock"] in both and WORDS["experience_training"] in both
    assert WORDS["experience_stock"] not in both
    none_meets = _text(client.get(f"/candidate-card/{card_token}?need={weekends}"))
    assert "No experience on the card meets these requirements." in none_meets


def test_the_filter_orders_experience_by_how_many_chosen_requirements_it_meets(app_ctx, search):
    job = db.session.get(Job, search.job_id)
    lead, forklift, _ = job.requirements
    training = next(e for e in job.profile.experiences if e.id == search.experience_ids[1])
    # Training now meets both chosen requirements; the dock only one.
    jobs.map_requirement(db.session.get(builders.Account, search.account_id), lead, training, "Also led.")
    card = sharing.card_of(job, chosen={lead.id, forklift.id})
    assert [shown.experience.id for shown in card.meeting] == [search.experience_ids[1], search.experience_ids[0]]
    assert [met.number for met in card.meeting[0].meets] == [1, 2]
    db.session.rollback()


def test_a_requirement_of_another_job_is_not_a_filter(app, search, stranger_search, card_token):
    foreign = stranger_search.requirement_ids[0]
    response = app.test_client().get(f"/candidate-card/{card_token}?need={foreign}")
    assert response.status_code == 400
    for bad in ("abc", "99999999999999999999", "-1"):
        assert app.test_client().get(f"/candidate-card/{card_token}?need={bad}").status_code == 400


def test_the_card_names_no_one_and_shows_no_contact_unless_added(app, search, login):
    client = login(app.test_client(), builders.CANDIDATE)
    client.post(f"/candidate/jobs/{search.job_id}/contact", data={"contact": ""})
    shared = client.post(f"/candidate/jobs/{search.job_id}/share", data={"days": "14"})
    token = _text(shared).split("/candidate-card/")[1].split('"')[0]
    html = _text(app.test_client().get(f"/candidate-card/{token}"))
    assert WORDS["contact"] not in html and "How to reach the candidate" not in html
    assert "Job seeker" not in html and builders.CANDIDATE not in html
    # The candidate's own name for the job is theirs alone.
    assert WORDS["job_title"] not in html


def test_the_preview_is_the_card_without_answer_boxes_and_counts_no_view(app, search, card_token, login):
    page = login(app.test_client(), builders.CANDIDATE).get(f"/candidate/jobs/{search.job_id}/card")
    html = _text(page)
    assert page.status_code == 200
    assert WORDS["preference_pay"] in html and WORDS["precondition_pay"] in html
    assert 'name="ask' not in html and "Send the answer" not in html
    with app.app_context():
        link = sharing.find_link(card_token)
        assert link.view_count == 0
