"""Region look-ups and the classification of a labor move.

Resolution accepts what clerks type: a 6- or 9-digit code, a full name ("乐都区"), a short
name ("乐都"), or a path of names ("青海省海东市乐都区"). Results are cached per process; the
division list changes once a year.
"""

from functools import lru_cache

from django.utils.translation import gettext as _

from jobbridge.core.identity import clean_text
from jobbridge.core.models import Region

MOVE_NEARBY = "nearby"
MOVE_WITHIN_PROVINCE = "within_province"
MOVE_OUT_OF_PROVINCE = "out_of_province"
MOVE_LABELS = {
    MOVE_NEARBY: "就近就地",
    MOVE_WITHIN_PROVINCE: "省内跨区域",
    MOVE_OUT_OF_PROVINCE: "省外",
}
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "街道",
    "新区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
    "镇",
    "乡",
)


class UnknownRegion(ValueError):
    pass


@lru_cache(maxsize=1)
def _index() -> dict:
    rows = list(Region.objects.values_list("code", "name", "parent_id", "level"))
    by_code = {code: (name, parent, level) for code, name, parent, level in rows}
    by_name: dict[str, list[str]] = {}
    for code, name, _parent, _level in rows:
        for key in {name, _short(name)}:
            by_name.setdefault(key, []).append(code)
    return {"by_code": by_code, "by_name": by_name}


def clear_cache() -> None:
    _index.cache_clear()
    _resolve_text.cache_clear()


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def ancestors(code: str) -> list[str]:
    """Codes from the province down to ``code`` itself."""
    by_code = _index()["by_code"]
    chain = []
    while code:
        chain.append(code)
        code = by_code[code][1]
    return chain[::-1]


def resolve(value: object) -> str:
    """A region code from a code or a name; raises UnknownRegion naming what was not found."""
    return _resolve_text(clean_text(value).replace(" ", ""))


@lru_cache(maxsize=50_000)
def _resolve_text(text: str) -> str:
    # Cached by the text as typed: a roster repeats a few dozen place names thousands of times.
    # Failures are not cached (lru_cache does not cache exceptions), which is fine: they are rare.
    if not text:
        raise UnknownRegion(_("地区不能为空"))
    idx = _index()
    if text.isdigit():
        code = text[:6] if len(text) == 12 and text.endswith("000000") else text
        code = code[:9] if len(code) == 12 and code.endswith("000") else code
        if code in idx["by_code"]:
            return code
        raise UnknownRegion(_("地区代码%(c)s不存在") % {"c": text})
    candidates = _match_names(text, idx)
    if len(candidates) > 1:
        # "东莞" is the city, not the town of the same name in Shandong: when one candidate
        # stands above all the others in the hierarchy, a clerk meant that one.
        levels = sorted(idx["by_code"][c][2] for c in candidates)
        if levels[0] < levels[1]:
            candidates = [c for c in candidates if idx["by_code"][c][2] == levels[0]]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise UnknownRegion(_("找不到地区“%(v)s”") % {"v": text})
    shown = "、".join(_full_name(c) for c in candidates[:4])
    raise UnknownRegion(_("地区“%(v)s”有多个同名：%(c)s，请写全称或代码") % {"v": text, "c": shown})


def _match_names(text: str, idx: dict) -> list[str]:
    by_name = idx["by_name"]
    if text in by_name or _short(text) in by_name:
        return sorted(set(by_name.get(text, []) or by_name.get(_short(text), [])))
    # A path of names: find the longest known name at each step and narrow down by ancestry.
    matches: list[str] | None = None
    rest = text
    while rest:
        for end in range(len(rest), 0, -1):
            head = rest[:end]
            if head in by_name:
                codes = by_name[head]
                if matches is not None:
                    codes = [c for c in codes if any(m in ancestors(c) for m in matches)]
                if codes:
                    matches, rest = codes, rest[end:]
                    break
        else:
            return []
    return sorted(set(matches or []))


def _full_name(code: str) -> str:
    by_code = _index()["by_code"]
    return "".join(by_code[c][0] for c in ancestors(code))


def full_name(code: str) -> str:
    return _full_name(code)


def county_of(code: str) -> str:
    """The county-level division holding ``code``; a prefecture with no counties (Dongguan,
    Zhongshan) stands as its own county-level unit for its townships."""
    chain = ancestors(code)
    by_code = _index()["by_code"]
    for c in reversed(chain):
        if by_code[c][2] == Region.Level.COUNTY:
            return c
    return chain[1] if len(chain) > 1 else chain[0]


def province_of(code: str) -> str:
    return ancestors(code)[0]


def classify_move(origin: str, destination: str) -> str:
    """nearby (same county-level division), within_province, or out_of_province.

    Both arguments are region codes at any level; a move between a county and one of its own
    townships is nearby.
    """
    if province_of(origin) != province_of(destination):
        return MOVE_OUT_OF_PROVINCE
    if county_of(origin) == county_of(destination):
        return MOVE_NEARBY
    return MOVE_WITHIN_PROVINCE
