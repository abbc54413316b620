from pathlib import Path

from jobbridge.imports.kinds import COLUMNS

DOC = Path(__file__).resolve().parents[2] / "docs" / "import.md"


def test_every_column_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for columns in COLUMNS.values():
        for col in columns:
            assert f"| {col.header} | `{col.key}` |" in text, col.key
