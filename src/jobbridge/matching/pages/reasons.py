"""The engine's reasons in the viewer's language.

The engine (Django-free) writes its reasons as Chinese sentences a commissioner reads out on the
phone. For an English page they are rewritten here by pattern; place and occupation names stay
as they are (they are proper names), and a sentence no pattern knows is shown unchanged.
"""

import re

from django.utils.translation import get_language

_N = r"([\d,]+)"
_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"^同一职业：(.+)$", r"Same occupation: \1"),
        (r"^同一职业小类：(.+)（岗位：(.+)）$", r"Same occupation group: \1 (post: \2)"),
        (r"^同一职业中类：(.+)（岗位：(.+)）$", r"Related occupation: \1 (post: \2)"),
        (r"^您未填写职业，岗位职业：(.+)$", r"No occupation stated; the post is \1"),
        (r"^职业不同：岗位为(.+)$", r"Different occupation: the post is \1"),
        (r"^证书要求：已具备（(.+)）$", r"Required certificate held (\1)"),
        (r"^技能描述相似度([\d.]+)$", r"Skills text similarity \1"),
        (rf"^月薪{_N} ≥ 期望{_N}$", r"Wage \1 ≥ expected \2"),
        (rf"^月薪{_N} < 期望{_N}$", r"Wage \1 < expected \2"),
        (rf"^月薪{_N}（您未填期望月薪）$", r"Wage \1 (no expected wage stated)"),
        (r"^岗位未标注月薪$", "No wage stated"),
        (rf"^(.+)在您的意向工作地内，{_N}公里$", r"\1 is among the accepted destinations, \2 km"),
        (rf"^(.+)在您的意向工作地内（工作地不限），{_N}公里$", r"\1 accepted (anywhere), \2 km"),
        (rf"^工作地不限：(.+)，{_N}公里$", r"Any destination: \1, \2 km"),
        (r"^(.+)在您的意向工作地内(（工作地不限）)?，距离未知$", r"\1 is among the accepted destinations"),
        (r"^岗位无学历要求$", "No education required"),
        (r"^学历(.+) ≥ 要求(.+)$", r"Education \1 ≥ required \2"),
        (r"^学历(.+) < 要求(.+)$", r"Education \1 < required \2"),
        (r"^要求(.+)，您未填学历$", r"\1 required; education not stated"),
        (r"^可按时到岗$", "Available in time"),
        (r"^晚到岗(\d+)天$", r"Available \1 days late"),
        (r"^包吃包住$", "Board and lodging"),
        (r"^包吃$", "Board"),
        (r"^包住$", "Lodging"),
        (r"^优先：(.+)$", r"Priority: \1"),
    ]
]
_WORDS = {
    "面向": "for ",
    "适合残疾人": "suits people with disabilities",
    "残疾人": "people with disabilities",
    "零就业家庭成员": "zero-employment families",
    "登记失业人员": "registered unemployed",
    "脱贫攻坚建档立卡户": "registered poor households",
    "脱贫人口": "people lifted out of poverty",
}


def _english(text: str) -> str:
    for pattern, repl in _PATTERNS:
        if pattern.match(text):
            text = pattern.sub(repl, text)
            if text.startswith("Priority: "):
                for zh, en in _WORDS.items():
                    text = text.replace(zh, en)
                text = text.replace("，", ", ").replace("、", ", ")
            return text
    return text


def localized(reasons: list[str]) -> list[str]:
    if (get_language() or "").startswith("en"):
        return [_english(r) for r in reasons]
    return list(reasons)
