"""Themes computed by the worker's job and by `inspraak themes`, as staff would ask for them."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from intake.jobs.worker import Worker
from intake.migrations import upgrade
from intake.models import AuditEvent, Job, JobStatus, Theme
from intake.reporting.analysis.jobs import THEMES_JOB, queue_themes
from intake.runtime import Runtime
from tests.cli import inspraak
from tests.conftest import make_settings
from tests.support.corpus import plant_consultation


def test_the_worker_computes_themes_once_asked(any_runtime: Runtime) -> None:
    assert THEMES_JOB in any_runtime.registry.job_handlers
    with any_runtime.db.session() as session:
        planted = plant_consultation(session)
        job = queue_themes(session, planted.consultation_id)
        session.commit()
        job_id = job.id
    assert Worker(any_runtime).run(until_idle=True) == 1
    with any_runtime.db.session() as session:
        assert session.get(Job, job_id).status == JobStatus.DONE
        themes = session.scalar(
            select(func.count(Theme.id)).where(Theme.consultation_id == planted.consultation_id)
        )
        assert themes and themes >= 4
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "themes.compute"))
        (audit,) = event.all()
        assert audit.target_id == planted.consultation_id and audit.details["via"] == "job"
        assert audit.details["themes"] == themes


def test_a_job_for_a_deleted_consultation_does_nothing(any_runtime: Runtime) -> None:
    with any_runtime.db.session() as session:
        job = queue_themes(session, 999_999)
        session.commit()
        job_id = job.id
    Worker(any_runtime).run(until_idle=True)
    with any_runtime.db.session() as session:
        assert session.get(Job, job_id).status == JobStatus.DONE


def test_the_themes_command_computes_and_lists_them(tmp_path: Path) -> None:
    runtime = Runtime.start(make_settings(tmp_path))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        plant_consultation(session, slug="buurt")
        session.commit()
    runtime.db.dispose()
    shown = inspraak(tmp_path, "themes", "buurt").stdout.splitlines()
    summary = re.match(r"buurt: (\d+) themes, (\d+) contributions in a theme", shown[0])
    assert summary and int(summary[1]) == 6 and int(summary[2]) >= 330
    assert len(shown) == 7 and all("suggested" in line for line in shown[1:])
    assert any("bomen" in line for line in shown[1:])
    missing = inspraak(tmp_path, "themes", "nowhere", check=False)
    assert missing.returncode == 1 and "nowhere" in missing.stderr
