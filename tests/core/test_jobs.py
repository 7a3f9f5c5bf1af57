"""The job registry: fixed ids, one commit per run, safe to run twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

from core.clock import utcnow
from core.extensions import db
from core.jobs import JobRegistry, registry_of
from organizer.accounts import invitations
from organizer.accounts import services as accounts
from organizer.accounts.models import Invitation
from organizer.charting.models import Person
from organizer.roles import Role


def test_registered_jobs_are_scheduled_with_coalescing_and_one_instance(app):
    scheduler = registry_of(app).schedule(app, BackgroundScheduler(timezone="UTC"))
    jobs = scheduler.get_jobs()
    assert {job.id for job in jobs} == {job.id for job in registry_of(app).jobs}
    assert "purge_expired_invitations" in {job.id for job in jobs}
    assert all(job.coalesce and job.max_instances == 1 for job in jobs)
    assert all(job.next_run_time is not None for job in jobs), "every job also runs at start-up"


def test_a_job_id_cannot_be_registered_twice():
    registry = JobRegistry()
    registry.register("once", lambda: None, every_seconds=60)
    with pytest.raises(ValueError):
        registry.register("once", lambda: None, every_seconds=60)


def test_a_failing_job_rolls_back_its_work(app, world):
    registry = JobRegistry()

    def half_done():
        """Deletes people, then fails."""
        db.session.execute(sa.delete(Person))
        raise RuntimeError("crash mid-job")

    registry.register("half_done", half_done, every_seconds=60)
    with pytest.raises(RuntimeError):
        registry.run(app, "half_done")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) > 0


def test_purge_job_twice_equals_once(app, world, runner):
    with app.app_context():
        organizer = accounts.find_account_by_email(world.organizer)
        invitation, _ = invitations.invite(organizer, db.session.get(Person, world.person_id), Role.MEMBER)
        invitation.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
    first = runner.invoke(args=["jobs", "run-once", "purge_expired_invitations"])
    second = runner.invoke(args=["jobs", "run-once", "purge_expired_invitations"])
    assert first.exit_code == second.exit_code == 0
    assert "purge_expired_invitations: 1" in first.output and "purge_expired_invitations: 0" in second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_jobs_list_and_unknown_job(runner):
    assert "purge_expired_invitations" in runner.invoke(args=["jobs", "list"]).output
    result = runner.invoke(args=["jobs", "run-once", "nope"])
    assert result.exit_code != 0 and "no job 'nope'" in result.output
