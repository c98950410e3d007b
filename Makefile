# Set-up and everyday commands. Every target creates the virtual environment from the
# lock file first if needed, so `make train` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Telemetry off and no prompts: nothing may wait on standard input.
export DO_NOT_TRACK := 1
export KEDRO_DISABLE_TELEMETRY := 1
export MLFLOW_DISABLE_TELEMETRY := true
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install train test test-fast lint format viz ui docs lock clean tune gate baseline compare reproduce prune inference monitor monitor-demo serve serve-image ml-test-score bench bench-tuning
.PHONY: airflow airflow-dags airflow-run airflow-lock

LOCKS := requirements.lock requirements-server.lock requirements-dev.lock

# uv installs the locked versions many times faster than pip. pip (which every venv has)
# installs uv itself, pinned, and does the install when uv cannot. uv reads no pip
# configuration: it installs from PyPI unless UV_DEFAULT_INDEX / UV_INDEX name another.
# --compile-bytecode, as pip does: where PYTHONDONTWRITEBYTECODE is set, nothing else
# would, and every import (each `kedro run`) would take twice as long.
UV_VERSION := 0.13.9
# $(call install-locked,<venv>,<what to install, as pip arguments>)
define install-locked
($(1)/bin/python -m pip install --quiet "uv==$(UV_VERSION)" \
  && $(1)/bin/uv pip install --quiet --compile-bytecode --python $(1)/bin/python $(2)) \
  || $(1)/bin/python -m pip install --quiet $(2)
endef

$(STAMP): $(LOCKS) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(call install-locked,$(VENV),--requirement requirements-dev.lock)
	$(call install-locked,$(VENV),--no-deps --editable .)
	touch $(STAMP)

install: $(STAMP)  ## Create .venv with the locked versions and the project.

train: $(STAMP)  ## Run the train pipeline on the default data set.
	$(BIN)/kedro run --pipelines=train

tune: $(STAMP)  ## Search hyper-parameters per model family (Optuna).
	$(BIN)/kedro run --pipelines=tune

gate: $(STAMP)  ## Judge the last trained model (floors, committed baseline, champion); exit 1 if it fails.
	$(BIN)/kedro run --pipelines=gate

baseline: $(STAMP)  ## Record the last train run's test metrics in metrics/baseline.yml, to commit.
	$(BIN)/kedro run --pipelines=baseline

compare: $(STAMP)  ## Parameters and metrics that differ between the last two train runs.
	$(BIN)/kedro compare

reproduce: $(STAMP)  ## Rebuild run RUN (an id, latest, champion) from its snapshot; say if identical.
	@test -n "$(RUN)" || { echo "Error: name the run to rebuild: make reproduce RUN=<run id>"; exit 1; }
	$(BIN)/kedro reproduce $(RUN)

KEEP ?= 10
prune: $(STAMP)  ## Delete runs beyond the last KEEP per pipeline and unused snapshots (DRY_RUN=1: list only).
	$(BIN)/kedro prune --keep $(KEEP) $(if $(DRY_RUN),--dry-run)

inference: $(STAMP)  ## Score the held-out rows with the registered champion.
	$(BIN)/kedro run --pipelines=inference

monitor: $(STAMP)  ## Compare a batch (monitor.filepath) with the champion's training rows; exit 1 on an alarm.
	$(BIN)/kedro run --pipelines=monitor

monitor-demo: $(STAMP)  ## Batches from the held-out rows, unchanged then shifting: where does the alarm go off?
	$(BIN)/kedro monitor-demo

# The registered model's name, read from where it is written: registry.model_name in
# conf/base/globals.yml.
MODEL_NAME ?= $(shell sed -n 's/^  model_name: *\([^ #]*\).*/\1/p' conf/base/globals.yml)
SERVE_PORT ?= 5001

serve: $(STAMP)  ## Serve the champion over REST on http://127.0.0.1:5001/invocations.
	PATH="$(CURDIR)/$(BIN):$$PATH" MLFLOW_TRACKING_URI=sqlite:///$(CURDIR)/mlflow.db \
	  $(BIN)/mlflow models serve -m models:/$(MODEL_NAME)@champion \
	  --env-manager local --host 127.0.0.1 --port $(SERVE_PORT)

serve-image: $(STAMP)  ## Write build/serve/: the champion and its Dockerfile (docker build build/serve).
	MLFLOW_TRACKING_URI=sqlite:///$(CURDIR)/mlflow.db \
	  $(BIN)/python -m tabular_mlops.tools.serve_image models:/$(MODEL_NAME)@champion build/serve \
	  docker/serve.Dockerfile

# One worker per core (pytest-xdist); a test file stays on one worker, so its
# module-scoped trained projects are built once.
test: $(STAMP)  ## Run the whole test suite.
	$(BIN)/pytest --numprocesses auto --dist loadfile

test-fast: $(STAMP)  ## Unit and pipeline tests only: no whole runs, servers, browsers, Airflow or docs build.
	$(BIN)/pytest -m "not e2e and not server and not integration and not airflow and not docs" \
	  --durations=5 --numprocesses auto

lint: $(STAMP)  ## The checks of CI and pre-commit: lint, format, types, files, notebooks.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src
	@# pre-commit's trailing-whitespace and end-of-file-fixer, as checks, on tracked text files
	@! git grep -nI -e '[[:blank:]]$$' -- . || { echo "Trailing whitespace above."; exit 1; }
	@status=0; for file in $$(git grep -Il ''); do \
		if [ -n "$$(tail -c 1 "$$file")" ]; then echo "$$file: no newline at end"; status=1; fi; \
		if [ -z "$$(tail -n 1 "$$file")" ]; then echo "$$file: blank line at end"; status=1; fi; \
	done; exit $$status
	$(BIN)/nbstripout --verify $$(git ls-files '*.ipynb')

format: $(STAMP)  ## Apply the formatter and safe lint fixes; strip notebook outputs.
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/nbstripout $$(git ls-files '*.ipynb')

viz: $(STAMP)  ## Browse the pipelines with kedro viz on http://127.0.0.1:4141.
	$(BIN)/kedro viz run --host 127.0.0.1 --no-browser

ui: $(STAMP)  ## Browse the MLflow runs on http://127.0.0.1:5000.
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/kedro mlflow ui

docs: $(STAMP)  ## Build the documentation (warnings are errors) into docs/build/html.
	$(MAKE) -C docs html SPHINXBUILD=$(abspath $(BIN))/sphinx-build

ml-test-score: $(STAMP)  ## The ML Test Score (Breck et al.): runs the evidence of docs/source/ml-test-score.md.
	$(BIN)/python -m tabular_mlops.tools.ml_test_score docs/source/ml-test-score.md

bench: $(STAMP)  ## Benchmark against a plain script; writes benchmarks/results.md.
	$(BIN)/python benchmarks/bench.py

bench-tuning: $(STAMP)  ## Tuning throughput, 1 worker vs 2; writes benchmarks/tuning_results.md.
	$(BIN)/python benchmarks/tuning_workers.py

lock:  ## Re-resolve pyproject.toml into the runtime, server and development locks.
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade "pip==26.3"
	.venv-lock/bin/python -m pip install --quiet ".[dev]"
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^tabular.mlops' > .venv-lock/all.txt
	.venv-lock/bin/python -m pip install --dry-run --ignore-installed --quiet \
	  --constraint .venv-lock/all.txt --report .venv-lock/runtime.json .
	.venv-lock/bin/python -m pip install --dry-run --ignore-installed --quiet \
	  --constraint .venv-lock/all.txt --report .venv-lock/server.json ".[server]"
	.venv-lock/bin/python -m tabular_mlops.tools.split_lock .venv-lock/all.txt \
	  .venv-lock/runtime.json .venv-lock/server.json
	rm -rf .venv-lock

# Shared tracking server: PostgreSQL + MLflow (basic auth) on 127.0.0.1, data kept in
# $(SERVER_HOME) between restarts. Other ports: make server MLFLOW_PORT=5051 POSTGRES_PORT=5434
SERVER_HOME ?= .tracking-server
POSTGRES_PORT ?= 5433
MLFLOW_PORT ?= 5050
.PHONY: server server-stop

server: $(STAMP)  ## Start PostgreSQL + the MLflow tracking server in the background.
	$(BIN)/python -m tabular_mlops.tools.tracking_server start --home $(SERVER_HOME) \
		--postgres-port $(POSTGRES_PORT) --mlflow-port $(MLFLOW_PORT)

server-stop: $(STAMP)  ## Stop the tracking server and its PostgreSQL (data stay).
	$(BIN)/python -m tabular_mlops.tools.tracking_server stop --home $(SERVER_HOME)

clean:  ## Remove the environment and every run output (data, runs, artefacts).
	rm -rf $(VENV) mlflow.db mlartifacts
	find data -type f ! -name .gitkeep -delete

# --- Airflow: every pipeline a DAG, in an environment of its own ---------------------------
# Absolute paths, so `make -C <project> airflow-run` works from any directory. The tests
# point AIRFLOW_PROJECT and AIRFLOW_HOME at a throw-away copy of the project.
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
AIRFLOW_VENV := $(ROOT)/.venv-airflow
AIRFLOW_STAMP := $(AIRFLOW_VENV)/.installed
# One DAG per pipeline: adding a pipeline's name here is all it takes to get its DAG.
AIRFLOW_PIPELINES ?= train tune inference
AIRFLOW_PROJECT ?= $(ROOT)
AIRFLOW_DAG ?= tabular_mlops_train
# The DAG run's conf: Kedro runtime params, e.g. AIRFLOW_CONF='{"data.dataset": "wine"}'.
AIRFLOW_CONF ?= {}
comma := ,
space := $() $()
airflow airflow-dags airflow-run: export AIRFLOW_HOME ?= $(ROOT)/airflow/home
AIRFLOW_DAGS := $(AIRFLOW_PROJECT)/airflow/dags
airflow airflow-dags airflow-run: export AIRFLOW__CORE__DAGS_FOLDER := $(AIRFLOW_DAGS)
airflow airflow-dags airflow-run: export AIRFLOW__CORE__LOAD_EXAMPLES := False

$(AIRFLOW_STAMP): $(ROOT)/airflow/requirements.lock $(ROOT)/pyproject.toml
	$(PYTHON) -m venv $(AIRFLOW_VENV)
	$(call install-locked,$(AIRFLOW_VENV),--no-deps --requirement $(ROOT)/airflow/requirements.lock)
	$(call install-locked,$(AIRFLOW_VENV),--no-deps --editable $(ROOT))
	touch $(AIRFLOW_STAMP)

airflow: airflow-dags  ## Create .venv-airflow (Airflow 3 + kedro-airflow) and the DAGs in airflow/dags.

airflow-dags: $(AIRFLOW_DAGS)/.generated

# Regenerated when the pipelines, the template or the DAG settings change.
$(AIRFLOW_DAGS)/.generated: $(AIRFLOW_STAMP) $(ROOT)/Makefile $(ROOT)/airflow/dag_template.j2 \
  $(wildcard $(AIRFLOW_PROJECT)/conf/airflow/*.yml) $(shell find $(ROOT)/src -name '*.py')
	rm -f $(AIRFLOW_DAGS)/*_dag.py
	cd $(AIRFLOW_PROJECT) && $(AIRFLOW_VENV)/bin/kedro airflow create --env airflow \
	  --pipelines $(subst $(space),$(comma),$(strip $(AIRFLOW_PIPELINES))) --group-by namespace \
	  --jinja-file $(ROOT)/airflow/dag_template.j2 --target-dir $(AIRFLOW_DAGS) \
	  --params "project_path=$(AIRFLOW_PROJECT)"
	touch $@

airflow-run: airflow  ## Run the train DAG once (airflow dags test, SQLite metadata in airflow/home).
	test -f $(AIRFLOW_HOME)/airflow.db || { mkdir -p $(AIRFLOW_HOME) && \
	  $(AIRFLOW_VENV)/bin/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1; } \
	  || { cat $(AIRFLOW_HOME)/db-migrate.log; rm -f $(AIRFLOW_HOME)/airflow.db; exit 1; }
	$(AIRFLOW_VENV)/bin/airflow dags test $(AIRFLOW_DAG) --conf '$(AIRFLOW_CONF)'

airflow-lock:  ## Re-resolve Airflow, kedro-airflow and the project into airflow/requirements.lock.
	rm -rf $(ROOT)/.venv-airflow-lock
	$(PYTHON) -m venv $(ROOT)/.venv-airflow-lock
	$(ROOT)/.venv-airflow-lock/bin/python -m pip install --quiet --upgrade "pip==26.3"
	$(ROOT)/.venv-airflow-lock/bin/python -m pip install --quiet "$(ROOT)[airflow]"
	head -3 $(ROOT)/airflow/requirements.lock > $(ROOT)/airflow/requirements.lock.new
	$(ROOT)/.venv-airflow-lock/bin/python -m pip freeze --exclude-editable \
	  | grep -v '^tabular.mlops' >> $(ROOT)/airflow/requirements.lock.new
	mv $(ROOT)/airflow/requirements.lock.new $(ROOT)/airflow/requirements.lock
	rm -rf $(ROOT)/.venv-airflow-lock
