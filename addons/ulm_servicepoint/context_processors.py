from django.utils.functional import SimpleLazyObject

from ulm_servicepoint import conf
from ulm_servicepoint.security import csp_nonce


def city(request):
    """The city's name on every page."""
    return {"city_name": conf.get("ULM_SERVICEPOINT_CITY_NAME")}


def security(request):
    """The request's script nonce for the inline scripts of templates (see security.py)."""
    return {"csp_nonce": SimpleLazyObject(lambda: csp_nonce(request))}
