import datetime as dt

import pytest

from jobbridge.core import pii
from jobbridge.core.cleaning import parse_date, parse_int
from jobbridge.core.identity import normalize_mobile, normalize_uscc, parse_resident_id
from jobbridge.core.synthetic_ids import credit_code, resident_id


def test_resident_id_derives_birth_date_and_gender():
    number = resident_id("632123", dt.date(1980, 1, 1), 123)
    rid = parse_resident_id(number)
    assert rid.birth_date == dt.date(1980, 1, 1)
    assert rid.gender == "M"  # odd sequence digit
    assert parse_resident_id(resident_id("632123", dt.date(1980, 1, 1), 124)).gender == "F"


def test_historical_birthplace_codes_are_valid():
    # Ledu county 632123 became Ledu district 630202 in 2013: an adult from Ledu keeps 632123.
    assert parse_resident_id(resident_id("632123", dt.date(1985, 6, 1), 1)).birthplace_code == "632123"
    assert parse_resident_id(resident_id("630202", dt.date(2015, 6, 1), 1)).birthplace_code == "630202"
    with pytest.raises(ValueError, match="632123"):
        parse_resident_id(resident_id("632123", dt.date(2015, 6, 1), 1))  # code abolished by then


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("632123198001011230", "校验位应为4"),
        ("6321231980010112", "应为18位"),
        ("", "不能为空"),
        ("63212319800101123Y", "只能包含数字"),
    ],
)
def test_resident_id_errors_say_what_is_wrong(value, message):
    with pytest.raises(ValueError, match=message):
        parse_resident_id(value)


def test_impossible_birth_date_is_named():
    body = "63212319800230123"
    from stdnum.cn import ric

    with pytest.raises(ValueError, match="19800230"):
        parse_resident_id(body + ric.calc_check_digit(body + "0"))


def test_full_width_and_spaces_are_normalised():
    number = resident_id("632123", dt.date(1980, 1, 1), 123)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert parse_resident_id(f" {full_width} ").number == number


def test_mobile_numbers():
    assert normalize_mobile("+86 138-0013-8000") == "13800138000"
    for bad in ["12345678901", "abc", "010-12345678", "1380013800"]:
        with pytest.raises(ValueError):
            normalize_mobile(bad)


def test_credit_codes():
    code = credit_code("320205", 42)
    assert normalize_uscc(code.lower()) == code
    with pytest.raises(ValueError, match="校验位"):
        normalize_uscc(code[:-1] + ("0" if code[-1] != "0" else "1"))


def test_chinese_date_forms():
    for text in ["2023-02-03", "2023/2/3", "2023.2.3", "2023年2月3日", "20230203", "２０２３年２月３日"]:
        assert parse_date(text) == dt.date(2023, 2, 3), text
    with pytest.raises(ValueError, match="2023年2月30日"):
        parse_date("2023年2月30日")
    assert parse_int("6,500元") == 6500
    with pytest.raises(ValueError, match="上限"):
        parse_int("1000000000", maximum=1_000_000)


def test_pii_round_trip_and_mask(settings):
    token = pii.encrypt("632123198001011234")
    assert b"632123" not in token
    assert pii.decrypt(token) == "632123198001011234"
    assert pii.mask_id_number("632123198001011234") == "6321**********1234"
    assert pii.mask_phone("13800138000") == "138****8000"
    assert pii.keyed_hash("x") == pii.keyed_hash("x") != pii.keyed_hash("y")


def test_mobile_fast_path_agrees_with_libphonenumber():
    import phonenumbers

    for prefix in range(100, 200):
        for tail in ("00000000", "12345678", "99999999"):
            number = f"{prefix}{tail}"
            parsed = phonenumbers.parse(number, "CN")
            expected = phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in (
                phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
            )
            try:
                got = normalize_mobile(number) == number
            except ValueError:
                got = False
            assert got == expected, number
    assert normalize_mobile("008613800138000") == "13800138000"
