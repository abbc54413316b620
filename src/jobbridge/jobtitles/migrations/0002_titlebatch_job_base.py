"""TitleBatch inherits core.jobs.Job: ``total`` becomes a stored column (it was the length of
``titles``, filled for existing batches by the next migration), and it gains a start time and
the shared heartbeat (the lease)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("jobtitles", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="titlebatch",
            name="done",
            field=models.PositiveBigIntegerField(default=0, verbose_name="已处理"),
        ),
        migrations.AddField(
            model_name="titlebatch",
            name="total",
            field=models.PositiveBigIntegerField(default=0, verbose_name="总数"),
        ),
        migrations.AlterField(
            model_name="titlebatch",
            name="status",
            field=models.CharField(
                choices=[("queued", "排队中"), ("running", "编码中"), ("done", "已完成"), ("failed", "失败")],
                default="queued",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.AddField(
            model_name="titlebatch",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="开始时间"),
        ),
        migrations.AddField(
            model_name="titlebatch",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="心跳时间"),
        ),
    ]
