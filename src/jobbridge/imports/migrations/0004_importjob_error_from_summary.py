"""A failed import's reason, kept so far only in ``summary["file_error"]``, also in the shared
``error`` field. Re-runnable: it fills only jobs whose error is still empty; imports no app code."""

from django.db import migrations

BATCH = 500


def forwards(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    pending = []
    for job in ImportJob.objects.filter(status="failed", error="").only("pk", "summary").iterator(BATCH):
        message = (job.summary or {}).get("file_error") if isinstance(job.summary, dict) else None
        if message:
            job.error = str(message)[:4000]
            pending.append(job)
        if len(pending) >= BATCH:
            ImportJob.objects.bulk_update(pending, ["error"])
            pending = []
    if pending:
        ImportJob.objects.bulk_update(pending, ["error"])


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_importjob_job_base"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
