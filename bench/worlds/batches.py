"""Concatenating batches built in chunks (a million records never need to exist as dicts at once)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from jobbridge.matching.engine.features import PostingBatch, SeekerBatch


def concat_seekers(parts: list[SeekerBatch]) -> SeekerBatch:
    if len(parts) == 1:
        return parts[0]
    ptr = [parts[0].dest_ptr]
    offset = parts[0].dest_ptr[-1]
    for b in parts[1:]:
        ptr.append(b.dest_ptr[1:] + offset)
        offset += b.dest_ptr[-1]
    width = max(b.occ.shape[1] for b in parts)
    occ = [np.pad(b.occ, ((0, 0), (0, width - b.occ.shape[1]), (0, 0)), constant_values=-1) for b in parts]
    out = {}
    for name in ("ids", "education", "residence", "hukou", "lat", "lon", "anywhere", "dest_lo", "dest_hi",
                 "wage", "available", "groups"):  # fmt: skip
        out[name] = np.concatenate([getattr(b, name) for b in parts])
    for name in ("occ_codes", "cert_names", "dest_codes", "notes"):
        out[name] = [x for b in parts for x in getattr(b, name)]
    return SeekerBatch(
        occ=np.concatenate(occ), text=sp.vstack([b.text for b in parts], format="csr"),
        certs=sp.vstack([b.certs for b in parts], format="csr"), dest_ptr=np.concatenate(ptr), **out,
    )  # fmt: skip


def concat_postings(parts: list[PostingBatch]) -> PostingBatch:
    if len(parts) == 1:
        return parts[0]
    out = {}
    for name, value in parts[0].__dict__.items():
        vals = [getattr(b, name) for b in parts]
        if isinstance(value, list):
            out[name] = [x for v in vals for x in v]
        elif sp.issparse(value):
            out[name] = sp.vstack(vals, format="csr")
        else:
            out[name] = np.concatenate(vals)
    return PostingBatch(**out)
