# Không Vội — two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app server
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test venv dev-venv db lint typecheck unit browser js extension extension-lint chromium firefox bench clean compile

# Runtime environment: created when missing or when requirements.txt changes.
$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# Test, lint and benchmark tools on top of the runtime.
$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

db: venv
	$(FLASK) init-db

## make compile: the checking hot path compiled with mypyc (optional: without a C compiler, or
## when the build fails, the same code runs as plain Python; see README "Speed").
NATIVE_STAMP := server/core/native.sha256
$(NATIVE_STAMP): server/core/matching.py server/core/checker.py server/core/answers.py requirements-build.txt
	@if command -v cc >/dev/null 2>&1; then \
	  $(BIN)/python -m pip install --quiet -r requirements-build.txt \
	  && $(BIN)/python tools/build_core.py >/dev/null \
	  || echo "make compile failed: the pure-Python core is used"; \
	else echo "No C compiler: the pure-Python core is used"; fi

compile: venv
	@$(MAKE) --no-print-directory $(NATIVE_STAMP)

## make run: install, initialise the SQLite database with the default lists, serve on :5000
run: compile db
	@echo ""
	@echo "Không Vội đang chạy tại http://$(HOST):$(PORT)  (Ctrl+C để dừng)"
	@echo "  Thử:  curl 'http://$(HOST):$(PORT)/api/v1/check?url=https://xaydungchinhsach.baochinhphu.vn/abc'"
	@echo "  Quản trị: tạo tài khoản đầu tiên bằng  $(FLASK) users create TEN --role admin"
	@echo "            rồi đăng nhập tại http://$(HOST):$(PORT)/admin/"
	@echo ""
	KHONGVOI_RESOLVE_SHORTENERS=true $(FLASK) run --host $(HOST) --port $(PORT)

## Debian's Chromium for the browser tests (installed with apt-get when missing).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## Debian's Firefox ESR for the extension's Marionette tests (installed with apt-get when missing).
firefox:
	@command -v firefox-esr >/dev/null 2>&1 || { \
	  echo "Installing Debian's firefox-esr for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null; }

extension/node_modules/.package-lock.json: extension/package.json extension/package-lock.json
	npm ci --prefix extension --no-audit --no-fund --loglevel=error

lint: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make typecheck: mypy --strict on server/core and server/store (configured in pyproject.toml).
typecheck: dev-venv
	$(BIN)/mypy

unit: dev-venv
	$(BIN)/pytest -m "not browser" -q

js:
	node --test extension/tests/

## make extension: dist/khong-voi-chrome.zip and dist/khong-voi-firefox.zip
extension: venv
	$(BIN)/python extension/build.py

extension-lint: extension extension/node_modules/.package-lock.json
	cd extension && npx web-ext lint --source-dir ../dist/firefox --self-hosted

browser: dev-venv chromium firefox
	$(BIN)/pytest -m browser -q

## make test: everything CI runs — lint, Python tests (browser included), JavaScript tests.
test: dev-venv chromium firefox compile
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(MAKE) --no-print-directory js extension-lint
	$(BIN)/pytest -q -p no:cacheprovider
	@# the shared cases, checker and answer tests again on the other path (pure Python)
	KHONGVOI_PURE_PYTHON=1 $(BIN)/pytest -q -p no:cacheprovider tests/unit/test_shared_cases.py \
	  tests/unit/test_matching.py tests/unit/test_checker.py tests/unit/test_native.py \
	  tests/ops/test_result_json.py tests/ops/test_response_cache.py

bench: dev-venv
	$(BIN)/python bench/bench_checker.py

clean:
	rm -rf $(VENV) dist test-artifacts .pytest_cache .ruff_cache build
	rm -f server/core/*.so $(NATIVE_STAMP)
