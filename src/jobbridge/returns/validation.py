"""One set of rules for a trip home and back, whoever types it: the entry page, the API and the
import all call ``clean_homecoming``. Errors name the field; the importer adds the row."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jobbridge.core import regions
from jobbridge.core.cleaning import parse_choice, parse_date
from jobbridge.core.errors import FieldError
from jobbridge.core.identity import clean_text, normalize_uscc

from .models import Homecoming, Season

Status = Homecoming.Status


@dataclass
class CleanHomecoming:
    origin_region_id: str
    destination_region_id: str
    went_home_on: dt.date
    returned_on: dt.date | None
    returned_to_id: str | None
    status: str
    move_class: str
    employer_uscc: str = ""

    def values(self) -> dict:
        """The model fields this sets (the employer is resolved by the caller)."""
        return {
            "origin_region_id": self.origin_region_id,
            "destination_region_id": self.destination_region_id,
            "went_home_on": self.went_home_on,
            "returned_on": self.returned_on,
            "returned_to_id": self.returned_to_id,
            "status": self.status,
            "move_class": self.move_class,
        }


def _date_in(value, low: dt.date, high: dt.date, field: str, errors: list, what: str):
    try:
        day = parse_date(value)
    except ValueError as e:
        errors.append(FieldError(field, str(e)))
        return None
    if day is not None and not low <= day <= high:
        errors.append(
            FieldError(
                field,
                _("%(w)s%(d)s不在本季统计期%(a)s至%(b)s内")
                % {"w": what, "d": day.isoformat(), "a": low.isoformat(), "b": high.isoformat()},
            )
        )
    return day


def clean_homecoming(
    raw: dict, *, season: Season, origin_default: str | None = None
) -> tuple[CleanHomecoming | None, list[FieldError]]:
    """``raw`` holds origin_region, destination_region, employer_uscc, went_home_on, returned_on,
    returned_to and status as typed; ``origin_default`` (the person's hukou) stands in for an
    empty origin."""
    errors: list[FieldError] = []

    def region(name: str, required: bool) -> str | None:
        value = raw.get(name)
        if value in (None, ""):
            if required:
                errors.append(FieldError(name, _("不能为空")))
            return None
        try:
            return regions.resolve(value)
        except regions.UnknownRegion as e:
            errors.append(FieldError(name, str(e)))
            return None

    origin = region("origin_region", required=not origin_default) or (
        origin_default if raw.get("origin_region") in (None, "") else None
    )
    destination = region("destination_region", required=True)
    returned_to = region("returned_to", required=False)
    went = _date_in(
        raw.get("went_home_on"),
        season.leave_from,
        season.festival_date,
        "went_home_on",
        errors,
        _("返乡日期"),
    )
    if (
        went is None
        and raw.get("went_home_on") in (None, "")
        and not any(e.field == "went_home_on" for e in errors)
    ):
        errors.append(FieldError("went_home_on", _("不能为空：返岗率以节前返乡人数为基数")))
    back = _date_in(
        raw.get("returned_on"),
        season.festival_date,
        season.return_until,
        "returned_on",
        errors,
        _("返岗日期"),
    )
    if went and back and back < went:
        errors.append(
            FieldError(
                "returned_on",
                _("返岗日期%(b)s早于返乡日期%(w)s") % {"b": back.isoformat(), "w": went.isoformat()},
            )
        )
    try:
        given = parse_choice(raw.get("status"), Status)
    except ValueError as e:
        errors.append(FieldError("status", str(e)))
        given = ""
    uscc = ""
    if raw.get("employer_uscc") not in (None, ""):
        try:
            uscc = normalize_uscc(raw.get("employer_uscc"))
        except ValueError as e:
            errors.append(FieldError("employer_uscc", str(e)))
    status = _status(given, back, returned_to, destination, raw, errors)
    if errors:
        return None, errors
    return CleanHomecoming(
        origin_region_id=origin,
        destination_region_id=destination,
        went_home_on=went,
        returned_on=back,
        returned_to_id=(returned_to or destination) if back else None,
        status=status,
        move_class=regions.classify_move(origin, destination),
        employer_uscc=uscc,
    ), []


def _status(given: str, back, returned_to, destination, raw: dict, errors: list) -> str:
    """The status follows from the dates; a status typed against them is refused, not overridden."""
    if back:
        if given in (Status.HOME, Status.STAYING):
            errors.append(
                FieldError("status", _("已填返岗日期，状态不能是“%(s)s”") % {"s": Status(given).label})
            )
            return given
        moved = bool(
            returned_to and destination and regions.county_of(returned_to) != regions.county_of(destination)
        )
        return Status.CHANGED if given == Status.CHANGED or moved else Status.RETURNED
    if given in (Status.RETURNED, Status.CHANGED):
        if raw.get("returned_on") in (None, ""):
            errors.append(
                FieldError("returned_on", _("状态为“%(s)s”时须填写返岗日期") % {"s": Status(given).label})
            )
        return given
    if returned_to and raw.get("returned_on") in (None, ""):
        errors.append(FieldError("returned_on", _("填写了返岗地时须填写返岗日期")))
    return given or Status.HOME


def clean_id_text(value: object) -> str:
    return clean_text(value).replace(" ", "").upper()
