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
        self._widths: dict[tuple[bool, float], dict[str, float]] = {}

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
        self._lines("", self.clean(text), size, size * 0.5, bold=True)
        self.pdf.ln(1)

    def paragraph(self, text: str, size: int = 9) -> None:
        if not text:
            return
        self._lines("", self.clean(text), size, size * 0.5)
        self.pdf.ln(1)

    def field(self, label: str, value: object) -> None:
        if value in (None, "", [], {}):
            return
        self._lines(self.clean(f"{label}: "), self.clean(value), 9, 4.5)

    # fpdf2's multi_cell measures a line anew for every character (quadratic in the line's
    # length: 60 s for 200 requests); words are measured once here and lines set with cell
    def _width(self, text: str, bold: bool, size: float) -> float:
        widths = self._widths.setdefault((bold, size), {})
        total = 0.0
        for char in text:
            width = widths.get(char)
            if width is None:
                width = widths[char] = self.pdf.get_string_width(char)
            total += width
        return total

    def _lines(self, label: str, text: str, size: float, height: float, bold: bool = False):
        pdf = self.pdf
        full = pdf.epw
        pdf.set_font(self.family, "B" if bold or label else "", size)
        label_width = self._width(label, True, size) if label else 0.0
        pdf.set_font(self.family, "B" if bold else "", size)
        space = self._width(" ", bold, size)
        lines: list[str] = []
        for raw_line in text.split("\n") or [""]:
            current, used = "", 0.0
            limit = full - (label_width if not lines else 0.0)
            for word in raw_line.split(" "):
                width = self._width(word, bold, size)
                while width > full:  # a word longer than a line is cut
                    if current:
                        lines.append(current)
                        current, used, limit = "", 0.0, full
                    cut = len(word)
                    while cut > 1 and self._width(word[:cut], bold, size) > limit:
                        cut -= 1
                    lines.append(word[:cut])
                    word = word[cut:]
                    width = self._width(word, bold, size)
                    limit = full
                extra = width + (space if current else 0.0)
                if current and used + extra > limit:
                    lines.append(current)
                    current, used, limit = word, width, full
                else:
                    current = f"{current} {word}" if current else word
                    used += extra
            lines.append(current)
        for number, line in enumerate(lines):
            if number == 0 and label:
                pdf.set_font(self.family, "B", size)
                pdf.cell(label_width, height, label)
                pdf.set_font(self.family, "B" if bold else "", size)
                pdf.cell(full - label_width, height, line, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.cell(full, height, line, new_x="LMARGIN", new_y="NEXT")

    def output(self) -> bytes:
        return bytes(self.pdf.output())
