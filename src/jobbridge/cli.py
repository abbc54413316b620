"""The `jobbridge` command: Django's manage.py with JobBridge's settings as the default."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jobbridge", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
