"""Data protection: the audit log, citizens' rights (DSGVO Art. 15, 16, 17) and the
data-protection officer's pages."""
