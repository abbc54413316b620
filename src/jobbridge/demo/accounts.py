"""Demo sign-in accounts, one per role, all with the same published password.

These exist only to show the system; ``jobbridge demo`` refuses to create them when DEBUG is off
unless told ``--force``. Usernames carry a ``demo_`` prefix so they never collide with, or reset
the password of, a real account.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction

from jobbridge.core.models import Grid, Role, User
from jobbridge.employers.models import Enterprise
from jobbridge.people.models import Seeker

from . import world

DEMO_PASSWORD = "jobbridge-demo-2026"


@dataclass(frozen=True)
class Account:
    key: str
    username: str
    role: str
    region: str | None
    display_name: str
    what: str


ACCOUNTS = [
    Account("admin", "demo_admin", Role.ADMIN, None, "演示管理员", "superuser, sees everything"),
    Account(
        "province",
        "demo_province",
        Role.BUREAU,
        world.QINGHAI,
        "青海省人社厅·演示",
        "province clerk (Qinghai 630000), may reveal ID/phone numbers",
    ),
    Account(
        "city", "demo_city", Role.BUREAU, world.HAIDONG, "海东市人社局·演示", "city clerk (Haidong 630200)"
    ),
    Account(
        "county", "demo_county", Role.BUREAU, world.LEDU, "乐都区人社局·演示", "county clerk (Ledu 630202)"
    ),
    Account(
        "commissioner",
        "demo_commissioner",
        Role.COMMISSIONER,
        None,
        "高庙镇就业服务专员·演示",
        "employment service commissioner, two grids in Ledu",
    ),
    Account(
        "recruiter",
        "demo_recruiter",
        Role.RECRUITER,
        None,
        "无锡捷安精密电子·招聘专员",
        "recruiter of a Wuxi electronics factory",
    ),
    Account(
        "seeker", "demo_seeker", Role.SEEKER, None, "", "a job seeker from Ledu, linked to one seeker record"
    ),
]


@transaction.atomic
def ensure_users() -> dict[str, User]:
    """Create or refresh the demo users (role, scope, password); links come from ``link``."""
    users = {}
    verified: set[str] = set()
    hashed = None
    view_id = Permission.objects.get(codename="view_id_number", content_type__app_label="people")
    view_phone = Permission.objects.get(codename="view_phone", content_type__app_label="people")
    for acc in ACCOUNTS:
        user = User.objects.filter(username=acc.username).first() or User(username=acc.username)
        user.role = acc.role
        user.region_id = acc.region
        user.display_name = acc.display_name or user.display_name
        user.is_superuser = user.is_staff = acc.role == Role.ADMIN
        user.is_active = True
        # One PBKDF2 hash for all seven accounts (they share the password anyway), checked once on
        # later runs: hashing is most of the time of a small demo.
        if user.pk and user.password in verified:
            pass
        elif user.pk and user.check_password(DEMO_PASSWORD):
            verified.add(user.password)
        else:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            verified.add(hashed)
        user.save()
        if acc.key == "province":
            user.user_permissions.add(view_id)
        if acc.key == "commissioner":  # calls the people of their grids
            user.user_permissions.add(view_phone)
        users[acc.key] = user
    return users


@transaction.atomic
def link(users: dict[str, User], *, commissioner_township: str, recruiter_uscc: str) -> dict[str, str]:
    """Give the commissioner two grids, the recruiter an enterprise, the seeker a seeker record.

    Returns what each account was linked to (for the summary). Missing targets (for example a
    demo built with --seekers 0) leave the account without its link rather than failing."""
    linked = {}
    grids = list(Grid.objects.filter(township_id=commissioner_township).order_by("code")[:2])
    commissioner = users["commissioner"]
    if grids:
        commissioner.grids.set(grids)
        linked["commissioner"] = "、".join(str(g) for g in grids)
    enterprise = Enterprise.objects.filter(uscc=recruiter_uscc).first()
    recruiter = users["recruiter"]
    if enterprise and recruiter.enterprise_id != enterprise.pk:
        recruiter.enterprise = enterprise
        recruiter.save(update_fields=["enterprise"])
    if recruiter.enterprise_id:
        linked["recruiter"] = str(recruiter.enterprise)
    seeker_user = users["seeker"]
    seeker = Seeker.objects.filter(user=seeker_user).first()
    if seeker is None:
        pool = Seeker.objects.filter(source=Seeker.Source.DEMO, user__isnull=True)
        seeker = (pool.filter(grid__in=grids).order_by("id").first() if grids else None) or pool.order_by(
            "id"
        ).first()
        if seeker is not None:
            seeker.user = seeker_user
            seeker.save(update_fields=["user"])
    if seeker is not None:
        if seeker_user.display_name != seeker.name:
            seeker_user.display_name = seeker.name
            seeker_user.save(update_fields=["display_name"])
        linked["seeker"] = f"{seeker.name}（{seeker.id_masked}）"
    return linked
