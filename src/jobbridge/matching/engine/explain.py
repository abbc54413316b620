"""Why a posting is (or is not) recommended to a seeker: components as structured reasons.

Every number comes from the same ``Scorer.block`` that ranks, so an explanation always adds up to
the score used for ranking; only the sentences are composed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .codes import OccupationTable, RegionTable, destination_range
from .features import DISABILITY_BIT, EDUCATION_NAMES, from_day, group_names
from .scoring import POSTING_EXCLUSION_TEXT, Components, Scorer
from .text import normalise_certificate


@dataclass(frozen=True)
class Reason:
    code: str  # component or filter name
    weight: float  # the component's weight (0 for filters)
    value: float  # the component's value in [0, 1] (1/0 for a passed/failed filter)
    text: str  # a sentence a commissioner can read out on the phone

    @property
    def points(self) -> float:
        return self.weight * self.value


@dataclass
class Explanation:
    seeker_id: int
    posting_id: int
    score: float | None  # None when excluded
    reasons: list[Reason] = field(default_factory=list)
    exclusions: list[Reason] = field(default_factory=list)

    @property
    def excluded(self) -> bool:
        return self.score is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "seeker_id": self.seeker_id,
            "posting_id": self.posting_id,
            "score": self.score,
            "reasons": [r.__dict__ | {"points": r.points} for r in self.reasons],
            "exclusions": [r.__dict__ for r in self.exclusions],
        }


def _yuan(v: float) -> str:
    return f"{int(round(v)):,}"


def _occupation_sentence(scorer: Scorer, i: int, j: int, occ: OccupationTable | None) -> str:
    s, p = scorer.s, scorer.p
    code = p.occ_codes[j]
    if not code:
        return "岗位未标注职业"
    name = (occ.name(code) if occ else code) or code
    best = 0
    for k in range(s.occ.shape[1]):
        for level, col in ((3, 0), (2, 1), (1, 2)):
            if s.occ[i, k, col] >= 0 and s.occ[i, k, col] == p.occ[j, col]:
                best = max(best, level)
    if best == 3:
        return f"同一职业：{name}"
    group_code = code[:7] + "-00" if best == 2 else code[:4] + "-00-00"
    group = occ.name(group_code) if occ else group_code
    if best == 2:
        return f"同一职业小类：{group}（岗位：{name}）"
    if best == 1:
        return f"同一职业中类：{group}（岗位：{name}）"
    if not s.occ_codes[i]:
        return f"您未填写职业，岗位职业：{name}"
    return f"职业不同：岗位为{name}"


def _covering_destination(scorer: Scorer, i: int, work: int) -> int | None:
    for code in scorer.s.dest_codes[i]:
        rg = destination_range(code)
        if rg and rg[0] <= work <= rg[1]:
            return code
    return None


def explain(
    scorer: Scorer,
    i: int,
    j: int,
    regions: RegionTable | None = None,
    occupations: OccupationTable | None = None,
) -> Explanation:
    """Reasons for seeker row ``i`` and posting row ``j`` of the scorer's batches."""
    total, comp = scorer.block(np.array([i]), np.array([j]), components=True)
    return _compose(scorer, i, j, total, comp, 0, 0, regions or RegionTable(), occupations)


EXPLAIN_ROWS = 32
"""Seekers per block in ``explain_pairs``: under the 64 rows where ``Columns.text_product``
changes its sparse product, so the text similarity is summed exactly as for one pair."""


def explain_pairs(
    scorer: Scorer,
    si: ArrayLike,
    pj: ArrayLike,
    regions: RegionTable | None = None,
    occupations: OccupationTable | None = None,
) -> list[Explanation]:
    """``[explain(scorer, i, j, ...) for i, j in zip(si, pj)]``, with one component block per
    (up to ``EXPLAIN_ROWS``) distinct seekers x the postings paired with them, instead of one
    block per pair. A page of 100 reasons costs a few blocks, not 100: each ``block`` call builds
    the whole batch's occupation and place tables, which is most of an explanation's time. Every
    number is taken from the same elementwise computation, so the result is identical (tested)."""
    si_a = np.asarray(si, dtype=np.int64).ravel()
    pj_a = np.asarray(pj, dtype=np.int64).ravel()
    if si_a.shape != pj_a.shape:
        raise ValueError(f"explain_pairs: {len(si_a)} seeker rows but {len(pj_a)} posting rows")
    regions = regions or RegionTable()
    out: list[Explanation | None] = [None] * len(si_a)
    seekers = np.unique(si_a)
    for lo in range(0, len(seekers), EXPLAIN_ROWS):
        rows = seekers[lo : lo + EXPLAIN_ROWS]
        mine = np.flatnonzero(np.isin(si_a, rows))
        cols = np.unique(pj_a[mine])
        total, comp = scorer.block(rows, cols, components=True)
        r_at, c_at = np.searchsorted(rows, si_a[mine]), np.searchsorted(cols, pj_a[mine])
        for n, r, c in zip(mine.tolist(), r_at.tolist(), c_at.tolist(), strict=True):
            out[n] = _compose(scorer, int(si_a[n]), int(pj_a[n]), total, comp, r, c, regions, occupations)
    return out  # type: ignore[return-value]


def _compose(
    scorer: Scorer,
    i: int,
    j: int,
    total: np.ndarray,
    comp: Components,
    row: int,
    col: int,
    regions: RegionTable,
    occupations: OccupationTable | None,
) -> Explanation:
    """The explanation of seeker row ``i`` x posting row ``j``, read at cell (row, col) of a block."""
    s, p, w = scorer.s, scorer.p, scorer.w
    v = {k: float(a[row, col]) for k, a in comp.values.items()}
    score = float(total[row, col])
    out = Explanation(int(s.ids[i]), int(p.ids[j]), None if np.isneginf(score) else score)

    # ---- hard filters -------------------------------------------------------------------------
    excl = int(scorer.exclusion[j])
    if excl:
        out.exclusions.append(Reason("posting_status", 0.0, 0.0, POSTING_EXCLUSION_TEXT[excl]))
    work_name = regions.name(int(p.work[j]))
    if not comp.destination_ok[row, col]:
        out.exclusions.append(Reason("destination", 0.0, 0.0, f"{work_name}不在您的意向工作地内"))
    if not comp.relevance_ok[row, col]:
        out.exclusions.append(
            Reason("relevance", 0.0, 0.0, "职业大类不同：" + _occupation_sentence(scorer, i, j, occupations))
        )
    if not comp.timing_ok[row, col]:
        out.exclusions.append(
            Reason(
                "timing",
                0.0,
                0.0,
                f"可到岗日期{from_day(s.available[i])}晚于岗位截止{from_day(p.valid_until[j])}",
            )
        )
    if p.req_count[j]:
        have = {normalise_certificate(c) for c in s.cert_names[i]}
        missing = [c for c in p.cert_names[j] if normalise_certificate(c) not in have]
        if comp.certificates_ok[row, col]:
            out.reasons.append(
                Reason("certificates", 0.0, 1.0, f"证书要求：已具备（{'、'.join(p.cert_names[j])}）")
            )
        else:
            out.exclusions.append(
                Reason("certificates", 0.0, 0.0, f"证书要求：缺少{'、'.join(missing) or '所需证书'}")
            )

    # ---- components ---------------------------------------------------------------------------
    def add(code: str, weight: float, points: float, text: str) -> None:
        value = min(max(points / weight, 0.0), 1.0) if weight else 0.0
        out.reasons.append(Reason(code, weight, round(value, 6), text))

    add("occupation", w.occupation, v["occupation"], _occupation_sentence(scorer, i, j, occupations))
    add("text", w.text, v["text"], f"技能描述相似度{v['text'] / w.text if w.text else 0:.2f}")

    offer, expect = float(p.offer[j]), float(s.wage[i])
    if np.isnan(offer) or np.isinf(offer):
        wage_text = "岗位未标注月薪"
    elif np.isnan(expect):
        wage_text = f"月薪{_yuan(offer)}（您未填期望月薪）"
    else:
        wage_text = f"月薪{_yuan(offer)} {'≥' if offer >= expect else '<'} 期望{_yuan(expect)}"
    add("wage", w.wage, v["wage"], wage_text)

    km = float(comp.distance_km[row, col])
    dist_text = "距离未知" if np.isnan(km) else f"{_yuan(km)}公里"
    covering = _covering_destination(scorer, i, int(p.work[j]))
    if covering is not None and not s.anywhere[i]:
        place_text = f"{regions.name(covering)}在您的意向工作地内，{dist_text}"
    elif covering is not None:
        place_text = f"{regions.name(covering)}在您的意向工作地内（工作地不限），{dist_text}"
    else:
        place_text = f"工作地不限：{work_name}，{dist_text}"
    add("place", w.place, v["place"], place_text)

    groups = int(s.groups[i])
    prio = bool(groups & int(p.targets[j])) or bool(groups & DISABILITY_BIT and p.disability_friendly[j])
    edu_points = v["education_priority"] - (w.priority if prio else 0.0)
    need, have_edu = int(p.min_education[j]), int(s.education[i])
    if need < 0:
        edu_text = "岗位无学历要求"
    elif have_edu < 0:
        edu_text = f"要求{EDUCATION_NAMES[need]}，您未填学历"
    else:
        edu_text = (
            f"学历{EDUCATION_NAMES[have_edu]} {'≥' if have_edu >= need else '<'} 要求{EDUCATION_NAMES[need]}"
        )
    add("education", w.education, edu_points, edu_text)

    late = int(s.available[i]) - max(int(p.valid_from[j]), scorer.today)
    add("availability", w.availability, v["availability"], "可按时到岗" if late <= 0 else f"晚到岗{late}天")

    bl = [t for flag, t in ((p.board[j], "包吃"), (p.lodging[j], "包住")) if flag]
    add("board_lodging", w.board_lodging, v["board_lodging"], "".join(bl) if bl else "不包吃住")

    if prio:
        shared = group_names(groups & int(p.targets[j]))
        parts = ([f"面向{'、'.join(shared)}"] if shared else []) + (
            ["适合残疾人"] if groups & DISABILITY_BIT and p.disability_friendly[j] else []
        )
        prio_text = "优先：" + "，".join(parts)
    else:
        prio_text = "非面向您所属群体的岗位" if groups else "无优先加分"
    add("priority", w.priority, w.priority if prio else 0.0, prio_text)
    return out
