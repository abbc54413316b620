"""MatchRun inherits core.jobs.Job: its permille progress takes the shared names (same columns,
renamed), and it gains the shared heartbeat (the lease)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="matchrun", old_name="progress_done", new_name="done"),
        migrations.RenameField(model_name="matchrun", old_name="progress_total", new_name="total"),
        migrations.AlterField(
            model_name="matchrun",
            name="done",
            field=models.PositiveBigIntegerField(default=0, verbose_name="已处理"),
        ),
        migrations.AlterField(
            model_name="matchrun",
            name="total",
            field=models.PositiveBigIntegerField(default=0, verbose_name="总数"),
        ),
        migrations.AddField(
            model_name="matchrun",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="心跳时间"),
        ),
    ]
