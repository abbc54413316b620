"""`jobbridge returns`: return-to-work tracking from the command line.

    jobbridge returns template --out FILE.xlsx
    jobbridge returns import FILE --season 2026 [--json] [--user NAME] [--error-file OUT.xlsx]
    jobbridge returns report [--region CODE] --season 2026 [--side origin|destination] [--json]
    jobbridge returns season create --code 2026 --festival 2026-02-17 [--leave-from D] [--return-until D]
    jobbridge returns season list [--json]
    jobbridge returns rebuild-rollups --season 2026 [--json]  # recompute the counts the reports read
                                                              # (also spelt `rebuild`)

Exit status 2 when the file (or an argument) cannot be used at all; rejected rows do not fail
the command, they are listed.
"""

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from tqdm import tqdm

from jobbridge.core.cleaning import parse_date
from jobbridge.core.errors import ServiceError
from jobbridge.core.importing.workbooks import write_error_workbook
from jobbridge.core.regions import UnknownRegion
from jobbridge.returns.importing import import_homecomings, write_template
from jobbridge.returns.models import Season
from jobbridge.returns.seasons import season_create, season_get
from jobbridge.returns.selectors import SIDES, return_report

EXIT_BAD_INPUT = 2
# Older spellings kept for scripts: `returns rebuild` is `returns rebuild-rollups`.
ALIASES = {"rebuild": "rebuild-rollups"}


class Command(BaseCommand):
    help = "春节返乡返岗：导入、统计报告、模板、季度"
    requires_system_checks: list = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        t = sub.add_parser("template", help="写出导入模板")
        t.add_argument("--out", required=True)
        i = sub.add_parser("import", help="导入返乡、返岗记录")
        i.add_argument("file")
        i.add_argument("--season", required=True, help="季度编号，如2026")
        i.add_argument("--json", action="store_true")
        i.add_argument("--user", help="以此用户名记录导入人（决定可登记的范围）")
        i.add_argument("--error-file", help="把被拒绝的行写入此.xlsx文件")
        i.add_argument("--no-progress", action="store_true")
        r = sub.add_parser("report", help="返岗率报告")
        r.add_argument("--region", help="区划代码或名称；空为全国")
        r.add_argument("--season", required=True)
        r.add_argument("--side", choices=SIDES, help="origin：本地外出人员；destination：在本地务工人员")
        r.add_argument("--json", action="store_true")
        rb = sub.add_parser(
            "rebuild-rollups", aliases=["rebuild"], help="由记录重算统计表（HomecomingCount）"
        )
        rb.add_argument("--season", required=True)
        rb.add_argument("--json", action="store_true")
        s = sub.add_parser("season", help="季度")
        s_sub = s.add_subparsers(dest="season_action", required=True)
        c = s_sub.add_parser("create")
        c.add_argument("--code", required=True)
        c.add_argument("--festival", required=True, help="正月初一，如2026-02-17")
        c.add_argument("--leave-from")
        c.add_argument("--return-until")
        c.add_argument("--name", default="")
        ls = s_sub.add_parser("list")
        ls.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        try:
            action = ALIASES.get(opts["action"], opts["action"])
            getattr(self, "_" + action.replace("-", "_"))(opts)
        except (ServiceError, UnknownRegion, ValueError) as e:
            self._fail(str(e), opts)

    def _fail(self, message: str, opts) -> None:
        if opts.get("json"):
            self.stdout.write(json.dumps({"error": message}, ensure_ascii=False))
        else:
            self.stderr.write(message)
        sys.exit(EXIT_BAD_INPUT)

    def _template(self, opts) -> None:
        write_template(opts["out"])
        self.stderr.write(_("模板已写入 %(f)s") % {"f": opts["out"]})

    def _import(self, opts) -> None:
        season = season_get(opts["season"])
        actor = None
        if opts.get("user"):
            actor = get_user_model().objects.filter(username=opts["user"]).first()
            if actor is None:
                raise CommandError(_("用户“%(u)s”不存在") % {"u": opts["user"]})
        bar = None
        if not opts["no_progress"] and not opts["json"]:
            bar = tqdm(total=0, unit=_("行"), file=sys.stderr, desc=str(opts["file"]), disable=None)

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.total = total
                bar.update(done - bar.n)

        outcome = import_homecomings(path=opts["file"], season=season, actor=actor, progress=progress)
        if bar is not None:
            bar.close()
        if opts.get("error_file") and outcome.rejected_rows:
            write_error_workbook(opts["error_file"], outcome)
        summary = outcome.summary()
        if opts["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        elif outcome.file_error:
            self.stderr.write(_("无法导入：%(e)s") % {"e": outcome.file_error})
        else:
            self.stdout.write(
                _("共%(rows)d行：新增%(created)d，更新%(updated)d，未变%(unchanged)d，拒绝%(rejected)d")
                % summary
            )
            for error in summary["errors"]:
                self.stdout.write(error["message"])
        if outcome.file_error:
            sys.exit(EXIT_BAD_INPUT)

    def _report(self, opts) -> None:
        from jobbridge.core import regions

        season = season_get(opts["season"])
        region = regions.resolve(opts["region"]) if opts.get("region") else None
        report = return_report(season=season, region=region, side=opts.get("side"))
        if opts["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder))
            return
        self.stdout.write(format_report(report))

    def _rebuild_rollups(self, opts) -> None:
        from jobbridge.returns.rollups import rebuild

        season = season_get(opts["season"])
        counted = rebuild(season)
        if opts["json"]:
            self.stdout.write(json.dumps({"season": season.code, "records": counted}))
        else:
            self.stdout.write(_("已重算%(s)s：%(n)d条记录") % {"s": season.name, "n": counted})

    def _season(self, opts) -> None:
        if opts["season_action"] == "create":
            season = season_create(
                code=opts["code"],
                festival_date=_date(opts["festival"], "festival"),
                leave_from=_date(opts.get("leave_from"), "leave-from"),
                return_until=_date(opts.get("return_until"), "return-until"),
                name=opts["name"],
            )
            self.stdout.write(_("已创建%(n)s") % {"n": season.name})
            return
        rows = [
            {
                "code": s.code,
                "name": s.name,
                "festival_date": s.festival_date.isoformat(),
                "leave_from": s.leave_from.isoformat(),
                "return_until": s.return_until.isoformat(),
            }
            for s in Season.objects.all()
        ]
        if opts.get("json"):
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        for r in [] if opts.get("json") else rows:
            self.stdout.write(
                f"{r['code']}\t{r['name']}\t{r['leave_from']} ~ {r['festival_date']} ~ {r['return_until']}"
            )


def _date(value, name: str):
    try:
        return parse_date(value)
    except ValueError as e:
        raise ValueError(f"--{name}: {e}") from None


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def format_report(report: dict) -> str:
    t = report["totals"]
    side = _("本地外出务工人员") if report["side"] == "origin" else _("在本地务工人员")
    lines = [
        f"{report['region']['name']} · {report['season']['name']} · {side}",
        _(
            "节前返乡%(w)d人，节后返岗%(r)d人（其中换工作地%(c)d人），返岗率%(p)s；在家未返岗%(h)d人，留乡%(s)d人"
        )
        % {
            "w": t["went_home"],
            "r": t["returned"],
            "c": t["changed"],
            "p": _pct(t["rate"]),
            "h": t["home"],
            "s": t["staying"],
        },
        "",
        _("按流动类别"),
    ]
    lines += [
        f"  {c['name']}\t{c['went_home']}\t{c['returned']}\t{_pct(c['rate'])}" for c in report["by_class"]
    ]
    for title, key in ((_("按返乡地"), "by_origin"), (_("按务工地"), "by_destination")):
        lines += ["", title]
        lines += [
            f"  {r['code']} {r['name']}\t{r['went_home']}\t{r['returned']}\t{_pct(r['rate'])}"
            for r in report[key]
        ]
    return "\n".join(lines)
