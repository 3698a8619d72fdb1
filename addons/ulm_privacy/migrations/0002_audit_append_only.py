"""The audit log is append-only in the database itself: a trigger refuses every UPDATE and
DELETE of ulm_privacy_auditevent, except

- the retention (audit.purge_expired), which sets ``ulm_privacy.audit_retention`` for its own
  transaction (``set_config(..., true)``, i.e. SET LOCAL);
- an account's deletion, which sets the events' ``user_id`` to NULL (on_delete=SET_NULL) and
  changes nothing else: the user name stays in the event.
"""

from django.conf import settings
from django.db import migrations, models

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION ulm_privacy_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('ulm_privacy.audit_retention', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.user_id IS NULL
       AND (NEW.id, NEW.at, NEW.username, NEW.action, NEW.object_type, NEW.object_id,
            NEW.path, NEW.detail::text)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.username, OLD.action, OLD.object_type, OLD.object_id,
            OLD.path, OLD.detail::text) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % of event % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ulm_privacy_audit_append_only
    BEFORE UPDATE OR DELETE ON ulm_privacy_auditevent
    FOR EACH ROW EXECUTE FUNCTION ulm_privacy_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS ulm_privacy_audit_append_only ON ulm_privacy_auditevent;
DROP FUNCTION IF EXISTS ulm_privacy_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ulm_privacy", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["username", "at"], name="ulm_privacy_user_at"),
        ),
        migrations.RunSQL(APPEND_ONLY, DROP),
    ]
