"""Signals through which other apps keep what they derive from a person right.

``seeker_merging`` is sent by ``services.seeker_merge`` inside its transaction, before the
dropped record's links move to the kept one (keyword arguments ``keep`` and ``drop``). The merge
moves links generically and deletes a link that would break a unique key; an app whose rows feed
a rollup, or that keys rows by the seeker's id without a foreign key, settles its own rows here
so its counts stay equal to a direct count.
"""

from django.dispatch import Signal

seeker_merging = Signal()
