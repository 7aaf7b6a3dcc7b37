"""CSV imports: the header names the fields, an empty cell is null, flags are separated by
``;``; quoting as RFC 4180. The sample files in ``examples/`` say the same thing in CSV and
NDJSON, and import as the README says."""

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.integrations.inbound.models import ImportJob
from tests.builders import make_unit
from tests.integrations.imports import CSV, all_rows, post

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEADER = ["external_id", "title", "problem", "organ", "unit", "flags", "estimated_cost_sek"]


def csv_file(header: list[str], rows: list[list[str]], bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def test_the_samples_say_the_same_in_csv_and_ndjson(client, world, p360, session):
    make_unit(session, code="UTB-FSK", name="Förskoleavdelningen", parent="UTB", serves=["BUN"])
    from_csv = post(client, p360, (EXAMPLES / "import-sample.csv").read_bytes(), media=CSV)
    assert from_csv.status_code == 201, from_csv.text
    rows = all_rows(client, p360, from_csv.json()["id"])
    assert [(r["row"], r["outcome"], r["code"]) for r in rows] == [
        (n, "created", None) for n in range(1, 5)
    ]
    cases = [client.get(f"/api/v1/cases/{r['case_id']}", headers=p360).json() for r in rows]
    assert [(c["diary_number"], c["state"], c["route"]) for c in cases] == [
        ("BUN 2026/101", "proposed", None),
        ("BUN 2026/102", "assessment", "political"),
        ("BUN 2026/103", "valuation", "operational"),
        ("BUN 2026/104", "proposed", None),  # the series continues above the imported numbers
    ]
    assert cases[0]["description"] == "Fyra klassrum, hyrda i tre år"
    assert cases[1]["flags"] == ["citizen_proposal", "of_principle"]
    assert cases[2]["problem"] == 'Läroplanen "Lpfö 18" ska införas fullt ut'
    assert (cases[3]["confidential"], cases[3]["secrecy"]["provision"]) == (
        True,
        "OSL 23 kap. 2 §",
    )
    from_ndjson = post(client, p360, (EXAMPLES / "import-sample.ndjson").read_bytes())
    assert from_ndjson.json()["counts"] == {"created": 0, "updated": 0, "unchanged": 4, "error": 0}


def test_a_thousand_csv_rows_with_one_percent_bad(client, world, p360):
    rows, bad = [], []
    for n in range(1, 1001):
        row = [f"C-{n}", f"Ärende {n}, med komma", "Problem\növer två rader", "BUN", "UTB-GRU",
               "", str(n)]  # fmt: skip
        if n % 100 == 30:
            row[3], code = "NOPE", "UNKNOWN_REFERENCE"
        elif n % 100 == 60:
            row[6], code = "many", "VALIDATION_FAILED"
        elif n % 100 == 90:
            row, code = row[:3], "CSV_COLUMN_COUNT"
        else:
            code = ""
        rows.append(row)
        if code:
            bad.append((n, code))
    body = csv_file(HEADER, rows, bom=True)
    job = post(client, p360, body, media=CSV, system="p360").json()
    assert job["counts"] == {"created": 1000 - len(bad), "updated": 0, "unchanged": 0,
                             "error": len(bad)}  # fmt: skip
    errors = all_rows(client, p360, job["id"], outcome="error")
    assert [(r["row"], r["code"]) for r in errors] == bad
    again = post(client, p360, body, media=CSV, system="p360").json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 1000 - len(bad),
                               "error": len(bad)}  # fmt: skip


def test_an_empty_cell_is_null_and_flags_are_separated_by_semicolons(client, world, p360):
    header = ["external_id", "title", "problem", "organ", "description", "flags", "confidential"]
    first = csv_file(header, [["E-1", "T", "P", "BUN", "Text", "procurement;of_principle", "no"]])
    job = post(client, p360, first, media=CSV, system="p360").json()
    [row] = all_rows(client, p360, job["id"])
    case = client.get(f"/api/v1/cases/{row['case_id']}", headers=p360).json()
    assert (case["description"], case["flags"], case["confidential"]) == (
        "Text",
        ["of_principle", "procurement"],
        False,
    )
    cleared = csv_file(header, [["E-1", "T", "P", "BUN", "", "procurement;of_principle", ""]])
    job = post(client, p360, cleared, media=CSV, system="p360").json()
    [row] = all_rows(client, p360, job["id"])
    assert row["outcome"] == "updated"
    case = client.get(f"/api/v1/cases/{row['case_id']}", headers=p360).json()
    assert (case["description"], case["confidential"]) == (None, False)
    lifted = csv_file(header, [["E-1", "T", "P", "BUN", "", "", ""]])
    [row] = all_rows(
        client, p360, post(client, p360, lifted, media=CSV, system="p360").json()["id"]
    )
    assert (row["outcome"], row["code"]) == ("error", "FLAG_CHANGE_NOT_ALLOWED")


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (["external_id", "title", "problem", "organ", "colour"], "CSV_UNKNOWN_COLUMNS"),
        (["external_id", "title", "problem", "organ", "title"], "CSV_HEADER_INVALID"),
        (["external_id", "title", "organ"], "CSV_COLUMNS_MISSING"),
        (["secrecy", "external_id", "title", "problem", "organ"], "CSV_UNKNOWN_COLUMNS"),
    ],
)
def test_a_header_that_cannot_be_used_imports_nothing(client, world, p360, session, header, code):
    body = csv_file(header, [["x"] * len(header)])
    response = post(client, p360, body, media=CSV, system="p360")
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_an_empty_csv_has_no_header(client, world, p360):
    response = post(client, p360, b"", media=CSV, system="p360")
    assert (response.status_code, response.json()["code"]) == (422, "CSV_HEADER_MISSING")
