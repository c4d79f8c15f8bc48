"""Believable Progress / Plans / Problems text, check-in notes and manager replies for the demo.

Phrases are written per voice (the kind of work: marketing, sales, success, finance, admin,
leadership) and filled in with colleagues, customer accounts, numbers and the writer's own key
result, so two reports rarely read the same. Every choice comes from the caller's seeded `rng`.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from okr_app.demo.names import ACCOUNTS

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

PROGRESS = {
    "marketing": (
        "Webinar with {account} as guest speaker: {m0} sign-ups, {n} asked for a demo.",
        "Shipped the new pricing page; bounce rate down {pct}% in the first days.",
        "Handed {n} SQLs to sales this week, {colleague} already booked calls with two of them.",
        "Finished the {account} case study draft; legal review started.",
        "Paused the two paid-search campaigns with the worst cost per SQL.",
        "Rebuilt the nurture sequence for trial users; first send goes out {day}.",
        "Cleaned up {m0} duplicate leads in the CRM with {colleague}.",
        "Ran the A/B test on the demo form: shorter form wins by {pct}%.",
        "Published two blog posts and the comparison guide.",
        "Agreed the lead-scoring thresholds with the SDR team.",
    ),
    "sales": (
        "Closed {account} ({amount}) after a three-week security review.",
        "Moved {account} to proposal; the champion is their VP Operations.",
        "Ran {m0} discovery calls, {n} turned into qualified opportunities.",
        "Got a verbal yes from {account}; paperwork with procurement now.",
        "Booked {n} first meetings from the outbound sequence {colleague} and I rewrote.",
        "Mutual action plan signed off with {account}; go-live date agreed.",
        "Re-engaged {account2} after six weeks of silence, new stakeholder on their side.",
        "Forecast call went well: every commit deal has a next step and a date.",
        "Pulled {account2} into this quarter with a multi-year option instead of a discount.",
        "Demo to the finance team at {account} landed; they asked for a pilot.",
        "Sent the order form to {account}; signature expected by {day}.",
        "Worked the {account} deal with {colleague}: security, legal and pricing all in one call.",
    ),
    "success": (
        "Renewed {account} ({amount}) on time, with {n} extra seats.",
        "Onboarded {account2}: first dashboard live on day {n}.",
        "QBR with {account}: they want to roll out to two more regions.",
        "Cleared {m0} tickets from the backlog with {colleague}.",
        "Turned {account2} from red to amber: weekly calls and a named engineer.",
        "Updated the onboarding checklist after feedback from {account}.",
        "Health-score review of my book: {n} accounts moved to green.",
        "Ran the admin training for {account}; {m0} people attended.",
        "Expansion conversation started with {account2} about the analytics add-on.",
        "First-response time stayed under target all week.",
        "Closed the loop with {account} on the export bug; they are happy again.",
        "Wrote {n} new help-centre articles from this week's top tickets.",
    ),
    "finance": (
        "Closed the books for last month in {n} working days.",
        "Reconciled the commission accruals with the CRM export; {n} differences explained.",
        "Loaded the quarter's deals into Cadence for a trial payout run.",
        "Answered {n} commission questions from the sales team.",
        "Reviewed the new 50/50 plan with {colleague} and the VPs.",
        "Matched the quarter's bookings in the CRM to invoices; {n} fixed at source.",
        "Built the draft clawback report for churned accounts.",
        "Walked {colleague} through how their commission statement is calculated.",
    ),
    "admin": (
        "Added {n} new hires and set up their managers in Cadence.",
        "Weekly check-in rate was {pct0}% across the company.",
        "Tested single sign-on with the identity provider in staging.",
        "Cleaned up {n} leavers' accounts and tokens.",
        "Ran a short Cadence training for new managers.",
        "Moved {n} people to their new teams after the reorganisation.",
        "Reviewed who can see private objectives with the leadership team.",
        "Set up the weekly digest for managers.",
    ),
    "leadership": (
        "Reviewed the cascade with the team: most objectives have a clear owner and a number.",
        "Pipeline review with sales and marketing; agreed where the gap is.",
        "Met {account} with the account team; strong renewal signal.",
        "Hiring: {n} offers out, one accepted.",
        "Board prep: the revenue-that-lasts story is clearer with the retention numbers.",
        "Skip-level one-to-ones with {n} people this week.",
        "Customer advisory board: {n} customers joined, lots of ideas for the roadmap.",
        "Agreed with {colleague} to move two people into customer success.",
        "All-hands: walked everyone through the company objective and how their team rolls up.",
        "Reviewed the at-risk key results with each team; {n} have a recovery plan now.",
        "Quarterly business review with {account}; they are talking about a multi-year deal.",
        "Approved the events budget after seeing the pipeline it sourced last cycle.",
    ),
}

PLANS = {
    "marketing": (
        "Launch the {account} customer story on {day}.",
        "Brief the agency on the next paid-social test.",
        "Pair with {colleague} on the webinar follow-up sequence.",
        "Draft the Q-end campaign plan and share it with sales.",
        "Review lead routing rules with the SDR managers.",
        "Write the comparison guide for manufacturing buyers.",
    ),
    "sales": (
        "Get {account} to sign before the end of the month.",
        "Run the pilot kick-off with {account2} on {day}.",
        "Prospect {m0} accounts from the new target list.",
        "Pre-call plan with {colleague} for the {account} demo.",
        "Update next steps and close dates on every open deal.",
        "Multi-thread {account2}: get time with their CFO.",
    ),
    "success": (
        "Kick off onboarding for {account} on {day}.",
        "Prepare the renewal proposal for {account2}.",
        "Run the at-risk review with {colleague}.",
        "Document the fix for the SSO set-up issue in the help centre.",
        "Book QBRs with the three biggest accounts in my book.",
        "Shadow {colleague} on an expansion call.",
    ),
    "finance": (
        "Dry-run the quarterly payout and compare with the spreadsheet.",
        "Send statements to the sales managers for review.",
        "Agree the clawback policy wording with {colleague}.",
        "Prepare the payroll export for {day}.",
        "Chase the missing close dates with the sales managers.",
        "Review the accrual with the external accountant.",
    ),
    "admin": (
        "Roll out single sign-on to the sales team.",
        "Remind managers whose teams have not checked in.",
        "Import next month's new hires.",
        "Review API tokens that have not been used in 60 days.",
        "Set up next cycle's dates with {colleague}.",
        "Back up the database and test a restore.",
    ),
    "leadership": (
        "Mid-cycle review with each team lead.",
        "Decide on the budget shift from paid search to events.",
        "Join the {account} executive sponsor call.",
        "Finalise next cycle's company objective draft.",
        "Pipeline deep-dive with {colleague} on {day}.",
        "Interview the two final candidates for the customer success lead role.",
        "Prepare the board update on retention.",
        "Ride along on {n} customer calls.",
    ),
}

PROBLEMS = {
    "marketing": (
        "Paid-search costs went up {pct}% this month; need to decide where to cut.",
        "Still waiting on legal for the {account} case study quotes.",
        "Design capacity is the bottleneck: two landing pages are queued behind the rebrand.",
        "Sales rejected {n} leads as not a fit; we need to agree the definition of an SQL again.",
        "Attribution in the CRM is still broken for event leads.",
    ),
    "sales": (
        "{account} pushed the decision to next quarter; budget freeze on their side.",
        "Legal review at {account2} is slow; their redlines came back twice.",
        "Too many inbound leads are students or competitors; wasting first calls.",
        "Lost {account2} to a cheaper competitor; price was the only objection.",
        "Pipeline for next month is thin; need more first meetings.",
        "Security questionnaire for {account} needs an engineer's time.",
    ),
    "success": (
        "{account} is unhappy with the reporting bug; escalated twice, no fix date yet.",
        "My book is at {m0} accounts; onboarding new ones is slipping.",
        "{account2}'s champion left; nobody owns the renewal on their side.",
        "Backlog grew again after the release; {n} tickets waiting on engineering.",
        "Renewal at {account} wants a {pct}% discount to stay.",
    ),
    "finance": (
        "Deal data from the CRM has {n} deals without a close date.",
        "Two plans disagree on how to credit split deals; need a decision.",
        "Bank holiday moves the payroll cut-off to {day}; statements must go out early.",
        "The CRM export changed format again; {n} columns moved.",
    ),
    "admin": (
        "SSO set-up is blocked on the identity provider's admin access.",
        "{n} people still have no manager set in the org chart.",
        "Check-in rate dropped in sales this week; managers were at the kick-off.",
    ),
    "leadership": (
        "Marketing and sales still count SQLs differently; it shows in the numbers.",
        "Retention in the mid-market segment is below plan.",
        "Hiring for customer success is behind; the team is stretched.",
        "Two big renewals land in the same week as the board meeting.",
        "Discounting crept up at quarter end again; need to hold the line.",
        "Paid marketing spend is ahead of the pipeline it brings.",
    ),
}

GOOD_LINES = (
    "Good week overall.", "Momentum is real this week.", "Ahead of where I expected.",
    "Feeling good about the quarter.",
)
ROUGH_LINES = (
    "Slow week.", "Not where I want to be.", "Behind plan; need help on this.", "Honestly a frustrating week.",
)
BLOCKED_LINES = (
    "No movement on my key results: I am blocked until this is sorted.",
    "I have not been able to work on my OKRs; other fires took the week.",
)

NOTES = {
    "first": ("", "", "First check-in of the cycle.", "Baseline confirmed.", "Starting point agreed with my manager."),
    "up": ("", "", "Moving in the right direction.", "Better than last week.", "Steady progress.",
           "Good jump this week.", "Up again.", "Getting there."),
    "flat": ("", "", "No change this week.", "Same as last week.", "Waiting on others; see Problems.",
             "Flat; expect movement next week."),
    "down": ("", "Slipped back a bit.", "A bad week for this number.", "Dipped; watching it.", "Down; I know why."),
    "done": ("Done!", "Shipped.", "Live since this week.", "Completed and announced."),
}

REPLIES = (
    "Thanks {first}. Let's take this to our one-to-one on {day} and decide together.",
    "Good flag, {first}. I'll raise it with {colleague} today.",
    "I can help here: I know their VP, I'll send an intro.",
    "Let's not wait on this one. Can you draft the options and I'll sign off?",
    "Understood. Park the lower-priority work until this is fixed.",
    "Thanks for being open about it. What would unblock you fastest?",
    "I've escalated this; you should hear back by {day}.",
)


@dataclass(frozen=True)
class Facts:
    """What a report may mention: the writer, a colleague, and their own key result."""

    first_name: str
    colleague: str
    kr_title: str
    kr_value: str  # the key result's value this week, formatted ("$640k", "15.2%")


class _Blanks(dict):
    """Fills a template's blanks on demand, so only the blanks a phrase uses draw from the rng."""

    def __init__(self, rng: random.Random, facts: Facts) -> None:
        super().__init__(colleague=facts.colleague, first=facts.first_name)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        rng = self.rng
        if key in ("account", "account2"):
            first, second = rng.sample(ACCOUNTS, 2)
            self.update(account=first, account2=second)
            return self[key]
        value = {"day": lambda: rng.choice(WEEKDAYS), "n": lambda: rng.randint(2, 9),
                 "m0": lambda: rng.randint(12, 60), "pct": lambda: rng.randint(5, 30),
                 "pct0": lambda: rng.randint(78, 96), "amount": lambda: f"${rng.randint(4, 30) * 5}k"}[key]()
        self[key] = value
        return value


def _fill(template: str, rng: random.Random, facts: Facts) -> str:
    return template.format_map(_Blanks(rng, facts))


def weekly_text(voice: str, mood: str, rng: random.Random, facts: Facts, stalled: bool = False) -> tuple[str, str, str]:
    """(progress, plans, problems) for one week; Problems is often empty when things go well."""
    done = [_fill(t, rng, facts) for t in rng.sample(PROGRESS[voice], rng.randint(1, 2))]
    if facts.kr_title and rng.random() < 0.6:
        done.append(f"“{facts.kr_title}” is at {facts.kr_value}.")
    if mood == "good" and rng.random() < 0.5:
        done.insert(0, rng.choice(GOOD_LINES))
    if mood == "rough":  # the text owns up to a rough week, matching its low satisfaction
        done.insert(0, rng.choice(ROUGH_LINES))
    plans = [_fill(t, rng, facts) for t in rng.sample(PLANS[voice], rng.randint(1, 3))]
    chance_of_problem = {"good": 0.3, "steady": 0.55, "rough": 0.95}[mood]
    problems = ""
    if stalled:
        problems = f"{rng.choice(BLOCKED_LINES)} {_fill(rng.choice(PROBLEMS[voice]), rng, facts)}"
    elif rng.random() < chance_of_problem:
        problems = _fill(rng.choice(PROBLEMS[voice]), rng, facts)
    return " ".join(done), "\n".join(f"- {p}" for p in plans), problems


def checkin_note(direction: str, rng: random.Random) -> str:
    """A short note for a check-in: direction is first, up, flat, down or done."""
    return rng.choice(NOTES[direction])


def reply_text(rng: random.Random, facts: Facts) -> str:
    return _fill(rng.choice(REPLIES), rng, facts)
