# Inspraak: `make run` serves on http://127.0.0.1:8000, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export INSPRAAK_DATA_DIR ?= $(CURDIR)/var
# What the channels and engines run on: OCR, audio decoding, test speech, the test browser.
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-nld tesseract-ocr-fra tesseract-ocr-eng \
	ghostscript qpdf unpaper pngquant ffmpeg fonts-dejavu-core postgresql-client
TEST_SYSTEM_PACKAGES := espeak-ng chromium sox w3m fonts-humor-sans libreoffice-calc-nogui dovecot-imapd
CATALOG_SOURCES := intake channels transcription ocr admin
AXE := .cache/node/node_modules/axe-core/axe.min.js
# Four test processes on two cores: most tests wait on servers, subprocesses or the network
# rather than on the CPU. A test file stays on one process, so its shared servers start once.
PYTEST_ARGS ?= -n 4 --dist loadfile
# The OpenID provider the sign-in tests start (the certified Node oidc-provider).
OIDC_PROVIDER := .cache/node/node_modules/oidc-provider/package.json

.PHONY: run test setup system-packages test-system-packages catalogs compile-catalogs \
	migrate lint clean

run: setup migrate
	$(BIN)/inspraak demo
	$(BIN)/inspraak run --host $(HOST) --port $(PORT)

test: setup test-system-packages $(AXE) $(OIDC_PROVIDER) migrate
	$(BIN)/python -m intake.catalogs check
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: system-packages $(VENV)/.installed compile-catalogs

# Installs only what is missing, and only when it can (as root); otherwise it says what to add.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends $$missing; \
		else echo "Please install: sudo apt-get install $$missing"; exit 1; fi; \
	fi
endef

system-packages:
	$(call apt_install,$(SYSTEM_PACKAGES))

test-system-packages:
	$(call apt_install,$(TEST_SYSTEM_PACKAGES))
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends npm; } || { echo "Please install npm"; exit 1; }

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(AXE):
	npm install --silent --no-audit --no-fund --prefix .cache/node axe-core@4.11.0

$(OIDC_PROVIDER):
	npm install --silent --no-audit --no-fund --prefix .cache/node oidc-provider@9.13.3

compile-catalogs: $(VENV)/.installed
	$(BIN)/pybabel compile -d locales -D messages

# Extract every marked string, merge it into the catalogs, fill the Dutch source, compile.
catalogs: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -k lazy_gettext -o locales/messages.pot \
		--no-location --sort-output --project=Inspraak $(CATALOG_SOURCES) >/dev/null 2>&1
	for lang in nl fr en; do \
		if [ -f locales/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update -i locales/messages.pot -d locales -l $$lang -D messages \
				--no-fuzzy-matching -w 100 --ignore-obsolete; \
		else $(BIN)/pybabel init -i locales/messages.pot -d locales -l $$lang -D messages; fi; \
	done
	$(BIN)/python -m intake.catalogs fill
	$(BIN)/pybabel compile -d locales -D messages

migrate: $(VENV)/.installed
	$(BIN)/inspraak db upgrade

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .cache build *.egg-info
