"""A synthetic labour-export city (Haidong-like) for tests and benchmarks.

Seekers live in the home prefecture; postings are local or in the receiving regions named in the
sources (Wuxi, Suzhou, Dongguan, Shanghai, Hangzhou, Xiamen, Xining).  Seekers name the home
county, the home prefecture, one or two receiving provinces/cities, or accept anywhere.  The
shares are assumptions written down here so the benchmark's pair density can be judged.
"""

from __future__ import annotations

import numpy as np

from jobbridge.matching.engine.codes import RegionTable

# (code, skill phrases, a certificate some postings require)
OCCUPATIONS = [
    ("6-18-02-04", "电焊 氩弧焊 二保焊 看图纸", "焊工证"),
    ("6-18-01-01", "车床 普车 看图纸 量具", None),
    ("6-18-01-07", "数控 加工中心 编程 fanuc", None),
    ("6-18-01-12", "冲床 冲压 模具", None),
    ("6-18-03-03", "喷漆 涂装 打磨", None),
    ("6-05-01-03", "平车 缝纫 服装 车位", None),
    ("6-04-02-01", "纺纱 细纱 挡车", None),
    ("6-14-02-00", "注塑 塑料 上下料", None),
    ("6-06-03-01", "木工 装修 家具", None),
    ("4-03-02-01", "厨师 炒菜 川菜 配菜", "健康证"),
    ("4-03-02-02", "面点 拉面 包子", "健康证"),
    ("4-03-02-05", "餐厅服务 传菜 收台", "健康证"),
    ("4-03-01-02", "客房 保洁 铺床", None),
    ("4-07-05-01", "保安 巡逻 监控 值班", None),
    ("4-09-08-01", "保洁 清洁 物业", None),
    ("4-10-01-06", "家政 做饭 带孩子", None),
    ("4-10-01-05", "养老 护理 照护 老人", None),
    ("4-02-07-08", "快递 派送 电动车 分拣", None),
    ("4-02-05-01", "搬运 装卸 力气活", None),
    ("4-02-06-01", "仓库 出入库 叉车 盘点", "叉车证"),
    ("4-01-02-04", "收银 超市 扫码", None),
    ("4-01-06-01", "电商 运营 直播 拼多多 淘宝 excel", None),
    ("4-12-01-01", "汽修 保养 钣金", None),
    ("4-02-02-02", "货车 驾驶 a2 长途", "A2驾驶证"),
    ("2-06-03-00", "会计 财务 做账 excel", "会计证"),
    ("2-02-07-02", "机械设计 cad solidworks", None),
]
OCC_SHARE = np.array(
    [6, 3, 3, 3, 2, 5, 3, 4, 2, 5, 2, 4, 2, 4, 4, 3, 2, 4, 4, 3, 2, 2, 2, 2, 1, 1], dtype=float
)
OCC_SHARE /= OCC_SHARE.sum()

HOME_PREFECTURE = 630200
HOME_COUNTIES = [630202, 630203, 630222, 630223, 630224, 630225]
RECEIVING = {  # prefecture -> (province, counties, share of non-local postings)
    320200: (320000, [320205, 320206, 320211, 320213, 320214, 320281, 320282], 0.18),
    320500: (320000, [320505, 320506, 320507, 320508, 320509, 320581, 320582, 320583, 320585], 0.16),
    441900: (440000, [441900], 0.18),
    310100: (310000, [310104, 310112, 310114, 310115, 310117, 310118, 310120], 0.14),
    330100: (330000, [330102, 330105, 330106, 330108, 330109, 330110], 0.12),
    350200: (350000, [350203, 350205, 350206, 350211, 350212], 0.10),
    630100: (630000, [630102, 630103, 630104, 630105, 630121], 0.12),
}
EDUCATION = ["primary", "junior", "senior", "vocational", "college", "bachelor"]
EDU_SHARE = [0.12, 0.42, 0.18, 0.15, 0.09, 0.04]
GROUPS = ["disability", "zero_employment", "registered_unemployed", "poverty", "lifted_out"]
DAY0 = 20_480  # 2026-01-27, a day in the Spring Breeze Action


def _combos(k: int) -> list[list[str]]:
    out = []
    for _, phrase, _ in OCCUPATIONS:
        words = phrase.split()
        if k == 1:
            out.append(words)
        else:
            out.append([f"{a} {b}" for a in words for b in words if a != b])
    return out


_COMBOS = {1: _combos(1), 2: _combos(2)}


def _phrases(rng, occ_idx: int, k: int) -> str:
    """k distinct skill words of the occupation, in random order (precomputed combinations: fast)."""
    options = _COMBOS[k][occ_idx]
    return options[int(rng.integers(len(options)))]


def seekers(n: int, seed: int = 1) -> list[dict]:
    rng = np.random.default_rng(seed)
    occ = rng.choice(len(OCCUPATIONS), size=(n, 2), p=OCC_SHARE)
    n_occ = rng.choice([0, 1, 2], size=n, p=[0.12, 0.58, 0.30])
    county = rng.choice(HOME_COUNTIES, size=n)
    dest_kind = rng.choice(4, size=n, p=[0.25, 0.30, 0.35, 0.10])
    prefs = list(RECEIVING)
    wages = np.round(rng.lognormal(np.log(5000), 0.25, size=n), -2)
    edu = rng.choice(EDUCATION, size=n, p=EDU_SHARE)
    prio = rng.random(n) < 0.15
    out = []
    for i in range(n):
        codes = [OCCUPATIONS[occ[i, k]][0] for k in range(n_occ[i])]
        skills = " ".join(_phrases(rng, occ[i, k], 2) for k in range(n_occ[i])) if n_occ[i] else "普工 能吃苦"
        kind = dest_kind[i]
        if kind == 0:
            dest = [county[i]]
        elif kind == 1:
            dest = [HOME_PREFECTURE]
        elif kind == 2:
            picks = rng.choice(len(prefs), size=rng.integers(1, 3), replace=False)
            dest = [prefs[p] if rng.random() < 0.6 else RECEIVING[prefs[p]][0] for p in picks]
        else:
            dest = []
        certs = (
            [OCCUPATIONS[occ[i, 0]][2]]
            if n_occ[i] and OCCUPATIONS[occ[i, 0]][2] and rng.random() < 0.5
            else []
        )
        out.append(
            {
                "id": i,
                "occupations": codes,
                "skills": skills,
                "certificates": certs,
                "education": edu[i],
                "hukou_region": county[i],
                "residence_region": county[i],
                "destinations": dest,
                "accepts_anywhere": kind == 3,
                "expected_wage": float(wages[i]) if rng.random() < 0.9 else None,
                "available_from": int(DAY0 + rng.integers(-10, 40)),
                "priority_groups": [GROUPS[rng.integers(len(GROUPS))]] if prio[i] else [],
            }
        )
    return out


def postings(n: int, seed: int = 2, local_share: float = 0.35) -> list[dict]:
    rng = np.random.default_rng(seed)
    occ = rng.choice(len(OCCUPATIONS), size=n, p=OCC_SHARE)
    local = rng.random(n) < local_share
    prefs = list(RECEIVING)
    pref_share = np.array([RECEIVING[p][2] for p in prefs])
    pref = rng.choice(len(prefs), size=n, p=pref_share / pref_share.sum())
    wage_lo = np.round(rng.lognormal(np.log(4800), 0.25, size=n), -2)
    out = []
    for j in range(n):
        code, _, cert = OCCUPATIONS[occ[j]]
        if local[j]:
            work = HOME_COUNTIES[rng.integers(len(HOME_COUNTIES))]
        else:
            counties = RECEIVING[prefs[pref[j]]][1]
            work = counties[rng.integers(len(counties))]
        headcount = int(rng.integers(1, 30))
        out.append(
            {
                "id": j,
                "occupation": code if rng.random() < 0.95 else "",
                "title": _phrases(rng, occ[j], 1) + ("工" if rng.random() < 0.5 else ""),
                "required_skills": _phrases(rng, occ[j], 2),
                "required_certificates": [cert] if cert and rng.random() < 0.4 else [],
                "min_education": rng.choice(["", "junior", "senior", "college"], p=[0.5, 0.3, 0.15, 0.05]),
                "headcount": headcount,
                "filled": int(rng.integers(0, headcount)) if rng.random() < 0.3 else 0,
                "wage_min": float(wage_lo[j]),
                "wage_max": float(wage_lo[j] + 100 * rng.integers(0, 30)),
                "work_region": work,
                "board": bool(rng.random() < 0.5),
                "lodging": bool(rng.random() < 0.5),
                "disability_friendly": bool(rng.random() < 0.1),
                "target_groups": [GROUPS[rng.integers(len(GROUPS))]] if rng.random() < 0.1 else [],
                "valid_from": DAY0 - int(rng.integers(0, 20)),
                "valid_until": DAY0 + int(rng.integers(10, 90)),
                "status": "open",
            }
        )
    return out


def region_table(path=None) -> RegionTable:
    """The shipped regions file if a path is given, else just the synthetic city's counties."""
    if path is not None:
        return RegionTable.from_csv(path)
    rows = []
    rng = np.random.default_rng(0)
    for c in HOME_COUNTIES:
        rows.append((c, f"海东{c}", 36.5 + rng.normal(0, 0.2), 102.2 + rng.normal(0, 0.3)))
    centres = {320200: (31.5, 120.3), 320500: (31.3, 120.6), 441900: (23.0, 113.75), 310100: (31.23, 121.47),
               330100: (30.27, 120.15), 350200: (24.48, 118.09), 630100: (36.62, 101.78)}  # fmt: skip
    for pref, (prov, counties, _) in RECEIVING.items():
        rows.append((pref, f"市{pref}", *centres[pref]))
        rows.append((prov, f"省{prov}", *centres[pref]))
        for c in counties:
            rows.append(
                (c, f"区{c}", centres[pref][0] + rng.normal(0, 0.1), centres[pref][1] + rng.normal(0, 0.1))
            )
    rows.append((HOME_PREFECTURE, "海东市", 36.5, 102.1))
    return RegionTable.from_rows(rows)
