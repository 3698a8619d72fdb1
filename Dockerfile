# Production image of ulm-servicepoint: gunicorn (web) and the procrastinate worker share it.
# Not buildable on the development machines (no Docker engine there); see README.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings ULM_VAR_DIR=/var/lib/ulm

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext fonts-dejavu-core libldap-2.5-0 libsasl2-2 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app --shell /usr/sbin/nologin ulm

WORKDIR /app
COPY requirements.lock ./
# python-ldap (the optional LDAP sign-on) is built from source: compiler and headers for this
# step only; its run-time libraries (libldap, libsasl2) are installed above and stay
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libldap2-dev libsasl2-dev \
    && pip install --no-cache-dir -r requirements.lock \
    && apt-get purge -y --auto-remove gcc libc6-dev libldap2-dev libsasl2-dev \
    && rm -rf /var/lib/apt/lists/*
COPY . .
# Static files and compiled catalogues are built into the image (no database needed for these).
RUN SECRET_KEY=build-only python manage.py compilemessages -l de -v 0 --ignore '.venv' \
    && SECRET_KEY=build-only python manage.py collectstatic --no-input -v 0 \
    && mkdir -p /var/lib/ulm/media && chown -R ulm /var/lib/ulm

USER ulm
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--graceful-timeout", "30", "--access-logfile", "-"]
