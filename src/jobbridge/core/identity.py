"""Validation and normalisation of the identifiers people type: resident ID numbers, mobile
numbers and Unified Social Credit Codes. Each raises ValueError with a message for a clerk."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError


def clean_text(value: object) -> str:
    """Full-width to half-width (NFKC), trimmed, inner whitespace collapsed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return " ".join(text.split())


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    gender: str  # "M" or "F"
    birthplace_code: str


@lru_cache(maxsize=65536)
def _birthplace_valid(code: str, year: int) -> bool:
    """Whether a county code was in use in a given year (python-stdnum's table of current and
    historical codes); cached because a roster repeats the same few counties."""
    try:
        ric.get_birth_place(f"{code}{year:04d}0101" + "0000")
    except (InvalidComponent, ValueError):
        return False
    return True


def parse_resident_id(value: object) -> ResidentId:
    """GB 11643 resident ID: 6-digit birthplace, 8-digit birth date, 3-digit sequence, check digit.

    The birthplace is the county code in force when the number was issued, so historical codes
    (Ledu county 632123, a district 630202 since 2013) are valid; python-stdnum carries them.
    """
    number = clean_text(value).replace(" ", "").upper()
    if not number:
        raise ValueError(_("身份证号不能为空"))
    if len(number) != 18:
        raise ValueError(_("应为18位，实际%(n)d位") % {"n": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError(_("只能包含数字，末位可为X"))
    expected = ric.calc_check_digit(number[:17] + "0")  # it ignores the last digit
    if number[17] != expected:
        raise ValueError(_("校验位应为%(d)s") % {"d": expected})
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(_("出生日期%(d)s不存在") % {"d": number[6:14]}) from None
    if birth > dt.date.today() or birth.year < 1900:
        raise ValueError(_("出生日期%(d)s不合理") % {"d": birth.isoformat()})
    if not _birthplace_valid(number[:6], birth.year):
        raise ValueError(_("出生地代码%(c)s不存在或在%(y)d年未使用") % {"c": number[:6], "y": birth.year})
    gender = "M" if int(number[16]) % 2 else "F"
    return ResidentId(number=number, birth_date=birth, gender=gender, birthplace_code=number[:6])


_MOBILE = re.compile(r"(?:\+?86|0086)?(1\d{10})")


@lru_cache(maxsize=1024)
def _mobile_prefix_valid(prefix: str) -> bool:
    """libphonenumber's rule for mainland mobiles depends on the first five digits only
    (1[38]x, 145, 1740x, …, then any digits), so one check per prefix decides for all numbers."""
    parsed = phonenumbers.parse(prefix + "0" * (11 - len(prefix)), "CN")
    return phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def normalize_mobile(value: object) -> str:
    """A mainland mobile number as 11 digits; +86, spaces and dashes are accepted."""
    text = clean_text(value).replace(" ", "").replace("-", "")
    if not text:
        raise ValueError(_("手机号不能为空"))
    m = _MOBILE.fullmatch(text)
    if m:
        if _mobile_prefix_valid(m.group(1)[:5]):
            return m.group(1)
        raise ValueError(_("“%(v)s”不是有效的中国大陆手机号") % {"v": text})
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValueError(_("“%(v)s”不是手机号") % {"v": text}) from None
    national = str(parsed.national_number)
    if (
        parsed.country_code != 86
        or not re.fullmatch(r"1\d{10}", national)
        or not _mobile_prefix_valid(national[:5])
    ):
        raise ValueError(_("“%(v)s”不是有效的中国大陆手机号") % {"v": text})
    return national


def normalize_uscc(value: object) -> str:
    text = clean_text(value).replace(" ", "").upper()
    if not text:
        raise ValueError(_("统一社会信用代码不能为空"))
    try:
        return uscc.validate(text)
    except InvalidLength:
        raise ValueError(_("应为18位，实际%(n)d位") % {"n": len(text)}) from None
    except InvalidChecksum:
        raise ValueError(_("校验位应为%(d)s") % {"d": uscc.calc_check_digit(text[:17])}) from None
    except ValidationError:
        raise ValueError(_("“%(v)s”格式不正确") % {"v": text}) from None
