import dataclasses

import numpy as np
import pytest

from jobbridge.matching.engine.codes import RegionTable
from jobbridge.matching.engine.explain import explain
from jobbridge.matching.engine.features import PostingBatch, SeekerBatch
from jobbridge.matching.engine.scoring import Scorer
from jobbridge.matching.engine.weights import DEFAULT_WEIGHTS, Weights

from .conftest import posting, seeker

TODAY = 20480  # 2026-01-27
REGIONS = RegionTable.from_rows(
    [
        ("630202", "乐都区", 36.48, 102.40),
        ("630200", "海东市", 36.50, 102.10),
        ("320200", "无锡市", 31.49, 120.31),
        ("320205", "锡山区", 31.59, 120.36),
        ("320000", "江苏省", 32.06, 118.76),
        ("440000", "广东省", 23.13, 113.27),
        ("441900", "东莞市", 23.02, 113.75),
    ]
)


class Names:
    def name(self, code):
        return {"6-18-02-04": "焊工", "6-18-02-00": "焊接人员", "6-18-00-00": "机械制造基础加工人员"}.get(
            code, code
        )


def score_one(s_kw=None, p_kw=None, weights=DEFAULT_WEIGHTS):
    s = SeekerBatch.from_records([seeker(**(s_kw or {}))], REGIONS)
    p = PostingBatch.from_records([posting(**(p_kw or {}))], REGIONS)
    sc = Scorer(s, p, weights, today=TODAY)
    return sc, float(sc.block(slice(None), np.arange(1))[0, 0])


def test_perfect_welder_match_explained_in_chinese():
    sc, score = score_one()
    e = explain(sc, 0, 0, REGIONS, Names())
    assert not e.excluded
    assert e.score == pytest.approx(score)
    assert sum(r.points for r in e.reasons) == pytest.approx(score, abs=1e-5)
    texts = {r.code: r.text for r in e.reasons}
    assert texts["occupation"] == "同一职业：焊工"
    assert texts["certificates"] == "证书要求：已具备（焊工证）"
    assert texts["wage"] == "月薪6,500 ≥ 期望5,000"
    assert texts["place"].startswith("无锡市在您的意向工作地内，") and texts["place"].endswith("公里")
    assert texts["board_lodging"] == "包吃包住"
    km = int(texts["place"].split("，")[1].replace("公里", "").replace(",", ""))
    assert 1_700 < km < 2_000  # Ledu to Wuxi, great circle
    for r in e.reasons:
        assert 0 <= r.value <= 1 + 1e-6 and r.weight >= 0
    assert e.as_dict()["reasons"][0]["code"] == "certificates"


def test_occupation_levels_rank_detailed_over_minor_over_medium():
    w = DEFAULT_WEIGHTS
    values = {}
    for code in ("6-18-02-04", "6-18-02-05", "6-18-01-01", "4-03-02-01"):
        sc, _ = score_one(
            p_kw={"occupation": code, "required_certificates": []},
            weights=dataclasses.replace(w, require_same_major_group=False),
        )
        values[code] = float(sc.occupation_table([0])[0, sc.p_occ_inv[0]])
    assert values["6-18-02-04"] == pytest.approx(w.occupation * w.occ_detailed)
    assert values["6-18-02-05"] == pytest.approx(w.occupation * w.occ_minor)
    assert values["6-18-01-01"] == pytest.approx(w.occupation * w.occ_medium)
    assert values["4-03-02-01"] == 0


@pytest.mark.parametrize(
    ("s_kw", "p_kw", "code", "sentence"),
    [
        ({"certificates": []}, {}, "certificates", "证书要求：缺少焊工证"),
        ({"destinations": ["440000"]}, {}, "destination", "锡山区不在您的意向工作地内"),
        ({}, {"status": "closed"}, "posting_status", "岗位未在招聘中"),
        ({}, {"filled": 5}, "posting_status", "岗位已招满（无空缺）"),
        ({}, {"valid_until": "2026-01-01"}, "posting_status", "岗位已过有效期"),
        ({}, {"wage_max": 10**9}, "posting_status", "岗位薪资数据异常"),
        ({"available_from": "2026-06-01"}, {}, "timing", None),
        ({}, {"occupation": "4-03-02-01", "required_certificates": []}, "relevance", None),
    ],
)
def test_hard_filters_exclude_with_a_reason(s_kw, p_kw, code, sentence):
    sc, score = score_one(s_kw, p_kw)
    assert score == -np.inf
    e = explain(sc, 0, 0, REGIONS, Names())
    assert e.excluded
    hits = [r for r in e.exclusions if r.code == code]
    assert hits, e.exclusions
    if sentence:
        assert hits[0].text == sentence


def test_certificate_names_are_normalised():
    _, score = score_one({"certificates": ["焊工 操作证"]}, {"required_certificates": "焊工证"})
    assert np.isfinite(score)


def test_wage_fit_shape_and_unknowns():
    w = DEFAULT_WEIGHTS

    def wage_points(s_kw, p_kw):
        sc, _ = score_one(s_kw, p_kw)
        e = explain(sc, 0, 0, REGIONS)
        return next(r for r in e.reasons if r.code == "wage")

    assert wage_points({}, {"wage_max": 5000}).value == pytest.approx(1)
    assert wage_points({}, {"wage_min": 3000, "wage_max": 3750}).value == pytest.approx(0, abs=1e-6)
    assert wage_points({}, {"wage_min": 4375, "wage_max": 4375}).value == pytest.approx(0.5, abs=1e-4)
    r = wage_points({"expected_wage": None}, {})
    assert r.value == pytest.approx(0.5) and "未填期望月薪" in r.text
    r = wage_points({}, {"wage_min": None, "wage_max": None})
    assert r.value == pytest.approx(0.5) and r.text == "岗位未标注月薪"
    r = wage_points({}, {"wage_min": 4000, "wage_max": 4000})
    assert r.text == "月薪4,000 < 期望5,000"
    assert w.wage > 0


def test_priority_bonus_for_targeted_and_disability_suitable_posts():
    base = score_one()[1]
    targeted = score_one({"priority_groups": ["poverty"]}, {"target_groups": ["poverty"]})[1]
    disabled = score_one({"priority_groups": ["disability"]}, {"disability_friendly": True})[1]
    mismatch = score_one({"priority_groups": ["poverty"]}, {"target_groups": ["disability"]})[1]
    assert targeted == pytest.approx(base + DEFAULT_WEIGHTS.priority)
    assert disabled == pytest.approx(base + DEFAULT_WEIGHTS.priority)
    assert mismatch == pytest.approx(base)


def test_education_below_minimum_costs_points_but_does_not_exclude():
    ok = score_one()[1]
    low = score_one({"education": "primary"})[1]
    assert np.isfinite(low) and low < ok


def test_seeker_without_skills_or_occupation_is_still_scored():
    sc, score = score_one({"occupations": [], "skills": "", "certificates": ["焊工证"]})
    assert np.isfinite(score)
    assert "您未填写职业" in explain(sc, 0, 0, REGIONS, Names()).reasons[1].text


def test_weights_are_validated():
    with pytest.raises(ValueError):
        Weights(text=-1)
    with pytest.raises(ValueError):
        Weights(occ_detailed=0.1, occ_minor=0.5)
    assert sum(DEFAULT_WEIGHTS.component_weights.values()) == pytest.approx(1.0)
