"""Signals through which other apps keep what they derive from a person right.

``seeker_merging`` is sent by ``services.seeker_merge`` inside its transaction, before the
dropped record's links move to the kept one (keyword arguments ``keep`` and ``drop``). The merge
moves links generically and deletes a link that would break a unique key; an app whose rows feed
a rollup, or that keys rows by the seeker's id without a foreign key, settles its own rows here
so its counts stay equal to a direct count.

``seeker_changed`` is sent by ``services.seeker_update`` inside its transaction, after the
seeker and their relations are saved (keyword argument ``seeker``). A receiver that derives
something from the profile (matching: the seeker's stored recommendations) must defer its work
to ``transaction.on_commit`` and must not fail the save.
"""

from django.dispatch import Signal

seeker_merging = Signal()
seeker_changed = Signal()
