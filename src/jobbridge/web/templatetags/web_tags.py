from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_current(context, prefix: str) -> str:
    """aria-current for the navigation entry whose section the page is in ("/" only on itself)."""
    path = context["request"].path
    hit = path == prefix if prefix == "/" else path.startswith(prefix)
    return 'aria-current="page"' if hit else ""


@register.filter
def field_type(bound_field) -> str:
    return bound_field.field.widget.__class__.__name__.lower()


@register.filter
def is_required(bound_field) -> bool:
    return bound_field.field.required or getattr(bound_field.field, "service_required", False)
