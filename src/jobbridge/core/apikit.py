"""The API kit every app's ``api.py`` uses: one error format, pagination, shared input and
reference schemas. Nothing here imports an app, so any floor may use it without pulling in the
API assembly (``jobbridge.api.main``).

One error format for the whole API:

    {"error": {"code": "validation_error", "message": "...",
               "fields": [{"field": "id_number", "message": "校验位应为4"}]}}

Every exception an endpoint (or ninja itself) can raise is mapped here, so a client handles a
single shape whatever went wrong, and an unexpected failure never leaks a traceback.
"""

import logging
from typing import Annotated

from django.core.exceptions import BadRequest, ObjectDoesNotExist, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import ConfigDict
from pydantic import Field as PydanticField

from jobbridge.core import regions
from jobbridge.core.errors import RateLimited, ServiceError
from jobbridge.core.regions import UnknownRegion

logger = logging.getLogger(__name__)

_CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    422: "validation_error",
    429: "throttled",
}


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    fields: list[FieldErrorOut] = []


class ErrorOut(Schema):
    error: ErrorBody


# Documented on every operation so generated clients know the error shape.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ApiError(Exception):
    """Raised by endpoints for refusals the services do not express themselves."""

    def __init__(
        self, status: int, message: str, fields: list[tuple[str, str]] | None = None, code: str = ""
    ):
        self.status = status
        self.code = code or _CODES_BY_STATUS.get(status, "error")
        self.message = message
        self.fields = fields or []
        super().__init__(message)


def error_body(code: str, message: str, fields=()) -> dict:
    return {
        "error": {"code": code, "message": message, "fields": [{"field": f, "message": m} for f, m in fields]}
    }


def _ninja_field(loc) -> str:
    """("body", "payload", "id_number") -> "id_number"; ("query", "limit") -> "limit"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]  # the endpoint's argument name means nothing to the caller
    return ".".join(parts) or "__all__"


def install(api) -> None:
    def respond(request, status, code, message, fields=()):
        return api.create_response(request, error_body(code, message, fields), status=status)

    @api.exception_handler(ApiError)
    def on_api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(ServiceError)
    def on_service_error(request, exc: ServiceError):
        return respond(
            request, 422, "validation_error", _("输入有误"), [(e.field, e.message) for e in exc.errors]
        )

    @api.exception_handler(RateLimited)
    def on_rate_limited(request, exc: RateLimited):
        response = respond(request, 429, "throttled", str(exc))
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(UnknownRegion)
    def on_unknown_region(request, exc: UnknownRegion):
        return respond(request, 422, "validation_error", str(exc), [("region", str(exc))])

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        fields = [(_ninja_field(e.get("loc", ())), e.get("msg", "")) for e in exc.errors]
        return respond(request, 422, "validation_error", _("输入有误"), fields)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        response = respond(request, 401, "not_authenticated", _("请先登录或提供有效的API令牌"))
        response["WWW-Authenticate"] = 'Bearer realm="jobbridge"'
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        code = _CODES_BY_STATUS.get(exc.status_code, "error")
        if exc.status_code == 403 and "CSRF" in exc.message:
            code = "csrf_failed"
        fields: list[tuple[str, str]] = []
        if exc.status_code == 400 and exc.message.startswith("Cannot parse request body"):
            fields = [("body", exc.message)]  # ninja's JSON parser: the body as a whole is unreadable
        return respond(request, exc.status_code, code, exc.message, fields)

    # A body Django cannot read (multipart without a boundary, too large, too many fields) is
    # what Django itself answers with a 400 on a page; without these it would reach the
    # catch-all below as a 500.
    @api.exception_handler(MultiPartParserError)
    def on_unreadable_multipart(request, exc):
        message = _("无法读取multipart请求体：%(reason)s") % {"reason": exc}
        return respond(request, 400, "bad_request", message, [("Content-Type", message)])

    @api.exception_handler(SuspiciousOperation)
    @api.exception_handler(BadRequest)
    def on_bad_request(request, exc):
        return respond(request, 400, "bad_request", _("请求无法处理"), [("body", str(exc))])

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return respond(request, 404, "not_found", _("记录不存在或无权访问"))

    @api.exception_handler(ObjectDoesNotExist)
    def on_does_not_exist(request, exc):
        return respond(request, 404, "not_found", _("记录不存在或无权访问"))

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request, exc):
        return respond(request, 403, "permission_denied", str(exc) or _("无权执行此操作"))

    @api.exception_handler(Exception)
    def on_unexpected(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, "server_error", _("服务器内部错误，已记录"))


# Pagination ---------------------------------------------------------------------------------

MAX_PAGE = 200
# The database's OFFSET is a signed 64-bit integer on PostgreSQL and SQLite: a larger one is a
# driver error (a 500) unless refused here, where the answer names the parameter.
MAX_OFFSET = 2**63 - 1


class Page(LimitOffsetPagination):
    """limit/offset with a hard maximum, so one request cannot pull a whole register; both
    bounded to what the database accepts."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_PAGE, **kwargs)


# Shared schemas -----------------------------------------------------------------------------

# A row id as a client may send it: bounded to the database's bigint, so an absurd number is a
# validation error rather than an overflow inside the database driver.
DbId = Annotated[int, PydanticField(ge=1, le=2**63 - 1)]


class InputSchema(Schema):
    # A misspelt field should be an error naming it, not silently ignored.
    model_config = ConfigDict(extra="forbid")


class RegionRef(Schema):
    code: str
    name: str


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None
    full_name: str
    latitude: float | None
    longitude: float | None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_full_name(obj) -> str:
        # From the process-wide region index: no query per row.
        return regions.full_name(obj.code)


class OccupationRef(Schema):
    code: str
    name: str


class IndustryRef(Schema):
    code: str
    name: str


def join_list(values) -> str | None:
    """The services' parsers take lists as one separated string (as typed in a form or cell)."""
    return None if values is None else ",".join(str(getattr(v, "value", v)) for v in values)


# Component names --------------------------------------------------------------------------------
# ninja builds the OpenAPI document one operation at a time and merges every operation's
# definitions into one ``components.schemas`` by their short class names, so the seven Django
# ``Status`` choices (postings, homecomings, runs, ...) or two apps' ``PanelOut`` overwrote each
# other and the document described postings with the homecoming statuses. Names here are made
# from the app and the qualified class name instead ("EmployersPostingStatus",
# "PlacementsPanelOut"; core's own without a prefix), unique by construction; a second class that
# would still get a taken name (same app, same qualified name, another module) gets its module too.

_CLAIMED: dict[str, str] = {}


def _component_name(core_ref: str) -> str | None:
    path = core_ref.rsplit(":", 1)[0]
    if not path.startswith("jobbridge.") or "[" in path:
        return None
    parts = path.split(".")
    app = parts[1]
    # The qualified name starts at the first capitalised part (a class), after the module path.
    first_class = next((i for i, p in enumerate(parts) if p[:1].isupper()), len(parts) - 1)
    module, qualname = parts[:first_class], parts[first_class:]
    prefix = "" if app == "core" else app.title()
    name = prefix + "".join(qualname)
    owner = _CLAIMED.setdefault(name, path)
    if owner != path:
        name = prefix + "".join(p.title() for p in module[2:]) + "".join(qualname)
        _CLAIMED.setdefault(name, path)
    return name


class UniqueComponentNames(NinjaGenerateJsonSchema):
    def get_defs_ref(self, core_mode_ref):
        defs_ref = super().get_defs_ref(core_mode_ref)
        name = _component_name(core_mode_ref[0])
        if name is not None:
            choices = self._prioritized_defsref_choices[defs_ref]
            mode = "Input" if core_mode_ref[1] == "validation" else "Output"
            self._prioritized_defsref_choices[defs_ref] = [name, f"{name}-{mode}", *choices]
        return defs_ref


def use_unique_component_names() -> None:
    """Make ninja's schema builder name components with ``UniqueComponentNames``. ninja takes the
    generator class from its module globals, so the assembly swaps it there once."""
    import ninja.openapi.schema as openapi_schema

    openapi_schema.NinjaGenerateJsonSchema = UniqueComponentNames  # type: ignore[misc]  # a class swapped on purpose
