"""Valid-looking identifiers for demo data and tests (never real people's)."""

import datetime as dt

from stdnum.cn import ric, uscc


def resident_id(birthplace: str, birth_date: dt.date, sequence: int) -> str:
    """An 18-digit ID with a correct check digit; ``sequence`` (0-999) also sets the gender."""
    body = f"{birthplace}{birth_date:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(region: str, sequence: int) -> str:
    """A Unified Social Credit Code for a company (91) registered in ``region``."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    n, org = sequence, ""
    for _ in range(8):
        n, r = divmod(n, 31)
        org = alphabet[r] + org
    # The 9th character of the organisation code is its own check digit (GB 11714).
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(alphabet.index(c) * w for c, w in zip(org, weights, strict=True))
    check = 11 - total % 11
    org += {10: "X", 11: "0"}.get(check, str(check))
    body = f"91{region}{org}"
    return body + uscc.calc_check_digit(body)
