from django.core.management.base import BaseCommand

from jobbridge.core import reference
from jobbridge.core.models import Industry, Occupation, OccupationAlias, Region
from jobbridge.core.regions import clear_cache


class Command(BaseCommand):
    help = (
        "Load or refresh administrative divisions, occupations (CSCO 2022) and industries (GB/T 4754-2017)."
    )

    def handle(self, *args, **options):
        n_regions = reference.load_regions(Region)
        n_occ = reference.load_occupations(Occupation, OccupationAlias)
        n_ind = reference.load_industries(Industry)
        clear_cache()
        self.stdout.write(f"regions: {n_regions}, occupations: {n_occ}, industries: {n_ind}")
