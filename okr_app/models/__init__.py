"""All tables; import models from here."""
from okr_app.models.audit import AuditEvent
from okr_app.models.conversation import NOTIFICATION_KINDS, KeyResultComment, Notification
from okr_app.models.mail import MAIL_STATES, MailOptOut, SentMail
from okr_app.models.okrs import (CONFIDENCES, CYCLE_STATES, KR_KINDS, OWNER_TYPES, CheckIn, Cycle, KeyResult,
                                 Objective, Snapshot)
from okr_app.models.payouts import Deal, PayoutImport, PayoutLine, PayoutRun, Quota, RosterRep, RunStatement
from okr_app.models.people import ROLES, TEAM_KINDS, ApiToken, Person, Team
from okr_app.models.weekly import ReportReply, WeeklyReport

__all__ = [
    "AuditEvent", "KeyResultComment", "Notification", "NOTIFICATION_KINDS", "ApiToken", "CheckIn", "Cycle", "KeyResult", "Objective", "Person", "ReportReply", "Snapshot",
    "Team", "WeeklyReport", "Deal", "PayoutImport", "PayoutLine", "PayoutRun", "Quota", "RosterRep",
    "RunStatement", "SentMail", "MailOptOut", "MAIL_STATES", "CONFIDENCES", "CYCLE_STATES", "KR_KINDS", "OWNER_TYPES", "ROLES", "TEAM_KINDS",
]
