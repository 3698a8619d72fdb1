# Production image of ulm-servicepoint: gunicorn (web) and the procrastinate worker share it.
# Not buildable on the development machines (no Docker engine there); see README.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings ULM_VAR_DIR=/var/lib/ulm

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app --shell /usr/sbin/nologin ulm

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# Static files and compiled catalogues are built into the image (no database needed for these).
RUN SECRET_KEY=build-only python manage.py compilemessages -l de -v 0 --ignore '.venv' \
    && SECRET_KEY=build-only python manage.py collectstatic --no-input -v 0 \
    && mkdir -p /var/lib/ulm/media && chown -R ulm /var/lib/ulm

USER ulm
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
