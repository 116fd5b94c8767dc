# The tracker's image for ECS Fargate: `nba-tracker serve` behind the ALB. Collection runs
# in MWAA (the scraper DAG), so the service starts with --no-collect.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 UV_NO_CACHE=1
RUN python -m pip install uv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
# The wheel force-includes these two definitions (see pyproject.toml).
COPY infra/monitoring/monitoring.json infra/monitoring/monitoring.json
COPY infra/storage/logs-lifecycle.json infra/storage/logs-lifecycle.json
# Same installer as `make venv`, without the editable flag and the dev extras. Bytecode
# compiled here: the image runs with PYTHONDONTWRITEBYTECODE and a read-only package
# tree, so without it every start (each ops or scrape command) compiles every module again.
RUN uv venv /opt/venv && uv pip install --compile-bytecode -p /opt/venv .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --create-home --home-dir /home/tracker tracker
COPY --from=build /opt/venv /opt/venv
# Only the ALB reaches the task (its security group), so X-Forwarded-For is believed from
# private addresses: the failed-auth limit then counts each real client, not the ALB.
ENV PATH=/opt/venv/bin:$PATH \
    PORT=8000 \
    FORWARDED_ALLOW_IPS="127.0.0.1,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER 10001
WORKDIR /home/tracker
EXPOSE 8000
# No curl in slim images: python's urllib asks /health, which answers 503 without a database.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4)"]
# exec: uvicorn is PID 1 and gets ECS's SIGTERM for a graceful stop.
CMD ["sh", "-c", "exec nba-tracker serve --no-collect --host 0.0.0.0 --port \"$PORT\""]
