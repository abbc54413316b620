"""Generate the labelled title sets from eval_terms.txt (re-runnable, deterministic):

    .venv/bin/python src/jobbridge/jobtitles/data/make_titles.py

Each job word is wrapped the way recruiters write titles (employer + 招聘, urgency, pay, perks,
requirements in brackets, city tags, head counts). Words are split, by a hash of the word, into a
development third (dev_titles.csv: the only data the coder's weights were tuned on) and an
evaluation two thirds (eval_titles.csv: reported, never tuned on); a word and all its noisy
variants land on the same side, so the evaluation never sees a word the tuning saw.
"""

import csv
import hashlib
import random
import sys
from pathlib import Path

HERE = Path(__file__).parent
COMPANIES = [
    "捉鸭记餐厅",
    "海底捞",
    "富士康",
    "比亚迪",
    "美团",
    "顺丰速运",
    "立讯精密",
    "京东物流",
    "万达广场",
    "如家酒店",
    "蜜雪冰城",
    "华润万家",
    "中建三局",
    "碧桂园物业",
    "苏州某电子有限公司",
    "东莞市长安镇五金厂",
    "宁德时代",
    "昆山仁宝电脑",
    "永辉超市",
    "老乡鸡",
    "瑞幸咖啡",
    "安踏体育",
    "无锡海力士",
    "格力电器",
    "申通快递",
    "浙江某纺织有限公司",
    "深圳某科技有限公司",
    "鸿星尔克",
    "沙县小吃",
    "农夫山泉",
    "李宁",
    "小米之家",
    "某某人力资源有限公司",
    "海东市某劳务公司",
    "杭州某网络科技有限公司",
    "某三甲医院",
    "某民办幼儿园",
]
CITIES = [
    "苏州",
    "东莞",
    "无锡",
    "昆山",
    "深圳",
    "上海",
    "宁波",
    "西宁",
    "海东",
    "厦门",
    "重庆",
    "佛山",
    "武汉",
]
PERKS = [
    "包吃住",
    "五险一金",
    "长白班",
    "双休",
    "包住",
    "日结",
    "周结",
    "男女不限",
    "年底双薪",
    "两班倒",
    "有补贴",
]
REQS = [
    "有经验优先",
    "持证上岗",
    "45岁以下",
    "英语四级",
    "会电脑",
    "初中以上学历",
    "限男性",
    "吃苦耐劳",
    "可接受夜班",
    "有驾照",
    "退伍军人优先",
]
URGENT = ["急招", "诚聘", "高薪诚聘", "长期招", "直招", "热招"]


def pay(rng: random.Random) -> str:
    low = rng.choice(range(3000, 12000, 500))
    return rng.choice(
        [
            f"月薪{low}",
            f"{low}-{low + rng.choice([1000, 2000, 3000])}元",
            f"{low // 1000}k-{low // 1000 + 3}k",
            f"{low}元/月",
            f"综合收入{low}以上",
            f"日薪{rng.choice([150, 200, 260, 300])}",
        ]
    )


def light(word: str, rng: random.Random) -> str:
    return rng.choice(
        [
            word,
            word,
            f"{rng.choice(URGENT)}{word}",
            f"{word}{rng.choice(PERKS)}",
            f"{word}{rng.randint(2, 30)}名",
            f"{word}（{rng.choice(REQS)}）",
            f"【{rng.choice(CITIES)}】{word}",
        ]
    )


def heavy(word: str, rng: random.Random) -> str:
    return rng.choice(
        [
            f"{rng.choice(COMPANIES)}招聘{word}",
            f"{rng.choice(URGENT)}{word}{pay(rng)}",
            f"{word}{rng.choice(PERKS)}{pay(rng)}",
            f"{rng.choice(COMPANIES)}{rng.choice(URGENT)}{word}（{rng.choice(REQS)}）",
            f"【{rng.choice(CITIES)}】{word} {rng.choice(PERKS)} {rng.choice(PERKS)}",
            f"{rng.choice(CITIES)}{rng.choice(COMPANIES)}{rng.choice(['诚聘', '招聘'])}{word}{pay(rng)}",
            f"{word}/{rng.choice(PERKS)}/{pay(rng)}",
        ]
    )


def read_terms(known: set[str] | None = None) -> list[tuple[str, str]]:
    from jobbridge.jobtitles.normalize import clean_title

    terms, seen = [], {}
    for line in (HERE / "eval_terms.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, words = line.split("|")
        if known is not None and code not in known:
            raise SystemExit(f"eval_terms.txt: {code} is not a CSCO 2022 code")
        for word in words.split(","):
            key = clean_title(word)
            if key in seen:  # the same job words under two codes would be a coin toss: keep the first
                continue
            seen[key] = code
            terms.append((word.strip(), code))
    return terms


def is_dev(word: str) -> bool:
    return int(hashlib.sha1(word.encode("utf-8")).hexdigest(), 16) % 3 == 0


def main() -> None:
    sys.path.insert(0, str(HERE.parents[2]))
    from jobbridge.core.reference import read_occupations

    known = {r["code"] for r in read_occupations()}
    rng = random.Random(20260315)
    dev, evaluation = [], []
    for word, code in read_terms(known):
        rows = [(light(word, rng), code), (heavy(word, rng), code)]
        (dev if is_dev(word) else evaluation).extend(rows)
    for name, rows in (("dev_titles.csv", dev), ("eval_titles.csv", evaluation)):
        with (HERE / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["title", "code"])
            w.writerows(rows)
        print(name, len(rows))


if __name__ == "__main__":
    main()
