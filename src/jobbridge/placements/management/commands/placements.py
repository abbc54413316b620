import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from jobbridge.core import rollups as core_rollups
from jobbridge.core.errors import ServiceError
from jobbridge.core.models import User
from jobbridge.employers.models import Posting
from jobbridge.people.models import Seeker
from jobbridge.placements import rollups, selectors, services
from jobbridge.placements.models import Application, FollowUp, Reason, Source, State


def app_dict(app: Application) -> dict:
    return {
        "id": app.pk,
        "seeker": app.seeker_id,
        "posting": app.posting_id,
        "state": app.state,
        "source": app.source,
        "hired_on": app.hired_on and str(app.hired_on),
        "arrived_on": app.arrived_on and str(app.arrived_on),
        "reason": app.reason,
    }


def followup_dict(status: str, f: FollowUp) -> dict:
    return {
        "id": f.id,
        "application": f.application_id,
        "seeker": f.application.seeker.name,
        "id_masked": f.application.seeker.id_masked,
        "posting": f.application.posting.title,
        "days": f.days,
        "due_on": str(f.due_on),
        "status": status,
    }


# Older spellings kept for scripts: `placements panel` is `placements report`.
ALIASES = {"panel": "report"}


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--on: expected a date as YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = (
        "The placement pipeline: `placements apply --seeker ID --posting ID --user NAME [--consent TEXT]`, "
        "`placements move APP_ID STATE --user NAME [--reason CODE] [--note TEXT] [--on DATE]`, "
        "`placements due --user NAME [--json]`, `placements check FOLLOWUP_ID --user NAME "
        "(--employed | --left --reason CODE)`, `placements report --user NAME [--region CODE] [--month YYYY-MM]` "
        "(the panel; also spelt `panel`), `placements rebuild-rollups [--check] [--json]`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        a = sub.add_parser("apply", help="create an application (an open one is returned, not duplicated)")
        a.add_argument("--seeker", type=int, required=True)
        a.add_argument("--posting", type=int, required=True)
        a.add_argument("--source", choices=Source.values, help="default: by the user's role")
        a.add_argument("--consent", default="", help="how the seeker agreed (required for staff)")
        m = sub.add_parser("move", help="move an application to another state")
        m.add_argument("application", type=int)
        m.add_argument("state", choices=State.values)
        m.add_argument("--reason", default="", choices=["", *Reason.values])
        m.add_argument("--note", default="")
        m.add_argument("--on", help="date of the hire, arrival or check (YYYY-MM-DD; today when left out)")
        sub.add_parser("due", help="retention checks the user answers for: missed, today, next week")
        c = sub.add_parser("check", help="record a retention check")
        c.add_argument("followup", type=int)
        group = c.add_mutually_exclusive_group(required=True)
        group.add_argument("--employed", action="store_true", help="still at work")
        group.add_argument("--left", action="store_true", help="no longer at work (give --reason)")
        c.add_argument("--reason", default="", choices=["", *Reason.values])
        c.add_argument("--note", default="")
        c.add_argument("--on", help="date of the check (YYYY-MM-DD; today when left out)")
        p = sub.add_parser(
            "report", aliases=["panel"], help="placement statistics of a region and month (the panel)"
        )
        p.add_argument("--region", default=None)
        p.add_argument("--month", default=None, help="YYYY-MM; this month when left out")
        r = sub.add_parser("rebuild-rollups", help="recompute the panel's rollup from the pipeline's rows")
        r.add_argument(
            "--check",
            action="store_true",
            help="only compare the rollup with a direct count; exit non-zero when they differ",
        )
        r.add_argument("--json", action="store_true", help="print JSON")
        for s in (a, m, c, sub.choices["due"], p):
            s.add_argument("--user", required=True, help="acting user's username (scope and permissions)")
            s.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **opts):
        action = ALIASES.get(opts["action"], opts["action"])
        if action == "rebuild-rollups":  # the operator's command: no acting user
            return self.rebuild_rollups(opts)
        user = User.objects.filter(username=opts["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user named {opts['user']!r}")
        try:
            # do_ keeps the verbs off BaseCommand's own names (`check` shadowed the system check
            # and broke every `jobbridge placements …` run from the shell).
            getattr(self, "do_" + action)(user, opts)
        except ServiceError as e:
            raise CommandError("; ".join(f"{err.field}: {err.message}" for err in e.errors)) from None

    def out(self, opts, data: dict | list, text: str) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False) if opts["json"] else text)

    def do_apply(self, user, opts):
        seeker = Seeker.objects.filter(pk=opts["seeker"]).first()
        posting = Posting.objects.filter(pk=opts["posting"]).first()
        if seeker is None:
            raise CommandError(f"--seeker: no job seeker with id {opts['seeker']}")
        if posting is None:
            raise CommandError(f"--posting: no posting with id {opts['posting']}")
        app = services.application_create(
            seeker=seeker,
            posting=posting,
            actor=user,
            source=opts["source"] or services.default_source(user),
            consent_note=opts["consent"],
        )
        word = "created" if app.created_now else "already open"
        self.out(
            opts,
            app_dict(app) | {"created": app.created_now},
            f"application {app.pk} {word}: {seeker.name} → {posting.title} ({app.state})",
        )

    def do_move(self, user, opts):
        app = Application.objects.visible_to(user).filter(pk=opts["application"]).first()
        if app is None:
            raise CommandError(
                f"application {opts['application']}: not found or not in {user.username}'s scope"
            )
        before = app.state
        app = services.application_move(
            application=app,
            actor=user,
            to_state=opts["state"],
            reason=opts["reason"],
            note=opts["note"],
            on=_date(opts["on"]),
        )
        self.out(opts, app_dict(app), f"application {app.pk}: {before} → {app.state}")

    def do_due(self, user, opts):
        rows = selectors.due_followups(user).as_list()
        if opts["json"]:
            self.out(opts, [followup_dict(s, f) for s, f in rows], "")
            return
        if not rows:
            self.stdout.write("no retention checks due")
        for status, f in rows:
            d = followup_dict(status, f)
            self.stdout.write(
                f"{d['id']:>6} {status:<8} {d['due_on']} +{d['days']}d  {d['seeker']} {d['id_masked']}"
                f"  {d['posting']}  (application {d['application']})"
            )

    def do_check(self, user, opts):
        followup = (
            FollowUp.objects.visible_to(user)
            .filter(pk=opts["followup"])
            .select_related("application")
            .first()
        )
        if followup is None:
            raise CommandError(f"follow-up {opts['followup']}: not found or not in {user.username}'s scope")
        services.followup_record(
            followup=followup,
            actor=user,
            still_employed=opts["employed"],
            on=_date(opts["on"]),
            reason=opts["reason"],
            note=opts["note"],
        )
        app = Application.objects.get(pk=followup.application_id)
        self.out(
            opts, app_dict(app), f"follow-up {followup.pk} recorded: application {app.pk} is {app.state}"
        )

    def do_report(self, user, opts):
        stats = selectors.panel_stats(user, region=opts["region"], month=opts["month"])
        lines = [
            f"{stats['region_name'] or stats['region']} {stats['month']}",
            "  " + ", ".join(f"{k}={v}" for k, v in stats["by_state"].items() if v),
            f"  hires {stats['hires']}, median days to hire {stats['median_days_to_hire']}",
            "  retention "
            + ", ".join(
                f"{d}d: {r['rate']} ({r['retained']}/{r['checked']})" for d, r in stats["retention"].items()
            ),
        ]
        self.out(opts, stats, "\n".join(lines))

    def rebuild_rollups(self, opts):
        if opts["check"]:
            direct, stored = rollups.counts_from_rows(), rollups.stored()
            diff = core_rollups.differences(direct, stored)
            result = {
                "rollup_rows": len(stored),
                "differences": len(diff),
                "examples": [list(k) + [stored[k], direct[k]] for k in diff[:10]],
            }
            self.out(
                opts,
                result,
                f"rollup rows {len(stored)}, differences from a direct count: {len(diff)}"
                + "".join(f"\n  {k}: rollup {stored[k]}, direct {direct[k]}" for k in diff[:10]),
            )
            if diff:
                raise CommandError(
                    f"the rollup differs from a direct count in {len(diff)} rows; run without --check"
                )
            return
        result = rollups.rebuild()
        self.out(
            opts,
            result,
            "rebuilt: {rollup_rows} rollup rows from {events} moves, {hires} hires, "
            "{checks} retention checks".format(**result),
        )
