# Everything runs inside .venv, created here from pyproject.toml: a fresh clone needs only
# `make handout` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CASES := $(wildcard content/*.yaml content/conferences/*.yaml \
                   content/examples/*.yaml content/examples/conferences/*.yaml)
OUT ?= build

# The site shows every case and conference in content/; `make quiz` is its answer-free variant.
SITE_CASES := content

.PHONY: handout slides all site quiz test lint bench illustrations example-images dicom-terms default-template clean

handout: $(STAMP)
	$(BIN)/casedocs build $(CASES) --only handout --out $(OUT)

slides: $(STAMP)
	$(BIN)/casedocs build $(CASES) --only slides --out $(OUT)

all: $(STAMP)
	$(BIN)/casedocs build $(CASES) --out $(OUT)

site: $(STAMP)
	$(BIN)/casedocs site $(SITE_CASES) --out $(OUT)/site

quiz: $(STAMP)
	$(BIN)/casedocs site $(SITE_CASES) --unknown --out $(OUT)/quiz

test: lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench assets tools
	$(BIN)/lint-imports

# Every benchmark runs; the status says whether all met their targets.
bench: $(STAMP)
	status=0; \
	$(BIN)/python bench/bench.py || status=1; \
	$(BIN)/python bench/leaks.py || status=1; \
	$(BIN)/python bench/scale.py || status=1; \
	$(BIN)/python bench/watch.py || status=1; \
	$(BIN)/python bench/ocr.py || status=1; \
	$(BIN)/python bench/import.py || status=1; \
	$(BIN)/python bench/layout.py || status=1; \
	exit $$status

illustrations: $(STAMP)
	$(BIN)/python assets/is-case-4/draw.py

example-images: $(STAMP)
	$(BIN)/python assets/examples/draw.py

# The answer check's DICOM image vocabulary, from pydicom's code tables (a test compares).
dicom-terms: $(STAMP)
	$(BIN)/python -m casedocs.document.dicom_terms

default-template: $(STAMP)
	$(BIN)/python tools/make_default_template.py

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(OUT) .pytest_cache
