# Everything runs inside .venv, created here from the lock (requirements.lock, made from
# pyproject.toml by `make lock`): a fresh clone needs only `make handout` and `make test`.
# PYTHON chooses the interpreter .venv is made with (make test PYTHON=python3.12); casedocs
# needs 3.11 or newer. A .venv that cannot run casedocs, or one made with another Python than
# a PYTHON given here, is made again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
VENV_VERSION := $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
VENV_SUPPORTED := $(shell $(BIN)/python -c 'import sys; print(int(sys.version_info >= (3, 11)))' 2>/dev/null)
ifneq ($(VENV_SUPPORTED),1)
.PHONY: $(STAMP)
endif
ifeq ($(origin PYTHON),command line)
ifneq ($(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null),$(VENV_VERSION))
.PHONY: $(STAMP)
endif
endif
CASES := $(wildcard content/*.yaml content/conferences/*.yaml \
                   content/examples/*.yaml content/examples/conferences/*.yaml)
OUT ?= build

# The site shows every case and conference in content/; `make quiz` is its answer-free variant.
SITE_CASES := content

.PHONY: handout slides all site quiz test lint bench illustrations example-images dicom-terms default-template clean distclean lock

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
	$(BIN)/python bench/stack.py || status=1; \
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

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "casedocs needs Python 3.11 or newer; $(PYTHON) is %d.%d. Name another: make $(or $(MAKECMDGOALS),handout) PYTHON=python3.11" % sys.version_info[:2])'
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# The lock again, from pyproject.toml: the newest releases within its bounds, with hashes.
lock:
	rm -rf .lock-tools
	$(PYTHON) -m venv .lock-tools
	.lock-tools/bin/python -m pip install --quiet uv
	{ sed -n '1,3p' $(LOCK); .lock-tools/bin/uv pip compile pyproject.toml --extra dev \
	  --generate-hashes --python-version 3.11 --upgrade --no-header --no-annotate -q; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf .lock-tools

# clean leaves .venv (setting it up again takes a while); distclean removes it too.
clean:
	rm -rf $(OUT) .pytest_cache

distclean: clean
	rm -rf $(VENV) .lock-tools
