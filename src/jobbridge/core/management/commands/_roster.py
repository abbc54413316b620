"""The `import` and `template` verbs that every app's command offers for its rosters.

The upload desk (the imports app) owns every roster import: ``jobbridge import KIND FILE``. An
app's own spelling (``jobbridge people import FILE``, ``jobbridge employers import postings FILE``,
``jobbridge transfers import FILE``) is the same command under the app's name: the options are
the desk's, and the call goes through Django's command registry (``call_command("import", …)``),
so one code path runs (``imports.services``: ``import_check`` for a dry run, ``import_job_create``
and ``import_job_run`` otherwise; the same summary, error file and exit status) while the app,
standing floors below the desk, imports nothing of it.

Django skips command modules whose name starts with an underscore, so this is no command itself.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

# The options of `jobbridge import KIND FILE`, repeated so that `--help` lists them under every
# spelling; tests/test_cli_vocabulary.py fails when the two drift apart.
IMPORT_FLAGS = ("--dry-run", "--json", "--no-progress")
IMPORT_VALUES = ("--error-file", "--user")


def add_import_arguments(parser: ArgumentParser, *, kinds: list[str] | None = None) -> None:
    """``import [KIND] FILE [--dry-run] [--json] [--error-file OUT.xlsx] [--user NAME] [--no-progress]``."""
    if kinds:
        parser.add_argument("kind", choices=kinds)
    parser.add_argument("file")
    parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
    parser.add_argument("--json", action="store_true", help="以JSON输出结果")
    parser.add_argument("--error-file", help="把被拒绝的行写入此.xlsx文件")
    parser.add_argument("--user", help="以此用户名记录导入人（决定可修改的范围）")
    parser.add_argument("--no-progress", action="store_true", help="不显示进度条")


def add_template_arguments(parser: ArgumentParser, *, kinds: list[str] | None = None) -> None:
    """``template [KIND] --out FILE.xlsx``."""
    if kinds:
        parser.add_argument("kind", choices=kinds)
    parser.add_argument("--out", required=True, help="模板文件路径（.xlsx）")


def import_argv(kind: str, opts: dict[str, Any]) -> list[str]:
    """The `jobbridge import` arguments that mean what ``opts`` (parsed as above) means."""
    argv = [kind, str(opts["file"])]
    for flag in IMPORT_FLAGS:
        if opts.get(_dest(flag)):
            argv.append(flag)
    for flag in IMPORT_VALUES:
        if opts.get(_dest(flag)):
            argv += [flag, str(opts[_dest(flag)])]
    return argv


def run_import(command: BaseCommand, kind: str, opts: dict[str, Any]) -> None:
    """Run `jobbridge import KIND FILE …` with the calling command's output streams. Its exit
    status (2 when the file cannot be imported) ends this command too."""
    call_command("import", *import_argv(kind, opts), stdout=command.stdout._out, stderr=command.stderr._out)


def run_template(command: BaseCommand, kind: str, opts: dict[str, Any]) -> None:
    call_command(
        "import",
        "template",
        kind,
        "--out",
        str(opts["out"]),
        stdout=command.stdout._out,
        stderr=command.stderr._out,
    )


def _dest(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")
