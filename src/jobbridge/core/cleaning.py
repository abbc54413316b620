"""Parsing what people type into forms and spreadsheets. Each parser raises ValueError with a
message a clerk can act on; the caller adds the row and column."""

import datetime as dt
import re
from functools import lru_cache

from django.utils.translation import gettext as _

from jobbridge.core.identity import clean_text

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "包", "提供"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", "不包", "不提供", ""}


def parse_date(value: object) -> dt.date | None:
    """2023-02-03, 2023/2/3, 2023.2.3, 2023年2月3日, 20230203, or a date/datetime cell."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_text(value).replace(" ", "")
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            y, mo, d = (int(x) for x in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise ValueError(_("日期“%(v)s”不存在") % {"v": text}) from None
    raise ValueError(_("无法识别日期“%(v)s”，请写成2023-02-03或2023年2月3日") % {"v": text})


def parse_int(value: object, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(value).replace(",", "").replace(" ", "").removesuffix("元").removesuffix("人")
    if not text:
        return None
    try:
        number = int(float(text)) if re.fullmatch(r"-?\d+(\.0+)?", text) else int(text)
    except ValueError:
        raise ValueError(_("“%(v)s”不是整数") % {"v": text}) from None
    if minimum is not None and number < minimum:
        raise ValueError(_("%(n)d小于下限%(m)d") % {"n": number, "m": minimum})
    if maximum is not None and number > maximum:
        raise ValueError(_("%(n)d超过上限%(m)d") % {"n": number, "m": maximum})
    return number


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_("“%(v)s”应填“是”或“否”") % {"v": text})


def parse_list(value: object) -> list[str]:
    """A list as given (API bodies), or text with items separated by any of ,，;；、/ or new lines."""
    if isinstance(value, list | tuple | set):
        return [t for t in (clean_text(v) for v in value) if t]
    text = clean_text(value)
    return [p.strip() for p in re.split(r"[,，;；、/\n]+", text) if p.strip()]


@lru_cache(maxsize=64)
def _choice_map(choices, language: str) -> dict[str, str]:
    """Every accepted spelling of each choice (value, Chinese label, label in the active
    language, each part of a "中专/技校" label), lower-cased; built once per class and language."""
    from django.utils import translation

    accepted: dict[str, str] = {}
    with translation.override("zh-hans"):
        source_labels = [(v, str(label)) for v, label in choices.choices]
    for value, label in [*source_labels, *((v, str(label)) for v, label in choices.choices)]:
        for spelling in (str(value), label, *label.split("/")):
            accepted.setdefault(spelling.lower(), value)
    return accepted


def parse_choice(value: object, choices) -> str:
    """A TextChoices value from its value or its Chinese or English label."""
    text = clean_text(value)
    if not text:
        return ""
    from django.utils import translation

    found = _choice_map(choices, translation.get_language() or "")
    if text.lower() in found:
        return found[text.lower()]
    allowed = "、".join(str(label) for _v, label in choices.choices)
    raise ValueError(_("“%(v)s”不是可选值（%(a)s）") % {"v": text, "a": allowed})
