"""What other addons and views call in ulm_privacy (filled by the audit log and the citizens'
rights)."""
