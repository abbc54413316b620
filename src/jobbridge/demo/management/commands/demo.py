"""jobbridge demo [--seekers N] [--enterprises M] [--postings P] [--seed S] [--reset]

Builds a synthetic world grounded in the domain (exporting counties in Qinghai Haidong, Guizhou,
Yunnan Zhaotong, Shanxi and Chongqing Kaizhou; employers in Wuxi, Suzhou, Dongguan, Shanghai,
Zhejiang, Fujian and assistance workshops near home) plus one sign-in account per role.
Running it again without --reset keeps the data and only refreshes the accounts.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jobbridge.demo import accounts, build, others


class Command(BaseCommand):
    help = "Build the demo world (synthetic seekers, enterprises, postings) and one account per role."

    def add_arguments(self, parser):
        parser.add_argument("--seekers", type=int, default=3000)
        parser.add_argument("--enterprises", type=int, default=200)
        parser.add_argument("--postings", type=int, default=None, help="default: 4 per enterprise")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--reset", action="store_true", help="wipe the existing demo data and build it again"
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="the date the world is built around (default: today)",
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="encryption processes (default: up to 2)"
        )
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--force",
            action="store_true",
            help="create the demo accounts even with DEBUG off (never on a real deployment)",
        )

    def handle(self, *args, **opts):
        if not settings.DEBUG and not opts["force"]:
            raise CommandError(
                "DEBUG is off: this looks like a deployment. Demo accounts have a published "
                "password; pass --force only on a throwaway instance."
            )
        for name in ("seekers", "enterprises"):
            if opts[name] < 0:
                raise CommandError(f"--{name} must not be negative")
        if opts["postings"] is not None and opts["postings"] < 0:
            raise CommandError("--postings must not be negative")
        out = self.stdout
        if opts["reset"]:
            deleted = others.clear() | build.reset()
            out.write(
                "已删除演示数据 deleted demo data: " + ", ".join(f"{k} {v:,}" for k, v in deleted.items())
            )
        if build.demo_exists():
            out.write(
                self.style.WARNING(
                    "演示数据已存在 demo data already exists: keeping it and only refreshing the accounts "
                    "(use --reset to wipe and regenerate)."
                )
            )
            with transaction.atomic():
                users = accounts.ensure_users()
                accounts.link(
                    users,
                    commissioner_township=build.world.COMMISSIONER_TOWNSHIP,
                    recruiter_uscc=build.recruiter_uscc(),
                )
        else:
            timer = build.build(
                seekers=opts["seekers"],
                enterprises=opts["enterprises"],
                postings=opts["postings"],
                seed=opts["seed"],
                today=opts["today"],
                workers=opts["workers"],
                progress=not opts["no_progress"] and opts["verbosity"] > 0,
            )
            if opts["verbosity"] > 1:
                out.write(f"{'phase':<32}{'seconds':>9}{'rows':>12}{'rows/s':>12}")
                for name, secs, rows in timer.phases:
                    rate = f"{rows / secs:,.0f}" if secs > 0 and rows else ""
                    out.write(f"{name:<32}{secs:>9.2f}{rows:>12,}{rate:>12}")
            out.write(self.style.SUCCESS(f"演示数据已生成 demo world built in {timer.total:.1f} s"))
        with transaction.atomic():
            extra = others.populate(seed=opts["seed"], today=opts["today"])
        out.write(
            "求职申请、劳务输出台账、节后返岗 applications, transfers, homecomings: "
            + ", ".join(f"{k} {v:,}" for k, v in extra.items())
        )
        self._summary()

    def _summary(self):
        out = self.stdout
        out.write("")
        for label, count in build.summary():
            out.write(f"  {label:<40}{count:>12,}")
        out.write("")
        out.write(
            "演示账号 demo logins — DEMO ONLY, the password is published; never use on a real deployment:"
        )
        out.write(f"  password for all: {accounts.DEMO_PASSWORD}")
        for acc in accounts.ACCOUNTS:
            out.write(f"  {acc.username:<20}{acc.what}")
