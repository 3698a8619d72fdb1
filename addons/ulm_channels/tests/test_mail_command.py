"""``manage.py ingest_mail``: files, directories, mbox and Maildir; summary and report."""

from __future__ import annotations

import io
import json
import mailbox
import shutil
from pathlib import Path

from django.core.management import call_command
from helpdesk.models import Ticket

MAILS = Path(__file__).parent / "mails"


def run(*paths, report=None) -> dict:
    out = io.StringIO()
    args = [str(p) for p in paths] + (["--report", str(report)] if report else [])
    call_command("ingest_mail", *args, stdout=out)
    return json.loads(out.getvalue())


def test_directory_mbox_and_maildir_each_message_one_outcome_and_second_run_no_tickets(
    demo, tmp_path
):
    # given our test mails as a directory tree, an mbox and a Maildir
    tree = tmp_path / "tree" / "sub"
    tree.mkdir(parents=True)
    for name in ["html_only_utf8.eml", "spam.eml", "auto_reply_abwesenheit.eml"]:
        shutil.copy(MAILS / name, tree / name)
    box = mailbox.mbox(str(tmp_path / "inbox.mbox"))
    for name in ["latin9_on_wrote.eml", "undeclared_utf8.eml"]:
        box.add((MAILS / name).read_bytes())
    box.flush()
    maildir = mailbox.Maildir(str(tmp_path / "Maildir"))
    maildir.add((MAILS / "tnef_winmail.eml").read_bytes())
    single = MAILS / "forward_wg.eml"
    tickets_before = Ticket.objects.count()

    # when they are ingested, with a report
    report = tmp_path / "report.jsonl"
    summary = run(tmp_path / "tree", tmp_path / "inbox.mbox", tmp_path / "Maildir", single,
                  report=report)  # fmt: skip

    # then every message has exactly one outcome
    assert summary == {
        "messages": 7,
        "tickets": 5,
        "followups": 0,
        "ignored": 1,
        "quarantined": 1,
        "duplicates": 0,
    }
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 7
    assert lines[0]["source"].endswith("auto_reply_abwesenheit.eml")  # sorted, recursive
    assert {line["outcome"] for line in lines} == {"ticket", "ignored", "quarantined"}
    opened = [line for line in lines if line["outcome"] == "ticket"]
    assert all(Ticket.objects.filter(pk=line["ticket"]).exists() for line in opened)
    assert any(line["source"].endswith("inbox.mbox#2") for line in lines)
    assert Ticket.objects.count() == tickets_before + 5
    assert {line["message_id"] for line in lines} >= {"<latin9-0010@example.org>"}

    # and a second run creates nothing
    again = run(tmp_path / "tree", tmp_path / "inbox.mbox", tmp_path / "Maildir", single)
    assert again["tickets"] == 0
    assert again["duplicates"] == 7  # also the quarantined spam: re-runs are no-ops
    assert Ticket.objects.count() == tickets_before + 5
