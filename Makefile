# Two commands on a fresh machine: `make run` and `make test`. Installs are skipped when
# pyproject.toml has not changed since the last one (stamp files in .venv/).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# torch first, pinned, so that no resolver ever reaches for a multi-GB CUDA build.
TORCH := torch==2.13.0
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test bench eval lint clean install install-dev system-deps

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet $(TORCH)
	$(PIP) install --quiet -e .
	$(PY) -m shotlist.warmup
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev system-deps

# Debian's chromium (browser tests), ffmpeg (ffprobe for checking videos) and libxml2-utils (xmllint, which
# validates the FCPXML exports against the DTD), only when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v ffprobe >/dev/null || missing="$$missing ffmpeg"; \
	command -v xmllint >/dev/null || missing="$$missing libxml2-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

run: install
	$(VENV)/bin/shotcaller ui

test: install-dev
	$(VENV)/bin/python -m pytest

bench: install-dev
	$(VENV)/bin/python -m benchmarks.run

eval: install-dev
	$(VENV)/bin/shotcaller eval --llm offline
	$(VENV)/bin/shotcaller eval --llm scripted

lint: install-dev
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .cache .pytest_cache
