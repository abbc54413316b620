"""Skills and free text as L2-normalised sparse vectors (feature hashing, so batches built at
different times share one space without a fitted vocabulary).

Features: Chinese character 1- and 2-grams (the robust choice for short, unsegmented skill
phrases such as "电焊 二保焊 持证上岗"), lower-cased English/number words ("CAD", "PLC", "c1"),
and, if ``rjieba`` is installed, jieba words as a third kind.  Hashes are crc32 (stable across
processes, unlike ``hash()``) memoised per token: real and synthetic texts repeat tokens a lot.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp

TEXT_DIM = 1 << 18
CERT_DIM = 1 << 20

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z0-9][a-z0-9+#.]*")

try:  # optional word segmentation
    import rjieba as _rjieba
except ImportError:  # pragma: no cover - depends on the environment
    _rjieba = None  # type: ignore[assignment]

_hash_cache: dict[str, int] = {}


def _h(token: str, dim: int) -> int:
    v = _hash_cache.get(token)
    if v is None:
        v = zlib.crc32(token.encode("utf-8"))
        if len(_hash_cache) < 2_000_000:
            _hash_cache[token] = v
    return v % dim


def tokens(text: str | None) -> list[str]:
    """The features of one text, tagged by kind so a bigram and a word never share a hash."""
    if not text:
        return []
    text = str(text).lower()
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out.extend("c" + ch for ch in run)
        out.extend("b" + run[i : i + 2] for i in range(len(run) - 1))
        if _rjieba is not None and len(run) > 2:
            out.extend("w" + w for w in _rjieba.cut(run) if len(w) > 1)
    out.extend("e" + w for w in _WORD.findall(text))
    return out


_piece_cache: dict[int, dict[str, tuple[int, ...]]] = {}
_PIECE_CACHE_MAX = 1_000_000


def _piece_indices(piece: str, dim: int, cache: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """Hashed feature indices of one whitespace-free piece of text, memoised (registry texts are
    made of a limited stock of phrases: skills, titles, stock descriptions)."""
    v = cache.get(piece)
    if v is None:
        v = tuple(_h(t, dim) for t in tokens(piece))
        if len(cache) < _PIECE_CACHE_MAX:
            cache[piece] = v
    return v


def hash_texts(texts: Iterable[str | None], dim: int = TEXT_DIM) -> sp.csr_matrix:
    """Term-count vectors of the texts, L2-normalised rows (an empty text is an all-zero row).

    No feature spans whitespace (CJK runs, words and jieba words all stop at it), so a text's
    features are the union of its whitespace-separated pieces' features; pieces repeat a lot, so
    their hashed indices are memoised and the counts summed in one vectorised pass.
    """
    cache = _piece_cache.setdefault(dim, {})
    indptr = [0]
    indices: list[int] = []
    extend = indices.extend
    for text in texts:
        if text:
            for piece in str(text).lower().split():
                v = cache.get(piece)
                extend(_piece_indices(piece, dim, cache) if v is None else v)
        indptr.append(len(indices))
    m = sp.csr_matrix(
        (
            np.ones(len(indices), dtype=np.float32),
            np.asarray(indices, dtype=np.int32),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(len(indptr) - 1, dim),
    )
    m.sum_duplicates()  # term counts (exact small integers in float32)
    return normalise_rows(m)


def normalise_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel()).astype(np.float32)
    norms[norms == 0] = 1.0
    m = sp.csr_matrix(sp.diags(1.0 / norms).astype(np.float32) @ m)
    m.sort_indices()
    return m


def normalise_certificate(name: str) -> str:
    """Certificates compare by name with spacing, case and the usual suffixes removed."""
    s = re.sub(r"\s+", "", str(name)).lower()
    for suffix in ("证书", "资格证", "操作证", "证"):
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    return s


def hash_sets(sets: Iterable[Iterable[str] | None], dim: int = CERT_DIM) -> sp.csr_matrix:
    """Binary set membership (certificates), one row per record."""
    indptr = [0]
    indices: list[int] = []
    col_of: dict[str, int] = {}  # certificate name -> column, per call (names repeat a lot)

    def col(x: object) -> int:
        key = str(x)
        c = col_of.get(key)
        if c is None:
            c = col_of[key] = _h("s" + normalise_certificate(key), dim)
        return c

    for items in sets:
        if items:
            indices.extend(sorted({col(x) for x in items if str(x).strip()}))
        indptr.append(len(indices))
    return sp.csr_matrix(
        (
            np.ones(len(indices), dtype=np.float32),
            np.asarray(indices, dtype=np.int32),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(len(indptr) - 1, dim),
    )
