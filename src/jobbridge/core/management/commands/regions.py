import json

from django.core.management.base import BaseCommand, CommandError

from jobbridge.core import regions


class Command(BaseCommand):
    help = (
        "Region look-ups. `regions classify ORIGIN DEST` prints nearby, within_province or out_of_province."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        c = sub.add_parser("classify", help="classify a move between two regions (codes or names)")
        c.add_argument("origin")
        c.add_argument("destination")
        c.add_argument("--json", action="store_true")
        r = sub.add_parser("resolve", help="find the code of a region name")
        r.add_argument("value")

    def handle(self, *args, **options):
        try:
            if options["action"] == "classify":
                origin = regions.resolve(options["origin"])
                dest = regions.resolve(options["destination"])
                move = regions.classify_move(origin, dest)
                if options["json"]:
                    self.stdout.write(json.dumps({"origin": origin, "destination": dest, "class": move}))
                else:
                    self.stdout.write(move)
            else:
                code = regions.resolve(options["value"])
                self.stdout.write(f"{code} {regions.full_name(code)}")
        except regions.UnknownRegion as e:
            raise CommandError(str(e)) from None
