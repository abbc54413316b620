"""Writing the audit trail. Views of personal data call ``audit_pii_view`` before they reveal."""

from django.http import HttpRequest

from jobbridge.core.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit(*, actor, action: str, obj=None, request: HttpRequest | None = None, **detail) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip=client_ip(request),
        detail=detail,
    )


def audit_pii_view(*, actor, obj, fields: list[str], request: HttpRequest | None = None) -> AuditEvent:
    return audit(actor=actor, action=AuditEvent.Action.VIEW_PII, obj=obj, request=request, fields=fields)
