"""Reads over the outbox for the staff page, the API and the CLI."""

from django.db.models import Count

from .models import Notification
from .services import inapp_channels


def outbox_rows(user, *, status: str = "", channel: str = ""):
    qs = Notification.objects.visible_to(user).select_related("seeker", "user")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-created_at", "-id")


def outbox_counts(user) -> dict[str, int]:
    """Rows by status (every status present, zeros included), within the viewer's scope."""
    found = dict(
        Notification.objects.visible_to(user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {value: found.get(value, 0) for value in Notification.Status.values}


def recent_failures(user, limit: int = 20):
    return outbox_rows(user, status=Notification.Status.FAILED)[:limit]


def inbox(user):
    """The signed-in seeker's in-app messages that have been delivered, newest first."""
    return Notification.objects.filter(
        seeker__user=user, channel__in=inapp_channels(), status=Notification.Status.SENT
    ).order_by("-sent_at", "-id")
