"""The demo world beyond seekers and employers: applications, the transfer ledger and the
return-to-work season, each filled by its app's module here (``demo/<app>.py``).

Reset order matters: the demo reset deletes seekers, postings and enterprises with raw SQL (for
speed at a million rows), so every row of another app that points at them goes first, through the
ORM, which also keeps those apps' rollup tables in step.
"""

from jobbridge.employers.models import Posting
from jobbridge.notifications.models import ContactLog, Notification, Preference
from jobbridge.people.models import Seeker

from . import placements, returns, transfers
from .build import demo_enterprises


def clear() -> dict[str, int]:
    """Delete what other apps hold about demo people and demo employers."""
    demo_seekers = Seeker.objects.filter(source=Seeker.Source.DEMO)
    demo_postings = Posting.objects.filter(enterprise__in=demo_enterprises())
    deleted = {"application": placements.clear()}
    deleted["transfer"] = transfers.reset()
    deleted["homecoming"] = returns.reset()
    n = Notification.objects.filter(seeker__in=demo_seekers).delete()[0]
    n += Preference.objects.filter(seeker__in=demo_seekers).delete()[0]
    n += ContactLog.objects.filter(seeker__in=demo_seekers).delete()[0]
    ContactLog.objects.filter(posting__in=demo_postings).update(posting=None)
    deleted["notification"] = n
    return deleted


def populate(*, seed: int, today=None) -> dict[str, int]:
    """Fill the other apps for the demo world; each populate is a no-op when already filled."""
    counts = {"transfer": transfers.populate(seed=seed, today=today)}
    placed = placements.populate(rng_seed=seed, today=today)
    counts["application"] = sum(v for k, v in placed.items() if k != "followups")
    counts["homecoming"] = returns.populate(seed=seed, today=today)
    return counts
