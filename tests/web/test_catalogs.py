"""Every Chinese string marked for translation in the code and the templates has its English text.

The strings are extracted the way a translator would (Django's ``makemessages``, on a copy of the
source so the real catalogs are not touched) and each is looked up in the compiled catalogs the
site serves. A string someone added without translating shows up here by name instead of as
Chinese text on an English page."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

import jobbridge

SOURCE = Path(jobbridge.__file__).resolve().parent
CJK = re.compile(r"[\u4e00-\u9fff]")
ENTRY = re.compile(r'^(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)(?:msgid_plural ((?:".*"\n)+))?', re.M)


def _text(block: str | None) -> str | None:
    if block is None:
        return None
    raw = "".join(re.findall(r'^"(.*)"$', block, re.M))
    return raw.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")


def extracted(tmp_path: Path) -> list[tuple[str | None, str, str | None]]:
    copy = tmp_path / "jobbridge"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo", "data"))
    for po in copy.rglob("*.po"):
        po.unlink()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}  # plain extraction
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "xx", "--no-wrap", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env=env,
    )
    entries = []
    for po in copy.rglob("xx/LC_MESSAGES/django.po"):
        for m in ENTRY.finditer(po.read_text(encoding="utf-8")):
            msgid = _text(m.group(2))
            if msgid:
                entries.append((_text(m.group(1)), msgid, _text(m.group(3))))
    return entries


@pytest.mark.skipif(
    shutil.which("xgettext") is None and os.environ.get("CI") != "true",
    reason="needs GNU gettext (apt install gettext); in CI a missing xgettext fails",
)
def test_every_chinese_string_marked_for_translation_has_english(tmp_path):
    entries = extracted(tmp_path)
    assert len(entries) > 500  # the extraction itself worked
    missing = []
    with translation.override("en"):
        for context, msgid, plural in entries:
            if not CJK.search(msgid):
                continue
            if plural is not None:
                english = translation.ngettext(msgid, plural, 1)
            elif context is not None:
                english = translation.pgettext(context, msgid)
            else:
                english = translation.gettext(msgid)
            if english == msgid:  # an example in Chinese inside the English text is fine
                missing.append(msgid)
    assert missing == [], f"no English for {len(missing)} strings: {missing[:20]}"
