"""Occupation look-up by code, standard name or alias (cached per process)."""

from functools import lru_cache

from django.utils.translation import gettext as _

from jobbridge.core.identity import clean_text
from jobbridge.core.models import Occupation, OccupationAlias


@lru_cache(maxsize=1)
def _index() -> tuple[set[str], dict[str, set[str]]]:
    codes = set()
    by_name: dict[str, set[str]] = {}
    for code, name in Occupation.objects.values_list("code", "name"):
        codes.add(code)
        by_name.setdefault(name, set()).add(code)
    for code, alias in OccupationAlias.objects.values_list("occupation_id", "alias"):
        by_name.setdefault(alias, set()).add(code)
    return codes, by_name


def clear_cache() -> None:
    _index.cache_clear()


def resolve_occupation(value: object) -> str:
    text = clean_text(value)
    codes, by_name = _index()
    if text in codes:
        return text
    match = by_name.get(text, set())
    if len(match) == 1:
        return next(iter(match))
    if not match:
        raise ValueError(_("未知职业“%(v)s”，请填写职业分类代码（如6-18-02-04）或标准名称") % {"v": text})
    raise ValueError(
        _("职业“%(v)s”对应多个职业：%(c)s，请填写代码") % {"v": text, "c": "、".join(sorted(match)[:4])}
    )
