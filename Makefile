# Two commands set everything up on a fresh machine:
#   make demo   venv + install + data, release every assignment, grade the samples
#               (results in graded/<id>/: grades.csv, results/, feedback/, report.html, gradebook.csv,
#               manual/: the TAs' pages and scores file for the manual questions,
#               similarity/: the similarity report of the samples)
#   make test   the same set-up, then ruff, mypy and the whole test suite
#   make lint   ruff and mypy only
#   make docker a Docker engine (root: Debian's docker.io) and the grading image (part of setup)
#   make lock   rewrite requirements.lock from the installed environment (after an upgrade on purpose)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: setup demo test lint lock release-check system-packages data docker clean

setup: $(INSTALLED) system-packages data docker

$(INSTALLED): pyproject.toml requirements.lock
	@echo "==> Python environment: $(VENV) (pip install -r requirements.lock -e '.[course,test]')"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -r requirements.lock -e '.[course,test]' > $(VENV)/pip.log 2>&1 \
		|| (tail -30 $(VENV)/pip.log; echo "pip install failed; full log in $(VENV)/pip.log"; exit 1)
	@$(BIN)/python -c "import autograder, otter, torch, torchvision" || (echo "install failed" && exit 1)
	@echo "    installed (log: $(VENV)/pip.log)"
	@touch $@

system-packages:
	@echo "==> Debian packages"
	@tools/install-system-packages.sh

data: $(INSTALLED) system-packages
	@echo "==> Course data (grader data)"
	@$(BIN)/grader data

docker: $(INSTALLED)
	@echo "==> Docker engine and grading image, for --isolation docker (tools/docker-setup.sh)"
	@tools/docker-setup.sh

demo: setup
	@echo "==> Releasing every assignment (grader release --all)"
	@$(BIN)/grader release --all
	@isolation=auto; \
	if ! $(BIN)/python -c "from autograder.sandbox import select_isolation; select_isolation('auto')" 2>/dev/null; then \
		isolation=none; \
		echo "==> No sandbox works on this machine (grader grade says why): the course's own samples are graded with --isolation none"; \
	fi; \
	for id in $$($(BIN)/python -c "from autograder.course import load_course; print(*[a.id for a in load_course().assignments])"); do \
		if [ -d tests/submissions/$$id ]; then \
			echo "==> Grading the sample submissions of $$id (grader grade $$id tests/submissions/$$id --isolation $$isolation)"; \
			$(BIN)/grader grade $$id tests/submissions/$$id --isolation $$isolation || exit 1; \
			$(BIN)/grader report $$id || exit 1; \
			$(BIN)/grader manual $$id tests/submissions/$$id || exit 1; \
			$(BIN)/grader similarity $$id tests/submissions/$$id || exit 1; \
		fi; \
	done

lint: $(INSTALLED)
	@echo "==> Lint (ruff) and types (mypy)"
	@$(BIN)/ruff check autograder tests tools
	@$(BIN)/mypy

test: setup lint
	@echo "==> Test suite (pytest; slow end-to-end tests included)"
	@$(BIN)/python -m pytest

lock: $(INSTALLED)
	@$(BIN)/python tools/lock_requirements.py
	@touch $(INSTALLED)  # the environment is the new lock: no reinstall on the next make

release-check: setup
	@$(BIN)/grader release --all --check

clean:
	rm -rf $(VENV) dist graded *.egg-info
