# Two commands matter: `make demo` and `make test`. Each builds .venv from the
# pinned constraints (nothing is installed globally) and then does its job.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
STORE  ?= .councilkg
SAMPLE := data/samples/000_e9c79a4311407cd1.txt
OUT    := out

.PHONY: demo test lint typecheck bench docs clean venv

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	mkdir -p $(OUT)
	COUNCILKG_STORE=$(STORE) $(BIN)/councilkg ingest $(SAMPLE) \
	    --records $(OUT)/records.jsonl --ntriples $(OUT)/graph.nt --nquads $(OUT)/graph.nq
	@echo "records: $(OUT)/records.jsonl  graph: $(OUT)/graph.nt, $(OUT)/graph.nq  store: $(STORE)/"

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

docs: $(STAMP)
	mkdir -p build/docs
	$(BIN)/pylode ontology/councilkg.ttl -o build/docs/ontology.html
	@echo "ontology documentation: build/docs/ontology.html"

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) $(OUT) $(STORE) build dist .pytest_cache .mypy_cache .ruff_cache
