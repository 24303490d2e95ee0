"""Rendered PDFs on disk, by a key that follows what a PDF is rendered from: a hash of all of it
(receipts, statements), or of versions that name it (an invoice's or quote's stamp, see
app/pdf/views.py:stamp_key). A changed document or settings row simply has another key, and
nothing expires by time."""

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

from app.config import PROJECT_ROOT

DEFAULT_DIR = PROJECT_ROOT / ".portal" / "pdf-cache"
DEFAULT_MAX_FILES = 1000
# How fresh a PDF's last use must be kept on disk: eviction's "least recently used" is to the hour.
TOUCH_SECONDS = 3600


def write_atomically(path: Path, data: bytes) -> None:
    """Written under a temporary name and renamed: a reader sees the whole file or none."""
    handle = tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(data)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def cache_key(template_version: str, data: dict, logo_sha256: str | None) -> str:
    """sha256 of the templates' version, the JSON of `data` (what is rendered, or the versions
    naming it) and the logo's bytes."""
    digest = hashlib.sha256(template_version.encode())
    digest.update(json.dumps(data, sort_keys=True, separators=(",", ":"), default=str).encode())
    digest.update((logo_sha256 or "no logo").encode())
    return digest.hexdigest()


class PdfCache:
    def __init__(self, directory: Path, max_files: int = DEFAULT_MAX_FILES):
        self.directory, self.max_files = Path(directory), max_files

    @classmethod
    def from_config(cls, config) -> "PdfCache":
        return cls(config.get("PDF_CACHE_DIR", DEFAULT_DIR),
                   config.get("PDF_CACHE_MAX_FILES", DEFAULT_MAX_FILES))

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.pdf"

    def get(self, key: str) -> bytes | None:
        try:
            with open(self.path(key), "rb") as handle:
                pdf = handle.read()
                # Touched, so eviction removes the least recently used rather than the oldest;
                # at most once per TOUCH_SECONDS, not on every download (a write to the disk).
                if time.time() - os.fstat(handle.fileno()).st_mtime > TOUCH_SECONDS:
                    os.utime(handle.fileno())
        except OSError:
            return None
        return pdf

    def put(self, key: str, pdf: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomically(self.path(key), pdf)
        self.evict()

    def evict(self) -> None:
        """Keep at most max_files PDFs, dropping the least recently used."""
        entries = []
        for path in self.directory.glob("*.pdf"):
            try:
                entries.append((path.stat().st_mtime_ns, path))
            except FileNotFoundError:  # another worker evicted it first
                continue
        entries.sort()
        for _, path in entries[:max(len(entries) - self.max_files, 0)]:
            path.unlink(missing_ok=True)
