"""The readable German PDF of an Art. 15 package (fpdf2). German text needs a Unicode font:
DejaVu Sans from ``ULM_PRIVACY_FONT_DIR`` (default: ulm_kpi's ``ULM_KPI_REPORT_FONT_DIR``,
else Debian's fonts-dejavu-core); without it the core font Helvetica is used and the text is
narrowed to Latin-1."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT = "DejaVu Sans"
LATIN1 = str.maketrans({"„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'", "–": "-"})


def font_dir() -> Path | None:
    default = getattr(settings, "ULM_KPI_REPORT_FONT_DIR", DEFAULT_FONT_DIR)
    folder = Path(getattr(settings, "ULM_PRIVACY_FONT_DIR", default))
    if (folder / "DejaVuSans.ttf").is_file() and (folder / "DejaVuSans-Bold.ttf").is_file():
        return folder
    return None


class Document:
    """A plain document: headings, paragraphs and label/value lines, with page numbers."""

    def __init__(self, title: str, author: str, page_label: str):
        from fpdf import FPDF

        folder = font_dir()
        self.unicode = folder is not None
        clean = self.clean

        class Pdf(FPDF):
            def footer(inner) -> None:
                inner.set_y(-12)
                inner.set_font(family, "", 8)
                inner.set_text_color(70, 70, 70)
                inner.cell(0, 6, clean(title), align="L")
                inner.set_x(inner.l_margin)
                inner.cell(0, 6, clean(page_label % {"page": inner.page_no()}), align="R")

        self.pdf = pdf = Pdf(orientation="P", unit="mm", format="A4")
        if folder:
            pdf.add_font(FONT, "", str(folder / "DejaVuSans.ttf"))
            pdf.add_font(FONT, "B", str(folder / "DejaVuSans-Bold.ttf"))
            family = FONT
        else:
            family = "helvetica"
        self.family = family
        pdf.set_lang("de")
        pdf.set_title(clean(title))
        pdf.set_author(clean(author))
        pdf.set_creator("ulm-servicepoint")
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.set_margins(15, 15, 15)
        pdf.set_text_color(26, 26, 26)
        pdf.add_page()

    def clean(self, text: object) -> str:
        text = str(text if text is not None else "")
        # control characters other than line breaks have no glyph
        text = "".join(c for c in text if c in "\n\t" or c >= " ").replace("\t", "    ")
        if self.unicode:
            return text
        return text.translate(LATIN1).encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str, level: int = 1) -> None:
        size = {0: 18, 1: 14, 2: 11}[level]
        if level == 1 and self.pdf.get_y() > 240:
            self.pdf.add_page()
        self.pdf.ln(3 if level else 0)
        self.pdf.set_font(self.family, "B", size)
        self.pdf.multi_cell(0, size * 0.5, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def paragraph(self, text: str, size: int = 9) -> None:
        if not text:
            return
        self.pdf.set_font(self.family, "", size)
        self.pdf.multi_cell(0, size * 0.5, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def field(self, label: str, value: object) -> None:
        if value in (None, "", [], {}):
            return
        self.pdf.set_font(self.family, "B", 9)
        self.pdf.write(4.5, self.clean(f"{label}: "))
        self.pdf.set_font(self.family, "", 9)
        self.pdf.write(4.5, self.clean(value))
        self.pdf.ln(5)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
