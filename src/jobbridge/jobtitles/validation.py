"""What counts as a codable title, with messages that name the field."""

import re

from django.utils.translation import gettext as _

from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.jobtitles.normalize import MAX_TITLE

MAX_TOP = 20
MAX_BATCH = 1000
_WORDY = re.compile(r"[^\W\d_]", re.UNICODE)  # a letter of any script (CJK included)


def title_problem(title: object) -> str | None:
    """Why a title cannot be coded, or None. English and other scripts are fine: the semantic
    signal is multilingual (only the lexical ones are Chinese-specific)."""
    text = str(title or "").strip()
    if not text:
        return _("职位名称不能为空")
    if len(text) > MAX_TITLE:
        return _("职位名称过长（%(n)d个字符），最多%(max)d个字符：请只填写职位名称，不要粘贴整段职位描述") % {
            "n": len(text),
            "max": MAX_TITLE,
        }
    if not _WORDY.search(text):
        return _("职位名称中没有文字（只有数字或符号）")
    return None


def check_title(title: object, field: str = "title") -> str:
    problem = title_problem(title)
    if problem:
        raise ServiceError([FieldError(field, problem)])
    return str(title).strip()


def check_top(top: int, field: str = "top") -> int:
    if not 1 <= top <= MAX_TOP:
        raise ServiceError([FieldError(field, _("建议条数应在1到%(max)d之间") % {"max": MAX_TOP})])
    return top
