"""Start-up checks of ulm_knowledge's settings (``manage.py check``)."""

from django.core import checks

from ulm_knowledge import conf


@checks.register()
def check_knowledge_settings(app_configs, **kwargs):
    errors: list[checks.CheckMessage] = []
    for name in ("ULM_KNOWLEDGE_SEARCH_LIMIT", "ULM_KNOWLEDGE_SEARCH_MAX_LIMIT"):
        value = conf.get(name)
        if not isinstance(value, int) or value < 1:
            errors.append(
                checks.Error(f"{name} must be a positive whole number.", id="ulm_knowledge.E001")
            )
    weight = conf.get("ULM_KNOWLEDGE_USAGE_WEIGHT")
    if not isinstance(weight, int | float) or weight < 0:
        errors.append(
            checks.Error(
                "ULM_KNOWLEDGE_USAGE_WEIGHT must be a number ≥ 0.", id="ulm_knowledge.E002"
            )
        )
    if not conf.get("ULM_KNOWLEDGE_KB_CATEGORY"):
        errors.append(
            checks.Error("ULM_KNOWLEDGE_KB_CATEGORY must name a slug.", id="ulm_knowledge.E003")
        )
    return errors
