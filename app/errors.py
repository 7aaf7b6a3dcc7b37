"""The domain error tree. Every refusal carries a stable ``code`` and a message in Swedish and
English.

    StyrkedjaError
    ├── BadRequest          400  malformed request outside payload validation (bad cursor, bad JSON)
    ├── Unauthenticated     401  missing, invalid or expired credentials, unknown person
    ├── Forbidden           403  authenticated, but not allowed to do this
    ├── NotFound            404  no such resource (or not one the caller may see)
    ├── NotAcceptable       406  no representation in the media type asked for
    ├── Conflict            409  the request clashes with the current state (duplicates, overlaps)
    ├── PreconditionFailed  412  a stale ``If-Match``
    ├── PayloadTooLarge     413  body over the configured limit
    ├── UnsupportedMediaType 415 a body in a media type the route does not read
    ├── InvalidInput        422  well-formed but breaks a domain rule (kind mismatch, bad period)
    └── (503s are declared where they arise: a busy database, a failed diagram renderer)

The API renders these, and only these, as RFC 9457 problem+json (``app/api/problems.py``).
"""

from typing import Any, ClassVar


class StyrkedjaError(Exception):
    status: ClassVar[int] = 500
    default_code: ClassVar[str] = "INTERNAL_ERROR"

    def __init__(
        self,
        message_en: str,
        message_sv: str,
        *,
        code: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message_en)
        self.code = code or self.default_code
        self.message_en = message_en
        self.message_sv = message_sv
        self.extra = extra


class BadRequest(StyrkedjaError):
    status = 400
    default_code = "BAD_REQUEST"


class Unauthenticated(StyrkedjaError):
    status = 401
    default_code = "UNAUTHENTICATED"


class Forbidden(StyrkedjaError):
    status = 403
    default_code = "FORBIDDEN"


class NotFound(StyrkedjaError):
    status = 404
    default_code = "NOT_FOUND"


class NotAcceptable(StyrkedjaError):
    status = 406
    default_code = "NOT_ACCEPTABLE"


class Conflict(StyrkedjaError):
    status = 409
    default_code = "CONFLICT"


class PreconditionFailed(StyrkedjaError):
    status = 412
    default_code = "PRECONDITION_FAILED"


class PayloadTooLarge(StyrkedjaError):
    status = 413
    default_code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(StyrkedjaError):
    status = 415
    default_code = "UNSUPPORTED_MEDIA_TYPE"


class InvalidInput(StyrkedjaError):
    status = 422
    default_code = "INVALID_INPUT"
