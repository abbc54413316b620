from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "jobbridge.transfers"
    label = "transfers"

    def ready(self) -> None:
        from jobbridge.people.signals import seeker_merging

        from . import rollups

        seeker_merging.connect(rollups.settle_merge, dispatch_uid="transfers.settle_merge")
