# Wrappers around scripts/dev.py (python3 scripts/dev.py --help tells more).
#   make run            demo database huatai_demo on http://127.0.0.1:8069
#   make reset          the same, after dropping and recreating huatai_demo
#   make test           fresh huatai_test database, then pytest
#   make test ARGS="--keep-db -k login"   reuse the test db, pass -k to pytest
#   make lint / make format / make clean
PYTHON ?= python3
DEV := $(PYTHON) scripts/dev.py
ARGS ?=

.PHONY: help run reset test lint format clean

help:
	@sed -n "2,6p" Makefile

run:
	$(DEV) run $(ARGS)

reset:
	$(DEV) run --reset $(ARGS)

test:
	$(DEV) test $(ARGS)

lint:
	$(DEV) lint $(ARGS)

format:
	$(DEV) format $(ARGS)

clean:
	$(DEV) clean
