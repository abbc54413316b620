"""`jobbridge people`: the seeker register from the command line.

    jobbridge people import FILE [--dry-run] [--json] [--error-file OUT.xlsx] [--user NAME]
    jobbridge people template --out FILE.xlsx
    jobbridge people list --user NAME [--q TEXT] [--region CODE|NAME] [--priority GROUP]
                          [--status S] [--education E] [--limit 50] [--json]
    jobbridge people show ID --user NAME [--json]

`import` and `template` are `jobbridge import seekers …` and `jobbridge import template seekers`
under the register's name (same options, same code path, same exit status). `list` and `show` see
what the user sees on the pages (``Seeker.objects.visible_to``; the list is for staff only, as the
list page is) and print masked ID and phone numbers only: the clear values stay in the vault.
"""

import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from jobbridge.core import regions
from jobbridge.core.access import require_staff
from jobbridge.core.management.commands._roster import (
    add_import_arguments,
    add_template_arguments,
    run_import,
    run_template,
)
from jobbridge.core.models import User
from jobbridge.people.models import Education, EmploymentStatus, PriorityCriterion, PriorityDiagnosis, Seeker
from jobbridge.people.selectors import seeker_filter, seeker_filter_count

MAX_LIMIT = 1000


def current_diagnoses(s: Seeker) -> list[PriorityDiagnosis]:
    """The diagnoses in force, as prefetched by ``Command._rows`` (the list page's prefetch)."""
    return s.current_diagnoses  # type: ignore[attr-defined]  # set by Prefetch(to_attr=...)


def seeker_dict(s: Seeker) -> dict:
    """A seeker as the CLI prints it: masked numbers only."""
    return {
        "id": s.pk,
        "name": s.name,
        "gender": s.gender,
        "birth_date": s.birth_date.isoformat(),
        "id_masked": s.id_masked,
        "phone_masked": s.phone_masked,
        "hukou_region": s.hukou_region_id,
        "hukou_region_name": s.hukou_region.name,
        "residence_region": s.residence_region_id,
        "education": s.education,
        "employment_status": s.employment_status,
        "priority_groups": [d.criterion for d in current_diagnoses(s)],
    }


class Command(BaseCommand):
    help = (
        "The seeker register: `people import FILE` (= `import seekers FILE`), `people template --out F`, "
        "`people list --user NAME [filters]`, `people show ID --user NAME` (masked numbers only)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add_import_arguments(
            sub.add_parser("import", help="import a seeker roster (= jobbridge import seekers)")
        )
        add_template_arguments(sub.add_parser("template", help="write the seeker roster template"))
        ls = sub.add_parser("list", help="seekers in the user's scope, newest first (staff)")
        ls.add_argument("--q", default="", help="name, full ID or mobile number, or the ID's last four")
        ls.add_argument("--region", default="", help="hukou or residence in this region (code or name)")
        ls.add_argument("--priority", default="", choices=["", *PriorityCriterion.values])
        ls.add_argument("--status", default="", choices=["", *EmploymentStatus.values])
        ls.add_argument("--education", default="", choices=["", *Education.values])
        ls.add_argument("--limit", type=int, default=50, help=f"at most this many (1-{MAX_LIMIT})")
        show = sub.add_parser("show", help="one seeker, as the user's detail page shows them")
        show.add_argument("seeker", type=int)
        for p in (ls, show):
            p.add_argument("--user", required=True, help="whose view applies (username)")
            p.add_argument("--json", action="store_true", help="JSON (one object per line for list)")

    def handle(self, *args, **opts):
        action = opts["action"]
        if action == "import":
            return run_import(self, "seekers", opts)
        if action == "template":
            return run_template(self, "seekers", opts)
        user = User.objects.filter(username=opts["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user named {opts['user']!r}")
        try:
            getattr(self, "do_" + action)(user, opts)
        except PermissionDenied as e:
            raise CommandError(str(e) or "permission denied") from None
        except regions.UnknownRegion as e:
            raise CommandError(f"--region: {e}") from None

    def _rows(self, qs):
        return qs.select_related("hukou_region").prefetch_related(
            Prefetch("diagnoses", queryset=PriorityDiagnosis.objects.current(), to_attr="current_diagnoses")
        )

    def do_list(self, user, opts):
        require_staff(user)
        if not 1 <= opts["limit"] <= MAX_LIMIT:
            raise CommandError(f"--limit must be 1-{MAX_LIMIT}")
        filters = {
            "text": opts["q"],
            "region": opts["region"],
            "priority": opts["priority"],
            "status": opts["status"],
            "education": opts["education"],
        }
        qs = seeker_filter(Seeker.objects.visible_to(user), **filters).order_by("-id")
        shown = 0
        for s in self._rows(qs[: opts["limit"]]):
            d = seeker_dict(s)
            shown += 1
            if opts["json"]:
                self.stdout.write(json.dumps(d, ensure_ascii=False))
            else:
                groups = " ".join(d["priority_groups"])
                self.stdout.write(
                    f"{s.pk:>8}  {s.name}  {s.id_masked}  {s.phone_masked or '-'}  "
                    f"{s.hukou_region.name}  {s.get_employment_status_display()}  {groups}".rstrip()
                )
        if not opts["json"]:
            total = seeker_filter_count(user, qs, **filters)
            self.stderr.write(f"{shown} of {total} seekers")

    def do_show(self, user, opts):
        s = (
            self._rows(Seeker.objects.visible_to(user))
            .select_related("residence_region", "grid", "household")
            .prefetch_related("desired_occupations", "desired_regions")
            .filter(pk=opts["seeker"])
            .first()
        )
        if s is None:  # missing and out of scope answer alike
            raise CommandError(f"seeker {opts['seeker']}: not found or not in {user.username}'s scope")
        d = seeker_dict(s) | {
            "residence_region_name": s.residence_region.name if s.residence_region else "",
            "grid": s.grid.code if s.grid else "",
            "household": s.household.code if s.household else "",
            "expected_wage": s.expected_wage,
            "available_from": s.available_from and s.available_from.isoformat(),
            "desired_occupations": sorted(o.pk for o in s.desired_occupations.all()),
            "desired_regions": sorted(r.pk for r in s.desired_regions.all()),
            "diagnoses": [
                {
                    "criterion": x.criterion,
                    "valid_from": x.valid_from.isoformat(),
                    "valid_until": x.valid_until and x.valid_until.isoformat(),
                }
                for x in current_diagnoses(s)
            ],
        }
        if opts["json"]:
            self.stdout.write(json.dumps(d, ensure_ascii=False))
            return
        lines = [
            f"{s.pk}  {s.name}  {s.get_gender_display()}  {d['birth_date']}",
            f"  身份证号 {s.id_masked}  手机号 {s.phone_masked or '-'}",
            f"  户籍地 {s.hukou_region.name} ({s.hukou_region_id})  现居住地 {d['residence_region_name'] or '-'}",
            f"  学历 {s.get_education_display() or '-'}  就业状态 {s.get_employment_status_display()}"
            f"  期望月薪 {s.expected_wage or '-'}",
        ]
        lines += [
            f"  {x.get_criterion_display()} {x.valid_from}~{x.valid_until or ''}"
            for x in current_diagnoses(s)
        ]
        self.stdout.write("\n".join(lines))
