"""`jobbridge transfers`: the ledger's import, monthly report, dashboard panels, manual entry and
rollup rebuild.

    jobbridge transfers import FILE [--dry-run] [--json] [--error-file OUT.xlsx] [--user NAME]
    jobbridge transfers template --out FILE.xlsx
    jobbridge transfers report --region CODE|NAME --month 2023-01 [--json] [--xlsx OUT.xlsx]
    jobbridge transfers panel NAME --region CODE --month 2023-01 [--json]
    jobbridge transfers add --id-number ID --destination REGION --date 2023-01-05 --employer NAME
                            [--name N --hukou REGION] [--channel C] [--industry I] [--origin-basis hukou|residence] [--json]
    jobbridge transfers rebuild-rollups [--json]

`import` and `template` are `jobbridge import transfers …` and `jobbridge import template
transfers` under the ledger's name: the same options, code path and exit status as every roster.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from jobbridge.core.errors import ServiceError
from jobbridge.core.management.commands._roster import (
    add_import_arguments,
    add_template_arguments,
    run_import,
    run_template,
)
from jobbridge.transfers import exports, rollups, selectors, services


class Command(BaseCommand):
    help = "劳动力转移：导入台账、月报、看板数据、手工登记、重建汇总表"
    requires_system_checks: list = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add_import_arguments(
            sub.add_parser("import", help="导入劳动力转移台账（同 jobbridge import transfers）")
        )
        add_template_arguments(sub.add_parser("template", help="写出台账导入模板"))
        report = sub.add_parser("report", help="转移就业月报")
        report.add_argument("--region", required=True, help="区划代码或名称，如630200或海东市")
        report.add_argument("--month", required=True, help="YYYY-MM")
        report.add_argument("--json", action="store_true")
        report.add_argument("--xlsx", help="同时写出台账格式的.xlsx")
        panel = sub.add_parser("panel", help="看板面板数据")
        panel.add_argument("name", choices=selectors.PANELS)
        panel.add_argument("--region", required=True)
        panel.add_argument("--month", required=True)
        panel.add_argument("--json", action="store_true")
        add = sub.add_parser("add", help="手工登记一条转移记录")
        for flag in ("--id-number", "--destination", "--date", "--employer"):
            add.add_argument(flag, required=True)
        for flag in ("--name", "--hukou", "--channel", "--industry", "--origin-basis", "--employer-uscc"):
            add.add_argument(flag, default="")
        add.add_argument("--json", action="store_true")
        rebuild = sub.add_parser("rebuild-rollups", help="由台账重建汇总表")
        rebuild.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        try:
            getattr(self, "_" + opts["action"].replace("-", "_"))(opts)
        except selectors.BadParameter as e:
            raise CommandError(f"--{e.field}: {e.message}") from None
        except ServiceError as e:
            if opts.get("json"):
                self.stdout.write(
                    json.dumps(
                        {"errors": [{"field": f.field, "message": f.message} for f in e.errors]},
                        ensure_ascii=False,
                        indent=2,
                    )
                )
                sys.exit(1)
            raise CommandError("; ".join(f"{f.field}: {f.message}" for f in e.errors)) from None

    def _import(self, opts):
        run_import(self, "transfers", opts)

    def _template(self, opts):
        run_template(self, "transfers", opts)

    def _report(self, opts):
        code = selectors.resolve_region(opts["region"], None)
        month = selectors.parse_month(opts["month"])
        report = selectors.monthly_report(code, month)
        if opts.get("xlsx"):
            exports.write_report(opts["xlsx"], code, month)
        data = report.as_dict()
        if opts["json"]:
            data["rows"] = selectors.report_table(code, month)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(data["sentence_zh"])
        self.stdout.write(data["sentence_en"])
        self.stdout.write(_("（以上为人次；转移人数%(p)d人）") % {"p": report.persons})

    def _panel(self, opts):
        code = selectors.resolve_region(opts["region"], None)
        data = selectors.panel(opts["name"], code, selectors.parse_month(opts["month"]))
        if opts["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(data["title"])
        for item in data.get("items", data.get("links", [])):
            self.stdout.write(f"  {item.get('name', item.get('source'))}\t{item['value']}")

    def _add(self, opts):
        data = {
            "id_number": opts["id_number"],
            "name": opts["name"],
            "hukou_region": opts["hukou"],
            "destination": opts["destination"],
            "transferred_on": opts["date"],
            "employer": opts["employer"],
            "employer_uscc": opts["employer_uscc"],
            "channel": opts["channel"],
            "industry": opts["industry"],
            "origin_basis": opts["origin_basis"],
        }
        transfer, created = services.transfer_enter(actor=None, data=data)
        out = {
            "id": transfer.pk,
            "created": created,
            "move_class": transfer.move_class,
            "origin": transfer.origin_region_id,
            "destination": transfer.destination_region_id,
        }
        self.stdout.write(
            json.dumps(out, ensure_ascii=False)
            if opts["json"]
            else (_("已登记") if created else _("已存在，未重复登记"))
            + f" #{transfer.pk} {transfer.get_move_class_display()}"
        )

    def _rebuild_rollups(self, opts):
        bar = (
            None if opts["json"] or not sys.stderr.isatty() else tqdm(total=0, unit=_("行"), file=sys.stderr)
        )

        def progress(done, total):
            if bar is not None:
                bar.total = total
                bar.update(done - bar.n)

        result = rollups.rebuild(progress=progress)
        if bar is not None:
            bar.close()
        self.stdout.write(
            json.dumps(result)
            if opts["json"]
            else _("已重建：台账%(transfers)d条，汇总%(rollup_rows)d行，人数表%(person_rows)d行") % result
        )
