# Two commands matter: `make demo` and `make test`. Each builds .venv from the
# pinned constraints and then does its job. `make demo` installs nothing
# outside .venv; `make test` also installs Debian packages as root (Chromium,
# its driver, Noto CJK fonts: about 420 MB, see `browser`; Virtuoso and Jena
# for the engine suite: about 22 MB to download, see `engines`). `make
# test-core` runs everything but the browser and engine tests and installs
# nothing outside .venv; `make test-engines` runs the engine suite alone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
STORE  ?= .councilkg
SAMPLE := data/samples/000_e9c79a4311407cd1.txt
OUT    := out

.PHONY: demo test test-core test-engines lint typecheck bench bench-1m docs clean venv browser engines fuzz soak

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	mkdir -p $(OUT)
	@echo "== ingest the bundled sample =="
	$(BIN)/councilkg ingest $(SAMPLE) --store $(STORE) --records $(OUT)/records.jsonl
	@echo "== validate the graph (SHACL, the Council's rules) =="
	$(BIN)/councilkg validate --store $(STORE)
	@echo "== facts read back from the graph, against the gold =="
	$(BIN)/councilkg facts --store $(STORE) --compare tests/data/000_e9c79a4311407cd1.gold.yaml
	@echo "== prepared queries =="
	$(BIN)/councilkg query votes-on-draft --store $(STORE) --param symbol=S/2020/797
	$(BIN)/councilkg query decision-outcome --store $(STORE) --param symbol=S/2020/797 --format csv
	$(BIN)/councilkg query letters-by-state --store $(STORE) --param state=俄罗斯联邦 --lang zh
	@echo "== analytics (networkx) =="
	$(BIN)/councilkg analyze covoting --store $(STORE) --out $(OUT)/covoting.graphml --plot $(OUT)/covoting.png
	$(BIN)/councilkg analyze citations --store $(STORE) --out $(OUT)/citations.gexf --top 5
	@echo "== export =="
	$(BIN)/councilkg export --store $(STORE) --out $(OUT)/graph.nq
	$(BIN)/councilkg export --store $(STORE) --out $(OUT)/graph.ttl
	$(BIN)/councilkg export --store $(STORE) --out $(OUT)/graph.jsonld
	$(BIN)/councilkg export --store $(STORE) --void --format turtle --out $(OUT)/void.ttl
	@echo "records: $(OUT)/records.jsonl  graph: $(OUT)/graph.{nq,ttl,jsonld}  description: $(OUT)/void.ttl  store: $(STORE)/"
	@echo "browse it: $(BIN)/councilkg serve --store $(STORE), then open http://127.0.0.1:8000/"

# Debian's Chromium (browser tests) and Noto CJK fonts (zh plots), if missing:
# apt-get as root (or through sudo), about 420 MB with their dependencies.
browser:
	bash scripts/install-browser.sh

# Debian's Virtuoso 7.2 and Jena 4.5 (and a JDK to run the project's small
# Jena protocol server), if missing: apt-get as root (or through sudo).
engines:
	bash scripts/install-engines.sh

# Everything, as CI runs it. The packages `browser` and `engines` installed
# are then required: a test that needs a CJK font or an engine fails without
# one instead of skipping.  The engine suite's servers start once, in one
# worker (loadgroup).
test: $(STAMP) browser engines
	$(BIN)/ruff check .
	$(BIN)/mypy
	COUNCILKG_SYSTEM_PACKAGES=installed COUNCILKG_REQUIRE_ENGINES=1 $(BIN)/pytest -n auto --dist loadgroup

# The engine suite alone: the sample pushed into Oxigraph, Jena and Virtuoso
# with their defaults, every prepared query and analyze view compared with
# the embedded store, the README's engine recipes run as written.
test-engines: $(STAMP) engines
	COUNCILKG_REQUIRE_ENGINES=1 $(BIN)/pytest tests/test_engines.py tests/test_engine_servers.py tests/test_datasets.py

# Everything but the browser tests, with no system package installed: the
# tests that draw Chinese labels skip, saying why, where no CJK font is found.
test-core: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -n auto -m "not browser and not engines"

# The property tests — text re-flowed and damaged, and generated HTTP requests
# against a running server — at 10000 examples a module instead of CI's 200: pytest's report with hypothesis's statistics, then one line with the
# cases run, the failing cases, the failed tests and the time taken.
fuzz: $(STAMP)
	@log=$$(mktemp); start=$$(date +%s); \
	COUNCILKG_FUZZ_EXAMPLES=10000 $(BIN)/pytest -n auto -p no:cacheprovider \
		--hypothesis-show-statistics tests/test_reflow.py tests/test_damage.py \
		tests/test_http_fuzz.py >$$log 2>&1; \
	rc=$$?; cat $$log; \
	awk -v secs=$$(( $$(date +%s) - start )) \
		'/ passing, [0-9]+ failing, and / { run += $$2 + $$4; bad += $$4 } \
		/^FAILED / { failed++ } \
		END { printf "fuzz: %d cases run, %d failing cases, %d failed tests, %ds\n", run, bad, failed, secs }' $$log; \
	rm -f $$log; exit $$rc

# The soak test at length: 16 clients x 200 requests (valid and hostile) on
# `councilkg serve`, and 50 ingests killed with SIGKILL; prints the figures.
soak: $(STAMP)
	COUNCILKG_SOAK_REQUESTS=200 COUNCILKG_SOAK_KILLS=50 COUNCILKG_SOAK_STRICT=1 \
		$(BIN)/pytest -s -p no:cacheprovider \
		tests/test_soak.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

docs: $(STAMP)
	mkdir -p build/docs
	$(BIN)/pylode ontology/councilkg.ttl -o build/docs/ontology.html
	@echo "ontology documentation: build/docs/ontology.html"

# Every stage at 10k, 100k and 1M triples, the issue's seven targets from one
# run (about 15-20 minutes on 2 cores; bench/README.md gives the times).
# `bench-1m` is the same run, kept for the scripts that call it.
bench: $(STAMP)
	bash scripts/install-jena.sh
	$(BIN)/python -m bench report

bench-1m: bench

clean:
	rm -rf $(VENV) $(OUT) $(STORE) build dist .pytest_cache .mypy_cache .ruff_cache
