"""``manage.py kpi_report`` prints the dashboard's figures: JSON with the keys the issue names,
CSV and XLSX to a file, one department; an inverted period is refused in German."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from ulm_kpi import services as kpi
from ulm_kpi.tests import data


@pytest.fixture
def week(demo):
    office = data.queue("kpi-amt", "KPI-Amt")
    other = data.queue("kpi-anderes", "KPI-Anderes Amt")
    data.case(
        "2026-03-02 09:10", office, "phone", first_contact=True, first_answer="2026-03-02 09:12"
    )
    data.case("2026-03-03 10:00", other, "email", first_answer="2026-03-03 11:00")
    kpi.refresh()
    return office


def test_json_has_every_figure_the_issue_names(week):
    out = io.StringIO()
    call_command("kpi_report", "--from", "2026-03-02", "--to", "2026-03-08", stdout=out)
    figures = json.loads(out.getvalue())
    for key in (
        "contacts", "first_contact_resolution", "reachability", "handoffs", "first_response",
        "resolution", "top_request_types", "knowledge", "backlog", "satisfaction", "quality",
    ):  # fmt: skip
        assert key in figures, key
    assert figures["contacts"]["by_channel"]["phone"] == 1
    assert figures["contacts"]["total"] == 2
    assert figures["first_contact_resolution"] == {
        **figures["first_contact_resolution"], "rate": 0.5, "target": 0.65,
    }  # fmt: skip
    assert set(figures["reachability"]) >= {"rate", "target"}
    assert set(figures["handoffs"]) >= {"total", "on_time_rate"}
    assert set(figures["first_response"]) >= {"median_minutes", "p90_minutes"}
    assert figures["first_response"]["median_minutes"] == 5


def test_one_department_as_csv_and_xlsx_files(week, tmp_path):
    csv = tmp_path / "k.csv"
    call_command(
        "kpi_report", "--from", "2026-03-02", "--to", "2026-03-08", "--department", "kpi-amt",
        "--format", "csv", "--output", str(csv),
    )  # fmt: skip
    text = csv.read_text(encoding="utf-8-sig")
    assert "Kontakte" in text
    assert "KPI-Amt" in text
    xlsx = tmp_path / "k.xlsx"
    call_command(
        "kpi_report", "--from", "2026-03-02", "--to", "2026-03-08", "--format", "xlsx",
        "--output", str(xlsx),
    )  # fmt: skip
    assert "xl/workbook.xml" in zipfile.ZipFile(xlsx).namelist()


def test_an_inverted_period_is_refused_in_german(demo):
    with pytest.raises(CommandError, match="endet vor seinem Anfang"):
        call_command("kpi_report", "--from", "2026-03-08", "--to", "2026-03-01")
    with pytest.raises(CommandError, match="keine Abteilung"):
        call_command(
            "kpi_report", "--from", "2026-03-01", "--to", "2026-03-08", "--department", "x"
        )


def test_settings_are_checked(settings):
    from ulm_kpi.checks import check_kpi_settings

    assert check_kpi_settings() == []
    settings.ULM_KPI_TARGETS = {"first_contact_resolution": 65, "erreichbarkeit": 0.7}
    settings.ULM_KPI_REFRESH_DAYS = 0
    ids = sorted(error.id for error in check_kpi_settings())
    assert ids == ["ulm_kpi.E002", "ulm_kpi.E003", "ulm_kpi.E004"]
