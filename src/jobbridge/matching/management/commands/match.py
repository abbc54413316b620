import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jobbridge.core.models import User
from jobbridge.employers.models import Posting
from jobbridge.matching.batch import (
    DEFAULT_K,
    DEFAULT_PARTITIONS,
    MatchRunFailed,
    MatchRunRefused,
    NoCurrentVersion,
    match_allocate,
    match_run_create,
    match_run_execute,
)
from jobbridge.matching.models import MatchRun
from jobbridge.matching.selectors import candidates_for_posting, recommend_for_seeker
from jobbridge.people.models import Seeker


def run_dict(run: MatchRun) -> dict:
    return {
        "id": run.pk,
        "version": run.version,
        "status": run.status,
        "current": run.is_current,
        "seekers": run.seekers,
        "postings": run.postings,
        "seeker_lists": run.seeker_rows,
        "posting_lists": run.posting_rows,
        "partitions": run.partitions,
        "parameters": run.parameters,
        "seconds": run.seconds,
        "error": run.error,
    }


class Command(BaseCommand):
    help = (
        "Matching: `match run [--scheduler tcp://HOST:PORT] [--k 10]` recomputes the stored lists as a new "
        "version; `match allocate [--stable]` assigns seekers to vacancies over the current version; "
        "`match list` lists versions (also spelt `runs`); `match recommend --seeker ID`, "
        "`match candidates --posting ID --user NAME`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="recompute every list as a new version and switch it in")
        run.add_argument("--scheduler", default="", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
        run.add_argument("--k", type=int, default=DEFAULT_K, help="list length both ways (1-100)")
        run.add_argument(
            "--partitions",
            type=int,
            default=DEFAULT_PARTITIONS,
            help="partitions by destination region (work province)",
        )
        run.add_argument("--json", action="store_true", help="print the finished run as one JSON object")
        run.add_argument("--no-progress", action="store_true")
        alloc = sub.add_parser("allocate", help="capacity-respecting allocation over the current version")
        alloc.add_argument("--stable", action="store_true", help="deferred acceptance instead of optimal")
        alloc.add_argument("--json", action="store_true")
        runs = sub.add_parser("list", aliases=["runs"], help="the stored versions, newest first")
        runs.add_argument("--json", action="store_true")
        r = sub.add_parser("recommend", help="best open postings for one seeker")
        r.add_argument("--seeker", type=int, required=True)
        c = sub.add_parser("candidates", help="best seekers for one posting, within a user's scope")
        c.add_argument("--posting", type=int, required=True)
        c.add_argument("--user", required=True, help="whose scope limits the candidates (username)")
        for p in (r, c):
            p.add_argument("--top", type=int, default=10)
            p.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args, **opts):
        action = opts["action"]
        if action == "run":
            return self.run(opts)
        if action == "allocate":
            return self.allocate(opts)
        if action in ("list", "runs"):  # `runs`: the older spelling, kept for scripts
            for run in MatchRun.objects.all()[:50]:
                d = run_dict(run)
                self.stdout.write(
                    json.dumps(d, ensure_ascii=False)
                    if opts["json"]
                    else f"v{d['version']:<4} {d['status']:<10} {'*' if d['current'] else ' '} "
                    f"{d['seekers']} seekers, {d['postings']} postings {d['error']}"
                )
            return
        if opts["top"] < 1:
            raise CommandError("--top must be at least 1")
        if opts["action"] == "recommend":
            seeker = Seeker.objects.active().filter(pk=opts["seeker"]).first()
            if seeker is None:
                raise CommandError(f"no job seeker with id {opts['seeker']}")
            matches = recommend_for_seeker(seeker, k=opts["top"])
            label = {p.pk: p.title for p in Posting.objects.filter(pk__in=[m.posting_id for m in matches])}
            key = "posting_id"
        else:
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"no user {opts['user']!r}")
            posting = Posting.objects.visible_to(user).filter(pk=opts["posting"]).first()
            if posting is None:
                raise CommandError(f"no posting with id {opts['posting']} visible to {user.username}")
            matches = candidates_for_posting(posting, Seeker.objects.visible_to(user), k=opts["top"])
            label = {
                s.pk: f"{s.name} {s.id_masked}"
                for s in Seeker.objects.filter(pk__in=[m.seeker_id for m in matches])
            }
            key = "seeker_id"
        for m in matches:
            if opts["json"]:
                self.stdout.write(
                    json.dumps(m.as_dict() | {"label": label[getattr(m, key)]}, ensure_ascii=False)
                )
            else:
                self.stdout.write(f"{m.score:.3f}  {label[getattr(m, key)]}  — {'；'.join(m.reasons)}")

    def run(self, opts):
        try:
            run = match_run_create(k=opts["k"], scheduler=opts["scheduler"], partitions=opts["partitions"])
        except MatchRunRefused as e:
            raise CommandError(str(e)) from e
        bar = (
            None
            if opts["no_progress"] or opts["json"]
            else tqdm(total=1000, unit="‰", desc="match run", file=self.stderr._out)
        )

        def progress(permille, stage):
            if bar is not None:
                bar.set_postfix_str(stage, refresh=False)
                bar.update(permille - bar.n)

        try:
            match_run_execute(run=run, progress=progress)
        except MatchRunFailed as e:
            raise CommandError(
                f"match run v{run.version} failed: {e}; the previous version is still served"
            ) from e
        finally:
            if bar is not None:
                bar.close()
        run.refresh_from_db()
        if opts["json"]:
            self.stdout.write(json.dumps(run_dict(run), ensure_ascii=False))
        else:
            self.stdout.write(
                f"v{run.version} is current: {run.seeker_rows} seeker lists, {run.posting_rows} posting "
                f"lists from {run.seekers} seekers x {run.postings} postings in {run.partitions} "
                f"partitions, {run.seconds:.1f} s"
            )

    def allocate(self, opts):
        try:
            result = match_allocate(stable=opts["stable"])
        except NoCurrentVersion as e:
            raise CommandError(str(e)) from e
        if opts["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "run": result.run_id,
                        "method": result.method,
                        "arcs": result.arcs,
                        "placed": result.placed,
                        "objective": result.objective,
                        "seconds": result.seconds,
                        "groups": result.report,
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(
            f"{result.method} allocation over v{result.run.version}: {result.placed} placed "
            f"from {result.arcs} arcs, objective {result.objective:.3f}, {result.seconds:.2f} s"
        )
        for g in result.report:
            self.stdout.write(
                f"  {g['group']:<12} {g['placed']:>7} / {g['with_candidates']:<7} "
                f"{g['rate'] * 100:5.1f}%  ({g['seekers']} seekers)"
            )
