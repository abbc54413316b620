import json

from django.core.management.base import BaseCommand, CommandError

from jobbridge.core.models import User
from jobbridge.employers.models import Posting
from jobbridge.matching.selectors import candidates_for_posting, recommend_for_seeker
from jobbridge.people.models import Seeker


class Command(BaseCommand):
    help = ("Recommendations with reasons: `match recommend --seeker ID` (best open postings for a person), "
            "`match candidates --posting ID --user NAME` (best seekers the user may see for a posting).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        r = sub.add_parser("recommend", help="best open postings for one seeker")
        r.add_argument("--seeker", type=int, required=True)
        c = sub.add_parser("candidates", help="best seekers for one posting, within a user's scope")
        c.add_argument("--posting", type=int, required=True)
        c.add_argument("--user", required=True, help="whose scope limits the candidates (username)")
        for p in (r, c):
            p.add_argument("--top", type=int, default=10)
            p.add_argument("--json", action="store_true", help="one JSON object per line")

    def handle(self, *args, **opts):
        if opts["top"] < 1:
            raise CommandError("--top must be at least 1")
        if opts["action"] == "recommend":
            seeker = Seeker.objects.active().filter(pk=opts["seeker"]).first()
            if seeker is None:
                raise CommandError(f"no job seeker with id {opts['seeker']}")
            matches = recommend_for_seeker(seeker, k=opts["top"])
            label = {p.pk: p.title for p in Posting.objects.filter(pk__in=[m.posting_id for m in matches])}
            key = "posting_id"
        else:
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"no user {opts['user']!r}")
            posting = Posting.objects.visible_to(user).filter(pk=opts["posting"]).first()
            if posting is None:
                raise CommandError(f"no posting with id {opts['posting']} visible to {user.username}")
            matches = candidates_for_posting(posting, Seeker.objects.visible_to(user), k=opts["top"])
            label = {s.pk: f"{s.name} {s.id_masked}" for s in Seeker.objects.filter(pk__in=[m.seeker_id for m in matches])}
            key = "seeker_id"
        for m in matches:
            if opts["json"]:
                self.stdout.write(json.dumps(m.as_dict() | {"label": label[getattr(m, key)]}, ensure_ascii=False))
            else:
                self.stdout.write(f"{m.score:.3f}  {label[getattr(m, key)]}  — {'；'.join(m.reasons)}")
