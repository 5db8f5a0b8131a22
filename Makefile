# bayledger — two commands on a fresh machine:
#   make demo   installs everything and runs the reference demo on embedded nodes
#   make test   installs what the tests need and runs lint, types, layering and the whole test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install system-deps demo test lint typecheck layering pytest bench bench-quick clean cometbft cometbft-proto bench-localnet

system-deps:  ## Debian packages the project uses (openssl CLI for interop tests)
	@command -v openssl >/dev/null 2>&1 || { \
	  echo "installing Debian package openssl"; \
	  $$(command -v sudo >/dev/null 2>&1 && echo sudo) apt-get update -qq && \
	  $$(command -v sudo >/dev/null 2>&1 && echo sudo) apt-get install -y -qq openssl; }

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "bayledger needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	@touch $(STAMP)

install: system-deps $(STAMP)  ## create .venv with the locked dependencies

demo: install  ## run the reference demo (HK zone + Mainland SM2/SM3 zone)
	$(VENV)/bin/bayledger demo

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: install  ## mypy, strict for bayledger.core
	$(VENV)/bin/mypy

layering: install  ## core imports nothing from node/api/cli/sdk/store/offchain
	$(VENV)/bin/lint-imports

pytest: install cometbft
	$(PY) -m pytest -q

test: lint typecheck layering pytest  ## everything CI runs

bench: install  ## full benchmark report (JSON)
	$(PY) bench/throughput.py

bench-quick: install  ## smaller benchmark run (< 2 minutes)
	$(PY) bench/throughput.py --quick

bench-localnet: install cometbft  ## 4-validator CometBFT localnet against the embedded node (JSON, ~30 s)
	$(PY) bench/localnet.py

COMETBFT_VERSION := v0.38.26
GO ?= $(shell command -v go 2>/dev/null || ls /usr/local/go/bin/go 2>/dev/null)
GRPCIO_TOOLS_VERSION := 1.85.1

cometbft: install  ## CometBFT (pinned) into .venv/bin with go install, unless that version is already on PATH
	@if command -v cometbft >/dev/null 2>&1 && [ "$$(cometbft version 2>/dev/null)" = "$(COMETBFT_VERSION:v%=%)" ]; then \
	  echo "cometbft $(COMETBFT_VERSION) found at $$(command -v cometbft)"; \
	elif [ "$$($(VENV)/bin/cometbft version 2>/dev/null)" = "$(COMETBFT_VERSION:v%=%)" ]; then \
	  echo "cometbft $(COMETBFT_VERSION) found at $(VENV)/bin/cometbft"; \
	else \
	  [ -n "$(GO)" ] || { echo "Go >= 1.22 is needed to install CometBFT (apt-get install golang-go)"; exit 1; }; \
	  echo "installing cometbft $(COMETBFT_VERSION) with go install"; \
	  GOBIN="$(abspath $(VENV))/bin" $(GO) install github.com/cometbft/cometbft/cmd/cometbft@$(COMETBFT_VERSION); \
	fi

cometbft-proto: install  ## regenerate src/bayledger/cometbft/proto from CometBFT's own .proto files
	$(PY) -m pip install -q grpcio-tools==$(GRPCIO_TOOLS_VERSION)
	$(PY) scripts/gen_cometbft_proto.py

clean:
	rm -rf $(VENV) demo-data .pytest_cache .mypy_cache .ruff_cache .hypothesis
