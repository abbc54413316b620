"""What every background job with a progress bar shares (imports, title batches, match runs,
notification send runs), so the pages and the CLI read progress the same way."""

from django.db import models

from jobbridge.core.models import Role


def progress_percent(done: int, total: int, finished: bool) -> int:
    """Whole percent done; a job with nothing to do is at 0 until it has finished, then at 100."""
    if not total:
        return 100 if finished else 0
    return min(100, int(done * 100 // total))


class OwnUploadsQuerySet(models.QuerySet):
    """Uploads and their jobs hold clear ID numbers: administrators see every one, other staff
    their own, nobody else any. The model needs a ``created_by`` user."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.role == Role.ADMIN:
            return self
        if user.role in (Role.BUREAU, Role.COMMISSIONER):
            return self.filter(created_by=user)
        return self.none()
