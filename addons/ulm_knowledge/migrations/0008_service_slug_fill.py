"""Data: a readable address for every existing service, made from its name as the code does
(``service_pages.unique_slug``; copied here so that this migration keeps working when that code
changes)."""

import re
import unicodedata

from django.db import migrations

RESERVED = {"vorschlaege", "rueckmeldung"}  # the other addresses under /dienstleistungen/


def german_slug(text, max_length=80):
    text = text.lower()
    for umlaut, spelt in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelt)
    decomposed = unicodedata.normalize("NFKD", text)
    words = re.findall(r"[a-z0-9]+", "".join(c for c in decomposed if not unicodedata.combining(c)))
    slug = ""
    for word in words:
        if slug and len(slug) + 1 + len(word) > max_length:
            break
        slug = f"{slug}-{word}" if slug else word[:max_length]
    return slug


def fill(apps, schema_editor):
    Service = apps.get_model("ulm_knowledge", "Service")
    taken = set(Service.objects.exclude(slug=None).values_list("slug", flat=True)) | RESERVED
    for service in Service.objects.filter(slug=None).order_by("pk").only("pk", "name"):
        base = german_slug(service.name) or "leistung"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        Service.objects.filter(pk=service.pk).update(slug=slug)


def empty(apps, schema_editor):
    apps.get_model("ulm_knowledge", "Service").objects.update(slug=None)


class Migration(migrations.Migration):
    dependencies = [("ulm_knowledge", "0007_service_slug")]

    operations = [migrations.RunPython(fill, empty)]
