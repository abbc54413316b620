"""DeliveryRun inherits core.jobs.Job: the same columns with the shared definitions (bigint
counts, labels), plus a start time and the shared heartbeat (the lease)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="deliveryrun",
            name="status",
            field=models.CharField(
                choices=[("queued", "排队中"), ("running", "发送中"), ("done", "已完成"), ("failed", "出错")],
                default="queued",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.AlterField(
            model_name="deliveryrun",
            name="done",
            field=models.PositiveBigIntegerField(default=0, verbose_name="已处理"),
        ),
        migrations.AlterField(
            model_name="deliveryrun",
            name="total",
            field=models.PositiveBigIntegerField(default=0, verbose_name="总数"),
        ),
        migrations.AlterField(
            model_name="deliveryrun",
            name="error",
            field=models.TextField(blank=True, verbose_name="错误"),
        ),
        migrations.AlterField(
            model_name="deliveryrun",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="完成时间"),
        ),
        migrations.AddField(
            model_name="deliveryrun",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="开始时间"),
        ),
        migrations.AddField(
            model_name="deliveryrun",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="心跳时间"),
        ),
    ]
