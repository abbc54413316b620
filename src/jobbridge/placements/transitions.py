"""The state machine as two plain tables: which moves exist, and which side may make each.

A table rather than a state-machine library: it reads as the rule itself, the page and the API
print it (the board's buttons come from ``allowed_moves``), and tests walk it exhaustively.
"""

from django.utils.translation import gettext as _

from jobbridge.core.access import is_staff
from jobbridge.core.models import Role

from .models import State

S = State

# from-state -> the states it may move to. Anything else is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.INTENTION: (S.CONTACTED, S.REFUSED, S.WITHDRAWN, S.OBSOLETE),
    S.CONTACTED: (S.INTERVIEW, S.REFUSED, S.WITHDRAWN, S.OBSOLETE),
    S.INTERVIEW: (S.OFFER, S.REFUSED, S.WITHDRAWN, S.OBSOLETE),
    S.OFFER: (S.HIRED, S.REFUSED, S.WITHDRAWN, S.OBSOLETE),
    S.HIRED: (S.ARRIVED, S.LEFT),  # LEFT from HIRED: never turned up
    S.ARRIVED: (S.RETAINED_30, S.LEFT),
    S.RETAINED_30: (S.RETAINED_90, S.LEFT),
    S.RETAINED_90: (S.RETAINED_180, S.LEFT),
    S.RETAINED_180: (),
    S.REFUSED: (),
    S.WITHDRAWN: (),
    S.OBSOLETE: (),
    S.LEFT: (),
}

# Who may make a move into a state. "seeker": the applicant on their own application;
# "recruiter": the posting's enterprise; "staff": commissioner/bureau/admin with the
# application in scope; "system": only the service itself (obsolete, on a hire elsewhere).
SEEKER, RECRUITER, STAFF, SYSTEM = "seeker", "recruiter", "staff", "system"
MOVERS: dict[str, frozenset[str]] = {
    S.CONTACTED: frozenset({RECRUITER, STAFF}),
    S.INTERVIEW: frozenset({RECRUITER, STAFF}),
    S.OFFER: frozenset({RECRUITER, STAFF}),
    S.HIRED: frozenset({RECRUITER, STAFF}),
    S.REFUSED: frozenset({RECRUITER, STAFF}),
    S.WITHDRAWN: frozenset({SEEKER, STAFF}),
    # Enterprises confirm arrivals (the sources say so); the retention checks are the
    # commissioners' and the bureau's follow-up work.
    S.ARRIVED: frozenset({RECRUITER, STAFF}),
    S.RETAINED_30: frozenset({STAFF}),
    S.RETAINED_90: frozenset({STAFF}),
    S.RETAINED_180: frozenset({STAFF}),
    S.LEFT: frozenset({RECRUITER, STAFF}),
    S.OBSOLETE: frozenset({SYSTEM}),
}

RETENTION = {S.RETAINED_30: 30, S.RETAINED_90: 90, S.RETAINED_180: 180}
RETENTION_DAYS = (30, 90, 180)
STATE_FOR_DAYS = {v: k for k, v in RETENTION.items()}


def actor_kind(user) -> str | None:
    if user is None:
        return SYSTEM
    if is_staff(user):
        return STAFF
    if user.role == Role.RECRUITER:
        return RECRUITER
    if user.role == Role.SEEKER:
        return SEEKER
    return None


def label(state: str) -> str:
    return f"{State(state).label}（{state}）"


def check_move(from_state: str, to_state: str, kind: str | None) -> str | None:
    """The refusal message for a move, or None when it is allowed. Names both states."""
    if to_state not in State.values:
        return _("未知状态“%(to)s”，可选：%(all)s") % {"to": to_state, "all": ", ".join(State.values)}
    if to_state not in TRANSITIONS[from_state]:
        allowed = "、".join(label(s) for s in TRANSITIONS[from_state] if s != State.OBSOLETE) or _("无")
        return _("不能从“%(from)s”变为“%(to)s”；当前可变为：%(allowed)s") % {
            "from": label(from_state),
            "to": label(to_state),
            "allowed": allowed,
        }
    if kind not in MOVERS[to_state]:
        return _("您的角色无权将申请从“%(from)s”变为“%(to)s”") % {
            "from": label(from_state),
            "to": label(to_state),
        }
    return None


def allowed_moves(from_state: str, user) -> list[str]:
    kind = actor_kind(user)
    return [s for s in TRANSITIONS[from_state] if kind in MOVERS[s]]
