"""Factories for the placement pipeline (the shared tests/factories.py stays untouched)."""

import factory

from jobbridge.placements.models import Application, Source, State
from tests.factories import PostingFactory, SeekerFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application already in ``state`` (no history): for lists and pages, not for the rules."""

    class Meta:
        model = Application

    seeker = factory.SubFactory(SeekerFactory)
    posting = factory.SubFactory(PostingFactory)
    state = State.INTENTION
    origin_region_id = factory.LazyAttribute(lambda o: o.seeker.hukou_region_id)
    source = Source.SEEKER
