"""`jobbridge import`: roster templates, imports and dry runs from the command line.

    jobbridge import template seekers|enterprises|postings|transfers --out FILE.xlsx
    jobbridge import seekers|enterprises|postings|transfers FILE [--dry-run] [--json] [--error-file OUT.xlsx] [--user NAME]
    jobbridge import jobs [--limit N] [--json]      # the latest import jobs and how far each got

The exit status is 0 whenever the file could be read, even if rows were rejected (they are in
the summary and the error file); 2 when the file itself cannot be imported (unreadable, empty,
missing a required column).
"""

import json
import shutil
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from jobbridge.core.importing.workbooks import write_error_workbook
from jobbridge.core.jobs import fail_stale
from jobbridge.imports.kinds import write_template
from jobbridge.imports.models import ImportJob, ImportKind
from jobbridge.imports.services import UploadRefused, import_check, import_job_create, import_job_run

EXIT_FILE_ERROR = 2


class Command(BaseCommand):
    help = "导入求职者、用人单位、招聘岗位花名册或劳动力转移台账，或生成导入模板"
    requires_system_checks: list = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="target", required=True)
        template = sub.add_parser("template", help="写出导入模板")
        template.add_argument("kind", choices=ImportKind.values)
        template.add_argument("--out", required=True, help="模板文件路径（.xlsx）")
        jobs = sub.add_parser("jobs", help="列出最近的导入任务及其进度")
        jobs.add_argument("--limit", type=int, default=20, help="列出条数")
        jobs.add_argument("--json", action="store_true", help="以JSON输出")
        for kind in ImportKind.values:
            p = sub.add_parser(kind, help=f"导入{ImportKind(kind).label}花名册")
            p.add_argument("file")
            p.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
            p.add_argument("--json", action="store_true", help="以JSON输出结果")
            p.add_argument("--error-file", help="把被拒绝的行写入此.xlsx文件")
            p.add_argument("--user", help="以此用户名记录导入人（决定可修改的范围）")
            p.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **opts):
        if opts["target"] == "template":
            write_template(opts["out"], opts["kind"])
            self.stderr.write(_("模板已写入 %(f)s") % {"f": opts["out"]})
            return
        if opts["target"] == "jobs":
            self._jobs(opts)
            return
        self._import(opts["target"], opts)

    def _jobs(self, opts) -> None:
        fail_stale(ImportJob)  # a job whose worker died is reported failed, not running
        jobs = ImportJob.objects.select_related("created_by")[: max(1, opts["limit"])]
        rows = [
            {
                "id": job.pk,
                "kind": job.kind,
                "file": job.original_name,
                "status": job.status,
                "done": job.done,
                "total": job.total,
                "percent": job.percent,
                "created_at": job.created_at.isoformat(),
                "finished_at": job.finished_at.isoformat() if job.finished_at else None,
                "created_by": job.created_by.username if job.created_by else None,
                "error": job.error,
                **{
                    k: job.summary[k]
                    for k in ("created", "updated", "unchanged", "rejected")
                    if k in job.summary
                },
            }
            for job in jobs
        ]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for job in jobs:
            line = f"#{job.pk} {job.kind} {job.original_name} {job.get_status_display()}"
            self.stdout.write(f"{line} {job.done}/{job.total} ({job.percent}%) {job.error}".rstrip())

    def _import(self, kind: str, opts) -> None:
        path = Path(opts["file"])
        actor = None
        if opts.get("user"):
            actor = get_user_model().objects.filter(username=opts["user"]).first()
            if actor is None:
                raise CommandError(_("用户“%(u)s”不存在") % {"u": opts["user"]})
        bar = None
        if not opts["no_progress"] and not opts["json"] and sys.stderr.isatty():
            bar = tqdm(total=0, unit=_("行"), file=sys.stderr, desc=path.name)

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.total = total
                bar.update(done - bar.n)

        if not path.is_file():
            self._report({"file_error": _("找不到文件%(f)s") % {"f": path}}, opts)
            sys.exit(EXIT_FILE_ERROR)
        if opts["dry_run"]:
            outcome = import_check(kind=kind, path=path, actor=actor, progress=progress)
            error_source = outcome
        else:
            try:
                with path.open("rb") as f:
                    job = import_job_create(actor=actor, kind=kind, source=f, original_name=path.name)
            except UploadRefused as e:
                self._report({"file_error": str(e)}, opts)
                sys.exit(EXIT_FILE_ERROR)
            job = import_job_run(job=job, progress=progress)
            if job.outcome is None:  # not run: someone else took the job (never one just created)
                raise CommandError(_("导入任务未执行"))
            outcome = error_source = job.outcome
        if bar is not None:
            bar.close()
        summary = outcome.summary()
        if opts.get("error_file") and error_source.rejected_rows:
            if opts["dry_run"]:
                write_error_workbook(opts["error_file"], error_source)
            else:
                with job.error_file.open("rb") as src, open(opts["error_file"], "wb") as dst:
                    shutil.copyfileobj(src, dst)
        self._report(summary, opts)
        if outcome.file_error:
            sys.exit(EXIT_FILE_ERROR)

    def _report(self, summary: dict, opts) -> None:
        if opts["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        if summary.get("file_error"):
            self.stderr.write(_("无法导入：%(e)s") % {"e": summary["file_error"]})
            return
        self.stdout.write(
            _("共%(rows)d行：新增%(created)d，更新%(updated)d，未变%(unchanged)d，拒绝%(rejected)d") % summary
        )
        for error in summary["errors"]:
            self.stdout.write(error["message"])
