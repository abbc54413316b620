# The rollup becomes one slice per dashboard dimension (see TransferRollup's docstring). Rollups
# are derived data: the table is recreated empty; `jobbridge transfers rebuild-rollups` refills it
# from the ledger (nothing had been written to it outside tests when this was made).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("transfers", "0001_initial")]

    operations = [
        migrations.DeleteModel(name="TransferRollup"),
        migrations.CreateModel(
            name="TransferRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "dimension",
                    models.CharField(
                        choices=[
                            ("dest_province", "输入地（省）"),
                            ("dest_city", "输入地（市）"),
                            ("industry", "行业门类"),
                            ("priority", "就业困难人员"),
                            ("channel", "转移渠道"),
                        ],
                        max_length=16,
                    ),
                ),
                ("month", models.IntegerField()),
                ("origin_city", models.CharField(max_length=9)),
                ("origin_county", models.CharField(max_length=9)),
                ("origin_township", models.CharField(blank=True, max_length=9)),
                ("move_class", models.CharField(max_length=16)),
                ("value", models.CharField(blank=True, max_length=9)),
                ("person_times", models.IntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["dimension", "origin_township", "month"], name="rollup_township_month"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=[
                            "dimension",
                            "month",
                            "origin_county",
                            "origin_township",
                            "move_class",
                            "value",
                            "origin_city",
                        ],
                        name="transfer_rollup_key",
                    )
                ],
            },
        ),
    ]
