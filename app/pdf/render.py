"""HTML to PDF with xhtml2pdf, under a resource policy that fetches nothing remote and reads
only the project's static files and the DejaVu fonts."""

import io
import re
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase.ttfonts import TTFontFile
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

# Debian's fonts-dejavu-core: Latin, Greek, Cyrillic and more, embedded in every PDF.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {"regular": FONT_DIR / "DejaVuSans.ttf", "bold": FONT_DIR / "DejaVuSans-Bold.ttf"}
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# The documents carry text that clients and administrators typed, so the renderer is treated as
# rendering untrusted HTML (escaping is the first line, this the second): no network at all, and
# local reads only below these two directories. The logo arrives inline, as a data: URI.
POLICY = ResourceAccessPolicy.server(base_dir=STATIC_DIR, extra_roots=(FONT_DIR,),
                                     allow_remote=False, max_render_seconds=30)

REPLACEMENT = "\ufffd"
NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Controls other than tab, newline and carriage return mean nothing on paper, and some upset
# the HTML parser.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RenderError(Exception):
    """xhtml2pdf reported errors while converting the document."""


@lru_cache(maxsize=1)
def drawable() -> frozenset[int]:
    """Code points both faces have a glyph for (read once: the files are 700 kB each)."""
    regular, bold = (set(TTFontFile(str(path)).charToGlyph) for path in FONTS.values())
    return frozenset(regular & bold)


def visible_text(html: str) -> str:
    """Replace what the fonts cannot draw with U+FFFD, which they can: a missing glyph would
    print as a blank or an empty box, and be lost to search and copying without a trace."""
    glyphs = drawable()
    html = CONTROLS.sub(REPLACEMENT, html)
    return NON_ASCII.sub(lambda m: m.group() if ord(m.group()) in glyphs else REPLACEMENT, html)


def render_pdf(html: str) -> bytes:
    """The PDF of a complete HTML document."""
    out = io.BytesIO()
    status = pisa.pisaDocument(visible_text(html), dest=out, resource_policy=POLICY)
    if status.err:
        raise RenderError(f"xhtml2pdf reported {status.err} error(s)")
    return out.getvalue()
