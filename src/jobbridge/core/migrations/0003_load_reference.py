"""Load divisions, occupations and industries. Re-runnable: rows are upserted by code.

It imports only the loader functions, which take the historical models as arguments.
"""

from django.db import migrations


def load(apps, schema_editor):
    from jobbridge.core import reference

    reference.load_regions(apps.get_model("core", "Region"))
    reference.load_occupations(
        apps.get_model("core", "Occupation"), apps.get_model("core", "OccupationAlias")
    )
    reference.load_industries(apps.get_model("core", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
