"""The renderer on its own: its resource policy, its fonts, and text its fonts cannot draw."""

import io
import subprocess

import pytest
from PIL import Image
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import PERMISSIVE_POLICY, ResourceAccessError

from app.pdf.render import FONTS, POLICY, STATIC_DIR, render_pdf, visible_text
from tests.pdf.pdftools import flat_text, image_count

FONT_CSS = (f'@font-face {{ font-family: DejaVu; src: url("{FONTS["regular"]}"); }}'
            " body { font-family: DejaVu; }")


def hostile(port: int, image_path) -> str:
    """A document that tries every way xhtml2pdf has of fetching something."""
    remote = f"http://127.0.0.1:{port}"
    return f"""<html><head>
      <link rel="stylesheet" href="{remote}/linked.css">
      <style>
        @import url({remote}/imported.css);
        @font-face {{ font-family: Remote; src: url({remote}/font.ttf); }}
        body {{ background-image: url({remote}/background.png); }}
      </style></head>
      <body><p>Hello</p><img src="{remote}/image.png"><img src="{image_path}">
      <img src="file:///etc/passwd"><img src="/etc/passwd"></body></html>"""


@pytest.fixture
def outside_png(tmp_path):
    """A real image outside the directories the renderer may read."""
    path = tmp_path / "outside.png"
    Image.new("RGB", (40, 20), "red").save(path)
    return path


def test_the_renderer_fetches_nothing_remote_and_reads_no_other_files(listener, outside_png):
    pdf = render_pdf(hostile(listener.port, outside_png))
    assert "Hello" in flat_text(pdf)
    assert listener.connections == 0
    assert image_count(pdf) == 0


def test_without_the_policy_the_same_document_would_fetch_and_read(listener, outside_png):
    """The control: what the policy prevents does happen without it."""
    out = io.BytesIO()
    pisa.pisaDocument(hostile(listener.port, outside_png), dest=out,
                      resource_policy=PERMISSIVE_POLICY)
    assert listener.connections > 0
    assert image_count(out.getvalue()) == 1


@pytest.mark.parametrize("url", ["https://93.184.216.34/logo.png", "http://127.0.0.1/",
                                 "ftp://example.com/x"])
def test_the_policy_refuses_every_remote_url_public_ones_too(url):
    with pytest.raises(ResourceAccessError):
        POLICY.check_url(url)


def test_the_policy_reads_only_the_static_files_and_the_fonts(tmp_path):
    POLICY.check_path(FONTS["bold"])
    POLICY.check_path(STATIC_DIR / "portal.css")
    for outside in (tmp_path / "x.png", STATIC_DIR.parent / "config.py", "/etc/passwd"):
        with pytest.raises(ResourceAccessError):
            POLICY.check_path(outside)


def test_the_dejavu_fonts_are_embedded(tmp_path):
    pdf = render_pdf(f"<html><head><style>{FONT_CSS}</style></head><body>Ωμέγα Жж</body></html>")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout
    assert "DejaVuSans" in fonts and " yes yes yes " in fonts
    assert "Ωμέγα Жж" in flat_text(pdf)


def test_characters_the_fonts_lack_print_as_replacement_marks_without_crashing():
    pdf = render_pdf(f"<html><head><style>{FONT_CSS}</style></head>"
                     "<body><p>漢字 | a\x00b\x1bc | 𝄞 | Ελληνικά</p></body></html>")
    assert "\ufffd\ufffd | a\ufffdb\ufffdc | \ufffd | Ελληνικά" in flat_text(pdf)


def test_visible_text_keeps_what_the_fonts_draw():
    assert visible_text("Zoë Ωμέγα Жж €\t\r\n") == "Zoë Ωμέγα Жж €\t\r\n"
    assert visible_text("漢\x07") == "\ufffd\ufffd"
