import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jobbridge.jobtitles import selectors
from jobbridge.jobtitles.validation import MAX_TOP, title_problem

CHUNK = 256  # titles coded per batch: big enough for the matrix products, small enough for the bar


class Command(BaseCommand):
    help = (
        'Job-title coding to CSCO 2022: `occupations code "TITLE" [--top 5] [--json]`, or '
        "`occupations code --file FILE --top 5 --json` (one title per line; one JSON line per title, in order); "
        "`occupations warm` builds the index ahead of the first request."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        c = sub.add_parser("code", help="top suggestions for a title, or for each line of a file")
        c.add_argument("title", nargs="?", help="the job title as the recruiter wrote it")
        c.add_argument("--file", help="UTF-8 text file, one title per line ('-' for standard input)")
        c.add_argument("--top", type=int, default=5, help=f"suggestions per title (1-{MAX_TOP}, default 5)")
        c.add_argument("--json", action="store_true", help="JSON output")
        c.add_argument("--no-progress", action="store_true", help="no progress bar on standard error")
        sub.add_parser(
            "warm",
            help="build the coder's index and embedding cache now (run once after a deploy, "
            "so the first title typed on a page does not wait for it)",
        )

    def handle(self, *args, **opts):
        if opts["action"] == "warm":
            started = time.perf_counter()
            coder = selectors.get_coder()
            coder.code("电焊工")
            self.stdout.write(
                f"{len(coder.codes)} occupations, {len(coder.doc_text)} names/aliases/keywords, "
                f"semantic {'on' if coder.doc_vectors is not None else 'off'}; "
                f"ready in {time.perf_counter() - started:.1f} s"
            )
            return
        if not 1 <= opts["top"] <= MAX_TOP:
            raise CommandError(f"--top must be between 1 and {MAX_TOP}")
        if opts["file"] and opts["title"] is not None:
            raise CommandError("give either a TITLE or --file FILE, not both")
        if not opts["file"] and opts["title"] is None:
            raise CommandError('give a TITLE (occupations code "电焊工") or --file FILE')
        if opts["file"]:
            return self._file(opts)
        problem = title_problem(opts["title"])
        if problem:
            raise CommandError(f"title: {problem}")
        for s in selectors.code_title(opts["title"], top=opts["top"]):
            if opts["json"]:
                self.stdout.write(json.dumps(s.as_dict(), ensure_ascii=False))
            else:
                self.stdout.write(f"{s.code}  {s.score:6.1%}  {s.name}")

    def _read(self, name: str) -> list[str]:
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except FileNotFoundError:
            raise CommandError(f"--file: no such file: {name}") from None
        except IsADirectoryError:
            raise CommandError(f"--file: {name} is a directory, not a file of titles") from None
        except OSError as e:
            raise CommandError(f"--file: cannot read {name}: {e.strerror}") from None
        try:
            return data.decode("utf-8-sig").splitlines()
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            raise CommandError(f"--file: {name} is not UTF-8 text (line {line}); save it as UTF-8") from None

    def _file(self, opts):
        lines = self._read(opts["file"])
        # Blank lines are not titles: skipped (and counted on stderr), so the output has one line
        # per title. A line that cannot be coded (too long, no letters) still gets its line, with
        # an "error" and no suggestions, so the output stays in step with the titles.
        entries = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
        blank = len(lines) - len(entries)
        bar = tqdm(
            total=len(entries),
            unit="title",
            desc="coding",
            file=self.stderr._out,
            disable=opts["no_progress"] or not entries,
        )
        for start in range(0, len(entries), CHUNK):
            chunk = entries[start : start + CHUNK]
            problems = {i: title_problem(t) for i, (_, t) in enumerate(chunk)}
            good = [t for i, (_, t) in enumerate(chunk) if not problems[i]]
            coded = iter(selectors.code_titles(good, top=opts["top"]))
            for i, (n, title) in enumerate(chunk):
                suggestions = [] if problems[i] else [s.as_dict() for s in next(coded)]
                self._emit(opts, n, title, suggestions, problems[i])
            bar.update(len(chunk))
        bar.close()
        if blank:
            self.stderr.write(f"skipped {blank} blank line(s)")
        if not entries:
            self.stderr.write("no titles in the file")

    def _emit(self, opts, n, title, suggestions, problem):
        if opts["json"]:
            row = {"title": title, "suggestions": suggestions}
            if problem:
                row["error"] = f"line {n}: {problem}"
            self.stdout.write(json.dumps(row, ensure_ascii=False))
        elif problem:
            self.stdout.write(f"{title}\t! line {n}: {problem}")
        else:
            best = suggestions[0]
            self.stdout.write(f"{title}\t{best['code']}\t{best['name']}\t{best['score']:.1%}")
