"""Seasons: the Spring Festival dates and the windows counted around them.

A season named by its year ("2026") is created on first use from the table of festival dates,
so `jobbridge returns import FILE --season 2026` works on a fresh database; a season for any
other code must be created explicitly (`jobbridge returns season create`).
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jobbridge.core.errors import FieldError, ServiceError

from .models import Season

# 正月初一 (Chinese New Year's day) by year.
SPRING_FESTIVAL = {
    2019: dt.date(2019, 2, 5),
    2020: dt.date(2020, 1, 25),
    2021: dt.date(2021, 2, 12),
    2022: dt.date(2022, 2, 1),
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
}
# Workers start for home well before the travel rush (春运, ~15 days before the festival) and
# the receiving provinces count returns into March (Guangdong reported at 5 March): the windows
# are generous so that no real trip falls outside them.
LEAVE_DAYS_BEFORE = 45
RETURN_DAYS_AFTER = 60


def season_create(
    *,
    code: str,
    festival_date: dt.date,
    leave_from: dt.date | None = None,
    return_until: dt.date | None = None,
    name: str = "",
) -> Season:
    code = (code or "").strip()
    errors = []
    if not code or len(code) > 16:
        errors.append(FieldError("season", _("季度编号须为1至16个字符")))
    leave_from = leave_from or festival_date - dt.timedelta(days=LEAVE_DAYS_BEFORE)
    return_until = return_until or festival_date + dt.timedelta(days=RETURN_DAYS_AFTER)
    if leave_from > festival_date:
        errors.append(FieldError("leave_from", _("返乡统计起不能晚于春节")))
    if return_until < festival_date:
        errors.append(FieldError("return_until", _("返岗统计止不能早于春节")))
    if errors:
        raise ServiceError(errors)
    try:
        with transaction.atomic():
            # The default name is data, stored in Chinese whatever the language of the request.
            return Season.objects.create(
                code=code,
                name=name or f"{code}年春节",
                festival_date=festival_date,
                leave_from=leave_from,
                return_until=return_until,
            )
    except IntegrityError:
        raise ServiceError([FieldError("season", _("季度“%(c)s”已存在") % {"c": code})]) from None


def season_get(code: object) -> Season:
    """The season ``code``; a year in the festival table is created on first use."""
    text = str(code or "").strip()
    if not text:
        raise ServiceError([FieldError("season", _("请指定春节季度（如2026）"))])
    season = Season.objects.filter(code=text).first()
    if season is not None:
        return season
    if text.isdigit() and int(text) in SPRING_FESTIVAL:
        try:
            return season_create(code=text, festival_date=SPRING_FESTIVAL[int(text)])
        except ServiceError:
            return Season.objects.get(code=text)  # created by a concurrent request
    raise ServiceError(
        [
            FieldError(
                "season",
                _("季度“%(c)s”不存在；已知年份%(a)d至%(b)d，其他请先创建")
                % {"c": text, "a": min(SPRING_FESTIVAL), "b": max(SPRING_FESTIVAL)},
            )
        ]
    )
