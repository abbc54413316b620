"""Accuracy of a coder on a labelled title set, and the plain peer it is compared with.

Accuracy is counted three ways: the top suggestion's code equals the label (exact), its medium
group equals the label's (2-02-10-03 and 2-02-38-01 are both 2-02), and the label is among the
top 5. A label that is itself a group code (普工 -> 6-00-00-00) is only "exact" when the coder
answers that group; an answer inside the group still counts at medium level when the group is a
medium one.
"""

import csv
import difflib
from dataclasses import dataclass
from pathlib import Path

from jobbridge.jobtitles.coder import DATA, Suggestion, medium_group
from jobbridge.jobtitles.normalize import clean_title, strip_markers


def read_labelled(name: str = "eval_titles.csv") -> list[tuple[str, str]]:
    path = Path(name) if "/" in name else DATA / name
    with path.open(encoding="utf-8") as f:
        return [(r["title"], r["code"]) for r in csv.DictReader(f)]


@dataclass
class Accuracy:
    n: int
    exact: float
    medium: float
    top5: float

    def row(self) -> list[str]:
        return [f"{self.exact:.1%}", f"{self.medium:.1%}", f"{self.top5:.1%}"]


def accuracy(labels: list[str], suggestions: list[list[Suggestion]]) -> Accuracy:
    n = len(labels)
    exact = sum(1 for code, s in zip(labels, suggestions, strict=True) if s and s[0].code == code)
    medium = sum(
        1
        for code, s in zip(labels, suggestions, strict=True)
        if s and medium_group(s[0].code) == medium_group(code)
    )
    top5 = sum(1 for code, s in zip(labels, suggestions, strict=True) if code in {x.code for x in s[:5]})
    return Accuracy(n, exact / n, medium / n, top5 / n)


class NearestName:
    """The peer: difflib's closest standard names (what a plain fuzzy look-up would do), on the
    same cleaned title so the comparison is about the matching, not the noise stripping."""

    def __init__(self, rows: list[tuple[str, int, str]]):
        self.by_name: dict[str, tuple[str, str]] = {}
        for code, _level, name in sorted(rows, key=lambda r: -r[1]):  # detailed names win ties
            self.by_name.setdefault(strip_markers(name), (code, strip_markers(name)))
        self.names = list(self.by_name)

    def code(self, title: str, top: int = 5) -> list[Suggestion]:
        t = clean_title(title)
        ranked = sorted(((difflib.SequenceMatcher(None, t, n).ratio(), n) for n in self.names), reverse=True)[
            :top
        ]
        return [Suggestion(*self.by_name[n], score) for score, n in ranked]

    def code_many(self, titles: list[str], top: int = 5) -> list[list[Suggestion]]:
        return [self.code(t, top) for t in titles]
