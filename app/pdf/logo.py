"""The business's logo for PDFs: fetched server-side from the settings' logo URL only, within
size, time and type limits, and kept on disk, so it is fetched once rather than per document."""

import base64
import hashlib
import io
import ipaddress
import json
import logging
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from PIL import Image

from app.pdf.cache import write_atomically

log = logging.getLogger(__name__)

MAX_BYTES = 1024 * 1024
TIMEOUT_SECONDS = 3.0
# What the bytes of each accepted type must turn out to be: the Content-Type header is a claim.
FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
# A small file can declare a huge image, gigabytes once decoded.
MAX_PIXELS = 4096 * 4096
# A logo changes rarely: ask the server once a day whether it did (ETag). After a failure the
# documents go without a logo (or keep the old one) for a few minutes instead of each waiting.
REFRESH_SECONDS = 24 * 3600
RETRY_SECONDS = 300


class LogoRefused(Exception):
    """The URL or its answer is not one a logo may come from."""


@dataclass(frozen=True)
class Logo:
    content_type: str
    sha256: str
    path: Path
    width: int
    height: int

    def data_uri(self) -> str:
        """Inline, so the renderer needs no network access to draw it."""
        encoded = base64.b64encode(self.path.read_bytes()).decode()
        return f"data:{self.content_type};base64,{encoded}"

    def fitted(self, width: float, height: float) -> tuple[float, float]:
        """The printed size that fits the box and keeps the logo's proportions."""
        scale = min(width / self.width, height / self.height)
        return round(self.width * scale, 1), round(self.height * scale, 1)


def dimensions(data: bytes, content_type: str) -> tuple[int, int]:
    """Width and height, read from the image's header (nothing is decoded yet)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
    except (OSError, Image.DecompressionBombError) as error:
        raise LogoRefused(f"the bytes are not an image: {error}") from error
    if kind != FORMATS[content_type]:
        raise LogoRefused(f"the bytes are {kind}, not {content_type}")
    if not 0 < width * height <= MAX_PIXELS:
        raise LogoRefused(f"{width} x {height} pixels is too large")
    return width, height


def check_destination(url: str, development: bool) -> None:
    """https to public addresses only; development and tests may also use http on loopback,
    where their test servers run."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise LogoRefused(str(error)) from error
    if parts.scheme != "https" and not (development and parts.scheme == "http"):
        raise LogoRefused(f"scheme {parts.scheme!r} is not allowed")
    if not parts.hostname:
        raise LogoRefused("no host")
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise LogoRefused(f"cannot resolve {parts.hostname!r}: {error}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not (address.is_global or (development and address.is_loopback)):
            raise LogoRefused(f"{parts.hostname!r} resolves to the non-public address {address}")


def download(url: str, etag: str | None, development: bool) -> tuple[str, bytes, str | None] | None:
    """(content type, bytes, ETag) of the image at `url`; None when unchanged since `etag`."""
    check_destination(url, development)
    # identity: a compressed answer could expand far past the size limit inside one chunk.
    headers = {"Accept": "image/png, image/jpeg", "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    deadline = time.monotonic() + TIMEOUT_SECONDS
    # No redirects: each hop would be a destination nobody checked.
    with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client, \
            client.stream("GET", url, headers=headers) as response:
        if response.status_code == 304 and etag:
            return None
        if response.status_code != 200:
            raise LogoRefused(f"HTTP {response.status_code}")
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in FORMATS:
            raise LogoRefused(f"content type {content_type!r} is not PNG or JPEG")
        if response.headers.get("content-encoding", "identity").lower() != "identity":
            raise LogoRefused("compressed answer")
        if int(response.headers.get("content-length") or 0) > MAX_BYTES:
            raise LogoRefused("larger than 1 MB")
        body = bytearray()
        for chunk in response.iter_raw():
            body += chunk
            if len(body) > MAX_BYTES:
                raise LogoRefused("larger than 1 MB")
            # The timeout bounds each read; this bounds the whole, against a trickling server.
            if time.monotonic() > deadline:
                raise LogoRefused(f"took longer than {TIMEOUT_SECONDS} s")
    return content_type, bytes(body), response.headers.get("etag")


def logo_for(url: str | None, directory: Path, development: bool = False) -> Logo | None:
    """The logo at `url`: from disk while fresh, else fetched (and, when the fetch fails, the
    last good one, if any). None when there is none: a document without its logo is better
    than no document."""
    if not url:
        return None
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    meta_path = directory / f"{hashlib.sha256(url.encode()).hexdigest()}.json"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        meta = {}
    wait = RETRY_SECONDS if meta.get("failed") else REFRESH_SECONDS
    if time.time() - meta.get("checked_at", 0) >= wait:
        meta = refresh(url, meta, directory, development)
        write_atomically(meta_path, json.dumps(meta).encode())
    image = directory / f"{meta.get('sha256')}.img"
    if meta.get("sha256") and image.exists():
        return Logo(meta["content_type"], meta["sha256"], image, meta["width"], meta["height"])
    return None


def refresh(url: str, meta: dict, directory: Path, development: bool) -> dict:
    """The logo's new record, after asking its server."""
    try:
        fetched = download(url, meta.get("etag"), development)
        if fetched is None:
            return {**meta, "failed": False, "checked_at": time.time()}
        content_type, data, etag = fetched
        width, height = dimensions(data, content_type)
    except (LogoRefused, httpx.HTTPError, httpx.InvalidURL) as error:
        log.warning("logo not fetched from %s: %s", url, error)
        return {**meta, "failed": True, "checked_at": time.time()}
    digest = hashlib.sha256(data).hexdigest()
    write_atomically(directory / f"{digest}.img", data)
    return {"content_type": content_type, "sha256": digest, "width": width, "height": height,
            "etag": etag, "failed": False, "checked_at": time.time()}
