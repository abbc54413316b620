"""Existing batches get ``total`` = the number of their titles, as the property it replaces
computed it. Re-runnable: only batches with titles and no total yet; imports no app code."""

from django.db import migrations

BATCH = 200


def forwards(apps, schema_editor):
    TitleBatch = apps.get_model("jobtitles", "TitleBatch")
    pending = []
    for batch in TitleBatch.objects.filter(total=0).only("pk", "titles").iterator(BATCH):
        if batch.titles:
            batch.total = len(batch.titles)
            pending.append(batch)
        if len(pending) >= BATCH:
            TitleBatch.objects.bulk_update(pending, ["total"])
            pending = []
    if pending:
        TitleBatch.objects.bulk_update(pending, ["total"])


class Migration(migrations.Migration):
    dependencies = [
        ("jobtitles", "0002_titlebatch_job_base"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
