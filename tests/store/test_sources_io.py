"""CSV/JSON rule files: encodings, line numbers, formula injection, round trips."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from server.core import Rule, make_rule
from server.rule_files import read_rules, write_csv, write_json

HEADER = "pattern,name,category,scope,evidence,note,review_by\n"


def test_bom_and_crlf_as_a_spreadsheet_saves():
    data = ("\ufeff" + HEADER + "Báo.VN,Báo,press_local,national,e,,\r\n").encode()
    parsed = read_rules(data.replace(b"\n", b"\r\n"), list_="allow")
    assert parsed.errors == []
    got = [(r.pattern, r.name, r.list) for r in parsed.rules]
    assert got == [("xn--bo-mia.vn", "Báo", "allow")]


def test_wrong_encoding_refused():
    parsed = read_rules((HEADER + "báo.vn,Báo,,,,,\n").encode("cp1258"), list_="allow")
    assert parsed.rules == [] and parsed.errors[0].code == "bad_encoding"
    assert "UTF-8" in parsed.errors[0].message


def test_invalid_rows_reported_with_line_numbers():
    data = (
        HEADER + "ok.vn,A,,,e,,\n"
        "facebook.com,A,,,e,,\n"
        "bad host.vn,A,,,e,,\n"
        "x.vn,A,,,e,,2027-13-45\n"
        "ok.vn,A,,,e,,\n"
    ).encode()
    parsed = read_rules(data, list_="allow")
    assert [r.pattern for r in parsed.rules] == ["ok.vn"]
    assert [(e.line, e.code) for e in parsed.errors] == [
        (3, "platform_host_rule"),
        (4, "invalid_pattern"),
        (5, "invalid_review_by"),
        (6, "duplicate_pattern"),
    ]
    assert all(e.message for e in parsed.errors)


def test_missing_header_and_oversize():
    assert read_rules(b"a.vn,b\n").errors[0].code == "missing_header"
    assert read_rules(b"x" * (50 * 1024 * 1024 + 1)).errors[0].code == "file_too_large"


def test_formula_cells_neutralised_and_round_trip():
    rules = [
        make_rule("allow", "a.vn", name='=HYPERLINK("http://evil")', note="+1", evidence="@SUM(A1)")
    ]
    data = write_csv(rules)
    assert b"'=HYPERLINK" in data and b",'+1," in data and b"'@SUM" in data
    assert read_rules(data, list_="allow").rules == rules


def test_leading_quote_survives_round_trip():
    rules = [make_rule("allow", "a.vn", name="'=x", note="'quoted", evidence="'e")]
    assert read_rules(write_csv(rules), list_="allow").rules == rules


def test_json_round_trip():
    rules = [
        make_rule("allow", "a.vn", name="Á", evidence="e"),
        make_rule("deny", "b.com", name="B", category="impersonation", evidence="e"),
    ]
    back = read_rules(write_json(rules), fmt="json")
    assert back.errors == [] and back.rules == rules


def test_binary_file_input_left_open():
    fh = io.BytesIO((HEADER + "a.vn,A,,,e,,\n").encode())
    parsed = read_rules(fh, list_="deny")
    assert [(r.pattern, r.list) for r in parsed.rules] == [("a.vn", "deny")]
    assert not fh.closed
    assert read_rules(io.BytesIO(b"x" * 11), max_bytes=10).errors[0].code == "file_too_large"


def test_columns_in_any_order_unknown_ignored_blank_rows_skipped():
    data = (
        "Ghi chú riêng,NOTE,Pattern,list,Evidence,name\n"
        "x,ghi chú,a.vn,deny,e,A\n"
        ",,,,,\n"
        "\n"
        "y,,b.vn,allow,e,B,extra cell\n"
        "z,,,allow,e,C\n"
    ).encode()
    parsed = read_rules(data)
    assert [(r.list, r.pattern, r.note) for r in parsed.rules] == [
        ("deny", "a.vn", "ghi chú"),
        ("allow", "b.vn", ""),
    ]
    assert [(e.line, e.code) for e in parsed.errors] == [(6, "empty_pattern")]


def test_line_numbers_count_multi_line_cells():
    data = (HEADER + 'a.vn,Tên,,,e,"Ghi chú\r\nhai dòng",\r\n' + "bad host,B,,,e,,\r\n").encode()
    parsed = read_rules(data, list_="allow")
    assert parsed.rules[0].note == "Ghi chú\r\nhai dòng"
    assert [(e.line, e.code) for e in parsed.errors] == [(4, "invalid_pattern")]


def test_malformed_csv_reported_not_raised():
    parsed = read_rules((HEADER + 'a.vn,"' + "x" * 200_000 + '"\n').encode(), list_="allow")
    assert parsed.rules == [] and parsed.errors[0].code == "invalid_csv"


def test_json_forms_and_errors():
    items = (
        '[{"pattern": "a.vn", "list": "allow", "name": "A", "evidence": "e", "extra": 1}, '
        '{"pattern": "A.VN", "list": "allow", "name": "A", "evidence": "e"}, "x", '
        '{"pattern": ["a"], "list": "deny"}, '
        '{"pattern": "b.vn", "list": "maybe", "name": "B", "evidence": "e"}, '
        '{"pattern": "c.vn", "list": "allow", "name": 5, "evidence": "e"}, '
        '{"pattern": "d.vn", "list": "allow", "name": "D", "evidence": null}]'
    )
    parsed = read_rules(items.encode(), fmt="json")
    assert [(r.list, r.pattern, r.name) for r in parsed.rules] == [("allow", "a.vn", "A")]
    assert [(e.line, e.code) for e in parsed.errors] == [
        (2, "duplicate_pattern"),
        (3, "invalid_row"),
        (4, "invalid_pattern"),
        (5, "invalid_list"),
        (6, "invalid_name"),
        (7, "missing_evidence"),
    ]
    wrapped = read_rules(
        b'{"rules": [{"pattern": "c.vn", "name": "C", "evidence": "e"}]}', fmt="json", list_="deny"
    )
    assert [(r.list, r.pattern) for r in wrapped.rules] == [("deny", "c.vn")]
    assert read_rules(b'{"rules": 1}', fmt="json").errors[0].code == "invalid_json"
    assert read_rules(b"[", fmt="json").errors[0].code == "invalid_json"
    assert read_rules('["bá"]'.encode("cp1258"), fmt="json").errors[0].code == "bad_encoding"


_chars = st.characters(blacklist_categories=("Cs", "Cc", "Cf"))
_text = st.text(_chars | st.sampled_from("=+-@'\",\n"), max_size=30)
_name = st.text(_chars | st.sampled_from("=+-@'\","), min_size=1, max_size=30).filter(str.strip)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["allow", "deny"]),
            st.from_regex(r"[a-z]{1,10}\.(vn|com|com\.vn)", fullmatch=True),
            _name,
            _text,
        ),
        max_size=20,
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_csv_round_trip_property(items):
    rules = [
        make_rule(lst, pattern, force=True, name=name, note=note, evidence="e")
        for lst, pattern, name, note in items
    ]
    data = write_csv(rules, with_list=True)
    parsed = read_rules(data, force=True)
    assert parsed.errors == []
    key = lambda r: (r.pattern, r.list)  # noqa: E731
    assert sorted(parsed.rules, key=key) == sorted(rules, key=key)
    assert write_csv(parsed.rules, with_list=True) == data
    back = read_rules(write_json(rules), fmt="json", force=True)
    assert back.errors == [] and sorted(back.rules, key=key) == sorted(rules, key=key)


def test_rule_objects_compare_by_value():
    assert make_rule("allow", "A.vn") == Rule("a.vn", "allow")


def test_basis_column_round_trips_and_is_optional():
    rules = [
        make_rule(
            "allow",
            "a.vn",
            name="A",
            evidence="https://a.vn/gioi-thieu",
            basis="Giấy phép số 123/GP-BTTTT",
        )
    ]
    data = write_csv(rules)
    assert data.splitlines()[0].decode().split(",")[5] == "basis"
    assert read_rules(data, list_="allow").rules == rules
    old = read_rules((HEADER + "b.vn,B,,,e,,\n").encode(), list_="allow")  # files of before
    assert old.errors == [] and old.rules[0].basis == ""
