"""The demo's roles (``manage.py load_demo_privacy``, run by ``make run`` after the other
demos): every role group with exactly its permissions, a data-protection officer and a knowledge
editor to log in as, and the departments' heads in the group "Fachbereichsleitung"."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from ulm_privacy.roles import DATA_PROTECTION, DEPARTMENT_HEAD, KNOWLEDGE_EDITOR, create_roles

DEMO_USERS = [
    # (user name, first name, last name, group)
    ("dora.datenschutz", "Dora", "Datenschutz", DATA_PROTECTION),
    ("wilma.wissen", "Wilma", "Wissen", KNOWLEDGE_EDITOR),
]


@transaction.atomic
def load_demo_privacy() -> list[str]:
    """Creates the roles and the demo's people for them (once each); returns what changed."""
    from ulm_routing.services import department_heads
    from ulm_servicepoint.services import make_demo_user

    changes = create_roles()
    users = get_user_model()
    for username, first, last, group in DEMO_USERS:
        if users.objects.filter(username=username).exists():
            continue
        make_demo_user(username, first, last, [group])
        changes.append(f"{username} → {group}")
    heads = Group.objects.get(name=DEPARTMENT_HEAD)
    for head in department_heads().exclude(groups=heads):
        head.groups.add(heads)
        changes.append(f"{head.get_username()} → {DEPARTMENT_HEAD}")
    return changes
