"""`cadence deals | roster | quotas import`, as finance types them and as a bad file tries to slip in."""
from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import cli
from okr_app.extensions import db
from okr_app.models import AuditEvent, Deal, PayoutImport, Quota, RosterRep
from tests.builders.payout_files import WORKED_PLAN

DEALS_HEADER = "deal_id,account_id,rep_id,type,amount,close_date,split"
ROSTER_HEADER = "rep_id,name,email,plan,manager_id,target_incentive"
QUOTAS_HEADER = "rep_id,period,component,quota"


@pytest.fixture
def cadence(app, build, tmp_path):
    """Run `cadence ...` as fin@example.com (finance) against the test database."""
    build.person(email="fin@example.com", role="finance")
    build.person(email="rep@example.com")
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "ae.toml").write_text(WORKED_PLAN)
    env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "cli-test-key",
           "CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_PLANS_DIR": str(plans),
           "CADENCE_USER": "fin@example.com"}

    def run(*args: str, **extra_env: str):
        result = CliRunner().invoke(cli, list(args), env={**env, **extra_env})
        db.session.expire_all()
        return result

    return run


def write(tmp_path, name: str, header: str, *rows: str):
    path = tmp_path / name
    path.write_text(header + "\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return str(path)


def stored_deals() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(sa.select(
        Deal.deal_id, Deal.account_id, Deal.rep_id, Deal.type, Deal.amount_cents, Deal.close_date, Deal.split,
        Deal.line).order_by(Deal.id))]


def test_a_deals_file_is_stored_row_for_row_with_amounts_in_cents_and_the_import_is_audited(cadence, tmp_path):
    path = write(tmp_path, "q2-deals.csv", DEALS_HEADER,
                 "N-1,ACC-1,rep1,new,60000,2026-04-10,",
                 "",
                 "N-2,ACC-2,,new,70000.5,2026-05-20,rep1:60;rep2:40")
    result = cadence("deals", "import", path)
    assert result.exit_code == 0, result.output
    assert "Imported q2-deals.csv: 2 new deals" in result.output
    # 70000.5 is 7,000,050 cents; the blank line 3 still counts, so N-2 is on line 4.
    assert stored_deals() == [
        ("N-1", "ACC-1", "rep1", "new", 6_000_000, date(2026, 4, 10), "", 2),
        ("N-2", "ACC-2", "", "new", 7_000_050, date(2026, 5, 20), "rep1:60;rep2:40", 4),
    ]
    batch = db.session.scalar(sa.select(PayoutImport))
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "deals.import"))
    assert (batch.kind, batch.file_name, batch.row_count, batch.added) == ("deals", "q2-deals.csv", 2, 2)
    assert event.actor_email == "fin@example.com" and json.loads(event.after)["sha256"] == batch.sha256


def test_every_bad_row_is_reported_with_file_line_and_field_and_nothing_is_saved(cadence, tmp_path):
    path = write(tmp_path, "bad.csv", DEALS_HEADER,
                 "N-1,ACC-1,rep1,new,60000,2026-04-10,",
                 "N-2,ACC-2,rep1,upsell,70000,2026-05-20,",
                 "N-3,ACC-3,rep1,new,-5,2026-05-20,",
                 "N-4,ACC-4,rep1,new,10,2026-13-01,",
                 "N-5,ACC-5,rep1,new,10,2026-05-01,rep1:60;rep2:30",
                 "N-6,ACC-6,,new,10,2026-05-01,",
                 "N-1,ACC-7,rep1,new,10,2026-05-01,")
    result = cadence("deals", "import", path)
    assert result.exit_code == 2
    for expected in ("bad.csv, line 3, type", "bad.csv, line 4, amount", "bad.csv, line 5, close_date",
                     "bad.csv, line 6, split", "bad.csv, line 7, rep_id: is empty and there is no split",
                     "bad.csv, line 8, deal_id"):
        assert expected in result.output
    assert "nothing imported; 6 problems" in result.output
    assert stored_deals() == [] and db.session.scalar(sa.select(sa.func.count(PayoutImport.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_a_deal_id_already_imported_is_refused_without_replace(cadence, tmp_path):
    assert cadence("deals", "import", write(tmp_path, "a.csv", DEALS_HEADER, "N-1,ACC-1,rep1,new,100,2026-04-10,"
                                            )).exit_code == 0
    again = write(tmp_path, "b.csv", DEALS_HEADER, "N-2,ACC-2,rep1,new,5,2026-04-11,", "N-1,ACC-1,rep1,new,999,2026-04-10,")
    result = cadence("deals", "import", again)
    assert result.exit_code == 2
    assert "b.csv, line 3, deal_id: 'N-1' was already imported (from a.csv, line 2)" in result.output
    assert [row[0] for row in stored_deals()] == ["N-1"]


def test_replace_corrects_a_deal_in_place_and_records_before_and_after(cadence, tmp_path):
    cadence("deals", "import", write(tmp_path, "a.csv", DEALS_HEADER, "N-1,ACC-1,rep1,new,100,2026-04-10,",
                                     "N-2,ACC-2,rep1,new,200,2026-04-11,"))
    fix = write(tmp_path, "fix.csv", DEALS_HEADER, "N-1,ACC-1,rep1,new,150,2026-04-10,",
                "N-2,ACC-2,rep1,new,200,2026-04-11,", "N-3,ACC-3,rep1,renewal,300,2026-04-12,")
    result = cadence("deals", "import", fix, "--replace")
    assert result.exit_code == 0, result.output
    assert "1 new deal, 1 corrected, 1 unchanged" in result.output
    # The corrected deal keeps its place (import order decides ties between equal dates).
    assert [(row[0], row[4]) for row in stored_deals()] == [("N-1", 15_000), ("N-2", 20_000), ("N-3", 30_000)]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "deals.correct"))
    assert (event.object_id, json.loads(event.before)["amount"], json.loads(event.after)["amount"]) == (
        "N-1", "100.00", "150.00")


def test_a_file_over_the_import_limit_is_refused_before_it_is_read(cadence, tmp_path):
    path = write(tmp_path, "big.csv", DEALS_HEADER, *[f"N-{n},ACC-1,rep1,new,100,2026-04-10," for n in range(50)])
    result = cadence("deals", "import", path, CADENCE_MAX_IMPORT_BYTES="1000")
    assert result.exit_code == 2
    assert "big.csv is larger than the import limit of 1000 bytes" in result.output
    assert stored_deals() == []


def test_only_finance_imports_and_an_unknown_or_missing_person_is_refused(cadence, tmp_path):
    path = write(tmp_path, "a.csv", DEALS_HEADER, "N-1,ACC-1,rep1,new,100,2026-04-10,")
    assert "Only finance imports deals" in cadence("deals", "import", path, "--as", "rep@example.com").output
    assert "No active person in Cadence has the email 'ghost@example.com'" in cadence(
        "deals", "import", path, "--as", "ghost@example.com").output
    result = cadence("deals", "import", path, CADENCE_USER="")
    assert result.exit_code == 2 and "--as EMAIL" in result.output
    assert stored_deals() == []


def test_remove_deletes_named_deals_all_or_none(cadence, tmp_path):
    cadence("deals", "import", write(tmp_path, "a.csv", DEALS_HEADER, "N-1,ACC-1,rep1,new,100,2026-04-10,",
                                     "N-2,ACC-2,rep1,new,200,2026-04-11,"))
    result = cadence("deals", "remove", "N-1", "N-9")
    assert result.exit_code == 2 and "'N-9'" in result.output
    assert len(stored_deals()) == 2
    assert cadence("deals", "remove", "N-1").exit_code == 0
    assert [row[0] for row in stored_deals()] == ["N-2"]
    assert db.session.scalar(sa.select(AuditEvent.object_id).where(AuditEvent.action == "deals.remove")) == "N-1"


def test_a_roster_import_replaces_that_quarter_only_and_checks_plan_keys(cadence, tmp_path):
    first = write(tmp_path, "r1.csv", ROSTER_HEADER, "rep1,Ada,ada@example.com,ae-80-20,,",
                  "rep2,Bo,bo@example.com,ae-80-20,rep1,25000")
    assert cadence("roster", "import", first, "--period", "2026-Q2").exit_code == 0
    assert cadence("roster", "import", first, "--period", "2026-Q3").exit_code == 0
    second = write(tmp_path, "r2.csv", ROSTER_HEADER, "rep3,Cy,cy@example.com,ae-80-20,,")
    result = cadence("roster", "import", second, "--period", "2026-Q2")
    assert result.exit_code == 0 and "2026-Q2 roster: 1 reps (replacing 2)" in result.output
    reps = db.session.execute(sa.select(RosterRep.period, RosterRep.rep_id, RosterRep.target_incentive_cents)
                              .order_by(RosterRep.period, RosterRep.line)).all()
    assert [tuple(r) for r in reps] == [("2026-Q2", "rep3", None), ("2026-Q3", "rep1", None),
                                        ("2026-Q3", "rep2", 2_500_000)]
    typo = write(tmp_path, "r3.csv", ROSTER_HEADER, "rep4,Di,di@example.com,ae-8020,,")
    result = cadence("roster", "import", typo, "--period", "2026-Q2")
    assert result.exit_code == 2 and "r3.csv, line 2, plan: no plan has the key 'ae-8020'" in result.output
    assert cadence("roster", "import", first, "--period", "2026-Q5").exit_code == 2


def test_a_quotas_import_replaces_every_quota_of_the_quarters_it_names(cadence, tmp_path):
    cadence("quotas", "import", write(tmp_path, "q1.csv", QUOTAS_HEADER, "rep1,2026-Q2,new_business,100000",
                                      "rep1,2026-Q3,new_business,110000"))
    result = cadence("quotas", "import", write(tmp_path, "q2.csv", QUOTAS_HEADER, "rep1,2026-Q3,renewal,5000"))
    assert result.exit_code == 0 and "1 quotas for 2026-Q3 (replacing 1)" in result.output
    rows = db.session.execute(sa.select(Quota.period, Quota.component, Quota.quota_cents).order_by(Quota.period))
    assert [tuple(r) for r in rows] == [("2026-Q2", "new_business", 10_000_000), ("2026-Q3", "renewal", 500_000)]
    bad = cadence("quotas", "import", write(tmp_path, "q3.csv", QUOTAS_HEADER, "rep1,2026-Q3,renewal,0",
                                            "rep1,Q3,renewal,5"))
    assert bad.exit_code == 2 and "q3.csv, line 2, quota" in bad.output and "q3.csv, line 3, period" in bad.output


CELL = st.one_of(st.sampled_from(["new", "churn", "renewal", "upsell", "2026-04-01", "2026-02-30", "100", "-5",
                                  "1e3", "99.999", "", "rep1", "a:50;b:50", "rep1:120", "=cmd()", '"', "\x00"]),
                 st.text(max_size=12))
GARBAGE_ROWS = st.lists(st.lists(CELL, max_size=9).map(",".join), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=GARBAGE_ROWS, raw=st.binary(max_size=40))
def test_garbage_rows_are_either_imported_whole_or_refused_whole_never_a_crash(app, build, rows, raw):
    """Invariant: an import stores every row of the file or none, and refuses with a message."""
    from okr_app.models import Person
    from okr_app.payouts.imports import ImportRefused, import_deals
    from okr_app.policy import Actor

    with app.app_context():
        finance = db.session.scalar(sa.select(Person).where(Person.role == "finance")) or build.person(role="finance")
        data = (DEALS_HEADER + "\n" + "\n".join(rows)).encode("utf-8", "surrogatepass") + raw
        try:
            outcome = import_deals(Actor(finance), data, "garbage.csv")
        except ImportRefused as refused:
            assert refused.problems and "nothing imported" in refused.message
            assert db.session.scalar(sa.select(sa.func.count(Deal.id))) == 0
        else:
            assert db.session.scalar(sa.select(sa.func.count(Deal.id))) == outcome.added > 0
        finally:
            db.session.rollback()
