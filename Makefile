# The two commands a fresh machine needs (only Python 3.11+ and make):
#   make lab    set up (first time) and open the course in JupyterLab
#   make test   set up (first time) and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# One stamp per set of pins, named after their checksum: editing a requirements file reinstalls on the next make.
# `install` is what a learner needs (requirements.txt); `install-dev` adds the tests and tools (requirements-dev.txt).
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEV_STAMP     := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Extra options for `jupyter lab`, e.g. make lab LAB_ARGS=--no-browser on a machine without a browser.
LAB_ARGS ?=

.PHONY: install install-dev lab test data execute readme html bench flakes clean
install: $(RUNTIME_STAMP)
install-dev: $(DEV_STAMP)

$(RUNTIME_STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	@rm -f $(VENV)/.installed-runtime-* && touch $@

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@rm -f $(VENV)/.installed-dev-* && touch $@

# JupyterLab on this machine only (127.0.0.1), protected by a random token it prints; opens notebook 00.
lab: install
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks --LabApp.default_url=/lab/tree/00_start_here.ipynb $(ROOT_FLAG) $(LAB_ARGS)

test: install-dev
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Rebuild data/datapackage.json (sizes, sha256, fingerprints) after editing data/ or data/descriptors/.
data: install
	PYTHONPATH=notebooks $(BIN)/python tools/build_datapackage.py

# Re-execute every notebook in place (or one: make execute NB=01_shenzhen_sez.ipynb), the way nbval
# re-runs them, store outputs and widget state, and drop widget state that only repeats defaults.
NB ?= [0-9][0-9]_*.ipynb
execute: install
	cd notebooks && for nb in $(NB); do \
	  ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=300 "$$nb" || exit 1; \
	  ../$(BIN)/python ../tools/notebook_files.py "$$nb" || exit 1; \
	done
	PYTHONPATH=notebooks $(BIN)/python tools/readme_tables.py

# Regenerate the README's notebook, JupyterHub and status tables.
readme: install
	PYTHONPATH=notebooks $(BIN)/python tools/readme_tables.py

# The static edition (no kernel needed): _site/index.html links every notebook, the sources and the glossary.
html: install
	PYTHONPATH=notebooks $(BIN)/python tools/static_site.py _site

# Zero flakes: the whole nbval suite RUNS times in a row (alternating forward and reverse order).
RUNS ?= 20
flakes: install-dev
	$(BIN)/python tests/flakes.py $(RUNS)

# Timings on this machine against the performance budgets (README, "Performance"); not a test. It runs the
# whole suite once and a learner's first make lab in a fresh clone; make bench BENCH_ARGS=--quick skips both.
bench: install-dev
	$(BIN)/python tests/bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache artifacts _site

# make hub, make classroom (kept in their own file: tools/hub/hub.mk)
include tools/hub/hub.mk
