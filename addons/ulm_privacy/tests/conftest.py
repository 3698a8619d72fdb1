from tests.support.routing import berta, city  # noqa: F401 - fixtures
from ulm_privacy.tests.audit_fixtures import dpo, kfz_ticket, waste_ticket  # noqa: F401 - fixtures
