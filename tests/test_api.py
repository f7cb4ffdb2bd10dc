"""The report API over HTTP: CRUD, export/import, tenant isolation, validation."""

import contextlib
import json
import sqlite3
import urllib.parse

import pytest

from tests.conftest import (
    REPORT,
    SECRET_A,
    SECRET_B,
    USER,
    A,
    B,
    api,
    assert_error,
    context_token,
    create,
    db_snapshot,
)

RIGHTS = ("canEdit", "canDelete", "canShare")
SUMMARY = ("id", "name", "description", "updatedAt", "updatedBy", "version", "owner",
           "visibility") + RIGHTS
FULL = SUMMARY + ("jql", "columns", "sort", "groupBy", "filters", "aggregations",
                  "pivot", "timeSeries", "createdAt", "createdBy", "editors")
CONFIG = ("name", "description", "jql", "columns", "sort", "groupBy", "filters",
          "aggregations", "pivot", "timeSeries")
PIVOT = {"rows": "assignee", "columns": "status",
         "value": {"function": "avg", "field": "customfield_10016"}, "maxColumns": 8}
SERIES = {"dates": ["created", "resolutiondate"], "interval": "week", "cumulative": True,
          "value": {"function": "count", "field": None}}
MISSING_ID = "0" * 32
RICH = REPORT | {
    "description": "Bugs still open",
    "columns": ["key", "summary", "customfield_10016", "a.b:c-d"],
    "sort": [{"field": "priority", "direction": "desc"}],
    "groupBy": ["status", {"field": "created", "interval": "quarter"}],
    "filters": [{"field": "labels", "values": ["ui", ""]}],
    "aggregations": [{"field": "customfield_10016", "function": "sum"}],
    "pivot": PIVOT,
    "timeSeries": SERIES,
}


def token_a(sub=USER):
    return context_token(A, SECRET_A, sub)


####################################################################################
# CRUD
####################################################################################


def test_create_answers_201_with_location(tenants):
    resp = api(tenants, "POST", "/api/reports", token_a(), json=RICH)
    assert resp.status == 201, resp.body
    made = resp.json()
    assert set(made) == set(FULL)
    assert {k: made[k] for k in CONFIG} == RICH
    assert (made["version"], made["createdBy"], made["updatedBy"]) == (1, USER, USER)
    location = urllib.parse.urlsplit(resp.headers["Location"]).path
    assert location == "/api/reports/" + made["id"]
    assert api(tenants, "GET", location, token_a()).json() == made


def test_create_fills_defaults(tenants):
    made = create(tenants, A, SECRET_A)
    assert made["description"] == ""
    assert made["sort"] == made["groupBy"] == made["filters"] == []
    assert made["aggregations"] == []
    assert made["pivot"] is made["timeSeries"] is None


def test_list_shows_summaries(tenants):
    made = create(tenants, A, SECRET_A, description="Summary")
    resp = api(tenants, "GET", "/api/reports", token_a())
    assert resp.status == 200
    assert resp.json() == {"reports": [{k: made[k] for k in SUMMARY}]}


def test_get_returns_full_report(tenants):
    made = create(tenants, A, SECRET_A, **RICH)
    resp = api(tenants, "GET", "/api/reports/" + made["id"], token_a())
    assert resp.status == 200 and resp.json() == made


def test_put_bumps_version_and_records_editor(tenants):
    made = create(tenants, A, SECRET_A)
    changed = made | {"name": "Renamed", "groupBy": ["status"]}
    resp = api(tenants, "PUT", "/api/reports/" + made["id"], token_a("editor-2"),
               json=changed)
    assert resp.status == 200, resp.body
    saved = resp.json()
    assert (saved["version"], saved["name"], saved["groupBy"]) == (2, "Renamed",
                                                                   ["status"])
    assert (saved["createdBy"], saved["updatedBy"]) == (USER, "editor-2")
    assert saved["createdAt"] == made["createdAt"]


def test_stale_version_answers_409_with_current(tenants):
    made = create(tenants, A, SECRET_A)
    path = "/api/reports/" + made["id"]
    first = api(tenants, "PUT", path, token_a(), json=made | {"name": "One"})
    assert first.status == 200
    stale = api(tenants, "PUT", path, token_a(), json=made | {"name": "Two"})
    assert assert_error(stale, 409)["current"] == first.json()
    assert api(tenants, "GET", path, token_a()).json()["name"] == "One"


@pytest.mark.parametrize("version", [None, "1", True, 1.5])
def test_put_requires_integer_version(tenants, version):
    made = create(tenants, A, SECRET_A)
    body = {k: made[k] for k in CONFIG} | ({} if version is None else
                                          {"version": version})
    resp = api(tenants, "PUT", "/api/reports/" + made["id"], token_a(), json=body)
    assert "version" in assert_error(resp, 400)["fields"]


def test_delete_answers_204_then_404(tenants):
    made = create(tenants, A, SECRET_A)
    path = "/api/reports/" + made["id"]
    resp = api(tenants, "DELETE", path, token_a())
    assert (resp.status, resp.body) == (204, b"")
    assert_error(api(tenants, "GET", path, token_a()), 404)
    assert_error(api(tenants, "DELETE", path, token_a()), 404)


####################################################################################
# Export and import
####################################################################################


def test_export_import_round_trip(tenants):
    made = create(tenants, A, SECRET_A, **RICH)
    doc = api(tenants, "GET", "/api/export", token_a()).json()
    stored = {k: v for k, v in made.items() if k not in RIGHTS}
    assert (doc["format"], doc["version"], doc["reports"]) == ("jql-reports", 3, [stored])
    assert isinstance(doc["exportedAt"], str)
    resp = api(tenants, "POST", "/api/import", context_token(B, SECRET_B), json=doc)
    assert resp.status == 201, resp.body
    (new_id,) = resp.json()["ids"]
    copy = api(tenants, "GET", "/api/reports/" + new_id,
               context_token(B, SECRET_B)).json()
    assert {k: copy[k] for k in CONFIG} == {k: made[k] for k in CONFIG}
    assert copy["version"] == 1 and new_id != made["id"]


@pytest.mark.parametrize("doc, field", [
    ({"format": "jql-reports", "version": 1, "reports": [REPORT, REPORT | {
        "columns": []}]}, "reports[1].columns"),
    ({"format": "other", "version": 1, "reports": [REPORT]}, "format"),
    ({"format": "jql-reports", "version": 4, "reports": [REPORT]}, "reports"),
    ({"format": "jql-reports", "version": True, "reports": [REPORT]}, "reports"),
    ({"format": "jql-reports", "version": 1.0, "reports": [REPORT]}, "reports"),
    ({"format": "jql-reports", "version": 2, "reports": [REPORT | {
        "pivot": {"rows": "a"}}]}, "reports[0].pivot"),
    ({"format": "jql-reports", "version": 1, "reports": {"a": REPORT}}, "reports"),
])
def test_import_is_all_or_nothing(tenants, doc, field):
    before = db_snapshot(tenants.db)
    resp = api(tenants, "POST", "/api/import", token_a(), json=doc)
    assert field in assert_error(resp, 400)["fields"]
    assert db_snapshot(tenants.db) == before


####################################################################################
# Tenant isolation
####################################################################################


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_tenants_report_looks_missing(tenants, method):
    theirs = create(tenants, B, SECRET_B)
    body = theirs if method == "PUT" else None
    kwargs = {"json": body} if body else {}
    before = db_snapshot(tenants.db)
    resp = api(tenants, method, "/api/reports/" + theirs["id"], token_a(), **kwargs)
    missing = api(tenants, method, "/api/reports/" + MISSING_ID, token_a(), **kwargs)
    assert assert_error(resp, 404) == assert_error(missing, 404)
    assert db_snapshot(tenants.db) == before
    token_b = context_token(B, SECRET_B)
    own = api(tenants, "GET", "/api/reports/" + theirs["id"], token_b)
    assert own.json() == theirs


@pytest.mark.parametrize("path", ["/api/reports", "/api/export"])
def test_listings_show_only_own_reports(tenants, path):
    mine = create(tenants, A, SECRET_A)
    theirs = create(tenants, B, SECRET_B)
    resp = api(tenants, "GET", path + "?clientKey=" + B, token_a())
    assert resp.status == 200
    assert mine["id"].encode() in resp.body
    assert theirs["id"].encode() not in resp.body


def test_client_key_in_body_is_refused(tenants):
    before = db_snapshot(tenants.db)
    body = REPORT | {"clientKey": B}
    resp = api(tenants, "POST", "/api/reports", token_a(), json=body)
    assert "clientKey" in assert_error(resp, 400)["fields"]
    assert db_snapshot(tenants.db) == before


def test_client_key_in_query_is_ignored(tenants):
    resp = api(tenants, "POST", "/api/reports?clientKey=" + B, token_a(), json=REPORT)
    assert resp.status == 201
    (row,) = db_snapshot(tenants.db)["reports"]
    assert row[:2] == (A, resp.json()["id"])


####################################################################################
# Validation
####################################################################################


def entries(n, make):
    return [make(i) for i in range(n)]


INVALID = [
    ("name", "empty", {"name": ""}),
    ("name", "201 chars", {"name": "n" * 201}),
    ("name", "blank", {"name": "   "}),
    ("name", "not text", {"name": 5}),
    ("name", "null", {"name": None}),
    ("description", "4001 chars", {"description": "d" * 4001}),
    ("jql", "empty", {"jql": ""}),
    ("jql", "10001 chars", {"jql": "j" * 10001}),
    ("columns", "none", {"columns": []}),
    ("columns", "51", {"columns": entries(51, lambda i: f"c{i}")}),
    ("columns", "bad field id", {"columns": ["key", "bad field!"]}),
    ("columns", "101-char field id", {"columns": ["f" * 101]}),
    ("columns", "not a list", {"columns": "key"}),
    ("sort", "8", {"sort": entries(8, lambda i: {"field": f"f{i}",
                                                 "direction": "asc"})}),
    ("sort", "bad direction", {"sort": [{"field": "key", "direction": "up"}]}),
    ("sort", "no direction", {"sort": [{"field": "key"}]}),
    ("groupBy", "4", {"groupBy": ["a", "b", "c", "d"]}),
    ("groupBy", "bad field id", {"groupBy": ["a/b"]}),
    ("filters", "21", {"filters": entries(21, lambda i: {"field": f"f{i}",
                                                         "values": ["x"]})}),
    ("filters", "values not text", {"filters": [{"field": "f", "values": [1]}]}),
    ("aggregations", "21", {"aggregations": entries(
        21, lambda i: {"field": f"f{i}", "function": "count"})}),
    ("aggregations", "bad function", {"aggregations": [{"field": "f",
                                                        "function": "median"}]}),
    ("groupBy", "bad interval", {"groupBy": [{"field": "created", "interval": "hour"}]}),
    ("groupBy", "extra key", {"groupBy": [{"field": "created", "interval": "day",
                                           "x": 1}]}),
    ("groupBy", "object without interval", {"groupBy": [{"field": "created"}]}),
    ("pivot", "not an object", {"pivot": ["assignee", "status"]}),
    ("pivot", "no value", {"pivot": {"rows": "assignee", "columns": "status"}}),
    ("pivot", "unknown key", {"pivot": PIVOT | {"heat": True}}),
    ("pivot", "bad rows", {"pivot": PIVOT | {"rows": "a b"}}),
    ("pivot", "0 columns", {"pivot": PIVOT | {"maxColumns": 0}}),
    ("pivot", "51 columns", {"pivot": PIVOT | {"maxColumns": 51}}),
    ("pivot", "true columns", {"pivot": PIVOT | {"maxColumns": True}}),
    ("pivot", "median", {"pivot": PIVOT | {"value": {"function": "median",
                                                     "field": "f"}}}),
    ("pivot", "sum of nothing", {"pivot": PIVOT | {"value": {"function": "sum",
                                                             "field": None}}}),
    ("pivot", "count of a field", {"pivot": PIVOT | {"value": {"function": "count",
                                                               "field": "f"}}}),
    ("timeSeries", "no dates", {"timeSeries": SERIES | {"dates": []}}),
    ("timeSeries", "3 dates", {"timeSeries": SERIES | {"dates": ["a", "b", "c"]}}),
    ("timeSeries", "year", {"timeSeries": SERIES | {"interval": "year"}}),
    ("timeSeries", "cumulative 1", {"timeSeries": SERIES | {"cumulative": 1}}),
    ("timeSeries", "avg", {"timeSeries": SERIES | {"value": {"function": "avg",
                                                             "field": "f"}}}),
    ("timeSeries", "missing key", {"timeSeries": {k: v for k, v in SERIES.items()
                                                  if k != "cumulative"}}),
    ("unknownKey", "unknown key", {"unknownKey": 1}),
]


@pytest.mark.parametrize("field, change", [(f, c) for f, _, c in INVALID],
                         ids=[f"{f}-{why}" for f, why, _ in INVALID])
def test_create_rejects_invalid_field(tenants, field, change):
    before = db_snapshot(tenants.db)
    resp = api(tenants, "POST", "/api/reports", token_a(), json=REPORT | change)
    assert set(assert_error(resp, 400)["fields"]) == {field}
    assert db_snapshot(tenants.db) == before


@pytest.mark.parametrize("missing", ["name", "jql", "columns"])
def test_create_requires_field(tenants, missing):
    body = {k: v for k, v in REPORT.items() if k != missing}
    resp = api(tenants, "POST", "/api/reports", token_a(), json=body)
    assert set(assert_error(resp, 400)["fields"]) == {missing}


def test_put_validates_like_create(tenants):
    made = create(tenants, A, SECRET_A)
    before = db_snapshot(tenants.db)
    resp = api(tenants, "PUT", "/api/reports/" + made["id"], token_a(),
               json=made | {"groupBy": ["a", "b", "c", "d"]})
    assert set(assert_error(resp, 400)["fields"]) == {"groupBy"}
    assert db_snapshot(tenants.db) == before


def test_create_accepts_every_limit(tenants):
    at_limit = {
        "name": "n" * 200, "description": "d" * 4000, "jql": "j" * 10000,
        "columns": entries(50, lambda i: f"c{i}"),
        "sort": entries(7, lambda i: {"field": f"s{i}", "direction": "desc"}),
        "groupBy": ["g1", "g2", "g3"],
        "filters": entries(20, lambda i: {"field": f"f{i}", "values": ["v"]}),
        "aggregations": entries(20, lambda i: {"field": f"a{i}", "function": "max"}),
        "pivot": PIVOT | {"maxColumns": 50},
        "timeSeries": SERIES | {"dates": ["created"], "interval": "quarter",
                                "value": {"function": "sum", "field": "f"}},
    }
    made = create(tenants, A, SECRET_A, **at_limit)
    assert {k: made[k] for k in CONFIG} == at_limit


def test_a_pivot_may_leave_out_its_column_limit(tenants):
    pivot = {k: v for k, v in PIVOT.items() if k != "maxColumns"}
    assert create(tenants, A, SECRET_A, pivot=pivot)["pivot"] == pivot


def test_reports_without_the_new_blocks_read_back_unchanged(tenants):
    made = create(tenants, A, SECRET_A, groupBy=["status"])
    with contextlib.closing(sqlite3.connect(tenants.db)) as db:
        (config,) = db.execute("SELECT config FROM reports").fetchone()
    assert json.loads(config) == {"columns": made["columns"], "sort": [],
                                  "groupBy": ["status"], "filters": [],
                                  "aggregations": []}


def test_a_version_1_export_still_imports(tenants):
    doc = {"format": "jql-reports", "version": 1, "reports": [REPORT]}
    resp = api(tenants, "POST", "/api/import", token_a(), json=doc)
    assert resp.status == 201, resp.body
