"""`jobbridge jobs …`: the matching pages from the command line, as a named user sees them.

    jobbridge jobs for-me --user 13997001234 [--seeker ID] [--json]
    jobbridge jobs interest --posting ID --user NAME [--seeker ID --consent "电话确认"]
    jobbridge jobs candidates --posting ID --user NAME [--max-km 300] [--priority disability] [--interested] [--json]
    jobbridge jobs contact --posting ID --seeker ID --user NAME        # clear phone when allowed; audited
    jobbridge jobs share --posting ID --seeker ID --user NAME --consent TEXT

Same scope, masking and rules as the pages and the API (``matching/pages``)."""

import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from jobbridge.core.errors import ServiceError
from jobbridge.core.models import User
from jobbridge.matching.pages import selectors, services
from jobbridge.matching.pages.filters import FilterError, parse_candidate_filters


class Command(BaseCommand):
    help = (
        "Jobs for a seeker, 'I'm interested', and a posting's candidates (masked), as a given user sees them."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        f = sub.add_parser("for-me", help="a seeker's recommended open postings with reasons")
        i = sub.add_parser("interest", help="record an employment intention (idempotent)")
        c = sub.add_parser("candidates", help="ranked candidates for a posting, filtered, contacts masked")
        k = sub.add_parser("contact", help="a candidate's phone in clear, when allowed (audited)")
        s = sub.add_parser("share", help="staff: pass a candidate on to the enterprise with their consent")
        for p in (f, i, c, k, s):
            p.add_argument("--user", required=True, help="username whose view and rights apply")
            p.add_argument("--json", action="store_true", help="JSON lines instead of a table")
        for p in (f, i):
            p.add_argument("--seeker", type=int, help="staff: the seeker (a seeker user: omitted)")
        for p in (i, c, k, s):
            p.add_argument("--posting", type=int, required=True)
        for p in (k, s):
            p.add_argument("--seeker", type=int, required=True)
        for p in (i, s):
            p.add_argument("--consent", default="", help="staff: how the person agreed")
        f.add_argument("--top", type=int, default=selectors.JOBS_FOR_YOU)
        c.add_argument("--max-km", default="")
        c.add_argument("--priority", default="")
        c.add_argument("--interested", action="store_true")
        c.add_argument("--top", type=int, default=selectors.PAGE_SIZE)

    def emit(self, opts, row: dict, line: str) -> None:
        self.stdout.write(json.dumps(row, ensure_ascii=False) if opts["json"] else line)

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {opts['user']!r}")
        try:
            getattr(self, opts["action"].replace("-", "_"))(user, opts)
        except (Http404, PermissionDenied) as e:
            raise CommandError(str(e) or "not found or not yours to see") from None
        except FilterError as e:
            raise CommandError(f"--{e.param.replace('_', '-')}: {e.message}") from None
        except selectors.PostingNotOpen as e:
            raise CommandError(e.message) from None
        except ServiceError as e:
            raise CommandError("; ".join(f"{x.field}: {x.message}" for x in e.errors)) from None

    def for_me(self, user, opts):
        if not 1 <= opts["top"] <= 100:
            raise CommandError("--top must be 1-100")
        seeker = selectors.seeker_for(user, opts["seeker"])
        for card in selectors.jobs_for_seeker(seeker, k=opts["top"]):
            p = card.posting
            row = {
                "posting": p.pk,
                "title": p.title,
                "enterprise": p.enterprise.name,
                "work_region": p.work_region.name,
                "wage_min": p.wage_min,
                "wage_max": p.wage_max,
                "score": round(card.score, 4),
                "reasons": card.reasons,
                "interested": card.interested,
            }
            self.emit(
                opts,
                row,
                f"{p.pk:>8}  {card.score:.3f}  {p.title}  {'✓' if card.interested else ' '}  "
                + " · ".join(card.reasons),
            )

    def interest(self, user, opts):
        seeker = selectors.seeker_for(user, opts["seeker"])
        posting = selectors.open_posting_for_seeker(opts["posting"])
        app = services.interest_express(
            actor=user, seeker=seeker, posting=posting, consent_note=opts["consent"]
        )
        self.emit(
            opts,
            {
                "seeker": seeker.pk,
                "posting": posting.pk,
                "application": app.pk,
                "created": getattr(app, "created_now", None),
            },
            f"application {app.pk}: {seeker.pk} → {posting.pk} ({app.state})",
        )

    def candidates(self, user, opts):
        filters = parse_candidate_filters(
            {
                "max_km": opts["max_km"],
                "priority": opts["priority"],
                "interested": "1" if opts["interested"] else "",
            }
        )
        if not 1 <= opts["top"] <= selectors.MAX_CANDIDATES:
            raise CommandError(f"--top must be 1-{selectors.MAX_CANDIDATES}")
        posting = selectors.posting_for_candidates(user, opts["posting"])
        selectors.ensure_open(posting)
        for r in selectors.candidates(user, posting, filters, limit=opts["top"]):
            km = None if r.km is None else round(r.km, 1)
            row = {
                "seeker": r.seeker.pk,
                "name": r.name,
                "phone": r.phone,
                "km": km,
                "priority_groups": r.groups,
                "score": round(r.score, 4),
                "reasons": r.reasons,
                "interested": r.interested,
            }
            self.emit(
                opts,
                row,
                f"{r.seeker.pk:>8}  {r.score:.3f}  {r.name}  {r.phone}  "
                f"{'' if km is None else f'{km:,.0f} km'}  {' '.join(r.groups)}  " + " · ".join(r.reasons),
            )

    def contact(self, user, opts):
        posting = selectors.posting_for_candidates(user, opts["posting"])
        shown = services.contact_reveal(actor=user, posting=posting, seeker_id=opts["seeker"])
        self.emit(opts, shown, f"{shown['name']} {shown['phone']}")

    def share(self, user, opts):
        posting = selectors.posting_for_candidates(user, opts["posting"])
        selectors.ensure_open(posting)
        app = services.contact_share(
            actor=user, posting=posting, seeker_id=opts["seeker"], consent_note=opts["consent"]
        )
        self.emit(
            opts,
            {"seeker": opts["seeker"], "posting": posting.pk, "application": app.pk},
            f"application {app.pk}: passed on to the enterprise",
        )
