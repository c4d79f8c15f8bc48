"""Signed plans: finance publishes a plan version to the reps on it, each rep acknowledges it by
typing their name, finance sees who has not, and a run warns (never blocks) when it pays someone
who has not acknowledged their plan's latest version.

Data: plan "ramp" pays 10% of new ARR; r1 (Rae) and r2 (Rob) are on it in 2025-Q1 and 2025-Q2;
Rae closes 50,000 in 2025-Q1 (5,000.00) and 10,000 in 2025-Q2 (1,000.00), Rob 30,000 in 2025-Q1 (3,000.00).
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cli import cli
from okr_app.extensions import db
from okr_app.models import AuditEvent, Notification, PlanAcknowledgement, PlanVersion
from okr_app.payouts.plan_signing import publish_plan, unacknowledged_warnings
from okr_app.policy import Actor
from tests.builders.quarter_runs import RAMP_PLAN, QuarterRuns

ROSTER = ["r1,Rae One,rae@example.com,ramp,,,,,,,", "r2,Rob Two,rob@example.com,ramp,,,,,,,"]


@pytest.fixture
def org(app, build, tmp_path):
    class Org:
        pass

    org = Org()
    org.rae = build.person(email="rae@example.com", name="Rae One")
    org.rob = build.person(email="rob@example.com", name="Rob Two")
    org.runs = QuarterRuns(build, tmp_path)
    org.runs.deals(["D1,A1,r1,new,50000,2025-02-10,", "D2,A2,r2,new,30000,2025-03-01,",
                    "D3,A3,r1,new,10000,2025-05-10,"])
    for period in ("2025-Q1", "2025-Q2"):
        org.runs.roster(period, ROSTER)
    return org


def publish(org, **kwargs) -> PlanVersion:
    version = publish_plan(Actor(org.runs.recorder), org.runs.plans, "ramp", "2025-Q1", **kwargs)
    db.session.commit()
    return version


def test_finance_publishes_the_plan_file_as_written_to_every_rep_on_it(org, clock):
    clock.pin(datetime(2025, 1, 6, 9, 30))
    version = publish(org)
    assert (version.plan_key, version.version, version.toml_text, version.period) == ("ramp", 1, RAMP_PLAN, "2025-Q1")
    assert [(a.rep_id, a.person_id, a.acknowledged_at) for a in db.session.scalars(
        sa.select(PlanAcknowledgement).order_by(PlanAcknowledgement.id))] == [
        ("r1", org.rae.id, None), ("r2", org.rob.id, None)]
    told = {n.person_id for n in db.session.scalars(sa.select(Notification))}
    assert told == {org.rae.id, org.rob.id}
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "plan.publish")) == "plan.publish"
    assert publish(org).version == 2  # publishing again is the next version


def test_a_rep_acknowledges_by_typing_their_name_and_it_is_kept_with_version_and_time(org, client, auth, clock):
    clock.pin(datetime(2025, 1, 7, 15, 0))
    version = publish(org)
    auth.login("rae@example.com")
    ack = db.session.scalar(sa.select(PlanAcknowledgement).where(PlanAcknowledgement.rep_id == "r1"))
    refused = client.post(f"/pay/plans/acknowledgements/{ack.id}", data={"typed_name": "Rae"})
    assert refused.status_code == 422 and "Type your name exactly as" in refused.get_data(as_text=True)
    signed = client.post(f"/pay/plans/acknowledgements/{ack.id}", data={"typed_name": "  rae   one "})
    assert signed.status_code == 302 and signed.headers["Location"].endswith("/pay/plans/")
    db.session.expire_all()
    assert (ack.typed_name, ack.acknowledged_at, ack.plan_version.version) == ("rae one", datetime(2025, 1, 7, 15, 0), 1)
    assert client.post(f"/pay/plans/acknowledgements/{ack.id}", data={"typed_name": "Rae One"}).status_code == 409
    rob_ack = db.session.scalar(sa.select(PlanAcknowledgement).where(PlanAcknowledgement.rep_id == "r2"))
    assert client.post(f"/pay/plans/acknowledgements/{rob_ack.id}", data={"typed_name": "Rob Two"}).status_code == 404
    assert client.get(f"/pay/plans/{version.id}.toml").get_data(as_text=True) == RAMP_PLAN
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "plan.acknowledge"))
    assert '"version": 1' in audit.after and '"typed_name": "rae one"' in audit.after


def test_finance_sees_who_has_not_acknowledged(org, client, auth):
    publish(org)
    rae = db.session.scalar(sa.select(PlanAcknowledgement).where(PlanAcknowledgement.rep_id == "r1"))
    rae.typed_name, rae.acknowledged_at = "Rae One", datetime(2025, 1, 7)
    db.session.commit()
    auth.login("fay@example.com")
    page = client.get("/pay/plans/").get_data(as_text=True)
    assert "1 / 2" in page and "Rob Two <small" in page
    assert "Rae One <small" not in page.split("Not yet")[1]


def test_a_run_warns_but_pays_someone_who_has_not_acknowledged_their_plan(org):
    assert unacknowledged_warnings(org.runs.run("2025-Q1").run.id) == []  # nothing published: nothing to sign
    publish(org)
    rae = db.session.scalar(sa.select(PlanAcknowledgement).where(PlanAcknowledgement.rep_id == "r1"))
    rae.typed_name, rae.acknowledged_at = "Rae One", datetime(2025, 1, 7)
    db.session.commit()
    outcome = org.runs.run("2025-Q1")
    assert outcome.notes == ("Rob Two (r2) is paid on plan ramp but has not acknowledged its latest version (1); "
                             "the run is not blocked.",)
    assert org.runs.statement(outcome.run, "r2").total_cents == 300_000  # paid all the same
    org.runs.approve(outcome.run)
    # Version 2 must be acknowledged again: Rae signed only version 1 and is paid 1,000.00 in 2025-Q2;
    # Rob is paid 0.00 in 2025-Q2, so the run does not name him.
    publish(org)
    q2 = org.runs.run("2025-Q2")
    assert q2.notes == ("Rae One (r1) is paid on plan ramp but has not acknowledged its latest version (2); "
                        "the run is not blocked.",)


def test_only_finance_publishes_and_a_pdf_goes_under_a_random_name(app, org, tmp_path):
    (tmp_path / "ramp.pdf").write_bytes(b"%PDF-1.4 the ramp plan")
    env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "k",
           "CADENCE_INSTANCE_PATH": app.config["INSTANCE_PATH"], "CADENCE_PLANS_DIR": str(org.runs.plans)}
    refused = CliRunner().invoke(cli, ["plans", "publish", "ramp", "--period", "2025-Q1", "--as", "rae@example.com"],
                                 env=env)
    assert refused.exit_code == 2 and "Only finance publishes plans." in refused.output
    result = CliRunner().invoke(cli, ["plans", "publish", "ramp", "--period", "2025-Q1", "--pdf",
                                      str(tmp_path / "ramp.pdf"), "--as", "fay@example.com"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Published Ramp: 10% of new ARR (ramp) as version 1 to 2 reps on the 2025-Q1 roster")
    db.session.expire_all()
    version = db.session.scalar(sa.select(PlanVersion))
    assert version.pdf_name == "ramp.pdf" and len(version.pdf_key) == 32
    assert (Path(app.config["INSTANCE_PATH"]) / "plan-documents" / version.pdf_key).read_bytes() == b"%PDF-1.4 the ramp plan"
