"""Reading an import's rows from a binary stream, one at a time, never the whole file: NDJSON (one
JSON object a line) or CSV (a header of field names, then one case a record).

A row that cannot be read becomes a row with a problem (its code and message), and reading
goes on with the next one; only a CSV header that cannot be used stops the import before it
starts (422). Row numbers: an NDJSON row's is its line number (blank lines are skipped but
counted); a CSV row's is its record number after the header (1 = the first case).

CSV: UTF-8 (a byte-order mark is allowed), comma-separated, RFC 4180 quoting (a field may hold
commas, quotes doubled, line breaks). Columns are the field names of a row (``ImportedRow``);
the secrecy marking is three columns, ``secrecy_provision``, ``secrecy_marked_on`` and
``secrecy_marked_by``. An empty cell is null, except that ``origin``, ``appeal_route`` and
``confidential`` then take their default (a new case) or stay (a known one), and ``flags`` is
then no flags; ``flags`` are separated by ``;``.
"""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from app.errors import InvalidInput
from app.integrations.inbound.schemas import ImportedRow
from app.integrations.inbound.vocabulary import ImportFormat

MAX_ROW_BYTES = 1024 * 1024
"""The longest row read: as much as a single request body may hold."""
SECRECY_COLUMNS = {
    "secrecy_provision": "provision",
    "secrecy_marked_on": "marked_on",
    "secrecy_marked_by": "marked_by",
}
COLUMNS = frozenset(set(ImportedRow.model_fields) - {"secrecy"} | set(SECRECY_COLUMNS))
REQUIRED_COLUMNS = ("external_id", "title", "problem", "organ")
DEFAULTED = frozenset({"origin", "appeal_route", "confidential"})


@dataclass(frozen=True)
class Problem:
    code: str
    message_en: str
    message_sv: str


@dataclass(frozen=True)
class RawRow:
    """A row as read: its fields, or the problem that kept it from being read."""

    number: int
    fields: dict[str, Any] | None
    problem: Problem | None = None


def read(form: ImportFormat, source: BinaryIO) -> Iterator[RawRow]:
    """The rows of ``source``; a CSV header is read and checked here, before the first row."""
    return ndjson_rows(source) if form == ImportFormat.ndjson else csv_rows(source)


# NDJSON


def ndjson_rows(source: BinaryIO) -> Iterator[RawRow]:
    number = 0
    while True:
        line, whole = _line(source)
        if not line and whole:
            return
        number += 1
        if not whole:
            yield RawRow(number, None, _too_long())
            continue
        text = line.strip()
        if not text:
            continue
        yield _ndjson_row(number, text)


def _line(source: BinaryIO) -> tuple[bytes, bool]:
    """The next line, and whether it fit in ``MAX_ROW_BYTES`` (the rest of a longer one is read
    and dropped, a block at a time). ``(b"", True)`` at the end."""
    line = source.readline(MAX_ROW_BYTES + 1)
    if len(line) <= MAX_ROW_BYTES or line.endswith(b"\n"):
        return line, True
    while line and not line.endswith(b"\n"):
        line = source.readline(MAX_ROW_BYTES)
    return b"", False


def _ndjson_row(number: int, text: bytes) -> RawRow:
    try:
        value = json.loads(text.decode("utf-8"))
    except UnicodeDecodeError:
        return RawRow(number, None, _not_utf8())
    except json.JSONDecodeError as exc:
        return RawRow(
            number,
            None,
            Problem(
                "MALFORMED_JSON",
                f"The line is not valid JSON at character {exc.pos}: {exc.msg}.",
                f"Raden är inte giltig JSON vid tecken {exc.pos}: {exc.msg}.",
            ),
        )
    if not isinstance(value, dict):
        return RawRow(
            number,
            None,
            Problem(
                "ROW_NOT_OBJECT",
                "Each line is one JSON object: a case's fields.",
                "Varje rad är ett JSON-objekt: ett ärendes fält.",
            ),
        )
    return RawRow(number, value)


# CSV


def csv_rows(source: BinaryIO) -> Iterator[RawRow]:
    text = io.TextIOWrapper(source, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise _bad_header(f"the header cannot be read: {exc}", []) from exc
    if header is None:
        raise InvalidInput(
            "The CSV file is empty: it needs a header of field names.",
            "CSV-filen är tom: den behöver en rubrikrad med fältnamn.",
            code="CSV_HEADER_MISSING",
        )
    columns = [name.strip() for name in header]
    _check_header(columns)
    return _detaching(text, _records(reader, columns))


def _detaching(text: io.TextIOWrapper, rows: Iterator[RawRow]) -> Iterator[RawRow]:
    """The rows, and then the text layer taken off the source, which stays open: the caller
    opened it and closes it (a wrapper left to the garbage collector would close it)."""
    try:
        yield from rows
    finally:
        text.detach()


def _check_header(columns: list[str]) -> None:
    unknown = sorted(set(columns) - COLUMNS)
    if unknown:
        raise _bad_header(f"unknown columns: {', '.join(unknown)}", unknown, "CSV_UNKNOWN_COLUMNS")
    doubled = sorted({name for name in columns if columns.count(name) > 1})
    if doubled:
        raise _bad_header(f"columns named twice: {', '.join(doubled)}", doubled)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise _bad_header(
            f"required columns missing: {', '.join(missing)}", missing, "CSV_COLUMNS_MISSING"
        )


def _bad_header(what: str, columns: list[str], code: str = "CSV_HEADER_INVALID") -> InvalidInput:
    return InvalidInput(
        f"The CSV header cannot be used ({what}); its columns are the field names of a case "
        f"row: {', '.join(sorted(COLUMNS))}.",
        f"CSV-filens rubrikrad kan inte användas ({what}); kolumnerna är fältnamnen för en "
        f"ärenderad: {', '.join(sorted(COLUMNS))}.",
        code=code,
        columns=columns,
    )


def _records(reader: Any, columns: list[str]) -> Iterator[RawRow]:
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            yield RawRow(
                number,
                None,
                Problem("MALFORMED_CSV", f"The record cannot be read: {exc}.",
                        f"Posten kan inte läsas: {exc}."),
            )  # fmt: skip
            continue
        if not record:
            continue  # a blank line is no record
        number += 1
        yield _csv_row(number, columns, record)


def _csv_row(number: int, columns: list[str], record: list[str]) -> RawRow:
    if len(record) != len(columns):
        return RawRow(
            number,
            None,
            Problem(
                "CSV_COLUMN_COUNT",
                f"The record has {len(record)} fields; the header names {len(columns)}.",
                f"Posten har {len(record)} fält; rubrikraden har {len(columns)}.",
            ),
        )
    if any(_escaped(cell) for cell in record):
        return RawRow(number, None, _not_utf8())
    fields: dict[str, Any] = {}
    secrecy: dict[str, str] = {}
    for name, cell in zip(columns, record, strict=True):
        value = cell.strip()
        if name in SECRECY_COLUMNS:
            if value:
                secrecy[SECRECY_COLUMNS[name]] = value
        elif name == "flags":
            fields[name] = [flag.strip() for flag in value.split(";") if flag.strip()]
        elif value:
            fields[name] = value
        elif name not in DEFAULTED:
            fields[name] = None
    if any(name in columns for name in SECRECY_COLUMNS):
        fields["secrecy"] = secrecy or None
    return RawRow(number, fields)


def _escaped(cell: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in cell)


def _not_utf8() -> Problem:
    return Problem("NOT_UTF8", "The row is not valid UTF-8.", "Raden är inte giltig UTF-8.")


def _too_long() -> Problem:
    return Problem(
        "ROW_TOO_LONG",
        f"The row is longer than {MAX_ROW_BYTES} bytes.",
        f"Raden är längre än {MAX_ROW_BYTES} byte.",
    )
