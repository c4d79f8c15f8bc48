"""Payout data: imported deals, rosters and quotas, and the recorded payout runs.

Money is integer cents (BigInteger) everywhere, never a float or a Numeric: the engine
computes exactly and rounds each line once, and the database stores that rounded cent.
Text figures of a line (credited, quota, attainment) are kept exactly as lines.csv
writes them, so a stored run reads the same as the engine's files.

A run moves draft -> approved -> exported; a draft replaced by a newer computation of
the same period becomes superseded (kept, for the record). At most one run per period
is not superseded: a partial unique index says so to the database itself, so two
runs recorded at the same moment cannot both commit.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr_app.extensions import db
from okr_app.clock import utcnow

IMPORT_KINDS = ("deals", "roster", "quotas")
RUN_STATES = ("draft", "approved", "exported", "superseded")
LOCKED_STATES = ("approved", "exported")
ID_LENGTH = 200
"""Longest deal, account, rep or component id accepted (an import refuses longer ones)."""


class PayoutImport(db.Model):
    """One imported file (deals, a period's roster, or quotas): who brought it in, when, its sha256."""

    __tablename__ = "payout_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    file_name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    period: Mapped[str | None] = mapped_column(sa.String(7))
    row_count: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    replaced: Mapped[int] = mapped_column(default=0)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint(sa.column("kind").in_(IMPORT_KINDS), name="kind"),)


class Deal(db.Model):
    """A closed deal as imported: the same fields as a deals.csv row, amount in cents."""

    __tablename__ = "deal"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[str] = mapped_column(sa.String(ID_LENGTH), unique=True)
    account_id: Mapped[str] = mapped_column(sa.String(ID_LENGTH))
    rep_id: Mapped[str] = mapped_column(sa.String(ID_LENGTH), default="")
    type: Mapped[str] = mapped_column(sa.String(20))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    close_date: Mapped[date] = mapped_column(index=True)
    split: Mapped[str] = mapped_column(sa.Text, default="")
    # Where the deal came from (deals.csv's optional `source` column: marketing, sales, partner, ...).
    lead_source: Mapped[str] = mapped_column("source", sa.String(40), default="", server_default="")
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("payout_import.id"), index=True)
    line: Mapped[int]

    source: Mapped[PayoutImport] = relationship()


class RosterRep(db.Model):
    """A rep on one quarter's roster: the plan they are paid on that quarter, their
    employment dates when they join or leave (`comp_engine.employment`) and their draw
    (`comp_engine.draws`); `draw_balance_cents` is only the opening balance: once an
    approved run has one, the next run carries it from there."""

    __tablename__ = "roster_rep"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(7), index=True)
    rep_id: Mapped[str] = mapped_column(sa.String(ID_LENGTH))
    name: Mapped[str] = mapped_column(sa.String(ID_LENGTH))
    email: Mapped[str] = mapped_column(sa.String(254))
    plan: Mapped[str] = mapped_column(sa.String(ID_LENGTH))
    manager_id: Mapped[str | None] = mapped_column(sa.String(ID_LENGTH))
    target_incentive_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("payout_import.id"), index=True)
    line: Mapped[int]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    draw_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    draw_kind: Mapped[str | None] = mapped_column(sa.String(20))
    draw_balance_cents: Mapped[int | None] = mapped_column(sa.BigInteger)

    source: Mapped[PayoutImport] = relationship()

    __table_args__ = (sa.UniqueConstraint("period", "rep_id", name="uq_roster_rep_period_rep"),)


class Quota(db.Model):
    """A rep's quota for one quarter and quota component, in cents of ARR."""

    __tablename__ = "quota"

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[str] = mapped_column(sa.String(ID_LENGTH))
    period: Mapped[str] = mapped_column(sa.String(7), index=True)
    component: Mapped[str] = mapped_column(sa.String(ID_LENGTH))
    quota_cents: Mapped[int] = mapped_column(sa.BigInteger)
    import_id: Mapped[int] = mapped_column(sa.ForeignKey("payout_import.id"), index=True)
    line: Mapped[int]

    source: Mapped[PayoutImport] = relationship()

    __table_args__ = (sa.UniqueConstraint("rep_id", "period", "component", name="uq_quota_rep_period_component"),)


class PayoutRun(db.Model):
    """One computation of a quarter's payouts, with the fingerprint of what it read.

    `fingerprint` is the engine's sha256 over the period's inputs (deals, roster,
    quotas, plan files); `basis_runs` lists the approved runs its adjustment lines
    were computed against and `basis_fingerprint` the inputs of those recomputations.
    """

    __tablename__ = "payout_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(7), index=True)
    state: Mapped[str] = mapped_column(sa.String(12), default="draft")
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    basis_runs: Mapped[str] = mapped_column(sa.Text, default="")
    basis_fingerprint: Mapped[str] = mapped_column(sa.String(64), default="")
    inputs: Mapped[str] = mapped_column(sa.Text, default="")
    rep_count: Mapped[int] = mapped_column(default=0)
    line_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    approved_at: Mapped[datetime | None]
    exported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    exported_at: Mapped[datetime | None]
    superseded_at: Mapped[datetime | None]
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payout_run.id", use_alter=True))

    created_by = relationship("Person", foreign_keys=[created_by_id])
    approved_by = relationship("Person", foreign_keys=[approved_by_id])
    exported_by = relationship("Person", foreign_keys=[exported_by_id])

    __table_args__ = (
        sa.CheckConstraint(sa.column("state").in_(RUN_STATES), name="state"),
        sa.Index("uq_payout_run_live_period", "period", unique=True,
                 sqlite_where=sa.text("state != 'superseded'"),
                 postgresql_where=sa.text("state != 'superseded'")),
    )

    @property
    def locked(self) -> bool:
        """Approved and exported runs never change."""
        return self.state in LOCKED_STATES

    def __repr__(self) -> str:
        return f"<PayoutRun #{self.id} {self.period} {self.state}>"


class RunStatement(db.Model):
    """One rep's statement in a run: the total to pay and the whole statement as JSON.

    `detail` is `reports.statement_model.statement_to_dict` of the engine's statement
    (empty when the rep is only owed adjustments for an earlier quarter and is not on
    this quarter's roster); `adjustments` is a JSON list of the adjustment lines.
    `person_id` is the Cadence person whose email matches the roster's, if any.
    `earned_cents` is the sum of the lines before a draw (adjustments included) and
    `draw_balance_cents` what a recoverable draw is owed after the quarter (None without
    a draw): the next quarter's run carries it from the approved run.
    """

    __tablename__ = "run_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payout_run.id"), index=True)
    rep_id: Mapped[str] = mapped_column(sa.String(ID_LENGTH))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(ID_LENGTH))
    email: Mapped[str] = mapped_column(sa.String(254))
    manager_rep_id: Mapped[str | None] = mapped_column(sa.String(ID_LENGTH))
    plan_key: Mapped[str] = mapped_column(sa.String(ID_LENGTH), default="")
    currency: Mapped[str] = mapped_column(sa.String(3))
    total_cents: Mapped[int] = mapped_column(sa.BigInteger)
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    adjustments: Mapped[str] = mapped_column(sa.Text, default="[]")
    position: Mapped[int] = mapped_column(default=0)
    earned_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    draw_balance_cents: Mapped[int | None] = mapped_column(sa.BigInteger)

    run: Mapped[PayoutRun] = relationship()

    __table_args__ = (sa.UniqueConstraint("run_id", "rep_id", name="uq_run_statement_run_rep"),)


class PayoutLine(db.Model):
    """One row of the run's lines.csv (plus adjustment lines), amount in cents.

    component is a plan component key, `modifier:<metric>`, `clawback` (deal_id = the
    clawed-back new deal) or `adjustment:<approved period>:<component>`.
    """

    __tablename__ = "payout_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("payout_run.id"), index=True)
    position: Mapped[int]
    rep_id: Mapped[str] = mapped_column(sa.String(ID_LENGTH))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    component: Mapped[str] = mapped_column(sa.String(2 * ID_LENGTH))
    deal_id: Mapped[str] = mapped_column(sa.String(ID_LENGTH), default="")
    credited: Mapped[str] = mapped_column(sa.String(40), default="")
    quota: Mapped[str] = mapped_column(sa.String(40), default="")
    attainment: Mapped[str] = mapped_column(sa.String(40), default="")
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)

    __table_args__ = (sa.UniqueConstraint("run_id", "position", name="uq_payout_line_run_position"),)
