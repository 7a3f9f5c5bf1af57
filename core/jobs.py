"""The job registry: every scheduled job, by a fixed id, in one place.

Jobs are plain functions that take no arguments, run inside an app context and
are idempotent: each checks a state flag before acting, so a second run, or a
run after a crash, changes nothing. The registry commits once per job run (the
edge of the unit of work) and rolls back on failure.

The dev server may run the scheduler in-process; production runs
`flask jobs run` as one separate process, never inside each web worker, so no
job runs twice at once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from collections.abc import Callable
from dataclasses import dataclass

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from flask.cli import AppGroup

from core.extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[], object]
    every_seconds: int
    description: str


class JobRegistry:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}

    def register(self, job_id: str, func: Callable[[], object], *, every_seconds: int) -> None:
        if job_id in self._jobs:
            raise ValueError(f"job {job_id!r} is registered twice")
        description = (func.__doc__ or job_id).strip().splitlines()[0]
        self._jobs[job_id] = Job(job_id, func, every_seconds, description)

    @property
    def jobs(self) -> list[Job]:
        return list(self._jobs.values())

    def get(self, job_id: str) -> Job:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise click.BadParameter(f"no job {job_id!r}; known: {', '.join(sorted(self._jobs))}") from None

    def run(self, app: Flask, job_id: str) -> object:
        """Run one job as one unit of work."""
        job = self.get(job_id)
        with app.app_context():
            try:
                result = job.func()
                db.session.commit()
                return result
            except Exception:
                db.session.rollback()
                log.exception("job %s failed", job_id)
                raise

    def schedule(self, app: Flask, scheduler: BaseScheduler) -> BaseScheduler:
        for job in self._jobs.values():
            scheduler.add_job(
                self._safe_run, "interval", args=(app, job.id), id=job.id, name=job.description,
                seconds=job.every_seconds, coalesce=True, max_instances=1, replace_existing=True,
                # Each job runs once at start-up too: work that fell due while no scheduler ran is done now.
                next_run_time=datetime.now(UTC),
            )
        return scheduler

    def _safe_run(self, app: Flask, job_id: str) -> None:
        try:
            self.run(app, job_id)
        except Exception:  # already logged; the scheduler must keep running the others
            pass


def registry_of(app: Flask) -> JobRegistry:
    return app.extensions["leverage.jobs"]


def init_app(app: Flask, registry: JobRegistry) -> None:
    app.extensions["leverage.jobs"] = registry
    app.cli.add_command(jobs_cli)


def start_in_process(app: Flask) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    registry_of(app).schedule(app, scheduler)
    scheduler.start()
    return scheduler


jobs_cli = AppGroup("jobs", help="Scheduled jobs.")


@jobs_cli.command("list")
def list_jobs() -> None:
    """List the registered jobs."""
    from flask import current_app

    for job in registry_of(current_app).jobs:
        click.echo(f"{job.id:32} every {job.every_seconds:>5}s  {job.description}")


def _log_progress() -> None:
    """Jobs report progress (a large tally, say) through logging; show it on the console."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")


@jobs_cli.command("run-once")
@click.argument("job_id")
def run_once(job_id: str) -> None:
    """Run one job now, once."""
    from flask import current_app

    _log_progress()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    result = registry_of(app).run(app, job_id)
    click.echo(f"{job_id}: {result}")


@jobs_cli.command("run")
def run_scheduler() -> None:
    """Run the scheduler in the foreground: production's one job process."""
    from flask import current_app

    _log_progress()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    scheduler = registry_of(app).schedule(app, BlockingScheduler(timezone="UTC"))
    click.echo(f"running {len(registry_of(app).jobs)} jobs; Ctrl-C stops")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
