"""Schemas of matching's API: ``MatchOut``, one entry of the first recommendation lists
(``api_lists.py``)."""

from ninja import Schema


class MatchOut(Schema):
    """One recommendation: who or what, the score (0-1) and the reasons that scored."""

    seeker: int
    posting: int
    score: float
    reasons: list[str]
    label: str  # the posting's title, or the seeker's name with the masked ID number
