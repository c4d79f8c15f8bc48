"""Retention metrics on a rep's book: NRR, GRR and logo retention, weighted by share."""
from datetime import date
from decimal import Decimal
from fractions import Fraction

from comp_payout_builders import plan_text

THREE_METRICS = """
[[component]]
key = "nrr"
weight = 0.5
metric = "net_revenue_retention"
book = "{book}"
window_months = {months}
[[component]]
key = "grr"
weight = 0.3
metric = "gross_revenue_retention"
book = "{book}"
window_months = {months}
[[component]]
key = "logos"
weight = 0.2
metric = "logo_retention"
book = "{book}"
window_months = {months}
"""


def metric_plan(files, book="originated", months=12):
    files.plan(plan_text(key="m", target_incentive="10000", components=THREE_METRICS.format(book=book, months=months)))


def originated_book(files):
    """r1 originates A1, half of A2, A3 (too new) and A4; r2 the other half of A2."""
    metric_plan(files)
    files.rep("r1", plan="m")
    files.rep("r2", plan="m")
    files.deal("r1", "new", "100000", "2025-03-01", account="A1")
    files.deal("r2", "expansion", "20000", "2025-09-01", account="A1")
    files.deal("r1", "new", "50000", "2025-05-01", account="A2", split="r1:50;r2:50")
    files.deal("r2", "churn", "50000", "2026-01-15", account="A2")
    files.deal("r1", "new", "40000", "2025-08-01", account="A3")
    files.deal("r1", "new", "30000", "2025-01-01", account="A4")
    files.deal("r2", "renewal", "20000", "2026-01-01", account="A4")
    files.deal("r2", "contraction", "10000", "2026-02-01", account="A4")
    files.deal("r2", "churn", "100000", "2026-07-01", account="A1")  # after E: ignored


def test_retention_metrics_weight_each_account_of_the_originated_book_by_share(files):
    # E = 2026-06-30, S = 2025-06-30. ARR(S), ARR(E): A1 100k, 120k; A2 50k, 0; A4 30k, 20k
    # (renewals do not change ARR); A3 opened after S: not in the cohort. r1 shares 1, 0.5, 1.
    # NRR = (120k + 0.5 x 0 + 20k) / (100k + 25k + 30k) = 140/155 = 28/31
    # GRR = (min(120,100) + 0 + min(20,30)) / 155 = 120/155 = 24/31
    # logo = (1 + 1) / (1 + 0.5 + 1) = 0.8
    originated_book(files)
    nrr, grr, logos = files.run().statement("r1").components
    assert (nrr.metric.value, grr.metric.value, logos.metric.value) == (Fraction(28, 31), Fraction(24, 31), Fraction(4, 5))
    assert (nrr.metric.window_start, nrr.metric.window_end) == (date(2025, 6, 30), date(2026, 6, 30))
    assert nrr.metric.cohort_accounts == 3
    assert (nrr.metric.numerator, nrr.metric.denominator) == (Decimal("140000"), Decimal("155000"))
    # T = 5,000 / 3,000 / 2,000; paid at attainment = metric / 1.0:
    # 5,000 x 28/31 = 4,516.129... -> 4,516.13; 3,000 x 24/31 = 2,322.580... -> 2,322.58; 2,000 x 0.8 = 1,600.00
    assert [line.amount for line in (nrr, grr, logos)] == [Decimal("4516.13"), Decimal("2322.58"), Decimal("1600.00")]


def test_a_rep_with_half_of_a_churned_account_retains_nothing(files):
    # r2's originated book is half of A2, which churned: NRR = GRR = logo = 0 / 25k = 0
    originated_book(files)
    nrr, grr, logos = files.run().statement("r2").components
    assert (nrr.metric.value, grr.metric.value, logos.metric.value) == (0, 0, 0)
    assert nrr.amount == 0


def test_the_renewed_book_follows_the_latest_deal_and_the_later_row_on_equal_dates(files):
    # A5: two renewals on the same day; the later row (r3) owns it. ARR(S) 10k, ARR(E) 8k -> NRR 0.8
    # A6: r3 renewed in January, r2 in April (an earlier row, but a later date): r2 owns it.
    metric_plan(files, book="renewed")
    for rep in ("r1", "r2", "r3"):
        files.rep(rep, plan="m")
    files.deal("r2", "renewal", "5000", "2026-04-10", account="A6")
    files.deal("r1", "new", "10000", "2025-02-01", account="A5")
    files.deal("r2", "renewal", "10000", "2026-02-01", account="A5")
    files.deal("r3", "renewal", "10000", "2026-02-01", account="A5")
    files.deal("r3", "contraction", "2000", "2026-03-01", account="A5")
    files.deal("r2", "renewal", "10000", "2026-07-15", account="A5")  # after E: not part of the book
    files.deal("r1", "new", "5000", "2025-01-10", account="A6")
    files.deal("r3", "renewal", "5000", "2026-01-10", account="A6")
    result = files.run()
    # r3: NRR = GRR = 8k / 10k = 0.8; logo retention 1 / 1 (A5 still pays)
    assert [line.metric.value for line in result.statement("r3").components] == [Fraction(4, 5), Fraction(4, 5), 1]
    assert result.statement("r3").components[0].metric.cohort_accounts == 1
    r2 = result.statement("r2").components[0].metric
    assert (r2.value, r2.cohort_accounts) == (1, 1)  # A6 only: 5k kept of 5k
    assert result.statement("r1").components[0].metric.value is None  # r1's accounts were renewed by others


def test_the_window_start_is_clamped_so_a_deal_on_march_31_is_after_march_30(files):
    # 3-month window ending 2026-06-30 starts 2026-03-30. A7 (opened 03-30) is in the cohort;
    # A8 (opened 03-31, churned in May) is not: NRR = 10k / 10k = 1, not 10k / 20k.
    metric_plan(files, months=3)
    files.rep("r1", plan="m")
    files.deal("r1", "new", "10000", "2026-03-30", account="A7")
    files.deal("r1", "new", "10000", "2026-03-31", account="A8")
    files.deal("r1", "churn", "10000", "2026-05-01", account="A8")
    nrr = files.run().statement("r1").components[0].metric
    assert nrr.window_start == date(2026, 3, 30)
    assert (nrr.value, nrr.cohort_accounts) == (1, 1)


def test_an_empty_cohort_leaves_the_metric_undefined_and_pays_at_attainment_one(files):
    # A new hire with no account paying on S: every metric component pays T x 1.0.
    metric_plan(files)
    files.rep("r9", plan="m")
    files.deal("r9", "new", "10000", "2026-05-01")  # opened after S: not in the cohort
    statement = files.run().statement("r9")
    assert [line.metric.value for line in statement.components] == [None, None, None]
    assert [line.attainment for line in statement.components] == [1, 1, 1]
    assert [line.amount for line in statement.components] == [Decimal("5000.00"), Decimal("3000.00"), Decimal("2000.00")]
    reason = statement.components[0].metric.undefined_reason
    assert reason == ("no account of the rep's originated book had ARR above 0 on 2025-06-30, "
                      "so there is nothing to retain yet")
    assert statement.components[0].rule.startswith("Net revenue retention is undefined (no account of the rep's")


def test_a_metric_target_other_than_one_scales_attainment(files):
    # logo retention 0.8 against target 0.95: attainment 0.8 / 0.95 = 16/19; T = 10,000:
    # 10,000 x 16/19 = 8,421.0526... -> 8,421.05
    files.plan(plan_text(key="m", components="""
        [[component]]
        key = "logos"
        weight = 1.0
        metric = "logo_retention"
        target = 0.95
    """))
    files.rep("r1", plan="m")
    for account in ("A1", "A2", "A3", "A4", "A5"):
        files.deal("r1", "new", "1000", "2025-01-01", account=account)
    files.deal("r1", "churn", "1000", "2026-01-01", account="A5")
    line = files.run().statement("r1").components[0]
    assert line.attainment == Fraction(16, 19)
    assert line.amount == Decimal("8421.05")
