"""ImportJob inherits core.jobs.Job: its row counts take the shared names (same columns, renamed,
widened to bigint), and it gains the shared error text and heartbeat (the lease)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_alter_importjob_kind"),
    ]

    operations = [
        migrations.RenameField(model_name="importjob", old_name="done_rows", new_name="done"),
        migrations.RenameField(model_name="importjob", old_name="total_rows", new_name="total"),
        migrations.AlterField(
            model_name="importjob",
            name="done",
            field=models.PositiveBigIntegerField(default=0, verbose_name="已处理"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="total",
            field=models.PositiveBigIntegerField(default=0, verbose_name="总数"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="status",
            field=models.CharField(
                choices=[("queued", "排队中"), ("running", "导入中"), ("done", "已完成"), ("failed", "失败")],
                default="queued",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.AddField(
            model_name="importjob",
            name="error",
            field=models.TextField(blank=True, verbose_name="错误"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="心跳时间"),
        ),
    ]
