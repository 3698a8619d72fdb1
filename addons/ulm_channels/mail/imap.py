"""IMAP fetching (filled in below)."""


def poll_all() -> dict[str, int]:
    return {}
