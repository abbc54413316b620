"""Every weight and threshold of the match score, in one place.

The score of an admissible (seeker, posting) pair is ``sum(weight_c * value_c)`` over the
components below, each value in [0, 1]; with the default weights summing to 1 the score is in
[0, 1].  Pairs that fail a hard filter get no score at all (they are never recommended).
Change weights here, nowhere else; ``Weights.validate`` runs on construction.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Weights:
    # ---- component weights -------------------------------------------------------------
    occupation: float = 0.30
    """Occupation fit: the closest CSCO relation between any of the seeker's occupations
    (desired, skilled, past jobs) and the posting's occupation; value from the ``occ_*`` levels."""
    text: float = 0.20
    """Cosine similarity of the seeker's skills/major/free text and the posting's title,
    skills and description (hashed character 1,2-grams and English words)."""
    wage: float = 0.15
    """Wage fit: 1 when the posting's top wage reaches the seeker's expectation, falling
    linearly to 0 at ``wage_floor_ratio`` of it; 0.5 when either side gives no wage."""
    place: float = 0.10
    """Place fit: half for the seeker having named the destination (not just "anywhere"),
    half for proximity ``1 / (1 + km / distance_half_km)`` between residence and work county."""
    education: float = 0.05
    """Education fit: 1 at or above the posting's minimum, minus ``education_step_penalty``
    per rank below; 0.5 when the seeker's education is unknown."""
    availability: float = 0.05
    """Availability: 1 when the seeker can start by the posting's start (or today), falling
    linearly to 0 at ``availability_grace_days`` late."""
    board_lodging: float = 0.05
    """Board and lodging: 0.5 each for meals and housing provided (matters most to migrants)."""
    priority: float = 0.10
    """Priority bonus: 1 when the posting targets one of the seeker's employment-difficulty
    groups, or the seeker has a disability and the posting is suitable for people with disabilities."""

    # ---- occupation relation values ----------------------------------------------------
    occ_detailed: float = 1.0
    """Value of the same detailed occupation (e.g. both 6-18-02-04)."""
    occ_minor: float = 0.6
    """Value of the same minor group (6-18-02) but a different detailed occupation."""
    occ_medium: float = 0.3
    """Value of the same medium group (6-18) only."""

    # ---- shapes and thresholds ---------------------------------------------------------
    wage_floor_ratio: float = 0.75
    """Offer / expectation at which wage fit reaches 0."""
    distance_half_km: float = 500.0
    """Distance at which proximity is 0.5 (migrant workers accept long trips, so it is gentle)."""
    education_step_penalty: float = 0.5
    """Loss of education fit per rank below the posting's minimum."""
    availability_grace_days: float = 60.0
    """Days late at which availability fit reaches 0."""
    wage_sane_min: float = 500.0
    """Monthly wages below this (yuan) are data errors: such a posting is excluded, such an
    expectation is treated as not given."""
    wage_sane_max: float = 200_000.0
    """Monthly wages above this (yuan) are data errors, handled like ``wage_sane_min``."""
    require_same_major_group: bool = True
    """Relevance gate (a hard filter): the posting's CSCO major group must be one of the
    seeker's, unless either side has no occupation code (general labour).  Keeps a welder's list
    free of nursing posts and cuts the city-scale pair count several-fold."""

    def __post_init__(self) -> None:
        self.validate()

    @property
    def component_weights(self) -> dict[str, float]:
        return {c: getattr(self, c) for c in COMPONENTS}

    def validate(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0:
                raise ValueError(f"weight {f.name} must be >= 0, got {v}")
        if not (self.occ_detailed >= self.occ_minor >= self.occ_medium >= 0):
            raise ValueError("occupation levels must satisfy detailed >= minor >= medium >= 0")
        if not 0 < self.wage_floor_ratio < 1:
            raise ValueError("wage_floor_ratio must be in (0, 1)")
        if self.distance_half_km <= 0 or self.availability_grace_days <= 0:
            raise ValueError("distance_half_km and availability_grace_days must be > 0")


COMPONENTS = ("occupation", "text", "wage", "place", "education", "availability", "board_lodging", "priority")

DEFAULT_WEIGHTS = Weights()
