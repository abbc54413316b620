"""Query parameters of the candidate list, parsed once for the page, the API and the CLI.

The API takes them as strings and parses them here, so a bad value is a 400 naming the parameter
(not ninja's generic 422), and the page shows the same sentence next to the same filter.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from jobbridge.people.models import PriorityCriterion

MAX_KM = 5000  # farther than any two county centroids in China


class FilterError(ValueError):
    def __init__(self, param: str, message: str):
        self.param, self.message = param, message
        super().__init__(f"{param}: {message}")


@dataclass(frozen=True)
class CandidateFilters:
    max_km: float | None = None
    priority: str = ""
    interested: bool = False

    def as_query(self) -> dict:
        out: dict = {}
        if self.max_km is not None:
            out["max_km"] = f"{self.max_km:g}"
        if self.priority:
            out["priority"] = self.priority
        if self.interested:
            out["interested"] = "1"
        return out


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


def parse_max_km(raw) -> float | None:
    raw = ("" if raw is None else str(raw)).strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise FilterError("max_km", _("最远距离应为数字（公里），收到“%(v)s”") % {"v": raw[:20]}) from None
    if not (0 < value <= MAX_KM):  # also rejects nan and inf
        raise FilterError("max_km", _("最远距离应在 1 到 %(max)s 公里之间") % {"max": MAX_KM})
    return value


def parse_priority(raw) -> str:
    raw = ("" if raw is None else str(raw)).strip()
    if raw and raw not in PriorityCriterion.values:
        choices = "、".join(f"{v}（{label}）" for v, label in PriorityCriterion.choices)
        raise FilterError(
            "priority", _("未知的重点群体“%(v)s”，可选：%(choices)s") % {"v": raw[:30], "choices": choices}
        )
    return raw


def parse_flag(name: str, raw) -> bool:
    raw = ("" if raw is None else str(raw)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise FilterError(name, _("应为 1 或 0（是/否），收到“%(v)s”") % {"v": raw[:20]})


def parse_page(raw, name: str = "page") -> int:
    raw = ("" if raw is None else str(raw)).strip()
    if not raw:
        return 1
    if not raw.isdigit() or not (1 <= int(raw) <= 10_000):
        raise FilterError(name, _("页码应为正整数，收到“%(v)s”") % {"v": raw[:20]})
    return int(raw)


def parse_candidate_filters(params) -> CandidateFilters:
    """``params``: a QueryDict or dict of strings. Raises FilterError on the first bad one."""
    return CandidateFilters(
        max_km=parse_max_km(params.get("max_km")),
        priority=parse_priority(params.get("priority")),
        interested=parse_flag("interested", params.get("interested")),
    )
