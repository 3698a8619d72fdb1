"""The dashboard's and the report's charts: valid SVG a screen reader can name and describe,
series told apart by pattern, German words, escaped names, and "Keine Daten" for an empty
period."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from ulm_kpi import charts
from ulm_kpi.tests.figures_example import empty, example

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  # our own output


def contrast_against_white(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize(("name", "render"), charts.ALL)
def test_every_chart_is_named_and_described_for_screen_readers(name, render):
    root = parse(render(example()))
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text
    assert len(desc.text) > 20
    assert "style" not in render(example())  # presentation attributes only


def test_the_description_states_the_figures_in_german():
    desc = parse(charts.channels(example())).find(f"{SVG}desc").text
    assert "Kontakte je Kanal" in desc
    assert "E-Mail: 500" in desc
    assert "Telefon: 400" in desc
    assert "insgesamt 1.234" in desc
    targets = parse(charts.targets(example())).find(f"{SVG}desc").text
    assert "Erstlösungsquote: 68 % (Ziel 65 %)" in targets.replace("\u00a0", " ")


def test_stacked_series_differ_by_pattern_and_have_a_text_legend():
    svg = charts.contacts_by_day(example())
    root = parse(svg)
    patterns = root.findall(f".//{SVG}pattern")
    # five channels have contacts in the example (none "Sonstiges"): five patterns
    assert len(patterns) == 5
    kinds = {"".join(sorted({child.tag for child in p})) for p in patterns}
    assert len(kinds) >= 3  # plain, lines, dots: not colour alone
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for word in ("E-Mail", "Telefon", "Kontaktformular", "Schalter", "Brief"):
        assert word in texts


def test_every_series_colour_has_three_to_one_contrast_against_white():
    for colour, _kind in charts.SERIES_STYLES:
        assert contrast_against_white(colour) >= 3.0, colour


def test_charts_on_one_page_have_unique_ids():
    page = "".join(str(render(example())) for _name, render in charts.ALL)
    page += str(charts.channels(example()))  # the same chart twice
    ids = [e.get("id") for e in parse(f"<div>{page}</div>").iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_names_from_data_are_escaped():
    figures = example()
    figures["handoffs"]["by_department"][0]["department"] = "<script>alert(1)</script>"
    figures["backlog"]["by_department"][0]["department"] = '"><img src=x onerror=alert(1)>'
    figures["top_request_types"][0]["request_type"] = "Müll & <b>Sperrgut</b>"
    for render in (charts.handoffs_by_department, charts.backlog_by_age, charts.top_request_types):
        svg = str(render(figures))
        assert "<script>" not in svg
        assert "<img" not in svg
        assert "<b>" not in svg
        parse(svg)  # still well-formed
    svg = str(charts.handoffs_by_department(figures))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    root = parse(svg)
    assert "<script>alert(1)</script>" in [t.text for t in root.iter(f"{SVG}text")]


def test_the_target_is_marked():
    root = parse(charts.targets(example()))
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 4  # three targets and the legend's sample
    assert "Ziel" in [t.text for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize(("name", "render"), charts.ALL)
def test_an_empty_period_says_no_data(name, render):
    svg = render(empty())
    root = parse(svg)
    assert "Keine Daten" in [t.text for t in root.iter(f"{SVG}text")]
    assert root.find(f"{SVG}title").text


def test_missing_parts_of_the_figures_are_no_data_too():
    for _name, render in charts.ALL:
        assert "Keine Daten" in render({})


def test_the_pdf_variant_draws_the_patterns_into_the_bars():
    svg = charts.backlog_by_age(example(), pdf=True)
    root = parse(svg)
    assert root.find(f".//{SVG}pattern") is None
    assert "url(#" not in svg
    # hatching lines and dots are drawn in white over the coloured bars
    assert any(p.get("stroke") == "#ffffff" for p in root.iter(f"{SVG}path"))
    assert any(c.get("fill") == "#ffffff" for c in root.iter(f"{SVG}circle"))


def test_a_year_by_day_is_described_by_its_extremes():
    figures = example()
    days = figures["contacts"]["by_day"]
    year = []
    for month in range(12):
        for day in days:
            year.append({**day, "day": f"2026-{month + 1:02d}-{day['day'][-2:]}"})
    year[40] = {**year[40], "total": 500}
    figures["contacts"]["by_day"] = year
    svg = charts.contacts_by_day(figures)
    desc = parse(svg).find(f"{SVG}desc").text
    assert "über 360 Tage" in desc
    assert "die meisten am 11.02.2026 (500)" in desc
    assert len(desc) < 600


def test_all_charts_for_a_template():
    rendered = charts.all_charts(example())
    assert rendered["by_day"] is rendered["contacts_by_day"]
    for name, _render in charts.ALL:
        parse(rendered[name])
