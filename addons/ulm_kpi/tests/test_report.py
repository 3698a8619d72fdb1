"""The monthly report: asked for by a person or the monthly job, made by the worker as a PDF,
kept and downloaded only by those who may see the key figures."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from helpdesk.models import Queue
from procrastinate.contrib.django.models import ProcrastinateJob

from ulm_kpi import jobs, report
from ulm_kpi.models import MonthlyReport
from ulm_kpi.tests.figures_example import empty, example

URL = "/helpdesk/kennzahlen/berichte/"


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def lead(demo, django_user_model):
    """The service center's lead: may see the key figures."""
    user = django_user_model.objects.create_user("lena.leitung", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_kpis"))
    return user


def build_jobs() -> list[ProcrastinateJob]:
    return list(ProcrastinateJob.objects.filter(task_name="ulm_kpi.build_monthly_report"))


def pdf_title(data: bytes) -> str:
    """The document title fpdf2 writes into the PDF's info (UTF-16 hex or plain)."""
    match = re.search(rb"/Title\s*<FEFF([0-9A-F]+)>", data, re.IGNORECASE)
    if match:
        return bytes.fromhex(match.group(1).decode()).decode("utf-16-be")
    match = re.search(rb"/Title\s*\((.*?)\)", data)
    return match.group(1).decode("latin-1") if match else ""


def test_request_records_the_report_and_its_job_in_one_transaction(db):
    made = report.request_monthly_report(date(2026, 11, 17))
    assert made.month == date(2026, 11, 1)
    assert made.state == MonthlyReport.State.PENDING
    assert made.department is None
    [job] = build_jobs()
    assert job.args == {"report_id": made.pk}

    def request_then_fail() -> None:
        with transaction.atomic():
            report.request_monthly_report(date(2026, 10, 1))
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        request_then_fail()
    assert MonthlyReport.objects.count() == 1
    assert len(build_jobs()) == 1  # nor a job without its report


@pytest.mark.parametrize(
    ("month", "message"),
    [
        (date(2099, 1, 1), "Zukunft"),
        (date(1999, 12, 1), "Januar 2000"),
    ],
)
def test_no_report_for_the_future_or_before_2000(db, month, message):
    with pytest.raises(report.ReportInvalid, match=message):
        report.request_monthly_report(month)
    assert not MonthlyReport.objects.exists()
    assert not build_jobs()


def test_the_worker_makes_the_pdf(db):
    made = report.request_monthly_report(date(2026, 11, 1))
    report.run_monthly_report(made.pk, figures_for=lambda r: example())
    made.refresh_from_db()
    assert made.state == MonthlyReport.State.DONE
    assert made.finished_at is not None
    data = made.file.read()
    assert data.startswith(b"%PDF")
    assert pdf_title(data) == "Kennzahlen des Bürgerservice – November 2026"
    assert len(data) > 20_000  # charts and tables, not an empty page
    assert made.file.name.startswith("kennzahlen/berichte/2026/")


def test_the_worker_makes_a_pdf_for_an_empty_month_too(db):
    made = report.request_monthly_report(date(2026, 11, 1))
    report.run_monthly_report(made.pk, figures_for=lambda r: empty())
    made.refresh_from_db()
    assert made.state == MonthlyReport.State.DONE
    assert made.file.read().startswith(b"%PDF")


def test_without_the_dejavu_font_the_pdf_is_made_in_latin1(db, settings, tmp_path):
    settings.ULM_KPI_REPORT_FONT_DIR = str(tmp_path / "no-fonts")
    made = report.request_monthly_report(date(2026, 11, 1))
    report.build_monthly_report(made, example())
    data = made.file.read()
    assert data.startswith(b"%PDF")
    assert pdf_title(data) == "Kennzahlen des Bürgerservice - November 2026"


def test_a_failure_is_recorded_on_the_report(db):
    made = report.request_monthly_report(date(2026, 11, 1))

    def broken(_report):
        raise ValueError("die Zahlen fehlen")

    report.run_monthly_report(made.pk, figures_for=broken)
    made.refresh_from_db()
    assert made.state == MonthlyReport.State.FAILED
    assert "die Zahlen fehlen" in made.error
    assert not made.file


def test_the_worker_job_with_the_real_figures(demo):
    """With figures.py in place: the job computes the month's figures itself, for the city
    and for one department."""
    pytest.importorskip("ulm_kpi.figures")
    made = report.request_monthly_report(date(2026, 11, 1))
    jobs.build_monthly_report(report_id=made.pk)
    made.refresh_from_db()
    assert made.state == MonthlyReport.State.DONE, made.error
    assert made.file.read().startswith(b"%PDF")
    made = report.request_monthly_report(date(2026, 11, 1), Queue.objects.get(slug="kfz-zulassung"))
    jobs.build_monthly_report(report_id=made.pk)
    made.refresh_from_db()
    assert made.state == MonthlyReport.State.DONE, made.error
    assert made.file.read().startswith(b"%PDF")


def test_the_monthly_job_requests_last_months_report_once(db):
    first = report.request_last_months_report(date(2026, 12, 1))
    assert first.month == date(2026, 11, 1)
    assert first.department is None
    assert report.request_last_months_report(date(2026, 12, 1)) == first
    # the periodic job itself, run twice (e.g. by two workers)
    timestamp = int(datetime(2026, 12, 1, 5, 0, tzinfo=UTC).timestamp())  # 06:00 in Ulm
    jobs.request_monthly_report(timestamp=timestamp)
    jobs.request_monthly_report(timestamp=timestamp)
    assert MonthlyReport.objects.count() == 1
    assert len(build_jobs()) == 1
    # a report someone asked for by hand does not stand in for the city's monthly one
    MonthlyReport.objects.all().delete()


def test_the_monthly_job_tries_again_after_a_failure(db):
    first = report.request_last_months_report(date(2026, 12, 1))
    MonthlyReport.objects.filter(pk=first.pk).update(state=MonthlyReport.State.FAILED)
    second = report.request_last_months_report(date(2026, 12, 1))
    assert second.pk != first.pk
    assert report.request_last_months_report(date(2026, 12, 1)) == second
    assert report.request_last_months_report(date(2027, 1, 1)).month == date(2026, 12, 1)


# --- The pages ---------------------------------------------------------------------------------
def test_the_lead_asks_for_a_report_and_downloads_it(client, lead):
    client.force_login(lead)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Monatsberichte" in page.content.decode()
    assert not MonthlyReport.objects.exists()  # nothing happens on GET

    answer = client.post(URL, {"monat": "2026-11", "abteilung": "kfz-zulassung"})
    assert answer.status_code == 302
    made = MonthlyReport.objects.get()
    assert made.department == Queue.objects.get(slug="kfz-zulassung")
    assert made.created_by == lead
    assert len(build_jobs()) == 1
    page = client.get(URL)
    text = page.content.decode()
    assert "Der Bericht für November 2026 wird erstellt" in text
    assert "Kfz-Zulassung" in text

    report.run_monthly_report(made.pk, figures_for=lambda r: example())
    text = client.get(URL).content.decode()
    link = f"{URL}{made.pk}/pdf/"
    assert link in text
    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "kennzahlen-2026-11-kfz-zulassung.pdf" in download["Content-Disposition"]
    assert download["Content-Security-Policy"] == "sandbox"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_report_not_yet_made_cannot_be_downloaded(client, lead):
    client.force_login(lead)
    made = report.request_monthly_report(date(2026, 11, 1))
    answer = client.get(f"{URL}{made.pk}/pdf/")
    assert answer.status_code == 404
    assert "nicht fertig" in answer.content.decode()


@pytest.mark.parametrize(
    ("month", "department", "message"),
    [
        ("2099-01", "", "Zukunft"),
        ("1999-12", "", "Januar 2000"),
        ("November", "", "zum Beispiel 2026-11"),
        ("2026-13", "", "zum Beispiel 2026-11"),
        ("", "", "zum Beispiel 2026-11"),
        ("2026-11", "gibt-es-nicht", "Diese Abteilung gibt es nicht"),
        ("2026-11" * 100, "", "zum Beispiel 2026-11"),
    ],
)
def test_bad_input_is_refused_in_german(client, lead, month, department, message):
    client.force_login(lead)
    answer = client.post(URL, {"monat": month, "abteilung": department})
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not MonthlyReport.objects.exists()


def test_a_clerk_may_neither_see_nor_download_nor_request(client, kfz_clerk, agent):
    made = report.request_monthly_report(date(2026, 11, 1))
    report.run_monthly_report(made.pk, figures_for=lambda r: example())
    for user in (kfz_clerk, agent):
        client.force_login(user)
        for answer in (
            client.get(URL),
            client.get(f"{URL}{made.pk}/pdf/"),
            client.post(URL, {"monat": "2026-10"}),
        ):
            assert answer.status_code == 403
            assert "Sie dürfen diese Seite nicht öffnen" in answer.content.decode()
    assert MonthlyReport.objects.count() == 1
    assert report.reports_visible_to(kfz_clerk).count() == 0


def test_strangers_are_sent_to_the_login(client, db):
    answer = client.get(URL)
    assert answer.status_code == 302
    assert "/login" in answer["Location"]


def test_a_failed_report_says_so_in_the_list_without_a_download(client, lead):
    made = report.request_monthly_report(date(2026, 11, 1))
    report.run_monthly_report(made.pk, figures_for=lambda r: {"period": "kaputt"})
    made.refresh_from_db()
    assert made.state == MonthlyReport.State.FAILED
    client.force_login(lead)
    text = client.get(URL).content.decode()
    assert "fehlgeschlagen" in text
    assert "Bitte fordern Sie ihn erneut an" in text
    assert f"{URL}{made.pk}/pdf/" not in text
    assert client.get(f"{URL}{made.pk}/pdf/").status_code == 404
