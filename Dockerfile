# The project with its locked dependencies: the MLflow server and the trainer of
# docker-compose.yml. Telemetry off, nothing waits for input.
FROM python:3.11-slim
ENV DO_NOT_TRACK=1 \
    KEDRO_DISABLE_TELEMETRY=1 \
    MLFLOW_DISABLE_TELEMETRY=true \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --requirement requirements.lock
COPY pyproject.toml README.md .telemetry ./
COPY src ./src
RUN pip install --no-cache-dir --no-deps .
COPY conf ./conf
COPY data ./data
