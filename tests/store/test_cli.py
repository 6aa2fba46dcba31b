"""The command line, through Flask's CLI runner."""

from __future__ import annotations

from server.cli import EXIT_BY_VERDICT


def test_init_db_is_idempotent(app, runner):
    store = app.extensions["khongvoi.store"]
    version = store.lists_version()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0
    assert "đã có danh sách" in result.output
    assert store.lists_version() == version


def test_init_db_loads_defaults_into_empty_db(tmp_path):
    from tests.live import make_test_app

    app = make_test_app(tmp_path, defaults=False)
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "225 cho phép, 19 chặn, 47 chờ duyệt" in result.output
    store = app.extensions["khongvoi.store"]
    assert len(store.list_pending()) == 47
    app.extensions["khongvoi.store"].dispose()


def test_check_prints_verdict_and_exit_code(runner):
    result = runner.invoke(args=["check", "https://xaydungchinhsach.baochinhphu.vn/abc"])
    assert result.exit_code == EXIT_BY_VERDICT["official"] == 0
    assert result.output.startswith("official: Nguồn chính thống")
    assert "baochinhphu.vn" in result.output
    denied = runner.invoke(args=["check", "tin-gia-mao.com", "--lang", "en"])
    assert denied.exit_code == 12 and "untrusted" in denied.output.lower()
    assert runner.invoke(args=["check", "example.org"]).exit_code == 10
    bad = runner.invoke(args=["check", "javascript:alert(1)"])
    assert bad.exit_code == 3 and "unsupported_scheme" in bad.output


def test_import_dry_run_then_apply_and_export(app, runner, tmp_path):
    store = app.extensions["khongvoi.store"]
    src = tmp_path / "new.csv"
    src.write_text("pattern,name,category,scope,evidence\nmoi.vn,Báo Mới,press_local,national,e\n",
                   encoding="utf-8")
    version = store.lists_version()
    dry = runner.invoke(args=["sources", "import", str(src), "--list", "allow", "--dry-run"])
    assert dry.exit_code == 0 and "thêm/added 1" in dry.output
    assert store.lists_version() == version
    done = runner.invoke(args=["sources", "import", str(src), "--list", "allow"])
    assert done.exit_code == 0 and store.lists_version() > version
    out = tmp_path / "allow.csv"
    exported = runner.invoke(args=["sources", "export", "--list", "allow", "-o", str(out)])
    assert exported.exit_code == 0
    assert "moi.vn,Báo Mới" in out.read_text("utf-8")
    again = runner.invoke(args=["sources", "import", str(out), "--list", "allow"])
    assert "thêm/added 0, sửa/changed 0" in again.output


def test_import_with_invalid_rows_changes_nothing(app, runner, tmp_path):
    store = app.extensions["khongvoi.store"]
    src = tmp_path / "bad.csv"
    src.write_text("pattern,name\nok.vn,OK\nfacebook.com,FB\n", encoding="utf-8")
    version = store.lists_version()
    result = runner.invoke(args=["sources", "import", str(src), "--list", "deny"])
    assert result.exit_code == 1
    assert "line 3: platform_host_rule" in result.output
    assert store.lists_version() == version
    json_out = runner.invoke(args=["sources", "export", "--format", "json", "--list", "deny"])
    assert '"ok.vn"' not in json_out.output
