from django.db import models


class ThrottleCounter(models.Model):
    """One counter of the login and self-registration throttles (core/throttle.py), keyed by what
    it counts: ``login:account:<name>``, ``login:address:<ip>``, ``register:address:<ip>``.

    A row rather than the cache: Django's database cache increments by reading and writing back
    (two statements, and the write resets the expiry), so parallel requests lose counts. Here
    every reservation is one conditional UPDATE, atomic on PostgreSQL and SQLite alike."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    # Accounts only: locked until this moment after too many failures; each lock (a strike)
    # lasts twice as long as the one before, up to LOGIN_LOCK_MAX_SECONDS.
    locked_until = models.DateTimeField(null=True, blank=True)
    strikes = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_start"])]  # pruning old rows

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
