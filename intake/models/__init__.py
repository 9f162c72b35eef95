"""Inspraak's tables (SQLAlchemy 2.0 typed models)."""

from intake.models.base import Base, utcnow
from intake.models.consultation import Consultation, ConsultationStatus, ConsultationText
from intake.models.contacts import ContactConfirmation
from intake.models.contribution import (
    Attachment,
    Contribution,
    ContributionStatus,
    Contributor,
    TextOrigin,
)
from intake.models.erasure import ErasedMessage
from intake.models.forms import PrintedForm
from intake.models.operations import (
    ConversationState,
    Job,
    JobLane,
    JobStatus,
    OutboundMessage,
    RateCounter,
    SenderQuota,
    WorkerHeartbeat,
)
from intake.models.questions import Answer, ClosedQuestion, QuestionKind
from intake.models.results import (
    ContributionLink,
    ContributionTheme,
    Decision,
    Theme,
    ThemeAssignment,
    ThemeStatus,
)
from intake.models.review import ContributionTag, ReviewNote, ReviewState, Tag, TextRevision
from intake.models.staff import AuditEvent, Role, StaffGrant, StaffSession, StaffUser
from intake.models.tenant import DEFAULT_TENANT_ID, Tenant, TenantOwned
from intake.models.usage import UsageCount

__all__ = [
    "Answer",
    "Attachment",
    "AuditEvent",
    "Base",
    "Consultation",
    "ConsultationStatus",
    "ConsultationText",
    "ClosedQuestion",
    "ContactConfirmation",
    "Contribution",
    "ContributionStatus",
    "ContributionLink",
    "ContributionTag",
    "ContributionTheme",
    "Contributor",
    "ConversationState",
    "ErasedMessage",
    "DEFAULT_TENANT_ID",
    "Decision",
    "Job",
    "JobLane",
    "JobStatus",
    "OutboundMessage",
    "QuestionKind",
    "PrintedForm",
    "RateCounter",
    "ReviewNote",
    "ReviewState",
    "Role",
    "SenderQuota",
    "StaffGrant",
    "StaffSession",
    "StaffUser",
    "Tag",
    "Tenant",
    "TenantOwned",
    "TextOrigin",
    "TextRevision",
    "UsageCount",
    "Theme",
    "ThemeAssignment",
    "ThemeStatus",
    "WorkerHeartbeat",
    "utcnow",
]
