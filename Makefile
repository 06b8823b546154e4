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

.PHONY: run test bench eval lint clean install install-dev system-deps songs llama-cpp build-deps

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet $(TORCH)
	$(PIP) install --quiet -e .
	$(PY) -m shotlist.warmup
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[dev,ray]'
	touch $@

# the local director's runtime on a CPU: llama.cpp's llama-server, built once from the source vendored in the
# llama-cpp-python sdist into ~/.cache/shotcaller/llama.cpp-<version>/ (minutes; skipped when built). Without
# it the local director runs on transformers serve. The tests need it (built in front); `make run` starts the
# studio at once and builds it in the background, at low priority (log: .cache/llama-cpp-build.log).
install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev system-deps llama-cpp

llama-cpp: $(VENV)/.installed build-deps
	$(PY) -m assistant.local_runtime build

# cmake and a C++ compiler for llama.cpp, only when missing
build-deps:
	@missing=""; \
	command -v cmake >/dev/null || missing="$$missing cmake"; \
	command -v c++ >/dev/null || missing="$$missing g++"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing >/dev/null; \
	fi

# Debian's chromium (browser tests), ffmpeg (ffprobe for checking videos), libxml2-utils (xmllint, which
# validates the FCPXML exports against the DTD) and melt (the MLT engine under Kdenlive and Shotcut, which
# renders the MLT export in the tests), only when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v ffprobe >/dev/null || missing="$$missing ffmpeg"; \
	command -v xmllint >/dev/null || missing="$$missing libxml2-utils"; \
	command -v melt >/dev/null || missing="$$missing melt"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing >/dev/null; \
	fi

# The beat benchmark's songs, built once into ~/.cache/shotcaller/songs (a fresh clone on this machine reuses
# it): the four muldjord recordings and the songs rendered from the MIDI files of openttd-openmsx and
# planetblupi-music-midi (shotlist/midi_songs.py), and the fresh test source, freedoom's and MMA's songs
# (shotlist/fresh_songs.py, its own cache folder). fluidsynth and its General MIDI soundfont are installed
# with apt when missing; where packages cannot be had the benchmark and the beat tests skip those songs.
songs: $(VENV)/.installed
	@missing=""; \
	command -v fluidsynth >/dev/null || missing="$$missing fluidsynth"; \
	[ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || missing="$$missing fluid-soundfont-gm"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  { $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing >/dev/null; } || \
	    echo "could not install$$missing: the rendered benchmark songs will be skipped"; \
	fi
	nice -n 10 $(PY) -m shotlist.midi_songs build

# the CLI keeps diffusers offline itself; unsetting HF_HUB_OFFLINE here lets the local director's
# model download on first use (`--llm local`, or automatic with no key and no server)
run: install
	@if $(PY) -c "import sys, assistant.local_runtime as r; sys.exit(bool(r.server_binary() or r.missing_tools()))"; then \
	  mkdir -p .cache; echo "building llama.cpp (the local director's CPU runtime) in the background: .cache/llama-cpp-build.log"; \
	  nohup nice -n 19 $(PY) -m assistant.local_runtime build > .cache/llama-cpp-build.log 2>&1 & \
	fi
	env -u HF_HUB_OFFLINE -u TRANSFORMERS_OFFLINE $(VENV)/bin/shotcaller ui

test: install-dev songs
	$(VENV)/bin/python -m pytest

bench: install-dev
	$(VENV)/bin/python -m benchmarks.run

eval: install-dev
	$(VENV)/bin/shotcaller eval --llm offline
	$(VENV)/bin/shotcaller eval --llm scripted
	$(VENV)/bin/python -m evals.requests_eval

lint: install-dev
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .cache .pytest_cache
