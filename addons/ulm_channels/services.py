"""The public surface of ulm_channels: the verbs views, commands, jobs, the admin, other addons
and tests call, re-exported from the modules that do the work (see the README's map).
Nothing is defined here."""

from __future__ import annotations

from ulm_channels.mail.delivery import deliver_due as send_due_mail
from ulm_channels.mail.delivery import deliver_one as send_outbound_mail
from ulm_channels.mail.imap import poll_all as poll_mailboxes
from ulm_channels.mail.imap import request_poll as request_mail_poll
from ulm_channels.mail.intake import ingest as ingest_message
from ulm_channels.mail.intake import sender_of_ticket as mail_sender_of_ticket
from ulm_channels.mail.outbound import answer as send_answer
from ulm_channels.mail.outbound import interim_notice as send_interim_notice
from ulm_channels.mail.outbox import outbound_message, ticket_mails
from ulm_channels.mail.outbox import send_again as send_mail_again
from ulm_channels.mail.quarantine import create_ticket_from_mail, discard_mail, retry_mail
from ulm_channels.mail.sources import ingest_paths
from ulm_channels.personal_data import channel_data, erase_person
from ulm_channels.personal_data import person_ticket_ids as channel_ticket_ids
from ulm_channels.phone import apply_event as record_call_event
from ulm_channels.phone import caller_tickets, link_call_to_ticket, reachability
from ulm_channels.retention import prune_received_mail
from ulm_channels.satisfaction import (
    AlreadyRated,
    NotYetAnswered,
    RatingError,
    may_rate,
    rating_attempt_refused,
    rating_of,
    rating_url,
    record_rating,
    satisfaction_figures,
)
from ulm_channels.status import (
    add_citizen_message,
    announce_citizen_reply,
    citizen_attachment,
    citizen_link,
    confirmation_mail,
    link_for_token,
    public_followups,
    send_confirmation,
    status_path_for_host_link,
    status_url,
)
from ulm_channels.web_intake import (
    IntakeError,
    IntakeResult,
    WebRequest,
    discard_held_submission,
    intake_web_request,
    over_rate_limit,
    prune_web_submissions,
    release_held_submission,
    submit_web_request,
)

__all__ = [
    "AlreadyRated",
    "IntakeError",
    "IntakeResult",
    "NotYetAnswered",
    "RatingError",
    "WebRequest",
    "add_citizen_message",
    "announce_citizen_reply",
    "caller_tickets",
    "channel_data",
    "channel_ticket_ids",
    "citizen_attachment",
    "citizen_link",
    "confirmation_mail",
    "create_ticket_from_mail",
    "discard_held_submission",
    "discard_mail",
    "erase_person",
    "ingest_message",
    "ingest_paths",
    "intake_web_request",
    "link_call_to_ticket",
    "link_for_token",
    "mail_sender_of_ticket",
    "may_rate",
    "outbound_message",
    "over_rate_limit",
    "poll_mailboxes",
    "prune_received_mail",
    "prune_web_submissions",
    "public_followups",
    "rating_attempt_refused",
    "rating_of",
    "rating_url",
    "reachability",
    "record_call_event",
    "record_rating",
    "release_held_submission",
    "request_mail_poll",
    "retry_mail",
    "satisfaction_figures",
    "send_answer",
    "send_confirmation",
    "send_due_mail",
    "send_interim_notice",
    "send_mail_again",
    "send_outbound_mail",
    "status_path_for_host_link",
    "status_url",
    "submit_web_request",
    "ticket_mails",
]
