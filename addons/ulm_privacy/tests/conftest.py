from ulm_privacy.tests.audit_fixtures import dpo, kfz_ticket, waste_ticket  # noqa: F401 - fixtures
