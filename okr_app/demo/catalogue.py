"""What the demo company aims at: its teams, objectives and key-result templates.

The cascade is company → team → person: the company objective has one `rollup` key result per
team, each team objective one `rollup` key result per theme (a sub-team's focus), and every
person's objective aligns to their theme and measures it with two to four concrete key results.
Numbers are drawn from realistic ranges, so titles read like "Close $1.2M new ARR".
"""
from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A range of round numbers: lo, lo + step, ..., hi."""

    lo: float
    hi: float
    step: float

    def pick(self, rng: random.Random) -> float:
        steps = int(round((self.hi - self.lo) / self.step))
        return round(self.lo + self.step * rng.randint(0, steps), 6)


def fmt(value: float, style: str) -> str:
    """A value as a title shows it: 12%, $1.2M, $450k, 200k, 1,500."""
    if style == "pct":
        return f"{value:g}%"
    if style == "money":
        if abs(value) >= 1_000_000:
            return f"${value / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
        if abs(value) >= 1_000:
            return f"${value / 1_000:g}k"
        return f"${value:g}"
    if style == "k":
        return f"{value / 1_000:g}k"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class KrTemplate:
    """One kind of key result; `start` and `target` are ignored for milestones."""

    title: str  # may use {start} and {target}
    kind: str
    unit: str = ""
    style: str = "num"
    start: Span | None = None
    target: Span | None = None
    precision: float = 1.0  # check-in values are rounded to this
    vanity: bool = False  # answers "no" to the vanity questions

    def title_for(self, start: float | None, target: float | None) -> str:
        if start is None or target is None:
            return self.title
        return self.title.format(start=fmt(start, self.style), target=fmt(target, self.style))


@dataclass(frozen=True)
class Theme:
    """A sub-team's focus: a rollup key result of the team objective that people align to."""

    key: str
    team_kr: str
    objectives: tuple[str, ...]
    krs: tuple[KrTemplate, ...]


@dataclass(frozen=True)
class Function:
    """A team with its objective, the company key result it rolls up to, and its themes."""

    key: str
    team_name: str
    kind: str  # Team.kind: function or pod
    voice: str  # which phrases its weekly reports use (okr_app.demo.text)
    objective: str
    company_kr: str
    themes: tuple[Theme, ...]
    share: float  # of the staff outside leadership and the pod


def _inc(title, unit, style, start, target, precision=1.0, vanity=False):
    return KrTemplate(title, "increase", unit, style, Span(*start), Span(*target), precision, vanity)


def _dec(title, unit, style, start, target, precision=1.0):
    return KrTemplate(title, "decrease", unit, style, Span(*start), Span(*target), precision)


def _above(title, unit, style, baseline, threshold, precision=0.1):
    return KrTemplate(title, "stay_above", unit, style, Span(*baseline), Span(*threshold), precision)


def _below(title, unit, style, baseline, threshold, precision=0.1):
    return KrTemplate(title, "stay_below", unit, style, Span(*baseline), Span(*threshold), precision)


def _done(title):
    return KrTemplate(title, "milestone")


COMPANY_OBJECTIVE = "Grow revenue that lasts"
COMPANY_DESCRIPTION = ("One goal for marketing, sales and customer success: revenue that closes and stays. "
                       "Each team's objective rolls up here.")

MARKETING = Function(
    key="marketing", team_name="Marketing", kind="function", voice="marketing",
    objective="Fill the funnel with buyers who convert",
    company_kr="Marketing delivers pipeline that converts",
    share=0.28,
    themes=(
        Theme("demand", "Demand generation: more sales-qualified leads", (
            "Turn our webinars into a pipeline engine", "Make paid search pay for itself",
            "Generate pipeline sales wants to work"), (
            _inc("Raise SQL→opportunity conversion from {start} to {target}", "%", "pct",
                 (10, 14, 1), (17, 20, 1), 0.1),
            _inc("Generate {target} sales-qualified leads", "SQLs", "num", (0, 0, 1), (120, 240, 10)),
            _dec("Cut cost per SQL from {start} to {target}", "$", "money", (420, 520, 20), (300, 360, 20), 5),
            _inc("Grow site traffic to {target} visits", "visits", "k", (120_000, 150_000, 10_000),
                 (200_000, 200_000, 1), 500, vanity=True),
            _done("Launch the partner co-marketing programme"),
        )),
        Theme("content", "Content that moves buyers", (
            "Publish content buyers use to decide", "Make our case studies close deals",
            "Own the conversation on revenue operations"), (
            _inc("Raise demo requests from content from {start} to {target} a month", "requests", "num",
                 (30, 45, 5), (70, 90, 5)),
            _inc("Lift email click-through from {start} to {target}", "%", "pct",
                 (2.0, 2.4, 0.1), (3.2, 3.8, 0.1), 0.1),
            _inc("Grow newsletter subscribers to {target}", "subscribers", "k", (8_000, 12_000, 1_000),
                 (20_000, 25_000, 1_000), 100, vanity=True),
            _done("Publish the ROI calculator"),
            _done("Ship three customer case studies"),
        )),
        Theme("marketing_ops", "Marketing operations: clean, fast hand-offs", (
            "Hand sales every lead within the hour", "Make the funnel data trustworthy"), (
            _dec("Cut lead-to-first-touch time from {start} to {target} hours", "hours", "num", (24, 36, 2), (2, 4, 1)),
            _above("Keep lead routing accuracy above {target}", "%", "pct", (96, 98, 0.5), (95, 95, 1)),
            _inc("Raise MQL→SQL acceptance from {start} to {target}", "%", "pct", (36, 42, 1), (52, 58, 1), 0.1),
            _done("Move lead scoring to the new model"),
        )),
    ),
)

SALES = Function(
    key="sales", team_name="Sales", kind="function", voice="sales",
    objective="Win more of the right customers",
    company_kr="Sales closes new business that sticks",
    share=0.40,
    themes=(
        Theme("new_business", "New business: close new ARR", (
            "Close the biggest quarter of my territory", "Win the enterprise accounts in my patch",
            "Build a repeatable way to win manufacturing accounts"), (
            _inc("Close {target} new ARR", "$", "money", (0, 0, 1), (800_000, 1_500_000, 50_000), 5_000),
            _inc("Raise win rate from {start} to {target}", "%", "pct", (17, 21, 1), (25, 28, 1), 0.1),
            _dec("Shorten the sales cycle from {start} to {target} days", "days", "num", (68, 80, 2), (52, 58, 2)),
            _below("Keep average discount below {target}", "%", "pct", (12, 13, 0.5), (15, 15, 1)),
            _inc("Build {target} of qualified pipeline", "$", "money", (500_000, 900_000, 100_000),
                 (3_000_000, 4_000_000, 250_000), 10_000),
        )),
        Theme("pipeline", "Pipeline: book quality first meetings", (
            "Book meetings that turn into real opportunities", "Open the doors to our top-50 target accounts"), (
            _inc("Book {target} qualified meetings", "meetings", "num", (0, 0, 1), (60, 90, 5)),
            _inc("Raise meeting→opportunity rate from {start} to {target}", "%", "pct",
                 (32, 38, 1), (48, 52, 1), 0.1),
            _inc("Source {target} of pipeline", "$", "money", (0, 0, 1), (1_200_000, 1_800_000, 100_000), 10_000),
            _dec("Cut meeting no-shows from {start} to {target}", "%", "pct", (20, 24, 1), (9, 11, 1), 0.1),
            _inc("Make {target} cold calls", "calls", "num", (0, 0, 1), (1_200, 1_600, 100), vanity=True),
        )),
        Theme("deal_quality", "Deal quality: fewer discounts, faster cycles", (
            "Make every forecast call a boring one", "Stop giving away margin at quarter end"), (
            _below("Keep average discount below {target}", "%", "pct", (12, 13, 0.5), (15, 15, 1)),
            _dec("Cut deals slipping out of quarter from {start} to {target}", "%", "pct",
                 (28, 34, 2), (14, 16, 1), 0.1),
            _inc("Multi-thread {target} of open deals", "%", "pct", (38, 45, 1), (75, 80, 5), 0.1),
            _done("Roll out the mutual action plan template"),
        )),
    ),
)

SUCCESS = Function(
    key="success", team_name="Customer Success", kind="function", voice="success",
    objective="Make customers successful fast, and keep them",
    company_kr="Customers stay and grow",
    share=0.32,
    themes=(
        Theme("onboarding", "Onboarding: faster time-to-value", (
            "Get every new customer to value in two weeks", "Make onboarding boringly reliable"), (
            _dec("Cut time-to-first-value from {start} to {target} days", "days", "num", (19, 23, 1), (10, 12, 1)),
            _inc("Raise onboarding completion within 30 days from {start} to {target}", "%", "pct",
                 (58, 65, 1), (82, 88, 1), 0.1),
            _done("Ship the onboarding playbook v2"),
            _above("Keep onboarding CSAT above {target}", "/5", "num", (4.6, 4.7, 0.1), (4.5, 4.5, 1)),
        )),
        Theme("retention", "Retention: renew and expand", (
            "Renew every account in my book on time", "Grow the accounts we already have",
            "Turn at-risk accounts around"), (
            _above("Keep gross revenue retention above {target}", "%", "pct", (93, 95, 0.5), (92, 92, 1)),
            _inc("Raise net revenue retention from {start} to {target}", "%", "pct", (102, 105, 1), (109, 112, 1), 0.1),
            _inc("Close {target} expansion ARR", "$", "money", (0, 0, 1), (250_000, 450_000, 25_000), 5_000),
            _dec("Cut at-risk accounts from {start} to {target}", "accounts", "num", (12, 16, 1), (5, 7, 1)),
            _done("Run QBRs with all top-20 accounts"),
        )),
        Theme("support", "Support: quick, good answers", (
            "Answer customers fast and right the first time", "Make support a reason customers stay"), (
            _below("Keep first-response time below {target} hours", "hours", "num", (2.5, 3.0, 0.5), (4, 4, 1)),
            _inc("Raise CSAT from {start} to {target}", "%", "pct", (84, 87, 1), (91, 93, 1), 0.1),
            _dec("Cut the ticket backlog from {start} to {target}", "tickets", "num", (130, 160, 10), (50, 70, 10)),
            _inc("Grow help-centre page views to {target}", "views", "k", (40_000, 50_000, 5_000),
                 (90_000, 100_000, 10_000), 100, vanity=True),
        )),
    ),
)

POD = Function(
    key="pod", team_name="Mid-market Growth Pod", kind="pod", voice="sales",
    objective="Prove a repeatable mid-market land-and-expand motion",
    company_kr="The mid-market pod proves land-and-expand",
    share=0.0,
    themes=(
        Theme("land", "Land: mid-market wins", (
            "Land mid-market logos we can expand", "Make the mid-market motion repeatable"), (
            _inc("Win {target} mid-market logos", "logos", "num", (0, 0, 1), (8, 12, 1)),
            _inc("Close {target} mid-market new ARR", "$", "money", (0, 0, 1), (500_000, 700_000, 50_000), 5_000),
            _dec("Cut the mid-market sales cycle from {start} to {target} days", "days", "num",
                 (56, 64, 2), (38, 42, 2)),
        )),
        Theme("expand", "Expand: growth in the first 90 days", (
            "Grow new mid-market customers within 90 days", "Turn first-year customers into advocates"), (
            _inc("Close {target} expansion ARR within 90 days of signing", "$", "money", (0, 0, 1),
                 (120_000, 200_000, 10_000), 5_000),
            _inc("Raise seat activation from {start} to {target}", "%", "pct", (52, 58, 1), (78, 82, 1), 0.1),
            _done("Publish the land-and-expand playbook"),
        )),
    ),
)

FUNCTIONS = (MARKETING, SALES, SUCCESS)

FINANCE = Theme("finance", "", ("Pay commissions right and on time",), (
    _dec("Cut month-end close from {start} to {target} working days", "days", "num", (8, 10, 1), (5, 5, 1)),
    _below("Keep commission disputes below {target} a quarter", "disputes", "num", (2, 3, 1), (5, 5, 1), 1),
    _done("Run the first payout in Cadence"),
))

ADMIN = Theme("admin", "", ("Get every team running on Cadence",), (
    _above("Keep the weekly check-in rate above {target}", "%", "pct", (88, 92, 1), (85, 85, 1)),
    _done("Roll out single sign-on"),
    _dec("Cut new-hire access set-up from {start} to {target} hours", "hours", "num", (20, 28, 4), (4, 4, 1)),
))

# Personal objectives some people keep private (visible to them, the people above them, and admins).
PRIVATE_OBJECTIVES = (
    "Land the {account} platform deal before it is announced",
    "Grow into the team-lead role",
)
