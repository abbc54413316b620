"""Turning raw transfer fields (a form, an API body, a spreadsheet row) into clean values.

One set of rules for every way in: ``clean_transfer`` answers (values, [FieldError]); the
manual-entry service and the importer both call it. Look-ups are cached per process, so an
import of 100,000 rows costs a few dictionary hits per row.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core import regions as core_regions
from jobbridge.core.cleaning import parse_choice, parse_date
from jobbridge.core.errors import FieldError
from jobbridge.core.identity import clean_text, normalize_uscc
from jobbridge.core.models import Industry

from .models import Channel, OriginBasis

# Words clerks use for the channel, beyond the labels themselves.
_CHANNEL_WORDS = {
    "有组织": Channel.BUREAU,
    "组织输出": Channel.BUREAU,
    "劳务输出": Channel.BUREAU,
    "专列": Channel.BUREAU,
    "包车": Channel.BUREAU,
    "招聘会": Channel.FAIR,
    "自主": Channel.SELF,
    "自谋职业": Channel.SELF,
    "自行": Channel.SELF,
    "自找": Channel.SELF,
}


@dataclass
class CleanTransfer:
    destination: str
    transferred_on: dt.date
    employer_name: str
    employer_uscc: str
    industry: str | None
    channel: str
    origin_basis: str


@lru_cache(maxsize=1)
def _industries() -> dict[str, str]:
    out = {}
    for code, name in Industry.objects.values_list("code", "name"):
        out[code.lower()] = code
        out[name.lower()] = code
    return out


def parse_industry(value: object) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    key = (text.zfill(2) if text.isdigit() else text).lower()
    code = _industries().get(key)
    if code is None:
        raise ValueError(_("未知行业“%(v)s”，请填写GB/T 4754-2017门类字母、两位大类代码或名称") % {"v": text})
    return code


def parse_channel(value: object) -> str:
    text = clean_text(value)
    if not text:
        return Channel.OTHER
    if text in _CHANNEL_WORDS:
        return _CHANNEL_WORDS[text]
    return parse_choice(text, Channel)


def clear_caches() -> None:
    _industries.cache_clear()


def clean_transfer(
    raw: dict, *, today: dt.date | None = None
) -> tuple[CleanTransfer | None, list[FieldError]]:
    errors: list[FieldError] = []
    today = today or timezone.localdate()

    def take(name, fn, *args):
        try:
            return fn(raw.get(name), *args)
        except ValueError as e:
            errors.append(FieldError(name, str(e)))
            return None

    destination = take("destination", core_regions.resolve)
    day = take("transferred_on", parse_date)
    if day is None and not any(e.field == "transferred_on" for e in errors):
        errors.append(FieldError("transferred_on", _("转移日期不能为空")))
    elif day and day > today:
        errors.append(FieldError("transferred_on", _("转移日期%(d)s晚于今天") % {"d": day.isoformat()}))
    elif day and day.year < 2000:
        errors.append(FieldError("transferred_on", _("转移日期%(d)s过早") % {"d": day.isoformat()}))
    employer = clean_text(raw.get("employer"))
    if not employer:
        errors.append(FieldError("employer", _("用人单位不能为空")))
    elif len(employer) > 128:
        errors.append(FieldError("employer", _("用人单位名称过长（不超过128字）")))
    uscc = ""
    if clean_text(raw.get("employer_uscc")):
        uscc = take("employer_uscc", normalize_uscc) or ""
    industry = take("industry", parse_industry)
    channel = take("channel", parse_channel)
    basis = take("origin_basis", parse_choice, OriginBasis) or OriginBasis.HUKOU
    if errors:
        return None, errors
    return CleanTransfer(destination, day, employer, uscc, industry, channel, basis), []
