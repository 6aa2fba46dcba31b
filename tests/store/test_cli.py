"""The command line, through Flask's CLI runner."""

from __future__ import annotations

import csv
from dataclasses import replace

from server.cli import EXIT_BY_VERDICT
from server.core.tables import SOURCES_DIR


def _rows(name):
    """Rows of the default list ``sources/<name>.csv``."""
    with (SOURCES_DIR / f"{name}.csv").open(encoding="utf-8") as fh:
        return len(list(csv.DictReader(fh)))


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
    counts = {n: _rows(n) for n in ("allow", "deny", "pending")}
    assert (
        f"{counts['allow']} cho phép, {counts['deny']} chặn, {counts['pending']} chờ duyệt"
        in result.output
    )
    store = app.extensions["khongvoi.store"]
    assert len(store.list_pending()) == counts["pending"]
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
    src.write_text(
        "pattern,name,category,scope,evidence\nmoi.vn,Báo Mới,press_local,national,e\n",
        encoding="utf-8",
    )
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
    src.write_text("pattern,name,evidence\nok.vn,OK,e\nfacebook.com,FB,e\n", encoding="utf-8")
    version = store.lists_version()
    result = runner.invoke(args=["sources", "import", str(src), "--list", "deny"])
    assert result.exit_code == 1
    assert "line 3: platform_host_rule" in result.output
    assert store.lists_version() == version
    json_out = runner.invoke(args=["sources", "export", "--format", "json", "--list", "deny"])
    assert '"ok.vn"' not in json_out.output


def test_skip_invalid_imports_the_valid_rows(app, runner, tmp_path):
    store = app.extensions["khongvoi.store"]
    src = tmp_path / "mixed.csv"
    src.write_bytes(
        "\ufeffpattern,name,evidence\r\nhop-le.vn,Hợp lệ,CV 1\r\nfacebook.com,FB,x\r\n".encode()
    )
    result = runner.invoke(
        args=["sources", "import", str(src), "--list", "allow", "--skip-invalid"]
    )
    assert result.exit_code == 0, result.output
    assert "line 3: platform_host_rule" in result.output and "thêm/added 1" in result.output
    assert store.find_rules(q="hop-le.vn")[0] == 1


def test_full_export_then_replace_reproduces_the_state(app, runner, tmp_path):
    store = app.extensions["khongvoi.store"]
    for fmt in ("csv", "json"):
        out = tmp_path / f"all.{fmt}"
        assert (
            runner.invoke(args=["sources", "export", "--format", fmt, "-o", str(out)]).exit_code
            == 0
        )
        before = [replace(r, id=None) for r in store.export_rules()]
        extra = tmp_path / "extra.csv"
        extra.write_text("pattern,name,evidence\nthem-vao.vn,Thêm,e\n", encoding="utf-8")
        runner.invoke(args=["sources", "import", str(extra), "--list", "deny"])
        store.delete_rule(store.find_rules(list="allow")[1][0].id)
        result = runner.invoke(args=["sources", "import", str(out), "--replace"])
        assert result.exit_code == 0, result.output
        assert "xóa/removed 1" in result.output and "thêm/added 1" in result.output
        assert [replace(r, id=None) for r in store.export_rules()] == before
        again = tmp_path / f"again.{fmt}"
        runner.invoke(args=["sources", "export", "--format", fmt, "-o", str(again)])
        assert again.read_bytes() == out.read_bytes()


def test_replace_one_list_leaves_the_other(app, runner, tmp_path):
    store = app.extensions["khongvoi.store"]
    deny_before = [r.pattern for r in store.export_rules("deny")]
    src = tmp_path / "allow.csv"
    src.write_text("pattern,name,evidence\nchi-mot.vn,Chỉ một,e\n", encoding="utf-8")
    result = runner.invoke(args=["sources", "import", str(src), "--list", "allow", "--replace"])
    assert result.exit_code == 0, result.output
    assert [r.pattern for r in store.export_rules("allow")] == ["chi-mot.vn"]
    assert [r.pattern for r in store.export_rules("deny")] == deny_before


def test_wrong_encoding_and_missing_file(runner, tmp_path):
    src = tmp_path / "cp1258.csv"
    src.write_bytes("pattern,name,evidence\nbáo.vn,Báo,e\n".encode("cp1258"))
    result = runner.invoke(args=["sources", "import", str(src), "--list", "allow"])
    assert result.exit_code == 1 and "bad_encoding" in result.output
    assert runner.invoke(args=["sources", "import", str(tmp_path / "nope.csv")]).exit_code == 2


def test_init_db_keeps_existing_rules_and_queues_pending_once(tmp_path):
    from server.core import make_rule
    from tests.live import make_test_app

    app = make_test_app(tmp_path, defaults=False)
    store = app.extensions["khongvoi.store"]
    store.import_rules([make_rule("allow", "da-co.vn")])
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert lines[0].startswith("Cơ sở dữ liệu đã có danh sách")
    assert lines[1].startswith("The database already holds lists")
    pending = _rows("pending")
    assert f"Queued {pending} entries" in first.output
    assert [r.pattern for r in store.export_rules()] == ["da-co.vn"]
    second = runner.invoke(args=["init-db"])
    assert "Queued" not in second.output and len(store.list_pending()) == pending
    store.dispose()


def test_unwritable_output_paths_get_a_message_not_a_traceback(tmp_path):
    from tests.live import make_test_app

    app = make_test_app(tmp_path)
    runner = app.test_cli_runner()
    for args in (
        ["sources", "export", "--list", "deny", "-o", "/nonexistent/dir/x.csv"],
        ["db", "backup", "/nonexistent/dir/b.db"],
    ):
        got = runner.invoke(args=args)
        assert got.exit_code == 1, args
        assert "không tồn tại" in got.output and "Traceback" not in got.output, got.output
    app.extensions["khongvoi.store"].dispose()


def test_keys_list_says_when_there_are_none(tmp_path):
    from tests.live import make_test_app

    app = make_test_app(tmp_path)
    got = app.test_cli_runner().invoke(args=["keys", "list"])
    assert got.exit_code == 0 and "Chưa có khóa API nào" in got.output
    app.extensions["khongvoi.store"].dispose()
