# Coalition's image: docker build -t coalition . (docs/deployment.md). One image for every process: `web` (the
# default: gunicorn), `worker`, `migrate`, or any `flask --app wsgi` command (docker/entrypoint.sh).

# Build: the dependencies into a virtual environment, then the translation catalogs.
FROM python:3.12-slim-bookworm AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /srv/coalition

# Only pyproject.toml first, so a code change does not reinstall the dependencies.
COPY pyproject.toml ./
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

COPY . .
# The project itself in place (editable, this folder at the same path in the runtime stage): the app runs from here,
# beside its static/, translations/ and migrations/, and its entry points register `flask check`, which must answer
# even when the configuration stops the app from loading.
RUN pip install --no-deps -e .
# A throwaway key, so that building the app to run the command writes no instance/secret_key.
RUN SECRET_KEY=catalogs-only flask --app wsgi translate compile \
    && python -m compileall -q app migrations


# Runtime: what the app needs from Debian, the environment and the code, run by a user of its own.
FROM python:3.12-slim-bookworm

# Pango and HarfBuzz for WeasyPrint's PDFs; a font for every shipped language's script (fonts-noto-core carries
# Noto Sans, Naskh Arabic, Nastaliq Urdu, Sans Devanagari, Sans Bengali and Sans Myanmar: app/core/fonts.py); ffmpeg
# for videos' display copies (FFMPEG); pg_dump and pg_restore of the PostgreSQL server's version (16, from the PostgreSQL
# project's repository, whose key Debian's postgresql-common ships) for `backup` and `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-noto-core fonts-dejavu-core \
        ffmpeg \
        ca-certificates postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-16 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 coalition \
    && useradd --system --uid 10001 --gid coalition --home-dir /srv/coalition --no-create-home coalition

ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 COALITION_ENV=production
COPY --from=build /opt/venv /opt/venv
# The code belongs to root, read-only for the app; only instance/ (backups, the file folder when STORAGE_URL is
# unset) is the app's to write.
COPY --from=build /srv/coalition /srv/coalition
WORKDIR /srv/coalition
RUN install -d -o coalition -g coalition -m 0750 instance
VOLUME /srv/coalition/instance

# By number, so that a runtime that checks for a non-root user (runAsNonRoot) can.
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "/srv/coalition/docker/healthcheck.py"]
ENTRYPOINT ["/srv/coalition/docker/entrypoint.sh"]
CMD ["web"]
