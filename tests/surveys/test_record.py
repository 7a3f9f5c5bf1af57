"""The election record of a real survey (surveys/record.py): cast through the
ballot box, closed and released with the server key and with trustees, its
record verifies, in-process, through `flask surveys verify` and through
`python -m crypto.verify` run from a copy of the crypto package alone; it
holds nobody's ref, no group that was withheld, no order of answering; a
survey whose breakdown would set apart fewer than k ballots in the record
keeps that breakdown withheld; comments below their threshold leave nothing
behind; a draft or open survey has no record."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from core.extensions import db
from crypto.record import RecordError, verify_record
from surveys import record, tally
from surveys.errors import SurveyNotOpen
from surveys.models import KeyMode, RecordEvidence, SealedComment, Survey, SurveyState
from surveys.release import candidate_groups, decide_release, plan_segments
from tests.surveys.helpers import cast_all, launched_pulse, passphrase, register_trustees, voters

ROOT = Path(__file__).resolve().parents[2]
TRUSTEES = ("trustee:1", "trustee:2", "trustee:3")
PEOPLE = voters(30, ("A", "B", "C"))
REFS = list(PEOPLE)[:24]


def _comment(i: int) -> str:
    return f"the night shift needs a second forklift, says number {i}" if i % 3 else ""


def _released(key_mode: KeyMode) -> Survey:
    if key_mode == KeyMode.TRUSTEES:
        register_trustees(*TRUSTEES)
        survey = launched_pulse(PEOPLE, dimensions=("department",), key_mode=key_mode, t=2, trustees=TRUSTEES,
                                comment_threshold=10)
    else:
        survey = launched_pulse(PEOPLE, dimensions=("department",), comment_threshold=10)
    cast_all(survey, REFS, comment=_comment)
    tally.close(survey)
    if key_mode == KeyMode.TRUSTEES:
        for ref in (TRUSTEES[0], TRUSTEES[2]):
            tally.contribute(survey, ref, passphrase(ref))
    else:
        tally.release_with_server_key(survey)
    assert survey.state == SurveyState.RELEASED
    return survey


@pytest.mark.parametrize("key_mode", [KeyMode.SERVER_KEY, KeyMode.TRUSTEES])
def test_the_record_of_a_released_survey_verifies(app_ctx, key_mode):
    survey = _released(key_mode)
    document = record.build(survey)
    result = verify_record(document)
    assert (result.ballots, result.groups, result.released, result.comments_opened) == (24, 4, True, 16)
    # The released figures in the record are the survey's own, group by group.
    stated = {entry["group"]: entry["questions"] for entry in document["release"]["counts"]}
    assert stated == {position: group.counts for position, group in enumerate(survey.groups) if group.is_approved}
    assert document["parameters"]["key"]["mode"] == key_mode.value


def test_the_record_of_a_closed_trustee_survey_verifies_before_release(app_ctx):
    register_trustees(*TRUSTEES)
    survey = launched_pulse(PEOPLE, dimensions=("department",), key_mode=KeyMode.TRUSTEES, t=2, trustees=TRUSTEES)
    cast_all(survey, REFS)
    tally.close(survey)
    tally.contribute(survey, TRUSTEES[1], passphrase(TRUSTEES[1]))
    document = record.build(survey)
    assert document["release"] is None
    assert verify_record(document).released is False
    assert document["parameters"]["key"]["threshold"] == 2 and document["parameters"]["key"]["trustees"] == 3


def test_the_record_holds_nobodys_ref_no_withheld_group_and_no_order(app_ctx):
    people = voters(30, ("A", "B", "C"))
    survey = launched_pulse(people, dimensions=("department",), comment_threshold=10)
    # Department C: 3 answer (fewer than k = 5), so it is withheld, and so is B (the whole minus A minus B is C).
    answering = [ref for ref, segments in people.items() if segments["department"] != "C"][:16]
    answering += [ref for ref, segments in people.items() if segments["department"] == "C"][:3]
    receipts = cast_all(survey, answering, comment=_comment)
    tally.close(survey)
    tally.release_with_server_key(survey)
    document = record.build(survey)
    verify_record(document)
    text = json.dumps(document)
    for ref in people:
        assert ref not in text
    groups = document["parameters"]["groups"]
    withheld = [g for g in groups if not g["released"]]
    assert [(g["dimension"], g["value"]) for g in withheld] == [("department", "B"), ("department", "C")]
    assert not any("respondents" in g for g in withheld)
    # B's and C's ballots lie together in a part that names neither; no sum of either is formed.
    assert [part["of"] for part in document["parameters"]["parts"]] == [{"department": "A"}, {"department": None}]
    assert [part["ballots"] for part in document["parameters"]["parts"]] == [8, 11]
    assert [entry["group"] for entry in document["sums"]] == [i for i, g in enumerate(groups) if g["released"]]
    trackers = [entry["tracker"] for entry in document["ballots"]]
    assert trackers == sorted(trackers) == record.published_trackers(survey)
    assert sorted(r.fingerprint for r in receipts) == trackers


def _two_dimension_survey(night_in_a: int) -> Survey:
    """40 people, ten in each department × shift; all answer but in A × Night, where `night_in_a` do."""
    people = voters(40, ("A", "B"), ("Day", "Night"))
    survey = launched_pulse(people, dimensions=("department", "shift"), with_comment=False)
    small = [ref for ref, s in people.items() if (s["department"], s["shift"]) == ("A", "Night")]
    cast_all(survey, [ref for ref in people if ref not in small] + small[:night_in_a])
    tally.close(survey)
    tally.release_with_server_key(survey)
    return survey


def test_a_breakdown_that_would_set_apart_fewer_than_k_ballots_in_the_record_is_withheld(app_ctx):
    survey = _two_dimension_survey(night_in_a=3)
    by_key = {g.key: g for g in survey.groups}
    assert all(by_key[key].is_approved for key in ("all", "department=A", "department=B"))
    for key in ("shift=Day", "shift=Night"):
        assert not by_key[key].is_approved and "published list of ballots" in by_key[key].withheld_reason
    document = record.build(survey)
    verify_record(document)
    parts = document["parameters"]["parts"]
    assert [part["of"] for part in parts] == [{"department": "A"}, {"department": "B"}]
    assert min(part["ballots"] for part in parts) >= survey.release_threshold


def test_with_k_in_every_combination_both_breakdowns_are_recomputed(app_ctx):
    survey = _two_dimension_survey(night_in_a=5)
    assert all(g.is_approved for g in survey.groups)
    document = record.build(survey)
    assert verify_record(document).groups == 5
    assert sorted(json.dumps(p["of"], sort_keys=True) for p in document["parameters"]["parts"]) == sorted(
        json.dumps({"department": d, "shift": s}, sort_keys=True) for d in "AB" for s in ("Day", "Night"))


@settings(max_examples=80, deadline=None)
@given(sizes=st.lists(st.integers(0, 12), min_size=2, max_size=5), k=st.integers(2, 6), data=st.data())
def test_with_one_breakdown_the_record_withholds_nothing_the_release_rules_approve(sizes, k, data):
    # With one breakdown a part is a released group or the rest of the whole, which
    # the release rules already keep empty or at k and more (docs/election-record.md).
    people = {f"d{d}:{i}": {"department": f"D{d}"} for d, count in enumerate(sizes) for i in range(count)}
    plan, cell_of = plan_segments(people, ["department"], k)
    by_cell: dict[str, set[str]] = defaultdict(set)
    for ref in sorted(people):
        if data.draw(st.booleans(), label=ref):
            by_cell[cell_of[ref]].add(ref)
    decisions = decide_release(candidate_groups(plan), by_cell, k)
    approved = [d.approved for d in decisions]
    record.withhold_unlistable(decisions, by_cell, k)
    assert [d.approved for d in decisions] == approved


def test_comments_below_their_threshold_leave_nothing_in_storage_or_in_the_record(app_ctx):
    survey = launched_pulse(PEOPLE, dimensions=(), comment_threshold=30)
    cast_all(survey, REFS, comment=_comment)
    tally.close(survey)
    tally.release_with_server_key(survey)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedComment)) == 0
    document = record.build(survey)
    verify_record(document)
    assert document["comments"] == [] and document["parameters"]["comments"] == {"released": False, "sealed": []}


def test_figures_changed_in_storage_after_release_fail_the_record(app_ctx):
    survey = _released(KeyMode.SERVER_KEY)
    group = survey.groups[1]
    question_id = next(iter(group.counts))
    group.counts = {**group.counts, question_id: [group.counts[question_id][0] + 1, *group.counts[question_id][1:]]}
    db.session.flush()
    with pytest.raises(RecordError, match=f"question {question_id} in the group department 'A'"):
        verify_record(record.build(survey))


def test_a_survey_has_no_record_while_it_is_a_draft_or_open_or_from_before_records(app_ctx):
    draft = launched_pulse(PEOPLE, dimensions=())
    draft.state = SurveyState.DRAFT
    for survey in (draft, launched_pulse(voters(12), dimensions=(), scope="test:2")):
        with pytest.raises(SurveyNotOpen, match="only once voting has ended") as refused:
            record.stream(survey)
        assert refused.value.status == 409
    old = _released(KeyMode.SERVER_KEY)
    db.session.delete(db.session.get(RecordEvidence, old.id))
    db.session.flush()
    with pytest.raises(SurveyNotOpen, match="closed before election records were kept"):
        record.stream(old)
    # Its fingerprints are still published.
    assert len(record.published_trackers(old)) == len(REFS)


@pytest.mark.parametrize("key_mode", [KeyMode.SERVER_KEY, KeyMode.TRUSTEES])
def test_the_flask_command_and_the_standalone_script_verify_the_record(app, app_ctx, runner, tmp_path, key_mode):
    survey = _released(key_mode)
    tracker = record.published_trackers(survey)[5]
    db.session.commit()
    path = tmp_path / "record.json"
    written = runner.invoke(args=["surveys", "record", str(survey.id), "--output", str(path)])
    assert written.exit_code == 0, written.output
    result = runner.invoke(args=["surveys", "verify", str(path), "--tracker", tracker])
    assert result.exit_code == 0, result.output
    assert "checks out" in result.output and tracker in result.output
    # The standalone script, run where nothing but the crypto package is importable from the project.
    alone = tmp_path / "auditor"
    shutil.copytree(ROOT / "crypto", alone / "crypto", ignore=shutil.ignore_patterns("__pycache__"))
    script = subprocess.run([sys.executable, "-m", "crypto.verify", str(path), "--tracker", tracker],
                            cwd=alone, capture_output=True, text=True, timeout=300)
    assert script.returncode == 0, script.stdout + script.stderr
    assert "checks out" in script.stdout and "ballot proofs: 24 of 24" in script.stderr
    # One changed figure: both say so and exit non-zero.
    document = json.loads(path.read_text())
    document["release"]["counts"][0]["questions"][next(iter(document["release"]["counts"][0]["questions"]))][0] += 1
    path.write_text(json.dumps(document))
    failed = runner.invoke(args=["surveys", "verify", str(path)])
    assert failed.exit_code == 1 and "FAILED: the released counts" in failed.output
    script = subprocess.run([sys.executable, "-m", "crypto.verify", str(path)], cwd=alone, capture_output=True,
                            text=True, timeout=300)
    assert script.returncode == 1 and "FAILED: the released counts" in script.stdout


def test_the_record_command_refuses_a_survey_without_a_record(app, app_ctx, runner):
    survey = launched_pulse(PEOPLE, dimensions=())
    db.session.commit()
    result = runner.invoke(args=["surveys", "record", str(survey.id)])
    assert result.exit_code != 0 and "only once voting has ended" in result.output
    assert "There is no survey 999" in runner.invoke(args=["surveys", "record", "999"]).output
