"""All tables; import models from here."""
from okr_app.models.audit import AuditEvent
from okr_app.models.conversation import KeyResultComment
from okr_app.models.mail import MAIL_STATES, MailOptOut, SentMail
from okr_app.models.okrs import (CONFIDENCES, CYCLE_STATES, KR_KINDS, OWNER_TYPES, CheckIn, Cycle, KeyResult,
                                 Objective, Snapshot)
from okr_app.models.payouts import Deal, PayoutImport, PayoutLine, PayoutRun, Quota, RosterRep, RunStatement
from okr_app.models.plans import PlanAcknowledgement, PlanVersion
from okr_app.models.questions import QUESTION_STATES, Notification, StatementQuestion
from okr_app.models.people import ROLES, TEAM_KINDS, ApiToken, Person, Team
from okr_app.models.rollups import CycleRollup
from okr_app.models.sessions import TOKEN_PURPOSES, AccountToken, SignInSession
from okr_app.models.throttle import ThrottleCounter
from okr_app.models.weekly import ReportReply, WeeklyReport

__all__ = [
    "AuditEvent", "ApiToken", "CheckIn", "Cycle", "CycleRollup", "KeyResult", "KeyResultComment", "Objective",
    "Person", "ReportReply", "Snapshot",
    "Team", "WeeklyReport", "Deal", "PayoutImport", "PayoutLine", "PayoutRun", "Quota", "RosterRep",
    "RunStatement", "StatementQuestion", "Notification", "PlanVersion", "PlanAcknowledgement", "QUESTION_STATES",
    "SentMail", "SignInSession", "AccountToken", "TOKEN_PURPOSES", "ThrottleCounter", "MailOptOut", "MAIL_STATES",
    "CONFIDENCES", "CYCLE_STATES", "KR_KINDS", "OWNER_TYPES", "ROLES", "TEAM_KINDS",
]
