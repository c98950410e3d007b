# The project with its locked runtime dependencies (the trainer of docker-compose.yml);
# with --build-arg LOCK=requirements-server.lock also the tracking server's (the MLflow
# service). Telemetry off, nothing waits for input.
FROM python:3.11-slim
ARG LOCK=requirements.lock
ENV DO_NOT_TRACK=1 \
    KEDRO_DISABLE_TELEMETRY=1 \
    MLFLOW_DISABLE_TELEMETRY=true \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock requirements-server.lock ./
RUN pip install --no-cache-dir --requirement ${LOCK}
COPY pyproject.toml README.md .telemetry ./
COPY src ./src
RUN pip install --no-cache-dir --no-deps .
COPY conf ./conf
COPY data ./data
