from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "jobbridge.matching"
    label = "matching"

    def ready(self) -> None:
        # Upward notifications: people and employers send, matching listens (they never import it).
        from jobbridge.employers.signals import posting_changed
        from jobbridge.people.signals import seeker_changed

        seeker_changed.connect(on_seeker_changed, dispatch_uid="matching.seeker_changed")
        posting_changed.connect(on_posting_changed, dispatch_uid="matching.posting_changed")


# The receivers import the task module only when a save happens: loading it declares the tasks,
# which binds them to the task backend configured at that moment (and pulls in the engine), so it
# is kept out of app loading.
def on_seeker_changed(sender, seeker, **kwargs) -> None:
    """``people.signals.seeker_changed``: their recommendations, after commit."""
    from .tasks import note_change

    note_change("s", seeker.pk)


def on_posting_changed(sender, posting, **kwargs) -> None:
    """``employers.signals.posting_changed``: its candidates, after commit."""
    from .tasks import note_change

    note_change("p", posting.pk)
