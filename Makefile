# The two commands of the README. Both set up a fresh machine first (Debian packages when run
# as root, a virtualenv with the pinned dependencies), so nothing else has to be installed.
VENV := .venv
PYTHON := $(VENV)/bin/python
# `make run PORT=5001` when 5000 is taken.
PORT ?= 5000
DEBIAN_PACKAGES := postgresql-15 postgresql-15-pgtap chromium poppler-utils fonts-dejavu-core wrk nodejs

.PHONY: run test setup lint

run: setup
	$(VENV)/bin/portal dev --port $(PORT)

test: setup node_modules/.installed lint
	$(PYTHON) -m pytest

lint: setup
	$(VENV)/bin/ruff check --output-format concise .

setup: debian-packages $(VENV)/.installed

# axe-core for the browser tests' accessibility checks, from the npm registry.
node_modules/.installed: package.json package-lock.json | debian-packages
	npm ci --no-audit --no-fund --silent
	touch $@

# Reinstalled only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | debian-packages
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $@

.PHONY: debian-packages
# Installs what is missing when we are root; otherwise says what to install. Stock Debian's
# nodejs comes without npm, and its python3 without venv.
debian-packages:
	@set -- $$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done) \
	  $$(command -v npm >/dev/null || echo npm) \
	  $$(python3 -c 'import ensurepip' 2>/dev/null || echo python3-venv); \
	if [ $$# -eq 0 ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then echo "Missing Debian packages (install them as root): $$*"; exit 0; fi; \
	echo "Installing Debian packages: $$*"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$$@" >/dev/null
