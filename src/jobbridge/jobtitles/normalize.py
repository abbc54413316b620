"""Cleaning a recruiter's free-text title down to the words that name the job.

Recruiters wrap the job in noise: who is hiring ("捉鸭记餐厅招聘厨师"), urgency ("急招"), pay
("月薪8000", "5000-8000元"), perks ("包吃住", "五险一金"), requirements in brackets
("外贸业务员（英语四级）") and counts ("3名"). None of it says which occupation the job is, and
all of it pulls character n-grams and embeddings towards the wrong neighbours, so it goes first.
Pure functions, no Django: the coder, the benchmark and the tests share them.
"""

import re
import unicodedata

MAX_TITLE = 200  # longer input is cut here (a title, not a job description)

_BRACKETS = re.compile(r"[(\[{<【〔「『《].*?[)\]}>】〕」』》]")
_OPEN_BRACKET_TAIL = re.compile(r"[(\[{<【〔「『《][^)\]}>】〕」』》]*$")
# Everything up to the last hiring verb is the employer (or a slogan): keep what follows it.
_HIRING = re.compile(r"^(.*)(招聘|诚聘|急招|急聘|直招|高薪招|长期招|热招|聘请|招收|招募)(?=.)")
_COMPANY = re.compile(r"^\S{2,20}?(有限责任公司|股份有限公司|有限公司|集团|公司)")
_PAY = re.compile(
    r"(?P<word>月薪|底薪|日薪|时薪|年薪|工资|薪资|综合收入|保底|待遇)?[:：]?"
    r"\d+(?:\.\d+)?\s*(?P<u1>k|w|千|万|元)?\s*(?:[-~～至到]\s*\d+(?:\.\d+)?\s*(?P<u2>k|w|千|万|元)?)?"
    r"(?:\s*(?P<u3>元|块))?(?P<per>/?(?:月|天|日|小时|时|年))?(?:以上|起|左右)?"
)
_AGE = re.compile(r"\d+\s*(?:-\s*\d+\s*)?(?:周岁|岁)(?:以下|以上|以内)?")
_NOISE_WORDS = (
    "包吃包住",
    "包吃住",
    "包食宿",
    "提供食宿",
    "包住宿",
    "包住",
    "包吃",
    "五险一金",
    "六险一金",
    "五险",
    "社保",
    "双休",
    "单休",
    "长白班",
    "两班倒",
    "倒班",
    "男女不限",
    "限男",
    "限女",
    "若干名",
    "若干",
    "数名",
    "多名",
    "日结",
    "周结",
    "月结",
    "高薪",
    "急需",
    "急缺",
    "长期",
    "直招",
    "急招",
    "招聘",
    "诚聘",
    "热招",
    "可兼职",
    "兼职",
    "全职",
    "正式工",
    "临时工",
    "小时工",
    "暑假工",
    "寒假工",
    "无经验可",
    "无需经验",
    "经验不限",
    "可无经验",
    "有无经验均可",
    "带薪培训",
    "包培训",
    "包教会",
    "学历不限",
    "可安排住宿",
    "有补贴",
    "补贴",
    "加班费",
    "年底双薪",
    "提成",
    "底薪",
    "高提成",
    "入职即",
    "缴社保",
    "就近分配",
    "就近安排",
    "可带班",
    "夫妻工",
    "夫妻",
    "优先",
    "熟手",
    "学徒",
    "见习",
    "实习生",
    "实习",
)
_NOISE = re.compile("|".join(sorted(map(re.escape, _NOISE_WORDS), key=len, reverse=True)))
_SEPARATORS = re.compile(r"[\s,，、;；:：!！?？.。·•|/\\\-—_+*#~～'\"“”‘’]+")
_COUNT_TAIL = re.compile(r"\d+\s*(名|人|位)$")


def _pay(m: re.Match) -> str:
    """A number is pay only with a pay word, a unit, or three digits: "5g", "3d建模" stay."""
    whole = m.group(0)
    digits = re.sub(r"\D", "", whole)
    if any(m.group(g) for g in ("word", "u1", "u2", "u3", "per")) or len(digits) >= 3:
        return " "
    return whole


def normalize(text: str) -> str:
    """Width, case and spaces only: the form stored for a clerk's alias and looked up again."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower().strip()
    return re.sub(r"\s+", " ", text)[:MAX_TITLE]


def clean_title(text: str) -> str:
    """The job words of a title; falls back to the normalized title when cleaning leaves nothing
    (a title that is all noise still has to be coded by something)."""
    base = normalize(text)
    t = _BRACKETS.sub(" ", base)
    t = _OPEN_BRACKET_TAIL.sub(" ", t)
    m = _HIRING.match(t)
    if m and len(t) - len(m.group(1)) - len(m.group(2)) >= 2:
        t = t[m.end(2) :]
    t = _COMPANY.sub(" ", t)
    t = _AGE.sub(" ", t)
    t = _PAY.sub(_pay, t)
    t = _COUNT_TAIL.sub(" ", t)
    t = _NOISE.sub(" ", t)
    t = _SEPARATORS.sub(" ", t).strip()
    return t or _SEPARATORS.sub(" ", base).strip()


_MARKERS = re.compile(r"[LS/]+$")


def strip_markers(name: str) -> str:
    """CSCO 2022 tags green and digital occupations with L / S / L/S after the name."""
    return _MARKERS.sub("", name).strip()
