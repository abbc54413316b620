"""Finding probable duplicate job seekers.

The same ID number cannot be registered twice (a unique keyed hash; imports and registration
update the existing person instead), so what is left to find are people entered twice under
different ID numbers, typically a mistyped digit:
- the same name and the same mobile phone;
- the same birth date and a similar name (same pinyin, e.g. 张伟/张玮, or one character apart).
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from .models import Seeker


@dataclass
class DuplicatePair:
    a: Seeker
    b: Seeker
    reasons: list[str] = field(default_factory=list)


def _similar_names(x: str, y: str) -> str | None:
    if x == y:
        return _("同名")
    if lazy_pinyin(x) == lazy_pinyin(y):
        return _("姓名同音")
    if len(x) == len(y) and sum(1 for p, q in zip(x, y, strict=True) if p != q) == 1:
        return _("姓名仅差一字")
    return None


def probable_duplicates(queryset, limit: int = 100) -> list[DuplicatePair]:
    """Pairs within ``queryset`` (already scoped to the viewer), strongest evidence first."""
    pairs: dict[tuple[int, int], DuplicatePair] = {}
    qs = queryset.filter(merged_into__isnull=True)

    def add(a: Seeker, b: Seeker, reason: str) -> None:
        a, b = sorted((a, b), key=lambda s: s.pk)
        pair = pairs.setdefault((a.pk, b.pk), DuplicatePair(a, b))
        if reason not in pair.reasons:
            pair.reasons.append(reason)

    same_phone = (
        qs.exclude(phone_hash="")
        .values("name", "phone_hash")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name", "phone_hash")[:limit]
    )
    for name, phone_hash in same_phone:
        group = list(qs.filter(name=name, phone_hash=phone_hash).order_by("pk")[:10])
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                add(a, b, _("同名且手机号相同"))

    dates = (
        qs.values("birth_date")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("-n")
        .values_list("birth_date", flat=True)
    )
    for birth_date in dates.iterator():
        if len(pairs) >= limit:
            break
        group = list(qs.filter(birth_date=birth_date).order_by("pk").only("id", "name", "birth_date")[:200])
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                similar = _similar_names(a.name, b.name)
                if similar:
                    add(a, b, _("%(similar)s且出生日期相同") % {"similar": similar})
    ordered = sorted(pairs.values(), key=lambda p: (-len(p.reasons), p.a.pk))[:limit]
    # Reload the pairs' seekers in full for display.
    full = Seeker.objects.in_bulk({p.a.pk for p in ordered} | {p.b.pk for p in ordered})
    return [DuplicatePair(full[p.a.pk], full[p.b.pk], p.reasons) for p in ordered]
