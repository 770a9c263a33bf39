# Workout API: one image serving the API, the websockets and the PWA with daphne.
#
#   docker build -t workout-api .
#   docker run -p 8000:8000 -e DJANGO_SECRET_KEY=... -e DATABASE_URL=... -e MONGODB_URI=... -e REDIS_URL=... workout-api
#
# Stages: python-deps (locked packages in a venv) -> openapi (the API schema, for the frontend's
# types) -> frontend (Node builds frontend/dist) -> runtime (slim, non-root, static files collected).
# Nothing secret is baked in: the build-time manage.py commands run with DJANGO_DEBUG=true, which
# needs no key, and every runtime secret comes from the environment.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# --- Python packages, exactly as locked -----------------------------------------------------------
FROM ${PYTHON_IMAGE} AS python-deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
COPY deploy/docker/requirements.lock /tmp/requirements.lock
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-deps --require-virtualenv -r /tmp/requirements.lock \
    && /opt/venv/bin/pip check

# --- The OpenAPI schema the PWA's API types are generated from ------------------------------------
FROM python-deps AS openapi
WORKDIR /src
COPY manage.py ./
COPY backend/ backend/
RUN DJANGO_DEBUG=true DATA_DIR=/tmp/data /opt/venv/bin/python manage.py export_openapi /tmp/openapi.json

# --- The PWA -------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
COPY --from=openapi /tmp/openapi.json /tmp/openapi.json
RUN OPENAPI_SCHEMA=/tmp/openapi.json npm run build

# --- Runtime -------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="workout-api" \
      org.opencontainers.image.description="Workout API: REST API, live sessions and the PWA, served by daphne"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=python-deps /opt/venv /opt/venv
COPY manage.py ./
COPY backend/ backend/
COPY deploy/docker/healthcheck.py /app/deploy/docker/healthcheck.py
COPY --from=frontend /src/frontend/dist frontend/dist
# Static files (admin, API docs) are collected and compressed now, so the running container writes
# nothing but its data directory; compiled bytecode spares every start the work.
RUN DJANGO_DEBUG=true DATA_DIR=/tmp/build-data python manage.py collectstatic --noinput --verbosity 0 \
    && python -m compileall -q backend \
    && rm -rf /tmp/build-data \
    && mkdir -p /data \
    && chown app:app /data
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/docker/healthcheck.py"]
# daphne with a graceful SIGTERM (websockets get a 1001 close frame) and JSON access logs.
CMD ["python", "-m", "backend.config.serve"]
