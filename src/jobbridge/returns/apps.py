from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "jobbridge.returns"
    label = "returns"

    def ready(self) -> None:
        from jobbridge.people.signals import seeker_merging

        from . import rollups

        seeker_merging.connect(rollups.settle_merge, dispatch_uid="returns.settle_merge")
