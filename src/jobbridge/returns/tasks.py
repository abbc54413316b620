"""The page's import runs as a background task so the request returns at once; its progress and
outcome live in the shared (database) cache under a random token that only the uploader may read.

The record of the import itself is the audit row the importer writes; the cache entry is only
the live view of it, so no table of its own is needed.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django_tasks import task

from jobbridge.core.models import User

from .importing import import_homecomings
from .seasons import season_get

TTL = 24 * 3600
MAX_ERRORS = 500


def _key(token: str) -> str:
    return f"returns-import:{token}"


def job_state(token: str, user) -> dict | None:
    state = cache.get(_key(token))
    if not state or state["user"] != user.pk:
        return None  # someone else's import is "not found"
    return state


def job_start(*, upload, season_code: str, user) -> str:
    """Keep the upload under MEDIA_ROOT and queue its import; returns the token."""
    token = uuid.uuid4().hex
    folder = Path(settings.MEDIA_ROOT) / "returns"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{token}{Path(upload.name).suffix.lower()[:8]}"
    with path.open("wb") as f:
        for chunk in upload.chunks():
            f.write(chunk)
    cache.set(
        _key(token),
        {
            "user": user.pk,
            "status": "queued",
            "done": 0,
            "total": 0,
            "name": upload.name,
            "season": season_code,
            "summary": None,
        },
        TTL,
    )
    run_import.enqueue(token, str(path), season_code, user.pk)
    return token


@task()
def run_import(token: str, path: str, season_code: str, user_id: int) -> None:
    state = cache.get(_key(token)) or {"user": user_id, "name": Path(path).name, "season": season_code}
    state.update(status="running", done=0, total=0, summary=None)
    cache.set(_key(token), state, TTL)

    def progress(done: int, total: int) -> None:
        state.update(done=done, total=total)
        cache.set(_key(token), state, TTL)

    try:
        outcome = import_homecomings(
            path=path,
            season=season_get(season_code),
            actor=User.objects.filter(pk=user_id).first(),
            progress=progress,
        )
        state.update(status="done", summary=outcome.summary(limit=MAX_ERRORS))
    except Exception as e:  # the page must say it failed rather than spin forever
        state.update(status="failed", summary={"file_error": _("导入失败：%(e)s") % {"e": str(e)[:300]}})
        raise
    finally:
        cache.set(_key(token), state, TTL)
        Path(path).unlink(missing_ok=True)
