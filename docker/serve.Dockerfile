# The registered champion alone, served over REST on port 8080. Built from the
# model's own requirements (requirements.txt in its MLflow artefacts: mlflow-skinny,
# scikit-learn, pandas, numpy, cloudpickle), not from the project's locks; the
# project's core code travels inside the model (code/). `make serve-image` writes
# build/serve/ (this file as Dockerfile, the champion in model/); then
#   docker build -t tabular-mlops-serve build/serve
#   docker run -p 127.0.0.1:8080:8080 tabular-mlops-serve
FROM python:3.11-slim
ENV DO_NOT_TRACK=1 \
    MLFLOW_DISABLE_TELEMETRY=true \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1
WORKDIR /srv
COPY model/requirements.txt ./
RUN pip install --no-cache-dir --requirement requirements.txt
COPY model ./model
EXPOSE 8080
CMD ["mlflow", "models", "serve", "-m", "/srv/model", "--env-manager", "local", "--host", "0.0.0.0", "--port", "8080"]
