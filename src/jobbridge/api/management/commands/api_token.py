"""jobbridge api_token create USERNAME [--name N] | revoke ID | list [USERNAME]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jobbridge.core.models import ApiToken
from jobbridge.core.tokens import token_issue, token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke API tokens. A new token is printed once and cannot be shown again."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token for USERNAME")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for, e.g. the calling system")
        revoke = sub.add_parser("revoke", help="revoke token ID")
        revoke.add_argument("token_id", type=int)
        listing = sub.add_parser("list", help="list tokens (never the secret)")
        listing.add_argument("username", nargs="?")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, username, name, **_):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        row, token = token_issue(actor=None, user=user, name=name)
        self.stderr.write(f"token {row.pk} for {user.username}; store it now, it is not shown again:")
        self.stdout.write(token)

    def _revoke(self, token_id, **_):
        row = ApiToken.objects.filter(pk=token_id).first()
        if row is None:
            raise CommandError(f"no token {token_id}")
        token_revoke(actor=None, token=row)
        self.stdout.write(f"token {row.pk} ({row.prefix}…) revoked")

    def _list(self, username=None, **_):
        rows = ApiToken.objects.select_related("user").order_by("id")
        if username:
            rows = rows.filter(user__username=username)
        for row in rows:
            state = "revoked" if row.revoked else "active"
            used = row.last_used_at.isoformat(timespec="minutes") if row.last_used_at else "never"
            self.stdout.write(
                f"{row.pk}\t{row.user.username}\t{row.prefix}…\t{row.name}\t{state}\tlast used {used}"
            )
