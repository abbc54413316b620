"""Coding free-text job titles to CSCO 2022 occupations. Pure Python + numpy/scipy, no Django:
it takes the occupation table as data, so the benchmark, the tests and the web process share it.

Signals, each a score per occupation code (the best over the code's name, aliases and keywords):
  exact    the cleaned title is one of the code's names (a clerk's correction counts as one too)
  contain  a name/alias/keyword appears inside the title; longer, rarer and title-final phrases
           count more (Chinese puts the head noun last: "电子厂普工" is a 普工)
  lexical  character 1-2 gram TF-IDF cosine
  semantic cosine of multilingual USE embeddings (catches "拼多多运营" ≈ 电子商务师, "welder")
They are added with weights and a small prior that keeps group codes (major/medium/minor) and the
"其他…" catch-alls below a specific occupation unless the title says no more than the group.
A temperature-scaled softmax over all codes turns the sum into a confidence.

Weights and temperature were chosen on the development split (data/dev_titles.csv) only; the
evaluation split (data/eval_titles.csv) is never read by the tuning. See docs/jobtitles.md.
"""

import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from jobbridge.jobtitles.normalize import clean_title, normalize, strip_markers

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Weights:
    # Chosen by a grid search on the development split (data/dev_titles.csv). The temperatures
    # minimise the negative log-likelihood of the right code there, one for titles the lexical
    # signals decide (see semantic_gate; mean top-1 confidence 0.84 vs 0.88 accuracy) and one
    # for embedded titles (0.57 vs 0.58), so a confidence of 0.7 means roughly 70% right.
    exact: float = 0.5
    contain: float = 0.5
    lexical: float = 0.5
    semantic: float = 5.0
    group_penalty: tuple[float, float, float] = (0.15, 0.08, 0.04)  # major, medium, minor
    other_penalty: float = 0.0  # "其他…" / -99- catch-alls (the grid found no use for it)
    temperature: float = 4.0  # embedded titles
    temperature_lexical: float = 8.0  # titles decided by the lexical signals alone
    clerk_bonus: float = 10.0  # a clerk's correction wins outright
    # Cascade: a title whose lexical best leads the runner-up by more than this is not embedded
    # (on the dev split that is 44% of titles, and the top-1 code never changed for them).
    semantic_gate: float = 0.5


# Kind of a name: how much a match on it is worth.
# A group code matched inside a longer title counts cover**2 of its phrase (chosen on the dev split).
GROUP_COVER_POWER = 2
KIND_WEIGHT = {"name": 1.0, "alias": 0.9, "keyword": 1.0}


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    score: float

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "score": round(self.score, 4)}


@dataclass
class Occupations:
    """The table as plain data: (code, level, name) rows, (code, alias) pairs and keywords."""

    rows: list[tuple[str, int, str]]
    aliases: list[tuple[str, str]] = field(default_factory=list)
    keywords: list[tuple[str, str]] = field(default_factory=list)


def read_keywords(path: Path = DATA / "keywords.csv") -> list[tuple[str, str]]:
    """Hand-written recruiter words (普工, 叉车, 骑手…) with the code they usually mean."""
    with path.open(encoding="utf-8") as f:
        return [(r["keyword"], r["code"]) for r in csv.DictReader(f)]


def _grams(text: str) -> list[str]:
    t = text.replace(" ", "")
    return list(t) + [t[i : i + 2] for i in range(len(t) - 1)]


_ASCII_WORD = re.compile(r"[a-z0-9]")


class Coder:
    def __init__(
        self, table: Occupations, encoder=None, weights: Weights | None = None, cache_dir: Path | None = None
    ):
        self.weights = weights or Weights()
        self.encoder = encoder
        rows = sorted(table.rows)
        self.codes = [r[0] for r in rows]
        self.names = [strip_markers(r[2]) for r in rows]
        self.levels = np.array([r[1] for r in rows])
        index = {c: i for i, c in enumerate(self.codes)}
        docs: dict[tuple[int, str], str] = {}  # (code index, text) -> kind (first kind wins)
        for code, _level, name in rows:
            docs.setdefault((index[code], clean_title(strip_markers(name))), "name")
        for code, alias in table.aliases:
            if code in index:
                docs.setdefault((index[code], clean_title(strip_markers(alias))), "alias")
        for keyword, code in table.keywords:
            if code in index:
                docs.setdefault((index[code], clean_title(keyword)), "keyword")
        items = sorted((ci, text, kind) for (ci, text), kind in docs.items() if text)
        self.doc_code = np.array([ci for ci, _, _ in items])
        self.doc_text = [text for _, text, _ in items]
        # Every code has its name, so each code owns a non-empty run of docs: reduceat works.
        self.starts = np.searchsorted(self.doc_code, np.arange(len(self.codes)))
        # Phrase -> [(code index, kind weight)], for exact and containment look-ups.
        self.phrases: dict[str, list[tuple[int, float]]] = {}
        for ci, text, kind in items:
            self.phrases.setdefault(text.replace(" ", ""), []).append((ci, KIND_WEIGHT[kind]))
        self.max_phrase = max(len(p) for p in self.phrases)
        self._build_tfidf()
        self.doc_vectors = None
        if encoder is not None:
            self.doc_vectors = encoder.encode_cached(self.doc_text, cache_dir)
        self.other = np.array(
            ["-99-" in c or n.startswith("其他") for c, n in zip(self.codes, self.names, strict=True)]
        )
        self.clerk: dict[str, int] = {}

    # ----- index building -----
    def _build_tfidf(self) -> None:
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for d, text in enumerate(self.doc_text):
            counts: dict[int, int] = {}
            for g in _grams(text):
                j = vocab.setdefault(g, len(vocab))
                counts[j] = counts.get(j, 0) + 1
            for j, c in counts.items():
                rows.append(d)
                cols.append(j)
                vals.append(1.0 + math.log(c))
        self.vocab = vocab
        tf = sparse.csr_matrix((vals, (rows, cols)), shape=(len(self.doc_text), len(vocab)), dtype=np.float32)
        df = np.bincount(cols, minlength=len(vocab))
        self.idf = np.log((1 + len(self.doc_text)) / (1 + df)).astype(np.float32) + 1.0
        self.doc_tfidf = _l2(tf @ sparse.diags(self.idf)).T.tocsr()

    def _title_tfidf(self, titles: list[str]) -> sparse.csr_matrix:
        rows, cols, vals = [], [], []
        for r, text in enumerate(titles):
            counts: dict[int, int] = {}
            for g in _grams(text):
                j = self.vocab.get(g)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            for j, c in counts.items():
                rows.append(r)
                cols.append(j)
                vals.append((1.0 + math.log(c)) * self.idf[j])
        m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(titles), len(self.vocab)), dtype=np.float32)
        return _l2(m)

    # ----- clerk corrections -----
    def set_clerk_aliases(self, aliases: dict[str, str]) -> None:
        """Corrections as {normalized title: code}; looked up on both the raw and cleaned title."""
        index = {c: i for i, c in enumerate(self.codes)}
        self.clerk = {normalize(t): index[c] for t, c in aliases.items() if c in index}

    # ----- scoring -----
    def _phrase_scores(self, title: str) -> tuple[dict[int, float], dict[int, float]]:
        t = title.replace(" ", "")
        n = len(t)
        exact: dict[int, float] = {}
        contain: dict[int, float] = {}
        for ci, w in self.phrases.get(t, ()):
            exact[ci] = max(exact.get(ci, 0.0), w)
        for i in range(n):
            for j in range(i + 2, min(n, i + self.max_phrase) + 1):
                hits = self.phrases.get(t[i:j])
                if not hits:
                    continue
                if _ASCII_WORD.match(t[i]) and (
                    (i > 0 and _ASCII_WORD.match(t[i - 1])) or (j < n and _ASCII_WORD.match(t[j]))
                ):
                    continue  # "ui" inside "build" is not the keyword ui
                cover = (j - i) / n
                spec = 1.0 / (1.0 + 0.5 * math.log(len(hits)))
                tail = 1.0 if j == n else 0.8
                s = spec * tail * (0.5 + 0.5 * cover)
                for ci, w in hits:
                    # A group code is right only when the title says no more than the group:
                    # "老师" is 2-08-00-00, "高中数学老师" is not, so a partial match counts less.
                    v = s * w * (cover**GROUP_COVER_POWER if self.levels[ci] < 4 else 1.0)
                    if v > contain.get(ci, 0.0):
                        contain[ci] = v
        return exact, contain

    def signals(self, titles: list[str], gate: float | None = None) -> dict[str, np.ndarray]:
        """Each signal as a (titles x codes) matrix, before weighting (tuning re-weights these).
        Titles the lexical signals already decide (see Weights.semantic_gate) get no semantic
        row (zeros): embedding is most of the cost."""
        gate = self.weights.semantic_gate if gate is None else gate
        cleaned = [clean_title(t) for t in titles]
        shape = (len(titles), len(self.codes))
        out = {"exact": np.zeros(shape), "contain": np.zeros(shape), "clerk": np.zeros(shape)}
        lex = (self._title_tfidf(cleaned) @ self.doc_tfidf).toarray()
        out["lexical"] = np.maximum.reduceat(lex, self.starts, axis=1)
        for r, (raw, t) in enumerate(zip(titles, cleaned, strict=True)):
            exact, contain = self._phrase_scores(t)
            for ci, s in exact.items():
                out["exact"][r, ci] = s
            for ci, s in contain.items():
                out["contain"][r, ci] = s
            for key in (normalize(raw), t):
                if key in self.clerk:
                    out["clerk"][r, self.clerk[key]] = 1.0
                    break
        if self.doc_vectors is not None and self.weights.semantic:
            lexical_total = self.combine(out)
            top2 = np.partition(lexical_total, -2, axis=1)[:, -2:]
            need = np.flatnonzero(top2[:, 1] - top2[:, 0] <= gate)
            out["semantic"] = np.zeros(shape)
            if len(need):
                # Embed each distinct cleaned title once: "急招电焊工月薪8000" and "电焊工包吃住"
                # are both "电焊工" by now, and real batches repeat 普工 and 保安 endlessly.
                distinct, back = np.unique(
                    np.array([cleaned[i] for i in need], dtype=object), return_inverse=True
                )
                sem = self.encoder.similarities(list(distinct), self.doc_vectors)
                out["semantic"][need] = np.maximum.reduceat(sem, self.starts, axis=1)[back.ravel()]
        return out

    def combine(self, signals: dict[str, np.ndarray], weights: Weights | None = None) -> np.ndarray:
        w = weights or self.weights
        total = self.prior_for(w) + w.exact * signals["exact"] + w.contain * signals["contain"]
        total = total + w.lexical * signals["lexical"] + w.clerk_bonus * signals["clerk"]
        if "semantic" in signals:
            total = total + w.semantic * signals["semantic"]
        return total

    def prior_for(self, w: Weights) -> np.ndarray:
        prior = np.zeros(len(self.codes))
        for level in (1, 2, 3):
            prior[self.levels == level] -= w.group_penalty[level - 1]
        prior[self.other] -= w.other_penalty
        return prior

    def rank(
        self, total: np.ndarray, top: int, temperature: float | np.ndarray | None = None
    ) -> list[list[Suggestion]]:
        """Top suggestions per row of a combined score matrix, scored by a tempered softmax
        (``temperature`` may give one value per row)."""
        top = max(1, min(top, len(self.codes)))
        t = self.weights.temperature if temperature is None else temperature
        z = (total - total.max(axis=1, keepdims=True)) * np.reshape(t, (-1, 1))
        prob = np.exp(z)
        prob /= prob.sum(axis=1, keepdims=True)
        best = np.argpartition(-total, top - 1, axis=1)[:, :top]
        out = []
        for r in range(total.shape[0]):
            order = best[r][np.argsort(-total[r, best[r]], kind="stable")]
            out.append([Suggestion(self.codes[i], self.names[i], float(prob[r, i])) for i in order])
        return out

    def temperatures(self, signals: dict[str, np.ndarray]) -> np.ndarray:
        """Per title: the lexical temperature where no embedding was used, else the other."""
        w = self.weights
        if "semantic" not in signals:
            return np.full(signals["exact"].shape[0], w.temperature_lexical)
        return np.where(signals["semantic"].any(axis=1), w.temperature, w.temperature_lexical)

    def code_many(self, titles: list[str], top: int = 5) -> list[list[Suggestion]]:
        if not titles:
            return []
        signals = self.signals(titles)
        return self.rank(self.combine(signals), top, self.temperatures(signals))

    def code(self, title: str, top: int = 5) -> list[Suggestion]:
        return self.code_many([title], top)[0]


def _l2(m: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ m


def medium_group(code: str) -> str:
    """2-02-10-03 -> 2-02: the medium group a code belongs to (a major code is its own)."""
    return code[:4]


def table_from_csv() -> Occupations:
    """The shipped CSCO 2022 table, read the way core loads it (for benchmarks and tests that
    do not need a database)."""
    from jobbridge.core.reference import read_occupations

    rows = read_occupations()
    aliases = []
    for r in rows:
        for alias in r["alias"].replace("，", ",").split(","):
            alias = alias.strip()[:128]
            if alias and alias != r["name"]:
                aliases.append((r["code"], alias))
    return Occupations(
        rows=[(r["code"], int(r["level"]), r["name"]) for r in rows],
        aliases=aliases,
        keywords=read_keywords(),
    )
