"""The words of inbound integration: what became of an upserted case or an imported row, and
what an import job reads and how far it got."""

from enum import StrEnum


class Outcome(StrEnum):
    created = "created"  # a new case, and the reference to it
    updated = "updated"  # a known case whose registry metadata changed: an `updated` event
    unchanged = "unchanged"  # a known case as it already was: no event
    error = "error"  # nothing done for the row; its code and message say why


class ImportFormat(StrEnum):
    ndjson = "ndjson"
    csv = "csv"


class ImportStatus(StrEnum):
    running = "running"
    completed = "completed"  # every row read and answered (some may be errors)
    failed = "failed"  # stopped before the end: the rows answered so far stand


MEDIA_TYPES = {
    "application/x-ndjson": ImportFormat.ndjson,
    "application/ndjson": ImportFormat.ndjson,
    "text/csv": ImportFormat.csv,
}
