"""The lean read path of ``GET /api/seekers/{id}/recommendations``: the same answer as
``selectors.recommend_for_seeker`` behind ``visible_to``, in two small SQL queries and no model
instances on the usual path.

Per request, when the stored list can be served:

1. one query joins the seeker (through the viewer's ``visible_to`` rule, compiled to SQL once per
   viewer), the current version (``MatchRun.is_current``, in the same query, so a switch is seen
   by the next request and no run id needs invalidating) and the seeker's list row in it, and
   tells whether the list is fresh (the seeker unchanged since the list's ``as_of``);
2. one query keeps the listed postings that are still open today and not filled (the WHERE clause
   of ``Posting.objects.open_on()``, compiled once a day) and brings their titles.

The reasons are rendered from their compact form as the selector does, and the body is written
as ninja would write ``list[MatchOut]``. Whenever the selector would not trust the stored list (no
current version, the seeker changed since, too few postings left open) the request falls back to
the selector itself, which scores on demand.

Bearer tokens are checked by ``core.tokens.token_user`` (the same digest lookup as
``core.apiauth.BearerToken``; it also keeps ``last_used_at``) and the answer is kept in this
process for ``TOKEN_TTL`` seconds together with the viewer's compiled scope, so a revoked token, a
deactivated user or a changed role or region is refused or re-scoped at most that long after the
change in other processes (at once in the process that saved it).

Who may see which seeker is not decided here: the scope is ``Seeker.objects.visible_to(user)``
(active seekers filtered by ``core.access.Jurisdiction.of(user).people_q()``) compiled to SQL by
the ORM, so a change to a role's rule reaches this path with no edit here
(tests/matching/test_lean_scope.py compares the two for every role). Why this path exists and why
it is safe: docs/decisions/0004-recommendation-fast-lane.md.
"""

import hashlib
import json
import logging
import re
import threading
import time
import weakref
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpResponse
from django.utils import timezone

from jobbridge.core import apiauth as auth
from jobbridge.core.tokens import TOKEN_PREFIX, digest, token_user
from jobbridge.employers.models import Posting
from jobbridge.people.models import Seeker

from .distributed import render_reasons
from .models import MatchList, MatchRun
from .records import occupation_table, region_table

logger = logging.getLogger(__name__)
TOKEN_TTL = 5.0  # seconds; well under tokens.LAST_USED_PRECISION, so last_used_at stays as precise
TOKEN_CACHE_MAX = 4096
CONTENT_TYPE = "application/json; charset=utf-8"

_lock = threading.Lock()
_tokens: dict[str, tuple[float, object, tuple | None]] = {}  # digest -> (expires, user, scope)
_open_where: dict[tuple, tuple[str, tuple]] = {}  # (vendor, day) -> WHERE clause of open postings


def forget_tokens(**_kwargs) -> None:
    """Drop the cached token answers of this process (a token, user or grid changed)."""
    with _lock:
        _tokens.clear()


def _connect_invalidation() -> None:
    from django.contrib.auth import get_user_model

    from jobbridge.core.models import ApiToken

    for model in (ApiToken, get_user_model()):
        post_save.connect(forget_tokens, sender=model, dispatch_uid=f"lean-tokens-save-{model._meta.label}")
        post_delete.connect(
            forget_tokens, sender=model, dispatch_uid=f"lean-tokens-delete-{model._meta.label}"
        )


_connect_invalidation()


def scope_sql(user) -> tuple | None:
    """``Seeker.objects.visible_to(user)`` as ``(sql, params)`` selecting ids, or None for nobody.

    The rule is the model's (``Jurisdiction.of(user).people_q()`` over active seekers), compiled
    by the ORM; nothing about roles is written here. A commissioner's grids stay a subquery, so
    they are read by the database at each request; a bureau's region is a parameter, re-read when
    the cached token answer expires (``TOKEN_TTL``) or the user is saved in this process."""
    qs = Seeker.objects.visible_to(user).values("pk")
    if qs.query.is_empty():
        return None
    try:
        return qs.query.sql_with_params()
    except EmptyResultSet:
        return None


class BearerToken(auth.BearerToken):
    """``core.apiauth.BearerToken`` with the answer kept briefly in this process. The same name on
    purpose: it is the name of the OpenAPI security scheme, and the scheme is the same."""

    def authenticate(self, request, token):
        if not enabled():  # the previous path, whole: every request checks its token
            return super().authenticate(request, token)
        key = digest(token)
        now = time.monotonic()
        hit = _tokens.get(key)
        if hit is not None and hit[0] > now:
            user = hit[1]
        else:
            user = token_user(token)
            if user is None:
                return None
            with _lock:
                if len(_tokens) >= TOKEN_CACHE_MAX:
                    _tokens.clear()
                _tokens[key] = (now + TOKEN_TTL, user, scope_sql(user))
        request.user = user
        request.auth_method = "token"
        request.lean_token = key
        return user


# The endpoint's authentication: the cached bearer check first, then the browser session.
AUTH = [BearerToken(), auth.Session(csrf=True)]


def enabled() -> bool:
    """False only to measure or compare the previous ORM path (``MATCHING_LEAN_READS = False``)."""
    return getattr(settings, "MATCHING_LEAN_READS", True)


def cached_viewer(token: str) -> tuple[object, tuple | None] | None:
    """(user, compiled scope) for a bearer token checked in this process less than
    ``TOKEN_TTL`` seconds ago, else None (the caller then goes through ``BearerToken``)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    hit = _tokens.get(digest(token))
    if hit is None or hit[0] <= time.monotonic():
        return None
    return hit[1], hit[2]


def _scope_for(request, user) -> tuple | None:
    key = getattr(request, "lean_token", None)
    hit = _tokens.get(key) if key else None
    if hit is not None and hit[1] is user:
        return hit[2]
    return scope_sql(user)  # a session: compiled per request


def _open_postings_where(day) -> tuple[str, tuple]:
    key = (connection.vendor, day)
    found = _open_where.get(key)
    if found is None:
        qs = Posting.objects.open_on(day).filter(filled__lt=F("headcount"))
        compiler = qs.query.get_compiler(connection=connection)
        sql, params = compiler.compile(qs.query.where)
        found = (sql, tuple(params))
        with _lock:
            if len(_open_where) > 8:
                _open_where.clear()
            _open_where[key] = found
    return found


def _k_of(parameters) -> int:
    if isinstance(parameters, str):  # a JSON column comes back as text from a plain cursor
        parameters = json.loads(parameters)
    return int((parameters or {}).get("k", 10))


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@lru_cache(maxsize=256)
def _list_sql(vendor: str, scope: str, titles_where: str | None = None) -> str:
    """The seeker in scope, the current version and the seeker's list row in it, and whether
    the list is fresh. With ``titles_where`` (PostgreSQL), also the listed postings that pass it
    with their titles, as JSON text ``[[id, title], ...]``, so one statement answers."""
    s, r, lst = _q(Seeker._meta.db_table), _q(MatchRun._meta.db_table), _q(MatchList._meta.db_table)
    as_of = f"COALESCE(l.{_q('updated_at')}, r.{_q('started_at')})"
    titles = ""
    if titles_where is not None:
        p = _q(Posting._meta.db_table)
        listed = f"SELECT (e.value ->> 0)::bigint FROM json_array_elements(l.{_q('items')}::json) e"
        titles = (
            f", (SELECT json_agg(json_build_array({p}.{_q('id')}, {p}.{_q('title')}))::text FROM {p} "
            f"WHERE {p}.{_q('id')} IN ({listed}) AND {titles_where})"
        )
    return (
        f"SELECT r.{_q('id')}, r.{_q('parameters')}, l.{_q('items')}, "
        f"CASE WHEN s.{_q('updated_at')} IS NULL OR {as_of} IS NULL OR s.{_q('updated_at')} <= {as_of} "
        f"THEN 1 ELSE 0 END{titles} "
        f"FROM {s} s LEFT JOIN {r} r ON r.{_q('is_current')} "
        f"LEFT JOIN {lst} l ON l.{_q('run_id')} = r.{_q('id')} AND l.{_q('kind')} = 's' "
        f"AND l.{_q('owner_id')} = s.{_q('id')} "
        f"WHERE s.{_q('id')} = %s AND s.{_q('id')} IN ({scope})"
    )


# PostgreSQL plans a statement sent with its values each time it runs; for this one the plan
# costs more than the run (measured: about 0.45 of 0.65 ms of server CPU). Django's psycopg
# connection never prepares statements itself, so the statement is PREPAREd by name once per
# database session and EXECUTEd with the values; PostgreSQL then reuses a generic plan.
_prepared: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()
_unpreparable: set[str] = set()
_PLACEHOLDER = re.compile(r"%%|%s")


def _execute_prepared(cur, sql: str, params: tuple) -> None:
    name = "jb_lean_" + hashlib.sha1(sql.encode()).hexdigest()[:20]
    if name in _unpreparable:
        cur.execute(sql, params)
        return
    session = connection.connection
    with _lock:  # gthread workers: one database session per thread, one shared map
        done = _prepared.setdefault(session, set())
    if name not in done:
        count = iter(range(1, 1000))
        numbered = _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(count)}", sql)
        try:
            with transaction.atomic():  # a failure must not break the caller's transaction
                # The plan is kept for the session, so it must never carry JIT compilation: on a
                # list table whose statistics were missing, the planner's estimate crossed
                # jit_above_cost and every request paid ~18 ms of JIT for a 0.1 ms read (measured,
                # 84 instead of 700+ req/s). These sessions serve web requests only.
                cur.execute("SET jit = off")
                cur.execute(f"PREPARE {name} AS {numbered}")  # no values: "%" is sent as it is
        except DatabaseError:  # a parameter whose type PostgreSQL cannot infer: send values each time
            logger.warning(
                "lean recommendations: cannot prepare %s, sending values instead", name, exc_info=True
            )
            _unpreparable.add(name)
            cur.execute(sql, params)
            return
        done.add(name)
    if params:
        cur.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params)
    else:
        cur.execute(f"EXECUTE {name}")


def _read(cur, seeker_id: int, scope: tuple, day) -> tuple | None:
    """(run id, run parameters, items text, fresh, {posting id: title} of those still open)."""
    sql, params = scope
    where, wparams = _open_postings_where(day or timezone.localdate())
    if connection.vendor == "postgresql":
        _execute_prepared(cur, _list_sql(connection.vendor, sql, where), (*wparams, seeker_id, *params))
        row = cur.fetchone()
        if row is None:
            return None
        return *row[:4], {pid: title for pid, title in json.loads(row[4])} if row[4] else {}
    cur.execute(_list_sql(connection.vendor, sql), (seeker_id, *params))
    row = cur.fetchone()
    if row is None:
        return None
    titles: dict[int, str] = {}
    if row[0] is not None and row[2] and row[3]:
        ids = [it[0] for it in json.loads(row[2])]
        p = _q(Posting._meta.db_table)
        cur.execute(
            f"SELECT {p}.{_q('id')}, {p}.{_q('title')} FROM {p} "
            f"WHERE {p}.{_q('id')} IN ({', '.join(['%s'] * len(ids))}) AND {where}",
            (*ids, *wparams),
        )
        titles = dict(cur.fetchall())
    return *row, titles


def stored_recommendations(seeker_id: int, scope: tuple, k: int, day=None) -> list[dict] | None:
    """The answer from the current stored list, or None when the selector would not use it.
    Raises Http404 when the seeker does not exist or is outside ``scope``."""
    with connection.cursor() as cur:
        row = _read(cur, seeker_id, scope, day)
    if row is None:
        raise Http404
    run_id, parameters, items_text, fresh, titles = row
    if run_id is None or not fresh:
        return None
    items = json.loads(items_text) if items_text else []
    kept = [it for it in items if it[0] in titles]
    if len(kept) < k and len(items) >= _k_of(parameters):
        return None  # too few left open to be sure they are the top k: the selector scores on demand
    regions, occupations = region_table(), occupation_table()
    return [
        {
            "seeker": seeker_id,
            "posting": pid,
            "score": round(score, 4),
            "reasons": render_reasons(reasons, regions, occupations),
            "label": titles[pid],
        }
        for pid, score, reasons in kept[:k]
    ]


def on_demand(seeker_id: int, k: int) -> list[dict]:
    """The selector's answer (it scores on demand when the stored list is not usable)."""
    from .selectors import recommend_for_seeker

    seeker = Seeker.objects.get(pk=seeker_id)
    matches = recommend_for_seeker(seeker, k=k)
    titles = dict(Posting.objects.filter(pk__in=[m.posting_id for m in matches]).values_list("pk", "title"))
    return [m.as_dict() | {"label": titles[m.posting_id]} for m in matches]


def render(body: list[dict]) -> HttpResponse:
    # The bytes ninja's renderer writes for list[MatchOut] (api.main.Utf8JSON).
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type=CONTENT_TYPE)


def recommendations_response(request, seeker_id: int, k: int) -> HttpResponse:
    """The whole endpoint after authentication: scope, stored list or fallback, JSON body."""
    scope = _scope_for(request, request.auth)
    if scope is None:
        raise Http404
    body = stored_recommendations(seeker_id, scope, k)
    if body is None:
        body = on_demand(seeker_id, k)
    return render(body)
