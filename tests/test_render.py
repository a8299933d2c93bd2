"""Rendering fast paths (issue 7) agree with the one-cell-at-a-time definitions they replace."""

from __future__ import annotations

import io
import json

import pytest

from hypothesis import given, settings, strategies as st

from teikan_cli import render

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
JAPANESE = st.text(alphabet="山田太郎花子ｶﾀｶﾅＡ１　職員123 abcé😀", max_size=8)


@settings(max_examples=300)
@given(st.lists(st.one_of(TEXT, JAPANESE), max_size=12))
def test_column_widths_are_the_cell_widths(values):
    assert render._widths(values, set("".join(values))) == [render.width(v) for v in values]


VALUES = st.one_of(st.none(), st.integers(-5, 500), st.booleans(), TEXT, JAPANESE,
                   st.lists(st.sampled_from(["attendance", "medication", "face", "x\ty"]), max_size=3))


HOMOGENEOUS = st.one_of(
    st.lists(st.one_of(st.none(), TEXT, JAPANESE), max_size=8),
    st.lists(st.one_of(st.none(), st.integers(-5, 500)), max_size=8),
    st.lists(st.booleans(), min_size=1, max_size=8),
    st.lists(st.lists(st.sampled_from(["attendance", "medication", "face", "x\ty"]), max_size=3), max_size=8),
    st.lists(VALUES, max_size=8),
)


@settings(max_examples=300)
@given(st.sampled_from(["name", "concerns", "types", "state", "support_end", "report_shared", "billable", "face"]),
       HOMOGENEOUS, st.booleans())
def test_column_texts_are_the_cells(column, values, wareki):
    expected = [render._clean(render.cell(v, column, wareki)) for v in values]
    assert render._column_texts(column, values, wareki) == expected


def _plain_reference(texts_by_row, headers):
    """The table as first written: every cell measured and padded on its own."""
    lines = []
    columns = list(zip(*texts_by_row)) if texts_by_row else [()] * len(headers)
    sizes, rights = [], []
    for head, values in zip(headers, columns):
        sizes.append(max([render.width(head)] + [render.width(v) for v in values]))
        code = any(len(v) > 1 and v[0] == "0" and v[1] != "." for v in values)  # `0000000003`: a code, not a number
        rights.append(bool(values) and not code and all(v.replace(".", "", 1).isdigit() or v == "" for v in values))
    for row in [list(headers)] + [list(r) for r in texts_by_row]:
        lines.append("  ".join(render._pad(v, size, right) for v, size, right in zip(row, sizes, rights)).rstrip())
    return "\n".join(lines)


@settings(max_examples=200)
@given(st.integers(1, 4).flatmap(lambda n: st.lists(
    st.lists(st.one_of(JAPANESE, st.from_regex(r"\A[0-9]{0,3}(\.[0-9])?\Z"), st.just("")), min_size=n, max_size=n),
    max_size=6)), st.data())
def test_plain_table_pads_like_one_cell_at_a_time(rows, data):
    count = len(rows[0]) if rows else 2
    headers = data.draw(st.lists(JAPANESE, min_size=count, max_size=count))
    assert render.plain_table(range(count), rows, headers) == _plain_reference(rows, headers)


KEYS = st.one_of(TEXT, st.booleans(), st.none(), st.integers(), st.floats(allow_nan=False, allow_infinity=False))


@settings(max_examples=200)
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
                    lambda inner: st.one_of(st.lists(inner, max_size=4),
                                            st.dictionaries(KEYS, inner, max_size=4)), max_leaves=20))
def test_json_text_is_the_same_json(value):
    text = render.json_text(value)
    assert json.loads(text) == json.loads(json.dumps(value, ensure_ascii=False))


def test_json_records_take_one_line_each():
    data = {"month": "2025-06", "clients": [{"id": 1, "name": "山田", "concerns": ["attendance"]},
                                          {"id": 2, "name": "佐藤", "concerns": []}], "counts": {"error": 0}}
    out = io.StringIO()
    render.print_json(data, out)
    assert out.getvalue() == (
        '{\n'
        '  "month": "2025-06",\n'
        '  "clients": [\n'
        '    {"id": 1, "name": "山田", "concerns": ["attendance"]},\n'
        '    {"id": 2, "name": "佐藤", "concerns": []}\n'
        '  ],\n'
        '  "counts": {\n'
        '    "error": 0\n'
        '  }\n'
        '}\n'
    )


def test_records_are_written_like_a_tested_list():
    rows = [{"id": n, "name": "山田", "concerns": ["attendance"] * (n % 2), "billable": n % 3 == 0} for n in range(5)]
    data = {"clients": rows, "findings": []}
    assert render.json_text({"clients": render.Records(rows), "findings": []}) == render.json_text(data)


@pytest.mark.parametrize("value, text", [
    (1.0, "1.0"), (1, "1.0"), (0.5, "0.5"), (0.25, "0.25"), (0.375, "0.375"), (0.0, "0.0"), (1.025, "1.025"),
])
def test_fte_figures_have_one_decimal_at_least(value, text):
    """常勤換算 in a table: a full-time 1.0 beside a 0.5; a person's exact share (0.25) is not rounded."""
    assert render.cell(value, "fte") == text
    assert render.cell(value, "supporter_fte") == text


def test_other_numbers_keep_their_shortest_form():
    assert render.cell(40.0, "hours") == "40" and render.cell(12.5, "month_hours") == "12.5"
    assert render.csv_cell(1.0) == "1"  # plain CSV, like JSON, keeps the number as it is
