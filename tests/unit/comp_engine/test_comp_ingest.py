"""Reading the CSV inputs: every bad row is reported with its file, line and field."""
import pytest

from comp_engine import PayoutInputError, PlanInvalid
from comp_payout_builders import WORKED_PLAN, PayoutFiles


def valid(files: PayoutFiles) -> PayoutFiles:
    """One rep on the worked-example plan with quotas and one good deal (line 2)."""
    files.plan(WORKED_PLAN)
    files.rep("r1")
    files.quotas("r1", ["2026-Q1", "2026-Q2"], new_business="100000", renewal="50000")
    files.deal(type="new", amount="60000", date="2026-04-10")
    return files


def refused(files: PayoutFiles) -> list[str]:
    with pytest.raises(PayoutInputError) as error:
        files.run()
    return [str(problem) for problem in error.value.problems]


def test_valid_files_are_accepted(files):
    result = valid(files).run()
    assert [s.rep_id for s in result.statements] == ["r1"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("type", "upsell", "'upsell' is not a deal type; use new, expansion, renewal, contraction, churn"),
    ("type", "New", "'New' is not a deal type"),
    ("amount", "-120.00", "'-120.00' is negative; write every amount positive"),
    ("amount", "12k", "'12k' is not an amount"),
    ("amount", "", "is empty"),
    ("amount", "100.123", "'100.123' has more than two decimals"),
    ("close_date", "2026-02-30", "'2026-02-30' is not a date; write YYYY-MM-DD"),
    ("close_date", "04/15/2026", "'04/15/2026' is not a date"),
    ("close_date", "", "is empty"),
    ("deal_id", "", "is empty"),
    ("account_id", "", "is empty"),
    ("rep_id", "nobody", "'nobody' is not on the roster"),
    ("rep_id", "", "is empty and there is no split"),
])
def test_a_bad_deal_field_is_named_with_file_line_and_field(files, field, value, message):
    valid(files)
    files.deal()
    files.deal_rows[1][field] = value
    problems = refused(files)
    assert len(problems) == 1
    assert problems[0].startswith(f"{files.deals_path}, line 3, {field}: {message}")


@pytest.mark.parametrize(("split", "message"), [
    ("r1:60;r2:30", "'r1:60;r2:30' adds up to 90%, not 100%"),
    ("r1:60;r2:50", "adds up to 110%, not 100%"),
    ("r1:60;ghost:40", "'ghost' is not on the roster"),
    ("r1:50;r1:50", "'r1' is named twice"),
    ("r1-60;r2:40", "'r1-60' is not rep:percent"),
    ("r1:0;r2:100", "'0' for r1 is not a percent above 0"),
    ("r1:sixty;r2:40", "'sixty' for r1 is not a percent"),
    (";", "names no rep"),
])
def test_a_split_must_name_reps_on_the_roster_adding_up_to_100(files, split, message):
    valid(files)
    files.rep("r2")
    files.quotas("r2", ["2026-Q2"], new_business="100000", renewal="50000")
    files.deal(split=split)
    problems = refused(files)
    assert len(problems) == 1
    assert problems[0].startswith(f"{files.deals_path}, line 3, split: ")
    assert message in problems[0]


def test_a_split_with_decimal_percents_is_accepted(files):
    valid(files)
    files.rep("r2")
    files.rep("r3")
    for rep in ("r2", "r3"):
        files.quotas(rep, ["2026-Q2"], new_business="100000", renewal="50000")
    files.deal(split="r1:33.33;r2:33.33;r3:33.34", amount="300")
    result = files.run()
    assert [str(s.components[0].credited) for s in result.statements] == ["60099.990000", "99.990000", "100.020000"]


def test_a_duplicate_deal_id_names_the_line_of_the_first(files):
    valid(files)
    files.deal(deal_id="X1")
    files.deal(deal_id="X1")
    assert refused(files) == [f"{files.deals_path}, line 4, deal_id: 'X1' is a duplicate; the same deal_id is on line 3"]


def test_every_invalid_row_is_reported_not_only_the_first(files):
    valid(files)
    files.deal(amount="abc")
    files.deal()
    files.deal(type="refund", date="2026-13-01")
    assert refused(files) == [
        f"{files.deals_path}, line 3, amount: 'abc' is not an amount; write digits with an optional . and two decimals, e.g. 60000.00",
        f"{files.deals_path}, line 5, type: 'refund' is not a deal type; use new, expansion, renewal, contraction, churn",
        f"{files.deals_path}, line 5, close_date: '2026-13-01' is not a date; write YYYY-MM-DD, e.g. 2026-04-30",
    ]


def test_a_missing_column_is_named_on_the_header_line(files):
    valid(files)
    files.write()
    text = files.deals_path.read_text().replace("close_date", "closed_on")
    files.deals_path.write_text(text)
    with pytest.raises(PayoutInputError) as error:
        files.run_as_written()
    assert [str(p) for p in error.value.problems] == [f"{files.deals_path}, line 1, close_date: column is missing; the header must name "
                              "deal_id, account_id, rep_id, type, amount, close_date, split, source"]


def test_blank_lines_are_skipped_but_still_counted_in_line_numbers(files):
    valid(files)
    files.write()
    lines = files.deals_path.read_text().splitlines()
    files.deals_path.write_text("\n".join(lines[:2] + ["", ""] + ["D9,A9,r1,new,oops,2026-04-01,"]) + "\n")
    with pytest.raises(PayoutInputError) as error:
        files.run_as_written()
    assert [(p.line, p.field) for p in error.value.problems] == [(5, "amount")]


def test_a_line_with_too_many_fields_is_reported(files):
    valid(files)
    files.write()
    with open(files.deals_path, "a") as handle:
        handle.write("D8,A8,r1,new,10,2026-04-01,,surplus\nD9,A9,r1,new,x,2026-04-01,\n")
    with pytest.raises(PayoutInputError) as error:
        files.run_as_written()
    assert [(p.line, p.field) for p in error.value.problems] == [(3, None), (4, "amount")]
    assert "expected 7 fields, saw 8" in error.value.problems[0].message


def test_a_roster_row_naming_an_unknown_plan_is_refused(files):
    valid(files)
    files.rep("r2", plan="ae-90-10")
    assert refused(files) == [f"{files.roster_path}, line 3, plan: no plan has the key 'ae-90-10'; plan keys: ae-80-20"]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"rep_id": "r1"}, "rep_id", "'r1' is already on line 2"),
    ({"email": ""}, "email", "is empty"),
    ({"target_incentive": "twenty"}, "target_incentive", "'twenty' is not an amount"),
])
def test_a_bad_roster_row_is_named(files, change, field, message):
    valid(files)
    files.rep("r2")
    files.roster_rows[1].update(change)
    problems = refused(files)
    assert any(p.startswith(f"{files.roster_path}, line 3, {field}: {message}") for p in problems), problems


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"period": "2026-05"}, "period", "'2026-05' is not a quarter; write it as YYYY-Qn"),
    ({"quota": "0"}, "quota", "is 0; a quota must be above 0"),
    ({"quota": "-5"}, "quota", "'-5' is negative"),
    ({"rep_id": ""}, "rep_id", "is empty"),
])
def test_a_bad_quota_row_is_named(files, change, field, message):
    valid(files)
    files.quota("r1", "2026-Q3", "renewal", "1000")
    files.quota_rows[-1].update(change)
    problems = refused(files)
    assert any(p.startswith(f"{files.quotas_path}, line 6, {field}: {message}") for p in problems), problems


def test_a_quota_given_twice_is_refused(files):
    valid(files)
    files.quota("r1", "2026-Q2", "renewal", "1000")
    assert refused(files) == [f"{files.quotas_path}, line 6, quota: a quota for r1 2026-Q2 renewal is already on line 5"]


def test_a_missing_quota_is_named_by_rep_period_and_component(files):
    valid(files)
    files.rep("r2")
    files.quota("r2", "2026-Q2", "renewal", "1000")
    assert refused(files) == [f"{files.quotas_path}, quota: no quota for rep r2, period 2026-Q2, component new_business"]


def test_problems_in_every_file_are_reported_together(files):
    valid(files)
    files.plan(WORKED_PLAN.replace('key = "ae-80-20"', 'key = "bad"').replace("0.80", "0.85"))
    files.rep("r2", plan="nope")
    files.deal(amount="-1")
    problems = refused(files)
    assert [p.split(",")[0] for p in problems] == [str(files.plans_dir / "bad.toml"), str(files.roster_path),
                                                   str(files.deals_path)]


def test_only_plan_problems_raise_plan_invalid(files):
    valid(files)
    files.plan(WORKED_PLAN.replace('key = "ae-80-20"', 'key = "bad"').replace("0.80", "0.85"))
    with pytest.raises(PlanInvalid):
        files.run()


def test_a_missing_input_file_is_named(files):
    valid(files)
    files.write()
    files.roster_path.unlink()
    with pytest.raises(PayoutInputError) as error:
        files.run_as_written()
    assert [str(p) for p in error.value.problems] == [f"{files.roster_path}: file not found"]


def test_an_empty_deals_file_is_refused(files):
    valid(files)
    files.write()
    files.deals_path.write_text("")
    with pytest.raises(PayoutInputError, match="is empty; the first line must name the columns"):
        files.run_as_written()
