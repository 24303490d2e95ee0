# The two commands of the README. Both set up a fresh machine first (Debian packages when run
# as root, a virtualenv with the pinned dependencies), so nothing else has to be installed.
VENV := .venv
PYTHON := $(VENV)/bin/python
DEBIAN_PACKAGES := postgresql-15 postgresql-15-pgtap chromium poppler-utils fonts-dejavu-core wrk

.PHONY: run test setup lint

run: setup
	$(VENV)/bin/portal dev

test: setup lint
	$(PYTHON) -m pytest

lint: setup
	$(VENV)/bin/ruff check --output-format concise .

setup: $(VENV)/.installed debian-packages

# Reinstalled only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	touch $@

.PHONY: debian-packages
debian-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:" $$missing; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages (install them as root):" $$missing; exit 1; \
	  fi; \
	fi
