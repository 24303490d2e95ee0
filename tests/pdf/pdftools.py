"""Reading PDFs back with poppler (pdftotext, pdfinfo, pdftoppm, pdfimages), and a loopback
listener that records whether anything connected to it."""

import re
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from app.config import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"


def _poppler(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run([tool, *args, handle.name, *(["-"] if tool == "pdftotext" else [])],
                              check=True, capture_output=True, text=True).stdout


def page_texts(pdf: bytes, layout: bool = True) -> list[str]:
    """Each page's text; with `layout`, a table row stays on one line as it is printed."""
    pages = _poppler("pdftotext", pdf, *(["-layout"] if layout else [])).split("\f")
    return pages[:-1]  # pdftotext ends every page, the last one too, with a form feed


def flat_text(pdf: bytes) -> str:
    """The whole text with every run of whitespace as one space: for strings that may wrap."""
    return " ".join(" ".join(page_texts(pdf, layout=False)).split())


def pdf_info(pdf: bytes) -> str:
    return _poppler("pdfinfo", pdf)


def page_count(pdf: bytes) -> int:
    return int(re.search(r"^Pages:\s+(\d+)$", pdf_info(pdf), re.M).group(1))


def image_count(pdf: bytes) -> int:
    listing = _poppler("pdfimages", pdf, "-list").splitlines()
    return len(listing) - 2  # a header line and a rule


def save_png(pdf: bytes, name: str, page: int = 1) -> Path:
    """The page as a PNG in tests/artifacts/, for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page),
                        "-singlefile", handle.name, str(ARTIFACTS / name)], check=True)
    return ARTIFACTS / f"{name}.png"


class Listener:
    """A TCP port on loopback that accepts and counts connections, answering nothing."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self._connections = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self._connections += 1
            connection.close()

    @property
    def connections(self) -> int:
        """Connections so far; a moment's wait lets the accepting thread count the last one."""
        time.sleep(0.1)
        return self._connections

    def close(self):
        self.socket.shutdown(socket.SHUT_RDWR)
        self.socket.close()
