"""The commissioner's push list: which people to call today about which new posts.

People: the viewer's active seekers not in work, in their grids (commissioner) or a region of
their scope (bureau). Posts: every open posting created or changed in the last N days, wherever
it is (open postings are public; an exporting county pushes jobs elsewhere). Both are scored in
one block by the matching engine, exactly as ``matching.selectors`` does for one person, and
each person keeps their best few posts. People in a priority group come first, then by score.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core import regions
from jobbridge.core.access import Jurisdiction, is_bureau
from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.models import Grid, Role
from jobbridge.employers.models import Posting
from jobbridge.matching.engine.explain import explain_pairs
from jobbridge.matching.engine.features import PostingBatch, SeekerBatch
from jobbridge.matching.engine.scoring import Scorer
from jobbridge.matching.records import occupation_table, posting_records, region_table, seeker_records
from jobbridge.matching.selectors import records_by_id
from jobbridge.people.models import EmploymentStatus, PriorityDiagnosis, Seeker

from . import conf
from .models import ContactLog, Notification
from .services import place_name, push_key

MAX_DAYS = 30
# A commissioner calls a few dozen people a day; the rows' explanations are one engine call.
DEFAULT_ROWS = 100
BLOCK = 2000  # seekers scored per block: 2,000 x a few thousand postings stays within tens of MB
NOT_LOOKING = (EmploymentStatus.EMPLOYED, EmploymentStatus.OUT_OF_LABOR_FORCE)


@dataclass
class PushRow:
    seeker: Seeker
    posting: Posting
    score: float
    reasons: list[str]
    priority: list[str]  # labels of the person's current priority groups
    contact: ContactLog | None = None  # the latest call today about this post
    notices: list[Notification] = field(default_factory=list)  # pushes of this post today
    place: str = ""  # where the post is, below the province

    @property
    def done_today(self) -> bool:
        return self.contact is not None or bool(self.notices)


@dataclass
class PushList:
    rows: list[PushRow]
    scope: str  # grids or region, for the heading
    days: int
    since: dt.datetime
    today: dt.date
    seekers: int = 0
    postings: int = 0
    message: str = ""  # the sentence shown instead of an empty table
    matches: int = 0  # person-post pairs found before the row limit
    region: str = ""
    grid: str = ""
    grids: list[Grid] = field(default_factory=list)


def _error(name: str, message: str) -> ServiceError:
    return ServiceError([FieldError(name, message)])


def push_scope(user, *, region: str = "", grid: str = ""):
    """(seekers queryset, scope label, region code, grids) for the viewer; refuses out-of-scope picks."""
    if not user.is_authenticated:
        raise PermissionDenied
    base = Seeker.objects.visible_to(user).exclude(employment_status__in=NOT_LOOKING)
    jurisdiction = Jurisdiction.of(user)
    if jurisdiction.is_commissioner:
        grids = list(user.grids.select_related("township").order_by("code"))
        if grid:
            grids = [g for g in grids if g.code == grid]
            if not grids:
                raise _error("grid", _("网格“%(grid)s”不是您负责的网格") % {"grid": grid})
        label = "、".join(str(g) for g in grids)
        return base.filter(grid__in=grids), label, "", grids
    if is_bureau(user):
        code = user.region_id or ""
        if region:
            code = regions.resolve(region)  # raises UnknownRegion naming the input
        if not code:
            raise _error("region", _("请选择一个区域"))
        if not jurisdiction.contains(code):
            raise _error("region", _("区域%(code)s不在您的管辖范围内") % {"code": code})
        return base.in_region(code), regions.full_name(code), code, []
    raise PermissionDenied(_("仅人社部门工作人员和就业服务专员可查看推送名单"))


def new_postings(since: dt.datetime, today: dt.date):
    return Posting.objects.open_on(today).filter(Q(created_at__gte=since) | Q(updated_at__gte=since))


def window_start(today: dt.date, days: int) -> dt.datetime:
    """ "The last N days" as calendar days including today (3: today, yesterday, the day before),
    from local midnight: the same set all day long, which the cache below relies on."""
    return dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time.min, tzinfo=conf.time_zone())


# The new postings' engine batch, shared by every push list of the same window: building it
# (text features of a few thousand postings) costs more than scoring a grid. The key changes
# whenever a posting in the window is added, removed or saved; the TTL bounds staleness from
# writes that skip ``updated_at`` (queryset updates).
_BATCHES: dict[tuple, tuple[float, PostingBatch | None, int]] = {}
BATCH_TTL_SECONDS = 60


def clear_cache() -> None:
    _BATCHES.clear()


def posting_batch(
    since: dt.datetime, today: dt.date, regions_t, occupations_t
) -> tuple[PostingBatch | None, int]:
    qs = new_postings(since, today)
    stamp = qs.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    key = (since, today, stamp["n"], stamp["last"], stamp["top"])
    hit = _BATCHES.get(key)
    if hit and time.monotonic() - hit[0] < BATCH_TTL_SECONDS:
        return hit[1], hit[2]
    records = posting_records(qs)
    batch = PostingBatch.from_records(records, regions_t, occupations_t) if records else None
    if len(_BATCHES) >= 8:
        _BATCHES.clear()
    _BATCHES[key] = (time.monotonic(), batch, len(records))
    return batch, len(records)


def _best(scorer: Scorer, per_seeker: int) -> list[tuple[int, int, float]]:
    """(seeker row, posting row, score) of each seeker's ``per_seeker`` best admissible postings."""
    out = []
    n, m = len(scorer.s), len(scorer.p)
    # Sparse text columns (no rows_hint): densifying them would cost up to 128 MB per request
    # (vocabulary x posts) for ~0-15 % of the scoring time here (measured on the demo world).
    cols = scorer.columns(np.arange(m))
    k = min(per_seeker, m)
    for lo in range(0, n, BLOCK):
        block = scorer.block(slice(lo, min(lo + BLOCK, n)), cols)
        top = (
            np.argpartition(-block, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (len(block), 1))
        )
        scores = np.take_along_axis(block, top, axis=1)
        r, c = np.nonzero(np.isfinite(scores))  # row-major: the same order as a loop over rows
        out.extend(
            zip((r + lo).tolist(), top[r, c].tolist(), scores[r, c].astype(np.float64).tolist(), strict=True)
        )
    return out


def push_list(
    user,
    *,
    days: int = 3,
    region: str = "",
    grid: str = "",
    per_seeker: int = 3,
    limit: int = DEFAULT_ROWS,
    now: dt.datetime | None = None,
) -> PushList:
    if not 1 <= int(days) <= MAX_DAYS:
        raise _error("days", _("天数须在1到%(max)s之间") % {"max": MAX_DAYS})
    if not 1 <= per_seeker <= 20:
        raise _error("per_seeker", _("每人岗位数须在1到20之间"))
    now = now or timezone.now()
    today = conf.local_today(now)
    since = window_start(today, int(days))
    seekers_qs, label, code, grids = push_scope(user, region=region, grid=grid)
    out = PushList(
        rows=[], scope=label, days=int(days), since=since, today=today, region=code, grid=grid, grids=grids
    )
    if user.role == Role.COMMISSIONER and not grids:
        out.message = _("您还没有负责的网格，请联系管理员分配网格。")
        return out
    # The people's ids in one query (which also counts them), then their records by id: the
    # scope's query is not repeated for each related table (records_by_id).
    most = conf.push_max_seekers()
    ids = list(seekers_qs.order_by("pk").values_list("pk", flat=True)[: most + 1])
    if len(ids) > most:
        raise _error(
            "region",
            _("该区域有%(n)s名求职者，超过一次可处理的%(max)s名，请选择更小的区域")
            % {"n": seekers_qs.count(), "max": most},
        )
    regions_t, occupations_t = region_table(), occupation_table()
    p_batch, out.postings = posting_batch(since, today, regions_t, occupations_t)
    seeker_recs = records_by_id(ids)
    out.seekers = len(seeker_recs)
    if not seeker_recs:
        out.message = _("您负责的范围内目前没有待就业的求职者。")
        return out
    if p_batch is None:
        out.message = _("最近%(days)s天没有新发布或更新的招聘岗位。") % {"days": out.days}
        return out
    s_batch = SeekerBatch.from_records(seeker_recs, regions_t, occupations_t)
    scorer = Scorer(s_batch, p_batch, today=today)
    best = _best(scorer, per_seeker)
    # A person who told a caller "not interested" in a post is not put up for it again.
    declined = set(
        ContactLog.objects.filter(
            outcome=ContactLog.Outcome.NOT_INTERESTED, posting_id__in=[int(x) for x in p_batch.ids]
        ).values_list("seeker_id", "posting_id")
    )
    if declined:
        best = [t for t in best if (int(s_batch.ids[t[0]]), int(p_batch.ids[t[1]])) not in declined]
    priority = s_batch.priority
    # Priority groups first, then the better match; ties by seeker id for a stable order.
    best.sort(key=lambda t: (not priority[t[0]], -t[2], int(s_batch.ids[t[0]]), int(p_batch.ids[t[1]])))
    out.matches = len(best)
    best = best[:limit]
    if not best:
        out.message = _("新岗位与您负责的求职者暂无合适的匹配。")
        return out
    out.rows = _rows(scorer, best, regions_t, occupations_t, today)
    return out


def _rows(scorer: Scorer, best, regions_t, occupations_t, today: dt.date) -> list[PushRow]:
    seeker_ids = {int(scorer.s.ids[i]) for i, _j, _s in best}
    posting_ids = {int(scorer.p.ids[j]) for _i, j, _s in best}
    current = Prefetch("diagnoses", queryset=PriorityDiagnosis.objects.current(), to_attr="current_diagnoses")
    # Only what a row shows (name, masked phone, grid): not the register's text and sealed columns.
    seekers = (
        Seeker.objects.only("id", "name", "phone_masked", "grid")
        .select_related("grid__township")
        .prefetch_related(current)
        .in_bulk(seeker_ids)
    )
    postings = Posting.objects.select_related("enterprise", "work_region").in_bulk(posting_ids)
    contacts: dict[tuple[int, int | None], ContactLog] = {}
    for c in (
        ContactLog.objects.filter(day=today, seeker_id__in=seeker_ids)
        .select_related("contacted_by")
        .order_by("contacted_at", "id")
    ):
        contacts[(c.seeker_id, c.posting_id)] = c  # the latest call wins
    channels = conf.push_channels()
    keys = [
        push_key(int(scorer.s.ids[i]), int(scorer.p.ids[j]), today, ch)
        for i, j, _s in best
        for ch in channels
    ]
    notices: dict[tuple[int, int], list[Notification]] = {}
    for n in Notification.objects.filter(idempotency_key__in=keys).order_by("channel"):
        _p, sid, pid, _d, _c = n.idempotency_key.split(":", 4)
        notices.setdefault((int(sid), int(pid)), []).append(n)
    whys = explain_pairs(scorer, [t[0] for t in best], [t[1] for t in best], regions_t, occupations_t)
    rows = []
    for (i, j, score), why in zip(best, whys, strict=True):
        sid, pid = int(scorer.s.ids[i]), int(scorer.p.ids[j])
        seeker = seekers[sid]
        rows.append(
            PushRow(
                seeker=seeker,
                posting=postings[pid],
                score=score,
                reasons=[r.text for r in why.reasons if r.points > 0],
                priority=sorted({d.get_criterion_display() for d in seeker.current_diagnoses}),
                contact=contacts.get((sid, pid)),
                notices=notices.get((sid, pid), []),
                place=place_name(postings[pid].work_region_id, postings[pid].work_region.name),
            )
        )
    return rows


def row_for(user, seeker_id: int, posting_id: int, *, now: dt.datetime | None = None) -> PushRow | None:
    """One row as the list would show it (after an action on it), scored afresh."""
    seekers_qs = Seeker.objects.visible_to(user).filter(pk=seeker_id)
    posting_qs = Posting.objects.filter(pk=posting_id)
    if not seekers_qs.exists() or not posting_qs.exists():
        return None
    regions_t, occupations_t = region_table(), occupation_table()
    today = conf.local_today(now)
    s_batch = SeekerBatch.from_records(seeker_records(seekers_qs), regions_t, occupations_t)
    p_batch = PostingBatch.from_records(posting_records(posting_qs), regions_t, occupations_t)
    scorer = Scorer(s_batch, p_batch, today=today)
    score = float(scorer.block(np.array([0]), np.array([0]))[0, 0])
    return _rows(scorer, [(0, 0, score if np.isfinite(score) else 0.0)], regions_t, occupations_t, today)[0]
