"""System checks of ulm_kpi's settings (``manage.py check``)."""

from django.core.checks import register

from ulm_kpi import quality

register(quality.check_quality_settings)
