"""ApiToken moves from the API app to core, in Django's state only: the table stays."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_cache_table"),
        ("api", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(blank=True, max_length=64, verbose_name="名称")),
                        ("prefix", models.CharField(max_length=12, verbose_name="前缀")),
                        ("key_hash", models.CharField(max_length=64, unique=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                        (
                            "last_used_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="最近使用"),
                        ),
                        ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="吊销时间")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_tokens",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "API令牌",
                        "verbose_name_plural": "API令牌",
                        "ordering": ["-created_at"],
                        "db_table": "api_apitoken",
                    },
                ),
            ],
        ),
    ]
