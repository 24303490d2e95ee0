"""The logo: fetched once, server-side, within limits, from the settings' URL only; a PDF
without it when it cannot be had."""

import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from app.pdf import logo as logo_module
from app.pdf.logo import LogoRefused, check_destination, logo_for
from tests.pdf.pdftools import image_count, save_png


def png(width=160, height=48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (31, 75, 153)).save(out, "PNG")
    return out.getvalue()


class LogoServer:
    """A loopback HTTP server: each path answers (status, headers, body chunks, seconds between
    chunks); every request is recorded with its headers."""

    def __init__(self):
        self.routes, self.requests = {}, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                status, headers, chunks, pause = server.routes.get(self.path, (404, {}, [b""], 0))
                etag = headers.get("ETag")
                if status == 200 and etag and self.headers.get("If-None-Match") == etag:
                    status, chunks = 304, [b""]
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    for chunk in chunks:
                        time.sleep(pause)
                        self.wfile.write(chunk)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the portal gave up on the answer, as a limit told it to

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def serve(self, path, body, content_type="image/png", status=200, pause=0.0, chunks=1,
              declare_length=True, **headers):
        """Without declare_length the body simply runs until the connection closes."""
        size = len(body) // chunks + 1
        if declare_length:
            headers["Content-Length"] = str(len(body))
        self.routes[path] = (status, {"Content-Type": content_type, **headers},
                             [body[i:i + size] for i in range(0, len(body), size)] or [b""], pause)
        return self.url + path

    def hits(self, path) -> int:
        return sum(1 for requested, _ in self.requests if requested == path)


@pytest.fixture
def server():
    serving = LogoServer()
    yield serving
    serving.httpd.shutdown()
    serving.httpd.server_close()


def test_a_logo_is_fetched_once_and_kept_on_disk(server, tmp_path):
    url = server.serve("/logo.png", png())
    logo = logo_for(url, tmp_path, development=True)
    assert (logo.content_type, logo.width, logo.height) == ("image/png", 160, 48)
    assert logo.fitted(180, 54) == (180, 54) and logo.fitted(100, 100) == (100, 30)
    assert logo.data_uri().startswith("data:image/png;base64,iVBORw0KGgo")
    for _ in range(3):
        assert logo_for(url, tmp_path, development=True) == logo
    assert server.hits("/logo.png") == 1


def test_a_day_later_the_logo_is_revalidated_by_its_etag(server, tmp_path):
    url = server.serve("/logo.png", png(), ETag='"v1"')
    first = logo_for(url, tmp_path, development=True)
    (meta,) = tmp_path.glob("*.json")
    meta.write_text(json.dumps({**json.loads(meta.read_text()),
                                "checked_at": time.time() - logo_module.REFRESH_SECONDS}))
    assert logo_for(url, tmp_path, development=True) == first
    assert server.hits("/logo.png") == 2
    assert server.requests[-1][1].get("If-None-Match") == '"v1"'


def test_a_jpeg_is_accepted_too(server, tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "JPEG")
    url = server.serve("/logo.jpg", out.getvalue(), "image/jpeg")
    assert logo_for(url, tmp_path, development=True).content_type == "image/jpeg"


@pytest.mark.parametrize("answer,reason", [
    ({"body": png() + b"\0" * (1024 * 1024)}, "larger than 1 MB"),
    ({"body": b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024), "chunks": 8, "declare_length": False},
     "larger than 1 MB"),
    ({"body": b"<html>not an image</html>", "content_type": "text/html"}, "is not PNG or JPEG"),
    ({"body": b"<svg xmlns='http://www.w3.org/2000/svg'/>", "content_type": "image/svg+xml"},
     "is not PNG or JPEG"),
    ({"body": b"GIF89a not a png"}, "the bytes are not an image"),
    ({"body": png(), "content_type": "image/jpeg"}, "the bytes are PNG, not image/jpeg"),
    ({"body": png(5000, 4000)}, "5000 x 4000 pixels is too large"),
    ({"body": png(), "Content-Encoding": "gzip"}, "compressed answer"),
    ({"body": png(), "status": 500}, "HTTP 500"),
])
def test_a_logo_outside_the_limits_is_refused(server, tmp_path, caplog, answer, reason):
    answer = dict(answer)
    url = server.serve("/logo", answer.pop("body"), **answer)
    assert logo_for(url, tmp_path, development=True) is None
    assert server.hits("/logo") == 1
    assert reason in caplog.text


def test_a_redirect_is_not_followed(server, tmp_path):
    target = server.serve("/elsewhere.png", png())
    url = server.serve("/logo.png", b"", status=302, Location=target)
    assert logo_for(url, tmp_path, development=True) is None
    assert server.hits("/elsewhere.png") == 0


def test_a_slow_server_is_given_up_on_in_time(server, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(logo_module, "TIMEOUT_SECONDS", 0.5)
    # Each chunk arrives within the per-read timeout; the whole takes 2 s.
    url = server.serve("/logo.png", png(), pause=0.2, chunks=10)
    started = time.monotonic()
    assert logo_for(url, tmp_path, development=True) is None
    assert time.monotonic() - started < 1.5  # the whole answer takes 2 s
    assert "took longer than 0.5 s" in caplog.text


def test_after_a_failure_documents_go_without_a_logo_for_a_while(server, tmp_path):
    url = server.serve("/logo.png", b"", status=503)
    assert logo_for(url, tmp_path, development=True) is None
    server.serve("/logo.png", png())
    assert logo_for(url, tmp_path, development=True) is None
    assert server.hits("/logo.png") == 1


def test_a_failed_refresh_keeps_the_last_good_logo(server, tmp_path):
    url = server.serve("/logo.png", png())
    first = logo_for(url, tmp_path, development=True)
    (meta,) = tmp_path.glob("*.json")
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "checked_at": 0}))
    server.serve("/logo.png", b"", status=503)
    assert logo_for(url, tmp_path, development=True) == first
    assert server.hits("/logo.png") == 2


def test_production_fetches_only_https_from_public_addresses(server, tmp_path):
    url = server.serve("/logo.png", png())
    assert logo_for(url, tmp_path, development=False) is None
    assert logo_for(url.replace("http:", "https:"), tmp_path / "tls", development=False) is None
    assert server.requests == []
    for refused in ("https://localhost/logo.png", "https://10.0.0.8/logo.png", "https://169.254.169.254/",
                    "ftp://example.com/logo.png", "https://[::1]/logo.png", "https://example.com:99999/"):
        with pytest.raises(LogoRefused):
            check_destination(refused, development=False)
    check_destination("https://93.184.216.34/logo.png", development=False)  # public: no error


def test_the_logo_is_printed_on_the_pdf_and_fetched_once(server, settings, new_client, add_invoice):
    settings(logo_url=server.serve("/brand.png", png()))
    browser, client_id = new_client("Logo Client")
    for number in ("LOGO-1", "LOGO-2"):
        invoice_id = add_invoice(client_id, [("Work", 1, 100, 0)], number=number)
        pdf = browser.get(f"/invoices/{invoice_id}/pdf").data
        assert image_count(pdf) == 1
    save_png(pdf, "pdf-invoice-with-logo")
    assert server.hits("/brand.png") == 1


def test_a_failed_logo_fetch_still_gives_a_pdf(server, settings, new_client, add_invoice):
    settings(logo_url=server.serve("/brand.png", b"", status=500))
    browser, client_id = new_client("No Logo Client")
    response = browser.get(f"/invoices/{add_invoice(client_id, [('Work', 1, 100, 0)])}/pdf")
    assert response.status_code == 200 and image_count(response.data) == 0
    assert server.hits("/brand.png") == 1
