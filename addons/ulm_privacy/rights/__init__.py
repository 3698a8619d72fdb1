"""Citizens' rights under the DSGVO: access (Art. 15, ``access``), rectification recorded
(Art. 16, ``corrections``), erasure (Art. 17, ``erasure``); ``subject`` says whom a request is
about."""

from ulm_privacy.rights.access import (
    PackageInvalid,
    open_package,
    request_package,
    requests_listed,
    run_access_package,
)
from ulm_privacy.rights.corrections import ActingUserMiddleware, acting_as
from ulm_privacy.rights.erasure import ErasureRefused, erase_citizen, erasure_check
from ulm_privacy.rights.subject import Person, identify

__all__ = [
    "ActingUserMiddleware",
    "ErasureRefused",
    "PackageInvalid",
    "Person",
    "acting_as",
    "erase_citizen",
    "erasure_check",
    "identify",
    "open_package",
    "request_package",
    "requests_listed",
    "run_access_package",
]
