# syntax=docker/dockerfile:1
# creditwatch's image: the scoring API (default command), the dashboard, the report runner
# and the alert check all run from it (compose.yaml). docs/operations-stack.md#containers.
#
#   docker build -t creditwatch .                          # the model bundle is mounted
#   docker build -t creditwatch:baked --target baked .     # artifacts/model/ baked in
#
# No container engine or base image can be reached from the machine this was written on:
# this file is checked by tests/ops/test_containers.py (its commands, ports and variables
# against the CLI and the settings), never built there.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: the virtualenv, with the checkout installed in place (editable), so the
# dashboard's app/ and the notebooks are found beside the package as in a checkout.
FROM ${PYTHON_IMAGE} AS build
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy PIP_NO_CACHE_DIR=1
RUN pip install uv
WORKDIR /srv/creditwatch
COPY pyproject.toml constraints.txt README.md ./
COPY lib/ lib/
COPY app/ app/
COPY notebooks/ notebooks/
RUN uv venv /opt/venv --python python3 \
 && uv pip install --python /opt/venv/bin/python -c constraints.txt -e '.[fast]'

# --- runtime: no compiler, no uv; a non-root user owning only the data folders.
FROM ${PYTHON_IMAGE} AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /srv/creditwatch creditwatch
COPY --from=build /opt/venv /opt/venv
COPY --from=build /srv/creditwatch /srv/creditwatch
RUN mkdir -p /srv/creditwatch/data /srv/creditwatch/reports /srv/creditwatch/artifacts/model \
 && chown -R creditwatch:creditwatch /srv/creditwatch/data /srv/creditwatch/reports \
                                     /srv/creditwatch/artifacts
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    CREDITWATCH_ROOT=/srv/creditwatch \
    CREDITWATCH_METRICS_DIR=/tmp/creditwatch-metrics
WORKDIR /srv/creditwatch
USER creditwatch
# The model: mount the registry at /srv/creditwatch/artifacts/models (or a single bundle at
# /srv/creditwatch/artifacts/model; read-only is enough), or build the `baked` target below.
VOLUME ["/srv/creditwatch/data"]
EXPOSE 8000 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)"]
CMD ["creditwatch", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]

# --- baked: the same image with the checkout's trained bundle inside (`creditwatch train`
# first); a new model means a new image.
FROM runtime AS baked
COPY --chown=creditwatch:creditwatch artifacts/model/ /srv/creditwatch/artifacts/model/
