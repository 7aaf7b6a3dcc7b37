# syntax=docker/dockerfile:1
#
# Styrkedja API image.
#
#   docker build -t styrkedja .
#   docker run --rm -p 8000:8000 \
#       -e STYRKEDJA_DATABASE_URL=postgresql+psycopg://USER:PASSWORD@HOST:5432/styrkedja \
#       -e STYRKEDJA_JWT_SECRET=... styrkedja
#
# Configuration comes from the environment (prefix STYRKEDJA_, see app/config.py), in particular:
#   STYRKEDJA_DATABASE_URL  expected from outside: the PostgreSQL URL of the deployment. Without it
#                           the service falls back to an SQLite file in /srv/styrkedja/var, which
#                           is only good for a throwaway try-out.
#   STYRKEDJA_JWT_SECRET    (or STYRKEDJA_JWKS_PATH) for verifying bearer tokens.
# The image has no ENTRYPOINT and does not migrate on start: run `styrkedja db upgrade` once per
# release before the API (compose.yaml does this with its one-off `migrate` service).
#
# Layout: the project is installed *editable* into /opt/venv from /srv/styrkedja, so the package
# stays at /srv/styrkedja/app beside /srv/styrkedja/migrations, where app/migrations.py looks for
# the alembic scripts. The editable install records absolute paths, so both stages use the same
# WORKDIR and venv path.

ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /srv/styrkedja

# Dependencies first, in a layer that is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --requirement /tmp/requirements.txt

# Then the project itself. README.m[d] copies README.md (pyproject.toml's readme) if it exists and
# is skipped otherwise; pairing it with a file that always exists keeps every builder happy.
COPY pyproject.toml README.m[d] ./
COPY app ./app
COPY migrations ./migrations
RUN pip install --no-deps --editable . \
    && rm -rf ./*.egg-info build

# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH

# graphviz: the `dot` binary renders workflow diagrams as SVG (used from the workflow engine on).
# Versions follow the base image's Debian.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install --yes --no-install-recommends graphviz \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 styrkedja \
    && useradd --system --uid 10001 --gid styrkedja --home-dir /srv/styrkedja --no-create-home \
        --shell /usr/sbin/nologin styrkedja

WORKDIR /srv/styrkedja

COPY --from=builder /opt/venv /opt/venv
COPY pyproject.toml ./
COPY app ./app
COPY migrations ./migrations

# Source and venv stay root-owned (read-only for the service); only var/ (the SQLite fallback and
# other local state) is writable. Bytecode is compiled here because the service may not write it.
RUN python -m compileall -q app migrations \
    && mkdir var \
    && chown styrkedja:styrkedja var

USER 10001:10001

EXPOSE 8000

# Ready = the database is reachable and migrated to this code's revision. The port matches CMD.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/ready', timeout=4).status == 200 else 1)"]

CMD ["styrkedja", "serve", "--host", "0.0.0.0", "--port", "8000"]
