"""The demo world (``jobbridge demo``): synthetic seekers, enterprises and postings, one account
per role, and every other app's demo data.

The demo stands on the top floor, so it may import every app and no app imports it. The rule for
a new app: its demo data lives in ``demo/<app>.py`` (a ``populate`` that is a no-op when already
filled, and a ``clear`` or ``reset`` that runs before the demo seekers are deleted) and is called
from the build, in ``demo/others.py``. ``tests/demo/test_floor.py`` keeps apps from importing
``jobbridge.demo``.

Modules: ``world`` (the catalogues), ``generate`` (numpy, seeded; no database), ``writer``
(bulk loads), ``sealing`` (batch encryption), ``build`` (phases, reset, summary), ``accounts``,
``others`` (the other apps, in order), ``placements``, ``transfers``, ``returns``.
"""
