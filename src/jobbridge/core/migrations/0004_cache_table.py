"""Create the database cache table (settings.CACHES). createcachetable is idempotent."""

from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_load_reference")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop, elidable=False)]
