"""Report validation: what a report configuration and an export document may hold.

Every rule names its limit; a payload is either returned clean or refused with one
message per field at fault (a 400 through ``ValidationError``).
"""

import json
import re

import bottle

EXPORT_FORMAT = "jql-reports"
# 2 added pivot, timeSeries and date intervals in groupBy; 3 added owner, visibility, editors
EXPORT_VERSIONS = (1, 2, 3)
CONFIG_KEYS = ("columns", "sort", "groupBy", "filters", "aggregations", "pivot",
               "timeSeries")
OPTIONAL_BLOCKS = ("pivot", "timeSeries")  # null or absent: the report has none

FIELD_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,100}$")
# Atlassian account ids: "5b10a2844c20165700ede21g", "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077".
ACCOUNT_ID = re.compile(r"^[A-Za-z0-9:_\-]{1,128}$")
MAX_EDITORS = 50
# A whole report as compact UTF-8 JSON. A new report already had to fit a request body
# (addon.BODY_LIMIT, the same 256 KiB), but a file import had no such bound; with it,
# every report the product stores fits one /api/import request, Forge's 500 KB too.
MAX_REPORT_BYTES = 256 * 1024
ACCESS_KEYS = ("owner", "visibility", "editors")
VISIBILITIES = ("site", "private")
AGGREGATES = ("count", "sum", "avg", "min", "max", "distinct")
SERIES_INTERVALS = ("day", "week", "month", "quarter")
GROUP_INTERVALS = SERIES_INTERVALS + ("year",)
READ_ONLY = ("id", "version", "createdAt", "createdBy", "updatedAt", "updatedBy",
             "canEdit", "canDelete", "canShare")
REPORT_KEYS = ("name", "description", "jql") + CONFIG_KEYS + ACCESS_KEYS


def _text(value, low, high):
    if not isinstance(value, str):
        return "must be text"
    if not low <= len(value) <= high or (low and not value.strip()):
        return f"must be {low} to {high} characters" if low else f"at most {high} characters"
    return None


def _field_id(value):
    return isinstance(value, str) and bool(FIELD_ID.match(value))


def _list_of(value, high, check, low=0):
    if not isinstance(value, list):
        return "must be a list"
    if not low <= len(value) <= high:
        return f"must have {low} to {high} entries"
    for i, item in enumerate(value):
        problem = check(item)
        if problem:
            return f"entry {i + 1}: {problem}"
    return None


def _shape(item, keys):
    if not isinstance(item, dict) or set(item) != set(keys):
        return "must be an object with " + ", ".join(keys)
    return None if _field_id(item["field"]) else "field is not a valid field id"


def _keys(item, required, optional=()):
    if isinstance(item, dict) and set(required) <= set(item) <= {*required, *optional}:
        return None
    extra = f" (optionally {', '.join(optional)})" if optional else ""
    return "must be an object with " + ", ".join(required) + extra


def _one_of(value, choices, name):
    return None if value in choices else f"{name} must be one of " + ", ".join(choices)


def _check_field(item):
    return None if _field_id(item) else "is not a valid field id"


def _check_sort(item):
    problem = _shape(item, ("field", "direction"))
    if problem or item["direction"] in ("asc", "desc"):
        return problem
    return "direction must be asc or desc"


def _check_filter(item):
    problem = _shape(item, ("field", "values"))
    if problem:
        return problem
    return _list_of(item["values"], 200, lambda v: _text(v, 0, 500))


def _check_aggregation(item):
    problem = _shape(item, ("field", "function"))
    if problem or item["function"] in AGGREGATES:
        return problem
    return "function must be one of " + ", ".join(AGGREGATES)


def _check_group(item):
    if isinstance(item, str):
        return _check_field(item)
    problem = _shape(item, ("field", "interval"))
    return problem or _one_of(item["interval"], GROUP_INTERVALS, "interval")


def _check_value(value, functions):
    """A cell value: count takes no field; sum and avg take a number field."""
    problem = _keys(value, ("function", "field"))
    problem = problem or _one_of(value["function"], functions, "function")
    if problem or value["function"] == "count":
        return problem or (None if value["field"] is None else "field must be null "
                           "for count")
    return None if _field_id(value["field"]) else "field must be a field id"


def _check_pivot(pivot):
    problem = _keys(pivot, ("rows", "columns", "value"), ("maxColumns",))
    if problem:
        return problem
    columns = pivot.get("maxColumns", 12)
    if not (_field_id(pivot["rows"]) and _field_id(pivot["columns"])):
        return "rows and columns must be field ids"
    if not isinstance(columns, int) or isinstance(columns, bool) or not 1 <= columns <= 50:
        return "maxColumns must be a whole number from 1 to 50"
    value = _check_value(pivot["value"], ("count", "sum", "avg"))
    return value and "value: " + value


def _check_series(series):
    problem = _keys(series, ("dates", "interval", "cumulative", "value"))
    problem = problem or _list_of(series["dates"], 2, _check_field, low=1)
    if problem:
        return problem if problem.startswith("must be an") else "dates " + problem
    if not isinstance(series["cumulative"], bool):
        return "cumulative must be true or false"
    value = _check_value(series["value"], ("count", "sum"))
    return _one_of(series["interval"], SERIES_INTERVALS, "interval") or (
        value and "value: " + value)


def _check_account(value):
    return None if isinstance(value, str) and ACCOUNT_ID.match(value) else (
        "must be an Atlassian account id")


def _check_editors(value):
    if value == "site":
        return None
    if not isinstance(value, list):
        return 'must be "site" or a list of account ids'
    problem = _list_of(value, MAX_EDITORS, _check_account)
    if problem or len(set(value)) == len(value):
        return problem
    return "must not name a person twice"


# Access fields are optional everywhere: absent or null keeps the current value
# (a new report: its creator owns it, the site sees it and may edit it).
ACCESS_RULES = {
    "owner": _check_account,
    "visibility": lambda v: _one_of(v, VISIBILITIES, "visibility"),
    "editors": _check_editors,
}

REPORT_RULES = {
    "name": lambda v: _text(v, 1, 200),
    "description": lambda v: _text(v, 0, 4000),
    "jql": lambda v: _text(v, 1, 10000),
    "columns": lambda v: _list_of(v, 50, _check_field, low=1),
    "sort": lambda v: _list_of(v, 7, _check_sort),
    "groupBy": lambda v: _list_of(v, 3, _check_group),
    "filters": lambda v: _list_of(v, 20, _check_filter),
    "aggregations": lambda v: _list_of(v, 20, _check_aggregation),
    "pivot": _check_pivot,
    "timeSeries": _check_series,
}
REPORT_DEFAULTS = {"description": "", "sort": [], "groupBy": [], "filters": [],
                   "aggregations": []}


def report_errors(payload):
    """Return (clean report, {field: message}) for a report payload."""
    if not isinstance(payload, dict):
        return None, {"report": "must be a JSON object"}
    errors = {k: "is not a report field" for k in payload
              if k not in REPORT_KEYS and k not in READ_ONLY}
    report = {}
    for key, rule in REPORT_RULES.items():
        value = payload.get(key, REPORT_DEFAULTS.get(key))
        problem = "is required" if value is None else rule(value)
        if problem and not (value is None and key in OPTIONAL_BLOCKS):
            errors[key] = problem
        report[key] = value
    for key, rule in ACCESS_RULES.items():
        value = payload.get(key)
        problem = None if value is None else rule(value)
        if problem:
            errors[key] = problem
        report[key] = value
    return report, errors or _size_errors(report)


def report_bytes(report):
    """The size of a report as compact UTF-8 JSON, the measure of MAX_REPORT_BYTES.

    Owner and visibility are left out (at most 140 bytes): they change with who
    creates or imports a report, and the measure must not.
    """
    measured = {k: report.get(k) for k in REPORT_KEYS if k not in ("owner", "visibility")}
    measured["editors"] = measured["editors"] or "site"
    text = json.dumps(measured, ensure_ascii=False, separators=(",", ":"))
    return len(text.encode("utf-8", "surrogatepass"))


def _size_errors(report):
    size = report_bytes(report)
    if size <= MAX_REPORT_BYTES:
        return {}
    return {"report": f"is {size:,} bytes as JSON; at most {MAX_REPORT_BYTES:,} fit. "
                      "Shorten its filters, JQL or description."}


def validate_report(payload):
    """Return a clean report dict, or abort 400 with field errors."""
    report, errors = report_errors(payload)
    if errors:
        raise ValidationError(errors)
    return report


def export_problem(document):
    """Field errors of an export document's format, version and report list, or None.

    There is no limit on the number of reports here: a document holds what the
    site held, and the site's own maximum is checked where reports are stored.
    """
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        return {"format": f'must be "{EXPORT_FORMAT}"'}
    version = document.get("version")
    # type(): True and 1.0 are equal to 1, but no export writes them.
    if type(version) is not int or version not in EXPORT_VERSIONS or not isinstance(
            document.get("reports"), list):
        return {"reports": "must be a version 1, 2 or 3 list of reports"}
    return None


def validate_export(document):
    """Return the clean reports of an export document, or abort 400."""
    problem = export_problem(document)
    if problem:
        raise ValidationError(problem)
    clean, errors = [], {}
    for i, payload in enumerate(document["reports"]):
        report, problems = report_errors(payload)
        errors.update({f"reports[{i}].{k}": v for k, v in problems.items()})
        clean.append(report)
    if errors:
        raise ValidationError(errors)
    return clean


def validate_owner_change(payload):
    """The new owner of an administrator's transfer ({owner, version}), or abort 400."""
    errors = {k: "is not a field of an owner change" for k in payload
              if k not in ("owner", "version")}
    problem = _check_account(payload.get("owner"))
    if problem:
        errors["owner"] = problem
    if errors:
        raise ValidationError(errors)
    return payload["owner"]


class ValidationError(bottle.HTTPError):
    """A 400 that names the fields at fault."""

    def __init__(self, fields):
        super().__init__(400, "The request has invalid fields.")
        self.fields = fields
