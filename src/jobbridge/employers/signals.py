"""Signals through which other apps keep what they derive from a posting right.

``posting_changed`` is sent by ``services.posting_create``, ``posting_update`` and
``posting_close`` inside their transaction, after the posting is saved (keyword argument
``posting``). A receiver that derives something from the posting (matching: its stored
candidates, and the seekers' lists it enters) must defer its work to ``transaction.on_commit``
and must not fail the save.
"""

from django.dispatch import Signal

posting_changed = Signal()
