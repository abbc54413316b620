"""Development keys generated on first use and kept in var/, outside version control."""

import os
import secrets
from pathlib import Path


def local_secret(var_dir: Path, name: str, length: int = 50, *, kind: str = "token") -> str:
    path = Path(var_dir) / "keys" / name
    if not path.exists():
        if kind == "fernet":
            from cryptography.fernet import Fernet

            value = Fernet.generate_key().decode()
        else:
            value = secrets.token_urlsafe(length)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: when several processes start at once, exactly one writes the key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(value)
    for _ in range(50):
        value = path.read_text().strip()
        if value:
            return value
        import time

        time.sleep(0.01)
    raise RuntimeError(f"empty key file {path}")
