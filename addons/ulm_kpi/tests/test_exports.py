"""The figures as CSV and XLSX: German headers German Excel opens correctly, every figure
present, and no formula smuggled in through a name."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.utils import translation

from ulm_kpi import exports
from ulm_kpi.tests.figures_example import empty, example

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_opens_in_german_excel_with_german_headers():
    text = exports.to_csv(example())
    rows = csv_rows(text)
    assert rows[0] == ["Bereich", "Kennzahl", "Wert", "Vorzeitraum", "Ziel"]
    assert "\r\n" in text
    by_figure = {(r[0], r[1]): r[2:] for r in rows if len(r) == 5}
    assert by_figure[("Kontakte", "Kontakte insgesamt")] == ["1234", "1100", ""]
    # rates as German Excel reads a percentage: "91,5%"
    assert by_figure[("Erstlösungsquote", "Quote")] == ["68%", "66%", "65%"]
    assert by_figure[("Weiterleitungen", "Rückmeldung rechtzeitig (Quote)")][0] == "91,5%"
    assert by_figure[("Zeit bis zur ersten Antwort", translation.gettext("Median"))][:2] == [
        "bis 45 Min.",
        "bis 1 Std.",
    ]
    assert by_figure[("Zeit bis zur Erledigung", "90. Perzentil")][0] == "bis 2 Tage"
    assert by_figure[("Zufriedenheit", "Durchschnitt (1–5)")][:2] == ["4,3", "4,1"]


def test_csv_has_the_breakdowns_per_day_hour_and_department():
    rows = csv_rows(exports.to_csv(example()))
    header = rows.index(
        [
            "Tag",
            "Kontakte",
            "E-Mail",
            "Telefon",
            "Kontaktformular",
            "Schalter",
            "Brief",
            "Sonstiges",
        ]
    )
    assert rows[header + 1][0] == "01.11.2026"
    assert sum(1 for r in rows if re.fullmatch(r"\d\d\.11\.2026", r[0] if r else "")) == 30
    assert ["09–10 Uhr", "150"] in rows
    assert any(r[:3] == ["Kfz-Zulassung", "120", "110"] for r in rows)  # handoffs
    assert any(r[:3] == ["Abfallwirtschaft", "33", "10"] for r in rows)  # backlog
    assert ["Personalausweis beantragen", "200", "16%"] in rows


def test_an_empty_period_exports_zeros_and_no_data():
    rows = csv_rows(exports.to_csv(empty()))
    by_figure = {(r[0], r[1]): r[2:] for r in rows if len(r) == 5}
    assert by_figure[("Kontakte", "Kontakte insgesamt")][0] == "0"
    assert by_figure[("Erstlösungsquote", "Quote")][0] == "keine Daten"
    assert by_figure[("Zeit bis zur Erledigung", translation.gettext("Median"))][0] == "keine Daten"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_names_that_would_be_formulas_are_defused(start):
    figures = example()
    figures["top_request_types"][0]["request_type"] = f'{start}HYPERLINK("http://x","y")'
    figures["handoffs"]["by_department"][0]["department"] = f"{start}1+1"
    text = exports.to_csv(figures)
    rows = csv_rows(text)
    assert [f'\'{start}HYPERLINK("http://x","y")', "200", "16%"] in rows
    assert any(r and r[0] == f"'{start}1+1" for r in rows)
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    book = zipfile.ZipFile(io.BytesIO(exports.to_xlsx(figures)))
    strings = book.read("xl/sharedStrings.xml").decode()
    assert f"'{start}1+1" in strings
    for name in book.namelist():
        if name.startswith("xl/worksheets/"):
            assert "<f>" not in book.read(name).decode()  # no formula anywhere


def sheets(data: bytes) -> tuple[list[str], zipfile.ZipFile]:
    book = zipfile.ZipFile(io.BytesIO(data))
    root = ET.fromstring(book.read("xl/workbook.xml"))  # noqa: S314  # our own output
    return [s.get("name") for s in root.iter(f"{MAIN}sheet")], book


def test_xlsx_has_a_sheet_per_section_with_a_bold_header():
    names, book = sheets(exports.to_xlsx(example()))
    assert names == [
        "Kennzahlen",
        "Kontakte je Tag",
        "Kontakte je Stunde",
        "Weiterleitungen",
        "Anliegenarten",
        "Wissensdatenbank",
        "Zufriedenheit",
        "Qualität",
        "Offene Anliegen",
    ]
    strings = [
        "".join(t.text or "" for t in si.iter(f"{MAIN}t"))
        for si in ET.fromstring(book.read("xl/sharedStrings.xml")).iter(f"{MAIN}si")  # noqa: S314
    ]
    first = ET.fromstring(book.read("xl/worksheets/sheet1.xml"))  # noqa: S314
    header = next(first.iter(f"{MAIN}row"))
    cells = list(header.iter(f"{MAIN}c"))
    assert [strings[int(c.find(f"{MAIN}v").text)] for c in cells] == [
        "Bereich",
        "Kennzahl",
        "Wert",
        "Vorzeitraum",
        "Ziel",
    ]
    styles = ET.fromstring(book.read("xl/styles.xml"))  # noqa: S314
    fonts = list(styles.find(f"{MAIN}fonts"))
    xfs = list(styles.find(f"{MAIN}cellXfs"))
    style = xfs[int(cells[0].get("s"))]
    assert fonts[int(style.get("fontId"))].find(f"{MAIN}b") is not None
    # rates are numbers with a percent format, not text
    assert "0.0%" in book.read("xl/styles.xml").decode()


def test_xlsx_of_an_empty_period():
    names, _book = sheets(exports.to_xlsx(empty()))
    assert len(names) == 9


def test_download_response():
    answer = exports.response(example(), "csv", "kennzahlen-2026-11")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="kennzahlen-2026-11.csv"' in answer["Content-Disposition"]
    assert answer.content.startswith("\ufeff".encode())
    answer = exports.response(example(), "xlsx", "kennzahlen-2026-11")
    assert answer.content.startswith(b"PK")
    with pytest.raises(ValueError, match="pdf"):
        exports.response(example(), "pdf", "x")


def test_a_table_beside_its_chart_escapes_names_and_says_no_data():
    from django.template.loader import render_to_string

    figures = example()
    figures["handoffs"]["by_department"][0]["department"] = "<script>alert(1)</script>"
    tables = exports.tables_by_id(figures)
    assert set(tables) == {
        "overview",
        "by_day",
        "by_hour",
        "handoffs",
        "request_types",
        "knowledge",
        "satisfaction",
        "quality",
        "backlog",
    }
    html = render_to_string("ulm_kpi/report_table.html", {"table": tables["handoffs"]})
    assert "<caption>Weiterleitungen je Abteilung</caption>" in html
    assert '<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;</th>' in html
    assert "<td>91,7\u00a0%</td>" in html
    empty_table = exports.tables_by_id(empty())["backlog"]
    html = render_to_string("ulm_kpi/report_table.html", {"table": empty_table})
    assert "Keine Daten" in html
