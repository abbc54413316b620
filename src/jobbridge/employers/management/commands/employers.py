"""`jobbridge employers`: enterprises and their postings from the command line.

    jobbridge employers import enterprises|postings FILE [--dry-run] [--json] [--error-file OUT.xlsx] [--user NAME]
    jobbridge employers template enterprises|postings --out FILE.xlsx
    jobbridge employers list [enterprises|postings] --user NAME [--q TEXT] [--region CODE|NAME]
                             [--status S] [--limit 50] [--json]
    jobbridge employers show ENTERPRISE_ID --user NAME [--json]

`import` and `template` are `jobbridge import enterprises|postings …` under the app's name (same
options, same code path, same exit status). `list` and `show` see what the user sees on the
enterprise and posting pages (``visible_to``: a bureau its region, a commissioner the townships of
their grids, a recruiter their own enterprise; job seekers get no enterprise list) and print
contact phones masked.
"""

import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from jobbridge.core import pii, regions
from jobbridge.core.management.commands._roster import (
    add_import_arguments,
    add_template_arguments,
    run_import,
    run_template,
)
from jobbridge.core.models import Role, User
from jobbridge.core.models.regions import in_subtree
from jobbridge.employers.models import Enterprise, Posting

KINDS = ["enterprises", "postings"]
MAX_LIMIT = 1000


def enterprise_dict(e: Enterprise) -> dict:
    return {
        "id": e.pk,
        "name": e.name,
        "uscc": e.uscc,
        "industry": e.industry_id,
        "region": e.region_id,
        "region_name": e.region.name,
        "size": e.size,
        "contact_name": e.contact_name,
        "contact_phone_masked": pii.mask_phone(e.contact_phone) if e.contact_phone else "",
        "open_postings": getattr(e, "open_postings", None),
    }


def posting_dict(p: Posting) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "enterprise": p.enterprise_id,
        "enterprise_name": p.enterprise.name,
        "occupation": p.occupation_id,
        "work_region": p.work_region_id,
        "work_region_name": p.work_region.name,
        "headcount": p.headcount,
        "filled": p.filled,
        "wage_min": p.wage_min,
        "wage_max": p.wage_max,
        "status": p.status,
        "valid_from": p.valid_from and p.valid_from.isoformat(),
        "valid_until": p.valid_until and p.valid_until.isoformat(),
    }


class Command(BaseCommand):
    help = (
        "Enterprises and postings: `employers import enterprises|postings FILE` (= `import KIND FILE`), "
        "`employers template KIND --out F`, `employers list [enterprises|postings] --user NAME`, "
        "`employers show ID --user NAME`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add_import_arguments(
            sub.add_parser("import", help="import an enterprise or posting roster (= jobbridge import KIND)"),
            kinds=KINDS,
        )
        add_template_arguments(sub.add_parser("template", help="write a roster template"), kinds=KINDS)
        ls = sub.add_parser(
            "list", help="enterprises (default) or postings in the user's scope, newest first"
        )
        ls.add_argument("kind", nargs="?", choices=KINDS, default="enterprises")
        ls.add_argument(
            "--q", default="", help="enterprise name or credit code; for postings: title or enterprise"
        )
        ls.add_argument("--region", default="", help="enterprise seat (postings: work place) in this region")
        ls.add_argument("--status", default="", choices=["", *Posting.Status.values], help="postings only")
        ls.add_argument("--limit", type=int, default=50, help=f"at most this many (1-{MAX_LIMIT})")
        show = sub.add_parser("show", help="one enterprise with its postings")
        show.add_argument("enterprise", type=int)
        for p in (ls, show):
            p.add_argument("--user", required=True, help="whose view applies (username)")
            p.add_argument("--json", action="store_true", help="JSON (one object per line for list)")

    def handle(self, *args, **opts):
        action = opts["action"]
        if action == "import":
            return run_import(self, opts["kind"], opts)
        if action == "template":
            return run_template(self, opts["kind"], opts)
        user = User.objects.filter(username=opts["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user named {opts['user']!r}")
        try:
            getattr(self, "do_" + action)(user, opts)
        except PermissionDenied as e:
            raise CommandError(str(e) or "permission denied") from None
        except regions.UnknownRegion as e:
            raise CommandError(f"--region: {e}") from None

    def emit(self, opts, row: dict, line: str) -> None:
        self.stdout.write(json.dumps(row, ensure_ascii=False) if opts["json"] else line)

    def do_list(self, user, opts):
        if not 1 <= opts["limit"] <= MAX_LIMIT:
            raise CommandError(f"--limit must be 1-{MAX_LIMIT}")
        if opts["kind"] == "postings":
            return self._postings(user, opts)
        if user.role == Role.SEEKER and not user.is_superuser:
            raise PermissionDenied("job seekers have no enterprise list")
        if opts["status"]:
            raise CommandError("--status: only for postings")
        qs = Enterprise.objects.visible_to(user)
        if opts["q"].strip():
            text = opts["q"].strip()
            qs = qs.filter(Q(name__icontains=text) | Q(uscc__icontains=text))
        if opts["region"]:
            qs = qs.filter(in_subtree("region_id", regions.resolve(opts["region"])))
        qs = (
            qs.select_related("region")
            .annotate(open_postings=Count("postings", filter=Q(postings__status=Posting.Status.OPEN)))
            .order_by("-created_at", "-id")
        )
        for e in qs[: opts["limit"]]:
            d = enterprise_dict(e)
            self.emit(
                opts,
                d,
                f"{e.pk:>7}  {e.name}  {e.uscc}  {e.region.name}  {e.get_size_display()}  "
                f"{e.contact_name} {d['contact_phone_masked']}  open postings {e.open_postings}",
            )

    def _postings(self, user, opts):
        qs = Posting.objects.visible_to(user)
        if opts["q"].strip():
            text = opts["q"].strip()
            qs = qs.filter(Q(title__icontains=text) | Q(enterprise__name__icontains=text))
        if opts["status"]:
            qs = qs.filter(status=opts["status"])
        if opts["region"]:
            qs = qs.filter(in_subtree("work_region_id", regions.resolve(opts["region"])))
        qs = qs.select_related("enterprise", "work_region").order_by("-created_at", "-id")
        for p in qs[: opts["limit"]]:
            wage = f"{p.wage_min}-{p.wage_max}" if p.wage_min else "面议"
            self.emit(
                opts,
                posting_dict(p),
                f"{p.pk:>7}  {p.title}  {p.enterprise.name}  {p.work_region.name}  "
                f"{p.filled}/{p.headcount}  {wage}  {p.status}",
            )

    def do_show(self, user, opts):
        e = (
            Enterprise.objects.visible_to(user)
            .select_related("region")
            .annotate(open_postings=Count("postings", filter=Q(postings__status=Posting.Status.OPEN)))
            .filter(pk=opts["enterprise"])
            .first()
        )
        if e is None:  # missing and out of scope answer alike
            raise CommandError(
                f"enterprise {opts['enterprise']}: not found or not in {user.username}'s scope"
            )
        postings = list(e.postings.select_related("enterprise", "work_region").order_by("-created_at", "-id"))
        d = enterprise_dict(e) | {"address": e.address, "postings": [posting_dict(p) for p in postings]}
        if opts["json"]:
            self.stdout.write(json.dumps(d, ensure_ascii=False))
            return
        lines = [
            f"{e.pk}  {e.name}  {e.uscc}",
            f"  {e.region.name}  {e.address}  {e.get_size_display()}",
            f"  联系人 {e.contact_name} {d['contact_phone_masked']}",
        ]
        lines += [f"  {p.pk:>7}  {p.title}  {p.filled}/{p.headcount}  {p.status}" for p in postings]
        self.stdout.write("\n".join(lines))
