import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jobbridge.core.errors import ServiceError
from jobbridge.core.models import User
from jobbridge.core.regions import UnknownRegion
from jobbridge.notifications import pushlist, selectors, services
from jobbridge.notifications.channels import configuration_problems
from jobbridge.notifications.models import Notification, Preference
from jobbridge.notifications.runs import run_delivery
from jobbridge.people.models import Seeker

# Older spellings kept for scripts: `notify send-due` is `notify run`.
ALIASES = {"send-due": "run"}


class Command(BaseCommand):
    help = (
        "The notification outbox: `notify run` (deliver what is due; also spelt `send-due`), "
        "`notify list [--status]`, "
        "`notify opt-out SEEKER_ID [--channel]`, `notify push-list --user NAME [--days 3]`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        s = sub.add_parser("run", aliases=["send-due"], help="deliver every message that is due now")
        s.add_argument("--limit", type=int, default=None, help="at most this many messages")
        s.add_argument("--json", action="store_true", help="print the counts as one JSON object")
        ls = sub.add_parser("list", help="messages in the outbox, newest first")
        ls.add_argument("--status", choices=Notification.Status.values)
        ls.add_argument("--channel")
        ls.add_argument("--limit", type=int, default=50)
        ls.add_argument("--json", action="store_true", help="one JSON object per line")
        o = sub.add_parser("opt-out", help="record that a person refuses a channel (or all)")
        o.add_argument("seeker_id", type=int)
        o.add_argument("--channel", default=Preference.ALL, help='a channel name; default "*" (all)')
        o.add_argument("--undo", action="store_true", help="accept the channel again")
        p = sub.add_parser("push-list", help="who a user should call today about which new postings")
        p.add_argument("--user", required=True, help="whose grids or region (username)")
        p.add_argument("--days", type=int, default=3)
        p.add_argument("--region", default="")
        p.add_argument("--grid", default="")
        p.add_argument("--limit", type=int, default=pushlist.DEFAULT_ROWS)
        p.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args, **opts):
        problems = configuration_problems()
        if problems:
            raise CommandError("notification settings: " + "; ".join(problems))
        try:
            action = ALIASES.get(opts["action"], opts["action"])
            getattr(self, "do_" + action.replace("-", "_"))(opts)
        except ServiceError as e:
            raise CommandError(str(e)) from None
        except UnknownRegion as e:
            raise CommandError(f"region: {e}") from None
        except PermissionDenied as e:
            raise CommandError(str(e) or "permission denied") from None

    def do_run(self, opts):
        if opts["limit"] is not None and opts["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        bar = tqdm(total=0, unit="msg", disable=opts["json"], file=self.stderr._out)

        def progress(done, total, counts):
            bar.total = total
            bar.n = done
            bar.set_postfix(dict(counts), refresh=False)
            bar.refresh()

        counts = run_delivery(progress=progress, limit=opts["limit"])
        bar.close()
        result = {k: counts.get(k, 0) for k in ("sent", "retry", "deferred", "failed", "skipped")}
        if opts["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write("  ".join(f"{k} {v}" for k, v in result.items()))

    def do_list(self, opts):
        admin = User(is_superuser=True, role="admin")  # the CLI runs with the operator's full view
        rows = selectors.outbox_rows(admin, status=opts["status"] or "", channel=opts["channel"] or "")
        for n in rows[: max(opts["limit"], 0)]:
            record = {
                "id": n.pk,
                "status": n.status,
                "channel": n.channel,
                "kind": n.kind,
                "seeker": n.seeker_id,
                "user": n.user_id,
                "attempts": n.attempts,
                "next_attempt_at": n.next_attempt_at.isoformat(),
                "sent_at": n.sent_at.isoformat() if n.sent_at else None,
                "last_error": n.last_error,
                "key": n.idempotency_key,
            }
            if opts["json"]:
                self.stdout.write(json.dumps(record, ensure_ascii=False))
            else:
                self.stdout.write(
                    f"#{n.pk} {n.status:8} {n.channel:8} {n.kind} attempts={n.attempts} "
                    f"{n.last_error}".rstrip()
                )

    def do_opt_out(self, opts):
        seeker = Seeker.objects.active().filter(pk=opts["seeker_id"]).first()
        if seeker is None:
            raise CommandError(f"no job seeker with id {opts['seeker_id']}")
        change = {"opt_in" if opts["undo"] else "opt_out": [opts["channel"]]}
        pref = services.preference_set(actor=None, seeker=seeker, **change)
        self.stdout.write(f"seeker {seeker.pk} refuses: {', '.join(pref.opted_out) or '(nothing)'}")

    def do_push_list(self, opts):
        user = User.objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"no user {opts['user']!r}")
        if opts["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        result = pushlist.push_list(
            user, days=opts["days"], region=opts["region"], grid=opts["grid"], limit=opts["limit"]
        )
        if not result.rows:
            if not opts["json"]:
                self.stdout.write(result.message)
            return
        for row in result.rows:
            s, p = row.seeker, row.posting
            if opts["json"]:
                self.stdout.write(
                    json.dumps(
                        {
                            "seeker_id": s.pk,
                            "name": s.name,
                            "phone_masked": s.phone_masked,
                            "priority_groups": row.priority,
                            "posting_id": p.pk,
                            "title": p.title,
                            "enterprise": p.enterprise.name,
                            "work_region": row.place,
                            "score": round(row.score, 4),
                            "reasons": row.reasons,
                            "contacted_today": row.contact.outcome if row.contact else None,
                            "notified_today": [
                                {"channel": n.channel, "status": n.status} for n in row.notices
                            ],
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                flag = f"[{'、'.join(row.priority)}] " if row.priority else ""
                self.stdout.write(
                    f"{row.score:.3f}  {flag}{s.name} {s.phone_masked}  →  {p.title}"
                    f"（{p.enterprise.name}，{row.place}） — {'；'.join(row.reasons)}"
                )
