"""Reps who are not on the roster (people who left): when their deals are refused,
when they are set aside, and the note that names them."""
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comp_engine import PayoutInputError, lines_csv, totals_csv
from comp_payout_builders import WORKED_PLAN, PayoutFiles, plan_text, worked_example

NOTE_END = ("they are not paid or measured this quarter. An id nobody recognises is a typo in the deals file: "
            "it leaves that account out of the real rep's book.")
IN_QUARTER = ("the deal closed in 2026-Q2, the quarter being paid, so every rep it credits must be on the roster")


def refused(files: PayoutFiles) -> list[str]:
    with pytest.raises(PayoutInputError) as error:
        files.run()
    return [str(problem) for problem in error.value.problems]


# -- deals before the quarter: set aside, and noted -------------------------------------------------
def test_a_leaver_with_only_deals_before_the_quarter_is_noted_and_changes_nobodys_pay(files):
    # r1 is the worked example: new_business 16,000 x (1.0 + 0.3 x 2.0) = 25,600.00,
    # renewal 4,000 x 0.9 = 3,600.00, total 29,200.00. "gone" left after 2026-Q1.
    worked_example(files)
    files.deal(rep="gone", type="new", amount="50000", date="2026-03-31", account="G1")
    files.deal(rep="gone", type="renewal", amount="10000", date="2025-11-02", account="G2")
    result = files.run()
    assert [(s.rep_id, s.total) for s in result.statements] == [("r1", Decimal("29200.00"))]
    assert [line.amount for line in result.statement("r1").lines] == [Decimal("25600.00"), Decimal("3600.00")]
    assert result.notes == (f"2 deals closed before 2026-Q2 credit 1 rep not on the roster (gone: 2 deals); {NOTE_END}",)


def test_a_run_where_everyone_is_on_the_roster_has_no_note(files):
    assert worked_example(files).run().notes == ()


def test_the_note_names_every_id_with_its_deal_count_so_a_typo_stands_out(files):
    worked_example(files)
    for day in ("2025-01-10", "2025-04-10", "2025-07-10"):
        files.deal(rep="ae11", type="new", amount="1000", date=day)
    files.deal(rep="r1", split="ae11:50;rI:50", type="new", amount="1000", date="2025-10-10")
    files.deal(rep="ae12", type="expansion", amount="1000", date="2026-08-01")
    # ae11 is on 3 + 1 deals, the typo rI on 1, ae12 on 1 (after the quarter): 5 deals.
    assert files.run().notes == (
        "5 deals closed before or after 2026-Q2 credit 3 reps not on the roster "
        f"(ae11: 4 deals, ae12: 1 deal, rI: 1 deal); {NOTE_END}",)


def test_deals_after_the_quarter_for_someone_not_yet_on_the_roster_are_noted_as_after(files):
    worked_example(files)
    files.deal(rep="hire", type="new", amount="5000", date="2026-07-01")
    assert files.run().notes == (f"1 deal closed after 2026-Q2 credits 1 rep not on the roster (hire: 1 deal); {NOTE_END}",)


def test_other_fields_of_a_leavers_row_are_still_checked(files):
    worked_example(files)
    files.deal(rep="gone", type="upsell", amount="-5", date="2025-02-30", deal_id="D1")
    files.deal(rep="r1", split="gone:60;r1:30", date="2025-05-01")
    path = files.deals_path
    assert refused(files) == [
        f"{path}, line 5, deal_id: 'D1' is a duplicate; the same deal_id is on line 2",
        f"{path}, line 5, type: 'upsell' is not a deal type; use new, expansion, renewal, contraction, churn",
        f"{path}, line 5, amount: '-5' is negative; write every amount positive (the type says which way it counts)",
        f"{path}, line 5, close_date: '2025-02-30' is not a date; write YYYY-MM-DD, e.g. 2026-04-30",
        f"{path}, line 6, split: 'gone:60;r1:30' adds up to 90%, not 100%",
    ]


# -- deals in the quarter: refused ---------------------------------------------------------------
def test_a_deal_in_the_quarter_crediting_someone_not_on_the_roster_is_refused_with_file_line_and_field(files):
    worked_example(files)
    files.deal(rep="gone", type="churn", amount="100", date="2026-06-30")
    files.deal(rep="gone", type="new", amount="100", date="2026-03-31")
    files.deal(rep="ghost", type="renewal", amount="100", date="2026-04-01")
    assert refused(files) == [
        f"{files.deals_path}, line 5, rep_id: 'gone' is not on the roster; {IN_QUARTER}",
        f"{files.deals_path}, line 7, rep_id: 'ghost' is not on the roster; {IN_QUARTER}",
    ]


def test_a_split_in_the_quarter_naming_someone_not_on_the_roster_is_refused_naming_them_all(files):
    worked_example(files)
    files.deal(split="r1:50;gone:30;ghost:20", date="2026-05-05")
    files.deal(split="r1:50;gone:40", date="2026-05-05")
    assert refused(files) == [
        f"{files.deals_path}, line 5, split: 'gone' and 'ghost' are not on the roster; {IN_QUARTER}",
        f"{files.deals_path}, line 6, split: 'r1:50;gone:40' adds up to 90%, not 100%; 'gone' is not on the roster; "
        f"{IN_QUARTER}",
    ]


# -- splits and books -------------------------------------------------------------------------------
THREE_METRICS = """
[[component]]
key = "nrr"
weight = 0.5
metric = "net_revenue_retention"
window_months = 12
[[component]]
key = "grr"
weight = 0.3
metric = "gross_revenue_retention"
window_months = 12
[[component]]
key = "logos"
weight = 0.2
metric = "logo_retention"
window_months = 12
"""


def books_of_r1_and_r2(files, r2_on_roster: bool) -> PayoutFiles:
    """r1 originates A1, half of A2 (r2 the other half) and A4; every deal of r2 is
    outside 2026-Q2, so r2 may leave."""
    files.plan(plan_text(key="m", target_incentive="10000", components=THREE_METRICS))
    files.rep("r1", plan="m")
    if r2_on_roster:
        files.rep("r2", plan="m")
    files.deal("r1", "new", "100000", "2025-03-01", account="A1")
    files.deal("r2", "expansion", "20000", "2025-09-01", account="A1")
    files.deal("r1", "new", "50000", "2025-05-01", account="A2", split="r1:50;r2:50")
    files.deal("r2", "churn", "50000", "2026-01-15", account="A2")
    files.deal("r1", "new", "30000", "2025-01-01", account="A4")
    files.deal("r2", "renewal", "20000", "2026-01-01", account="A4")
    files.deal("r2", "contraction", "10000", "2026-02-01", account="A4")
    files.deal("r1", "new", "60000", "2024-11-01", account="A5")
    files.deal("r1", "churn", "60000", "2025-01-15", account="A5")
    files.deal("r2", "new", "70000", "2025-02-01", account="A5")
    files.deal("r2", "churn", "100000", "2026-07-01", account="A1")
    return files


def test_a_split_with_a_leaver_counts_only_the_rostered_reps_share_in_their_book(tmp_path):
    # E = 2026-06-30, S = 2025-06-30. ARR(S), ARR(E): A1 100k, 120k; A2 50k, 0; A4 30k, 20k.
    # A5 was won back by r2 after r1's customer churned: r2's deal is A5's latest new deal,
    # so A5 is in r2's book, not r1's, whether or not r2 is on the roster.
    # r1's shares: A1 1, A2 0.5 (r2's half is set aside), A4 1.
    # NRR = (120k + 0.5 x 0 + 20k) / (100k + 0.5 x 50k + 30k) = 140/155 = 28/31
    # GRR = (min(120k, 100k) + 0 + min(20k, 30k)) / 155k = 120/155 = 24/31
    # logo = (1 + 1) / (1 + 0.5 + 1) = 4/5
    without = books_of_r1_and_r2(PayoutFiles(tmp_path / "without"), r2_on_roster=False).run()
    nrr, grr, logos = without.statement("r1").components
    assert (nrr.metric.value, grr.metric.value, logos.metric.value) == (Fraction(28, 31), Fraction(24, 31), Fraction(4, 5))
    assert (nrr.metric.numerator, nrr.metric.denominator) == (Decimal("140000"), Decimal("155000"))
    assert nrr.metric.cohort_accounts == 3
    assert [s.rep_id for s in without.statements] == ["r1"]
    assert without.notes == (f"7 deals closed before or after 2026-Q2 credit 1 rep not on the roster (r2: 7 deals); "
                             f"{NOTE_END}",)
    with_r2 = books_of_r1_and_r2(PayoutFiles(tmp_path / "with"), r2_on_roster=True).run()
    r1_lines = [row for row in lines_csv(with_r2).splitlines() if row.startswith("r1,")]
    assert lines_csv(without).splitlines()[1:] == r1_lines


# -- clawbacks ----------------------------------------------------------------------------------------
def clawed_back_leaver(files, mode="linear", window=180, split=""):
    """gone's new deal D1 (60,000, 2026-02-01, account A1) churns on 2026-05-02, 90 days later."""
    files.plan(WORKED_PLAN + f'\n[clawback]\nwindow_days = {window}\nmode = "{mode}"\n')
    files.rep("r1")
    files.quotas("r1", ["2026-Q1", "2026-Q2"], new_business="100000", renewal="50000")
    files.deal(rep="gone", type="new", amount="60000", date="2026-02-01", account="A1", deal_id="D1", split=split)
    files.deal(rep="r1", type="churn", amount="60000", date="2026-05-02", account="A1", deal_id="C1")
    return files


def test_a_leavers_new_deal_clawed_back_this_quarter_is_refused_naming_the_deal_line(files):
    clawed_back_leaver(files)
    assert refused(files) == [
        f"{files.deals_path}, line 2, rep_id: 'gone' is not on the roster, but this new deal (D1, closed 2026-02-01) "
        "is clawed back in 2026-Q2: its account A1 churned on 2026-05-02 (C1), 90 days later, inside the clawback "
        "window (180 days in plan ae-80-20). Put gone back on the roster with their plan and quotas to compute the clawback",
    ]


def test_a_split_new_deal_clawed_back_this_quarter_is_refused_on_the_split(files):
    clawed_back_leaver(files, split="r1:50;gone:50")
    (problem,) = refused(files)
    assert problem.startswith(f"{files.deals_path}, line 2, split: 'gone' is not on the roster, but this new deal (D1")


@pytest.mark.parametrize(("mode", "window"), [("none", 180), ("linear", 90), ("full", 60)])
def test_a_churn_no_plan_would_claw_back_leaves_the_leavers_deal_aside(files, mode, window):
    # 90 days after the deal: outside a 90- or 60-day window; mode none takes nothing back.
    clawed_back_leaver(files, mode=mode, window=window)
    result = files.run()
    assert result.statement("r1").clawbacks == ()
    assert result.notes[0].startswith("1 deal closed before 2026-Q2 credits 1 rep not on the roster (gone: 1 deal)")


def test_the_rostered_reps_clawback_is_unchanged_when_the_other_split_rep_left_long_ago(files):
    # Both the new deal (2025-06-01) and the churn (2025-09-01) are before 2026-Q2:
    # nothing to claw back now, gone's half is set aside and r1 is paid as usual.
    clawed_back_leaver(files)
    files.deal_rows[0].update(close_date="2025-06-01", split="r1:50;gone:50")
    files.deal_rows[1].update(close_date="2025-09-01")
    result = files.run()
    assert result.statement("r1").total == Decimal("0.00")
    assert result.notes[0].startswith("1 deal closed before 2026-Q2 credits 1 rep not on the roster (gone: 1 deal)")


# -- quotas -------------------------------------------------------------------------------------------
def test_quota_rows_of_reps_not_on_the_roster_are_ignored(tmp_path):
    plain = worked_example(PayoutFiles(tmp_path / "plain")).run()
    history = worked_example(PayoutFiles(tmp_path / "history"))
    history.quotas("gone", ["2025-Q4", "2026-Q1", "2026-Q2"], new_business="90000", renewal="40000")
    kept = history.run()
    assert lines_csv(kept) == lines_csv(plain) and totals_csv(kept) == totals_csv(plain)
    assert kept.notes == ()


def test_a_malformed_quota_row_of_a_leaver_is_still_refused(files):
    worked_example(files)
    files.quota("gone", "2026-Q2", "new_business", "-5")
    (problem,) = refused(files)
    assert problem.startswith(f"{files.quotas_path}, line 4, quota: '-5' is negative")


# -- properties ---------------------------------------------------------------------------------------
ROSTER = ("r1", "r2", "r3")
TYPES = ("new", "expansion", "renewal", "contraction", "churn")
AMOUNTS = st.integers(1, 5_000_000).map(lambda cents: f"{cents // 100}.{cents % 100:02d}")
QUARTER_START = date(2026, 4, 1)
ANY_DAY = st.dates(min_value=date(2025, 10, 1), max_value=date(2026, 6, 30))
BEFORE_QUARTER = st.integers(1, 500).map(lambda days: QUARTER_START - timedelta(days=days))
SHARES = st.integers(1, 99)
ROSTER_DEALS = st.lists(st.tuples(st.sampled_from(ROSTER), st.sampled_from(TYPES), AMOUNTS, ANY_DAY,
                                  st.integers(0, 2), st.one_of(st.none(), SHARES)), min_size=1, max_size=20)
LEAVER_DEALS = st.lists(st.tuples(st.sampled_from(("gone", "left")), st.sampled_from(TYPES), AMOUNTS, BEFORE_QUARTER,
                                  st.integers(0, 3), st.one_of(st.none(), SHARES)), min_size=1, max_size=10)
PROPERTY_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MIX_PLAN = """
key = "mix"
name = "Mixed plan"
currency = "EUR"
target_incentive = 12345.67

[[component]]
key = "new_business"
weight = 0.6
credit = ["new"]
threshold = 0.3
curve = [[0.0, 0.9], [0.8, 1.3], [1.1, 2.1]]

[[component]]
key = "base"
weight = 0.25
credit = ["renewal", "expansion", "contraction", "churn"]
curve = [[0.0, 1.0], [1.0, 1.7]]

[[component]]
key = "nrr"
weight = 0.15
metric = "net_revenue_retention"
window_months = 6

[[modifier]]
metric = "logo_retention"
window_months = 9
bands = [[0.0, 0.85], [0.9, 1.0], [1.0, 1.07]]

[clawback]
window_days = 120
mode = "linear"
"""


def mix_files(folder: Path, roster: tuple[str, ...]) -> PayoutFiles:
    files = PayoutFiles(folder)
    files.plan(MIX_PLAN)
    for rep in roster:
        files.rep(rep, plan="mix")
        files.quotas(rep, ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"], new_business="90000", base="40000")
    return files


def add_deal(files: PayoutFiles, rep: str, kind: str, amount: str, day: date, account: str, share: int | None,
             partner: str) -> None:
    """A deal credited to `rep`, or split `rep:share;partner:100-share`."""
    split = "" if share is None else f"{rep}:{share};{partner}:{100 - share}"
    files.deal(rep=rep, type=kind, amount=amount, date=day.isoformat(), account=account, split=split)


@PROPERTY_SETTINGS
@given(ROSTER_DEALS, LEAVER_DEALS)
def test_adding_deals_before_the_quarter_for_reps_not_on_the_roster_never_changes_the_output(roster_deals, leaver_deals):
    """Deals before the quarter, on their own accounts, crediting only reps not on the
    roster leave lines.csv and totals.csv byte-identical, and are noted."""
    with tempfile.TemporaryDirectory() as folder:
        outputs = []
        for with_leavers in (False, True):
            files = mix_files(Path(folder) / str(with_leavers), ROSTER)
            for rep, kind, amount, day, account, share in roster_deals:
                add_deal(files, rep, kind, amount, day, f"A{account}", share, "r2" if rep != "r2" else "r1")
            if with_leavers:
                for rep, kind, amount, day, account, share in leaver_deals:
                    add_deal(files, rep, kind, amount, day, f"L{account}", share, "left" if rep == "gone" else "gone")
            result = files.keep_arr_non_negative().run()
            outputs.append((lines_csv(result), totals_csv(result), result.notes))
    assert outputs[0][:2] == outputs[1][:2]
    assert outputs[0][2] == () and "not on the roster" in outputs[1][2][0]


CHURN_AROUND_THE_QUARTER = st.tuples(st.integers(1, 150), st.integers(0, 90))


@PROPERTY_SETTINGS
@given(ROSTER_DEALS, CHURN_AROUND_THE_QUARTER)
def test_taking_a_rep_whose_deals_are_all_before_the_quarter_off_the_roster_changes_nobody_elses_lines(deals, churn):
    """r3's deals (alone or in splits with r1 or r2) all closed before 2026-Q2. Taking
    r3 off the roster leaves every other rep's lines as they were, and the run is
    refused exactly when r3 would have had a clawback line this quarter."""
    with tempfile.TemporaryDirectory() as folder:
        results = []
        for roster in (ROSTER, ("r1", "r2")):
            files = mix_files(Path(folder) / str(len(roster)), roster)
            for rep, kind, amount, day, account, share in deals:
                partner = "r3" if rep != "r3" else "r1"
                if "r3" in (rep, partner if share is not None else rep) and day >= QUARTER_START:
                    day -= timedelta(days=365)
                add_deal(files, rep, kind, amount, day, f"A{account}", share, partner)
            back, forward = churn  # r3's new deal `back` days before the quarter, churned `forward` days into it
            add_deal(files, "r3", "new", "5000", QUARTER_START - timedelta(days=back), "A0", None, "r1")
            add_deal(files, "r1", "churn", "5000", QUARTER_START + timedelta(days=forward), "A0", None, "r2")
            try:
                results.append(files.keep_arr_non_negative().run())
            except PayoutInputError as refusal:
                results.append(refusal)
    everyone, without_r3 = results
    if isinstance(without_r3, PayoutInputError):
        assert everyone.statement("r3").clawbacks
        assert all("is clawed back in 2026-Q2" in problem.message for problem in without_r3.problems)
        return
    assert not everyone.statement("r3").clawbacks
    others = [row for row in lines_csv(everyone).splitlines() if not row.startswith("r3,")]
    assert lines_csv(without_r3).splitlines() == others
