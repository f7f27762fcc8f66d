# The two commands a new user needs: `make run` and `make test`. Both bootstrap .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 1
SHARED ?= ../shared

export HOST PORT WEB_CONCURRENCY

.PHONY: install run test eval bench bench-attacks train lock clean screenshots clients-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	# The system pip (23.2) crashes on lxml[html-clean], which trafilatura pulls in.
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25"

$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/newsdesk serve --host $(HOST) --port $(PORT) --workers $(WEB_CONCURRENCY)

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

eval: install
	$(BIN)/newsdesk eval $(SHARED)/eval/polnear/dev.jsonl $(SHARED)/eval/seed \
		--ood $(SHARED)/eval/ood/dev.jsonl \
		--entities $(SHARED)/eval/conll2003/valid.jsonl --scorer-dir $(SHARED)/eval \
		--results bench/RESULTS.md

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/extract_speed.py
	$(BIN)/python bench/backends.py
	$(BIN)/python bench/attacks.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/ingest_jobs.py

# Hostile clients against one worker on 127.0.0.1, bounded in time (~2 minutes).
bench-attacks: install
	$(BIN)/python bench/attacks.py

# Python and TypeScript clients generated from /openapi.json, their example scripts
# type-checked and run against a live server (pinned tools, installed on first use).
clients-check: install
	clients/check.sh

# Refit the learned parts on PolNeAR train (never dev) and rewrite their committed weights,
# app/nlp/learned/cues.json, proposals.json, boundaries.json, tagger.crfsuite (+ tagger.json) and
# screen.json: no randomness, so the same data give the same bytes. The boundary model parses
# train with the extractor's stages (~10 minutes); the tagger reads the three others' weights,
# and the screen, last, all four.
train: install
	$(BIN)/python -m app.nlp.training.cues $(SHARED)/eval/polnear/train.jsonl
	$(BIN)/python -m app.nlp.training.boundaries $(SHARED)/eval/polnear/train.jsonl
	$(BIN)/python -m app.nlp.training.proposals $(SHARED)/eval/polnear/train.jsonl
	$(BIN)/python -m app.nlp.training.tagger $(SHARED)/eval/polnear/train.jsonl
	$(BIN)/python -m app.nlp.training.screen $(SHARED)/eval/polnear/train.jsonl

# The reading room's four pages at desktop and phone width, as PNGs in screenshots/ (needs
# Debian's chromium and chromium-driver: apt-get install chromium chromium-driver).
screenshots: install
	$(BIN)/python -m tests.browser screenshots

# Re-pin every dependency to what is installed now (after changing pyproject.toml).
lock: install
	$(BIN)/python -m pip freeze --exclude-editable --exclude newsdesk > requirements.lock

clean:
	rm -rf $(VENV) data
