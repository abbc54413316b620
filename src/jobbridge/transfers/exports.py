"""The monthly report as an .xlsx in a ledger layout (imports.exports does the writing)."""

from django.utils.translation import gettext as _

from . import selectors


def report_headers() -> list[str]:
    return [
        _("地区代码"),
        _("地区"),
        _("月份"),
        _("转移人次合计"),
        _("省外（人次）"),
        _("省内跨区域（人次）"),
        _("就近就地（人次）"),
        _("转移人数（人）"),
    ]


def report_rows(code: str, month: int):
    label = selectors.month_label(month)
    for r in selectors.report_table(code, month):
        yield [
            r["code"],
            r["name"],
            label,
            r["person_times"],
            r["out_of_province"],
            r["within_province"],
            r["nearby"],
            r["persons"],
        ]


def write_report(target, code: str, month: int) -> int:
    from jobbridge.core.excel import write_xlsx

    return write_xlsx(target, report_headers(), report_rows(code, month), sheet_name=_("转移就业月报"))


def report_filename(code: str, month: int) -> str:
    return f"transfers-{code}-{selectors.month_label(month)}.xlsx"
