"""A synthetic world with planted preferences, for measuring match *quality* (figure 6).

Every seeker and posting has hidden true variables; the records the engine sees are noisy
renderings of them; relevance is defined by the hidden variables only.  The engine never imports
this module (a test checks), so it cannot read the truth.

Hidden, per seeker: a true detailed occupation, a true skill set (3 of the occupation's skills),
a home county, a set of places they would really go (home county, home prefecture, or a receiving
city), and a reservation wage.  Per posting: a true occupation, 3 required skills, a work county,
an offered wage.

Relevance of posting j to seeker i (graded, for NDCG):
  2 = same true occupation, at least one shared true skill, a place the seeker would go, wage >=
      reservation;
  1 = same CSCO minor group (related trade), a place they would go, wage >= 0.9 x reservation;
  0 = otherwise.

Observed fields (what the engine and the baseline get), with the noise a real registry has:
* occupation codes: the true code (60%), a sibling code in the same minor group (15%), missing
  (25%) for seekers; postings: true 85%, sibling 5%, missing 10%;
* skills: each true skill written as one of its synonyms, with a character typo 15% of the time,
  dropped 15% of the time, plus generic filler words ("能吃苦 服从安排", "五险一金 包吃住 长期招聘")
  that every occupation shares;
* places: the seeker's real destinations as region codes (20% left blank: the engine then assumes
  the home prefecture); residence county always;
* wages: reservation x lognormal noise (sd 0.1), 10% blank, 2% absurd (0 or 10^9); postings state
  a range around the true offer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jobbridge.matching.engine.codes import RegionTable

# code -> skills, each skill with its synonyms (the first is the canonical name)
TRADES: dict[str, list[list[str]]] = {
    "6-18-02-04": [
        ["电焊", "焊接", "电焊工"],
        ["氩弧焊", "氩焊", "tig焊"],
        ["二保焊", "co2保护焊", "气保焊"],
        ["看图纸", "识图", "看懂图纸"],
        ["切割", "气割", "等离子切割"],
    ],
    "6-18-02-01": [
        ["铆工", "铆焊", "钣金铆接"],
        ["下料", "放样下料", "开料"],
        ["折弯", "折弯机", "折床"],
        ["看图纸", "识图", "看懂图纸"],
        ["打磨", "抛光", "角磨机"],
    ],
    "6-18-01-01": [
        ["车床", "普车", "车工"],
        ["量具", "游标卡尺", "千分尺"],
        ["看图纸", "识图", "看懂图纸"],
        ["刀具", "磨刀", "刃磨"],
        ["螺纹", "车螺纹", "攻丝"],
    ],
    "6-18-01-07": [
        ["数控", "cnc", "数控车床"],
        ["加工中心", "cnc加工中心", "立加"],
        ["编程", "fanuc编程", "数控编程"],
        ["量具", "游标卡尺", "千分尺"],
        ["对刀", "调机", "上下料"],
    ],
    "6-18-01-12": [
        ["冲床", "冲压", "冲压工"],
        ["模具", "换模", "装模"],
        ["上下料", "送料", "取料"],
        ["安全操作", "安全生产", "规范操作"],
        ["品检", "质检", "检验"],
    ],
    "6-05-01-03": [
        ["平车", "平缝机", "平车工"],
        ["缝纫", "车缝", "缝制"],
        ["服装", "成衣", "制衣"],
        ["锁边", "拷边", "包缝"],
        ["整烫", "熨烫", "大烫"],
    ],
    "6-05-01-02": [
        ["裁剪", "裁床", "裁剪工"],
        ["排料", "唛架", "排版"],
        ["服装", "成衣", "制衣"],
        ["拉布", "铺布", "拉布工"],
        ["量具", "皮尺", "量尺寸"],
    ],
    "4-03-02-01": [
        ["厨师", "炒锅", "大厨"],
        ["川菜", "川湘菜", "湘菜"],
        ["配菜", "切配", "墩子"],
        ["健康证", "持健康证", "有健康证"],
        ["面点", "白案", "面食"],
    ],
    "4-03-02-02": [
        ["面点", "白案", "面食"],
        ["拉面", "兰州拉面", "牛肉面"],
        ["包子", "馒头", "蒸点"],
        ["健康证", "持健康证", "有健康证"],
        ["和面", "揉面", "醒面"],
    ],
    "4-03-02-05": [
        ["传菜", "传菜员", "跑菜"],
        ["服务员", "餐厅服务", "点菜"],
        ["收台", "收拾餐桌", "清台"],
        ["健康证", "持健康证", "有健康证"],
        ["迎宾", "接待", "领位"],
    ],
    "4-07-05-01": [
        ["保安", "安保", "门卫"],
        ["巡逻", "巡查", "巡更"],
        ["监控", "监控室", "看监控"],
        ["值班", "夜班", "倒班"],
        ["消防", "消防证", "消防设施"],
    ],
    "4-09-08-01": [
        ["保洁", "清洁", "清洁工"],
        ["物业", "小区物业", "物业保洁"],
        ["擦玻璃", "外墙清洗", "玻璃清洁"],
        ["垃圾分类", "垃圾清运", "垃圾处理"],
        ["拖地", "地面清洁", "洗地机"],
    ],
    "4-10-01-06": [
        ["家政", "家政服务", "保姆"],
        ["做饭", "烧饭", "家常菜"],
        ["带孩子", "育儿", "照看小孩"],
        ["打扫", "家务", "收纳"],
        ["月嫂", "母婴护理", "产后护理"],
    ],
    "4-10-01-05": [
        ["养老护理", "护理员", "护工"],
        ["照护", "生活照料", "陪护"],
        ["老人", "老年人", "失能老人"],
        ["喂饭", "协助进食", "鼻饲"],
        ["翻身", "康复训练", "按摩"],
    ],
    "4-02-07-08": [
        ["快递", "快递员", "派件"],
        ["派送", "配送", "送货"],
        ["电动车", "三轮车", "骑手"],
        ["分拣", "分拨", "拣货"],
        ["揽收", "收件", "上门取件"],
    ],
    "4-02-06-01": [
        ["仓库", "仓管", "库管"],
        ["出入库", "收发货", "进出库"],
        ["叉车", "叉车工", "开叉车"],
        ["盘点", "库存盘点", "清点"],
        ["erp", "wms", "仓储系统"],
    ],
    "4-02-02-02": [
        ["货车司机", "大车司机", "卡车司机"],
        ["a2", "a2驾照", "a2驾驶证"],
        ["长途", "跑长途", "干线运输"],
        ["装卸", "装货", "卸货"],
        ["安全驾驶", "无事故", "驾龄"],
    ],
    "4-12-01-01": [
        ["汽修", "汽车维修", "修车"],
        ["保养", "汽车保养", "换机油"],
        ["钣金", "钣喷", "喷漆"],
        ["发动机", "发动机维修", "故障诊断"],
        ["轮胎", "补胎", "换胎"],
    ],
}
SEEKER_FILLER = ["能吃苦", "服从安排", "踏实肯干", "身体健康", "有经验", "可加班", "吃苦耐劳"]
POSTING_FILLER = [
    "五险一金",
    "包吃包住",
    "长期招聘",
    "待遇优厚",
    "多劳多得",
    "月休四天",
    "工资按时发放",
    "急招",
]
HOME_COUNTIES = [620102, 620103, 620104, 620105, 620111, 620121, 620122, 620123,
                 620502, 620503, 620521, 620522, 620523, 621102, 621121, 621122]  # fmt: skip
RECEIVING = [320205, 320206, 320505, 320506, 441900, 440305, 330106, 310115, 350206, 650102]
DAY0 = 20_480


@dataclass
class PlantedWorld:
    seekers: list[dict]  # observed records (features.SEEKER_KEYS)
    postings: list[dict]  # observed records (features.POSTING_KEYS)
    relevance: np.ndarray  # (n_seekers, n_postings) int8 in {0, 1, 2}: the hidden truth
    regions: RegionTable


def _typo(rng, word: str) -> str:
    if len(word) < 2:
        return word
    i = int(rng.integers(len(word)))
    if rng.random() < 0.5 and i < len(word) - 1:  # swap two characters
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]  # doubled character


def _render(rng, skills: list[list[str]], filler: list[str], drop: float, typo: float) -> str:
    words = []
    for syn in skills:
        if rng.random() < drop:
            continue
        w = syn[int(rng.integers(len(syn)))]
        words.append(_typo(rng, w) if rng.random() < typo else w)
    words += list(rng.choice(filler, size=int(rng.integers(1, 4)), replace=False))
    rng.shuffle(words)
    return " ".join(words)


def _sibling(rng, code: str, codes: list[str]) -> str:
    sibs = [c for c in codes if c[:7] == code[:7] and c != code]
    return sibs[int(rng.integers(len(sibs)))] if sibs else code


def region_table() -> RegionTable:
    rng = np.random.default_rng(0)
    rows = []
    for c in HOME_COUNTIES:
        rows.append((c, f"县{c}", 36.0 + rng.normal(0, 0.8), 103.8 + rng.normal(0, 1.0)))
    for c in RECEIVING:
        rows.append((c, f"区{c}", 28.0 + rng.normal(0, 3.0), 118.0 + rng.normal(0, 3.0)))
    for c in sorted({c // 100 * 100 for c in HOME_COUNTIES + RECEIVING}):
        rows.append((c, f"市{c}", None, None))
    return RegionTable.from_rows(rows)


def generate(n_seekers: int, n_postings: int, seed: int = 0, local_share: float = 0.5) -> PlantedWorld:
    rng = np.random.default_rng(seed)
    codes = list(TRADES)
    # ---- hidden truth -----------------------------------------------------------------------
    s_occ = rng.integers(len(codes), size=n_seekers)
    s_skills = [set(rng.choice(5, size=3, replace=False).tolist()) for _ in range(n_seekers)]
    s_home = rng.choice(HOME_COUNTIES, size=n_seekers)
    kind = rng.choice(3, size=n_seekers, p=[0.3, 0.3, 0.4])  # county, prefecture, one receiving city
    s_city = rng.choice(RECEIVING, size=n_seekers)
    s_res = np.round(rng.lognormal(np.log(5000), 0.2, size=n_seekers), -2)
    p_occ = rng.integers(len(codes), size=n_postings)
    p_skills = [set(rng.choice(5, size=3, replace=False).tolist()) for _ in range(n_postings)]
    local = rng.random(n_postings) < local_share
    p_work = np.where(
        local, rng.choice(HOME_COUNTIES, size=n_postings), rng.choice(RECEIVING, size=n_postings)
    )
    p_wage = np.round(rng.lognormal(np.log(5200), 0.2, size=n_postings), -2)

    def goes(i: int) -> np.ndarray:
        if kind[i] == 0:
            return p_work == s_home[i]
        if kind[i] == 1:
            return (p_work // 100) == (s_home[i] // 100)
        return (p_work // 100) == (s_city[i] // 100)

    occ_arr = np.array(codes)
    p_code, p_minor = occ_arr[p_occ], np.array([c[:7] for c in occ_arr[p_occ]])
    rel = np.zeros((n_seekers, n_postings), dtype=np.int8)
    skill_mask = np.array([sum(1 << x for x in sk) for sk in p_skills])
    for i in range(n_seekers):
        place = goes(i)
        same = p_code == codes[s_occ[i]]
        shared = (skill_mask & sum(1 << x for x in s_skills[i])) != 0
        related = p_minor == codes[s_occ[i]][:7]
        rel[i, related & place & (p_wage >= 0.9 * s_res[i])] = 1
        rel[i, same & shared & place & (p_wage >= s_res[i])] = 2

    # ---- observed, noisy records ----------------------------------------------------------------
    seekers = []
    for i in range(n_seekers):
        code = codes[s_occ[i]]
        u = rng.random()
        obs_codes = [code] if u < 0.6 else [_sibling(rng, code, codes)] if u < 0.75 else []
        skills = [TRADES[code][x] for x in sorted(s_skills[i])]
        dest = [] if rng.random() < 0.2 else (
            [int(s_home[i])] if kind[i] == 0 else [int(s_home[i] // 100 * 100)] if kind[i] == 1
            else [int(s_city[i] // 100 * 100)]
        )  # fmt: skip
        v = rng.random()
        wage = (None if v < 0.10 else (0 if rng.random() < 0.5 else 10**9) if v < 0.12
                else float(np.round(s_res[i] * rng.lognormal(0, 0.1), -2)))  # fmt: skip
        seekers.append({
            "id": i, "occupations": obs_codes, "skills": _render(rng, skills, SEEKER_FILLER, 0.15, 0.15),
            "education": "junior", "residence_region": int(s_home[i]), "hukou_region": int(s_home[i]),
            "destinations": dest, "accepts_anywhere": False, "expected_wage": wage,
            "available_from": DAY0, "certificates": [], "priority_groups": [],
        })  # fmt: skip
    postings = []
    for j in range(n_postings):
        code = codes[p_occ[j]]
        u = rng.random()
        obs = code if u < 0.85 else _sibling(rng, code, codes) if u < 0.90 else ""
        skills = [TRADES[code][x] for x in sorted(p_skills[j])]
        title_syn = TRADES[code][0]
        title = ("招聘" if rng.random() < 0.3 else "") + title_syn[int(rng.integers(len(title_syn)))]
        postings.append({
            "id": j, "occupation": obs, "title": title,
            "required_skills": _render(rng, skills, POSTING_FILLER, 0.15, 0.15),
            "description": " ".join(rng.choice(POSTING_FILLER, size=3, replace=False)),
            "headcount": 5, "filled": 0, "wage_min": float(p_wage[j] - 300), "wage_max": float(p_wage[j] + 300),
            "work_region": int(p_work[j]), "board": bool(rng.random() < 0.5), "lodging": bool(rng.random() < 0.5),
            "valid_from": DAY0 - 5, "valid_until": DAY0 + 60, "status": "open", "min_education": "",
        })  # fmt: skip
    return PlantedWorld(seekers, postings, rel, region_table())


def ndcg_at_k(ranked: np.ndarray, relevance: np.ndarray, k: int = 10) -> np.ndarray:
    """NDCG@k per seeker of ranked posting rows (-1 = empty slot) against graded relevance."""
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    ranked = ranked[:, :k]
    gains = np.where(ranked >= 0, np.take_along_axis(relevance, np.maximum(ranked, 0), axis=1), 0)
    dcg = ((2.0**gains - 1) * disc[: ranked.shape[1]]).sum(axis=1)
    ideal = -np.sort(-relevance, axis=1)[:, :k]
    idcg = ((2.0**ideal - 1) * disc[: ideal.shape[1]]).sum(axis=1)
    return np.where(idcg > 0, dcg / np.where(idcg > 0, idcg, 1), np.nan)


def recall_at_k(ranked: np.ndarray, relevance: np.ndarray, k: int = 10, level: int = 1) -> np.ndarray:
    """Relevant (>= level) postings in the top k / min(k, relevant postings); NaN if none relevant."""
    ranked = ranked[:, :k]
    hit = np.where(ranked >= 0, np.take_along_axis(relevance, np.maximum(ranked, 0), axis=1) >= level, False)
    n_rel = (relevance >= level).sum(axis=1)
    return np.where(n_rel > 0, hit.sum(axis=1) / np.maximum(np.minimum(n_rel, k), 1), np.nan)


def tfidf_topk(
    seeker_texts: list[str], posting_texts: list[str], k: int = 10, mask: np.ndarray | None = None
):
    """The plain text baseline: TF-IDF cosine over the engine's own text features (character 1-,
    2-grams and words, hashed), every posting ranked by text alone (``mask`` False = excluded)."""
    from jobbridge.matching.engine.text import hash_texts, normalise_rows

    xs, xp = hash_texts(seeker_texts), hash_texts(posting_texts)
    df = np.asarray((xp > 0).sum(axis=0)).ravel() + np.asarray((xs > 0).sum(axis=0)).ravel()
    n_docs = xs.shape[0] + xp.shape[0]
    idf = np.log((1 + n_docs) / (1 + df)).astype(np.float32) + 1
    xs, xp = normalise_rows(xs.multiply(idf).tocsr()), normalise_rows(xp.multiply(idf).tocsr())
    sim = (xs @ xp.T).toarray()
    if mask is not None:
        sim[~mask] = -np.inf
    order = np.argsort(-sim, axis=1, kind="stable")[:, :k]
    order[~np.isfinite(np.take_along_axis(sim, order, axis=1))] = -1
    return order


def seeker_text(r: dict) -> str:
    return " ".join(str(r.get(x) or "") for x in ("skills", "text", "major"))


def posting_text(r: dict) -> str:
    return " ".join(str(r.get(x) or "") for x in ("title", "required_skills", "description"))
