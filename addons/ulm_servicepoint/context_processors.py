from ulm_servicepoint import conf


def city(request):
    """The city's name on every page."""
    return {"city_name": conf.get("ULM_SERVICEPOINT_CITY_NAME")}
