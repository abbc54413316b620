"""The demo world beyond seekers and employers: applications, the transfer ledger and the
return-to-work season, each filled by its own app's ``demo`` module.

Reset order matters: the demo reset deletes seekers, postings and enterprises with raw SQL (for
speed at a million rows), so every row of another app that points at them goes first, through the
ORM, which also keeps those apps' rollup tables in step.
"""

from jobbridge.demo.build import demo_enterprises
from jobbridge.employers.models import Posting
from jobbridge.people.models import Seeker


def clear() -> dict[str, int]:
    """Delete what other apps hold about demo people and demo employers."""
    from jobbridge.notifications.models import ContactLog, Notification, Preference
    from jobbridge.placements import demo as placements_demo
    from jobbridge.returns import demo as returns_demo
    from jobbridge.transfers import demo as transfers_demo

    demo_seekers = Seeker.objects.filter(source=Seeker.Source.DEMO)
    demo_postings = Posting.objects.filter(enterprise__in=demo_enterprises())
    deleted = {"application": placements_demo.clear()}
    deleted["transfer"] = transfers_demo.reset()
    deleted["homecoming"] = returns_demo.reset()
    n = Notification.objects.filter(seeker__in=demo_seekers).delete()[0]
    n += Preference.objects.filter(seeker__in=demo_seekers).delete()[0]
    n += ContactLog.objects.filter(seeker__in=demo_seekers).delete()[0]
    ContactLog.objects.filter(posting__in=demo_postings).update(posting=None)
    deleted["notification"] = n
    return deleted


def populate(*, seed: int, today=None) -> dict[str, int]:
    """Fill the other apps for the demo world; each populate is a no-op when already filled."""
    from jobbridge.placements import demo as placements_demo
    from jobbridge.returns import demo as returns_demo
    from jobbridge.transfers import demo as transfers_demo

    counts = {"transfer": transfers_demo.populate(seed=seed, today=today)}
    placed = placements_demo.populate(rng_seed=seed, today=today)
    counts["application"] = sum(v for k, v in placed.items() if k != "followups")
    counts["homecoming"] = returns_demo.populate(seed=seed, today=today)
    return counts
