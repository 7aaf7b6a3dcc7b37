"""Files to import, and reading an import's results through the API."""

import json
from typing import Any

NDJSON = {"Content-Type": "application/x-ndjson"}
CSV = {"Content-Type": "text/csv; charset=utf-8"}


def good(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "external_id": f"P-{n}",
        "title": f"Ärende {n}, från diariet",
        "problem": "Trångboddhet",
        "organ": "BUN",
        "unit": "UTB-GRU",
    } | fields


# The bad rows of the big file, in turn: the line as written, and the code its row gets.
BAD_KINDS: list[tuple[Any, str]] = [
    ("{not json", "MALFORMED_JSON"),
    ({"external_id": "X", "problem": "p", "organ": "BUN"}, "VALIDATION_FAILED"),
    ({"title": "t", "problem": "p", "organ": "BUN"}, "VALIDATION_FAILED"),
    ({"external_id": "Y", "title": "t", "problem": "p", "organ": "NOPE"}, "UNKNOWN_REFERENCE"),
    ("[1, 2, 3]", "ROW_NOT_OBJECT"),
    ({"external_id": "Z", "title": "t", "problem": "p", "organ": "BUN", "state": "decision",
      "route": "political", "assessment_level": "none"}, "STATE_NOT_IMPORTABLE"),
    ({"external_id": "W", "title": "t", "problem": "p", "organ": "BUN",
      "diary_number": "nonsense"}, "INVALID_DIARY_NUMBER"),
    ({"external_id": "V", "title": "t", "problem": "p", "organ": "BUN", "confidential": True},
     "SECRECY_MARKING_INCOMPLETE"),
    ({"external_id": "U", "title": "t", "problem": "p", "organ": "BUN", "colour": "red"},
     "VALIDATION_FAILED"),
    ({"external_id": "T", "title": "t", "problem": "p", "organ": "BUN", "system": "P 360"},
     "VALIDATION_FAILED"),
]  # fmt: skip


def big_file(rows: int) -> tuple[bytes, list[tuple[int, str]]]:
    """``rows`` lines, 1 % of them bad (lines 50, 150, …, each kind of ``BAD_KINDS`` in turn),
    and every 500th good one brought in in valuation; the bad rows' numbers and codes."""
    lines, bad = [], []
    for n in range(1, rows + 1):
        if n % 100 == 50:
            line, code = BAD_KINDS[(n // 100) % len(BAD_KINDS)]
            lines.append(line if isinstance(line, str) else json.dumps(line))
            bad.append((n, code))
        elif n % 500 == 0:
            placed = {"state": "valuation", "route": "political", "assessment_level": "none"}
            lines.append(json.dumps(good(n, **placed), ensure_ascii=False))
        else:
            lines.append(json.dumps(good(n), ensure_ascii=False))
    return "\n".join(lines).encode() + b"\n", bad


def post(client, headers, body: bytes, media=NDJSON, **params: str):
    return client.post("/api/v1/imports", content=body, headers=headers | media, params=params)


def all_rows(client, headers, import_id: int, **params: str) -> list[dict[str, Any]]:
    """Every row result, following the pages' ``next``."""
    rows: list[dict[str, Any]] = []
    response = client.get(
        f"/api/v1/imports/{import_id}/rows", headers=headers, params=params | {"limit": "200"}
    )
    while True:
        assert response.status_code == 200, response.text
        rows += response.json()["items"]
        if response.json()["next"] is None:
            return rows
        response = client.get(response.json()["next"], headers=headers)
