"""Every export imports back: through the CLI at any size, through the API in parts as
the browser splits it, up to the site's maximum, with fields at their limits."""

import contextlib
import io
import json
import subprocess
import tempfile
import tracemalloc
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import addon
import documents
import validation
from access import may_view
from tests.conftest import (
    REPORT,
    SECRET_A,
    SECRET_B,
    SITE,
    USER,
    A,
    B,
    api,
    assert_error,
    context_token,
    db_snapshot,
    request,
    store_tenant,
)

ROOT = Path(addon.__file__).resolve().parent
OTHER = "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077"
SECRET = "e5" * 32
# What an import makes anew; an API import also makes the caller the owner.
VOLATILE = ("id", "version", "createdAt", "createdBy", "updatedAt", "updatedBy")
PART_BYTES = 450_000  # static/js/list/parts.js; checked against it below

####################################################################################
# Reports with fields at their limits (validation.py)
####################################################################################

# Any character SQLite stores: control characters, quotes, backslashes, emoji.
CHARS = st.characters(codec="utf-8")
FIELD_CHARS = "abcXYZ019_.:-"
ACCOUNT_CHARS = "abcXYZ019:_-"


def tiled(low, high, chars=CHARS, first=""):
    """Text of ``low`` to ``high`` characters (often exactly either), a short drawn
    piece repeated: the limits cost Hypothesis a few bytes, not thousands."""
    piece = st.text(chars, min_size=1, max_size=6).map(lambda t: first + t)
    size = st.one_of(st.sampled_from([low, high]), st.integers(low, high))
    return st.builds(lambda p, n: (p * (n // len(p) + 1))[:n], piece, size)


def repeated(items, low, high):
    """A list of ``low`` to ``high`` entries cycling through 1 to 3 drawn ones."""
    size = st.one_of(st.sampled_from([low, high]), st.integers(low, high))
    return st.builds(lambda xs, n: (xs * n)[:n], st.lists(items, min_size=1, max_size=3),
                     size)


FIELD = tiled(1, 100, st.sampled_from(FIELD_CHARS))
ACCOUNT = tiled(1, 128, st.sampled_from(ACCOUNT_CHARS))
EDITORS = st.one_of(st.just("site"), st.builds(
    lambda n, tail: [f"{i:02d}{tail}"[:128] for i in range(n)],
    st.sampled_from([0, 1, 50]) | st.integers(0, 50), ACCOUNT))
VALUE = st.one_of(st.fixed_dictionaries({"function": st.just("count"),
                                         "field": st.none()}),
                  st.fixed_dictionaries({"function": st.just("sum"), "field": FIELD}))
PIVOT = st.fixed_dictionaries(
    {"rows": FIELD, "columns": FIELD,
     "value": VALUE | st.fixed_dictionaries({"function": st.just("avg"), "field": FIELD})},
    optional={"maxColumns": st.sampled_from([1, 50]) | st.integers(1, 50)})
SERIES = st.fixed_dictionaries({
    "dates": st.lists(FIELD, min_size=1, max_size=2), "cumulative": st.booleans(),
    "interval": st.sampled_from(validation.SERIES_INTERVALS), "value": VALUE})
GROUP = FIELD | st.fixed_dictionaries(
    {"field": FIELD, "interval": st.sampled_from(validation.GROUP_INTERVALS)})
FILTER = st.fixed_dictionaries({"field": FIELD, "values": repeated(tiled(0, 500), 0, 200)})
CONFIG = st.fixed_dictionaries({
    "name": tiled(1, 200, first="R"), "description": tiled(0, 4000),
    "jql": tiled(1, 10000, first="p"), "columns": repeated(FIELD, 1, 50),
    "sort": repeated(st.fixed_dictionaries(
        {"field": FIELD, "direction": st.sampled_from(["asc", "desc"])}), 0, 7),
    "groupBy": repeated(GROUP, 0, 3), "filters": repeated(FILTER, 0, 20),
    "aggregations": repeated(st.fixed_dictionaries(
        {"field": FIELD, "function": st.sampled_from(validation.AGGREGATES)}), 0, 20),
    "pivot": st.none() | PIVOT, "timeSeries": st.none() | SERIES,
    "editors": EDITORS})
OWNED = st.tuples(st.sampled_from([USER, OTHER, None]), st.booleans())


def fitted(report):
    """The report, its filter values cut until it is at most MAX_REPORT_BYTES."""
    while validation.report_bytes(report) > validation.MAX_REPORT_BYTES:
        longest = max(report["filters"], key=lambda f: len(f["values"]))
        longest["values"] = longest["values"][:len(longest["values"]) // 2]
    return report


def with_access(config, owned):
    owner, private = owned
    return config | {"owner": owner, "visibility": "private" if private and owner
                     else "site"}


SHAPE = st.builds(lambda c, o: fitted(with_access(c, o)), CONFIG, OWNED)


def plain(n):
    """A small report, most of a large site's reports."""
    return {"name": f"Plain {n}", "jql": "project = RPT", "columns": ["key"],
            "owner": (USER, OTHER, None)[n % 3], "visibility": "site"}


def largest_report():
    """A report of exactly MAX_REPORT_BYTES, every field at its limit, filter values
    of control characters (6 bytes each in JSON) and an emoji."""
    report = validation.validate_report({
        "name": "N" * 199 + "😀", "description": "\x01" * 4000, "jql": '"' * 10000,
        "columns": ["c" * 100] * 50, "groupBy": ["g" * 100] * 3,
        "sort": [{"field": "s" * 100, "direction": "desc"}] * 7,
        "aggregations": [{"field": "a" * 100, "function": "distinct"}] * 20,
        "filters": [{"field": "f" * 100, "values": []} for _ in range(20)],
        "editors": [f"{i:02d}" + "e" * 126 for i in range(50)], "owner": OTHER})
    values = report["filters"][0]["values"]  # each value costs 2 quotes and a comma
    while (room := validation.MAX_REPORT_BYTES - validation.report_bytes(report)) > 0:
        size = min(2970, room - 3)
        size -= 3 if room - 3 - size in (1, 2) else 0  # leave room for one more value
        values.append("\x02" * (size // 6) + "x" * (size % 6))
    assert validation.report_bytes(report) == validation.MAX_REPORT_BYTES
    assert not validation.report_errors(report)[1]
    return report


LARGEST = largest_report()


def site(count, shapes):
    """A site's reports: the drawn shapes once each, then plain ones up to ``count``."""
    return (shapes + [plain(n) for n in range(count)])[:count]


####################################################################################
# Storage helpers
####################################################################################

def seed(path, client_key, reports, secret=SECRET):
    """A tenant and its reports, stored as creating or importing them stores them."""
    with contextlib.closing(addon.connect(str(path))) as db:
        addon.migrate(db)
        with addon.write(db):
            addon.upsert_tenant(db, client_key, secret, SITE, None, "jira")
            for r in reports:
                clean = addon.validate_report(r)
                addon.insert_report(db, client_key, clean, r["owner"], r["owner"])


def stored(path, client_key):
    """The tenant's reports in their wire form."""
    with contextlib.closing(addon.connect(str(path))) as db:
        return [addon.report_json(r) for r in addon.select_full_reports(db, client_key)]


def content(reports, drop=()):
    """Reports without what an import makes anew, as a sorted list (ids differ)."""
    keep = [{k: v for k, v in r.items() if k not in VOLATILE + drop} for r in reports]
    return sorted(keep, key=lambda r: json.dumps(r, sort_keys=True))


def cli(path, *argv):
    return addon.main(["--db", str(path), *argv])


####################################################################################
# Property: export, then import into a fresh site, gives equal reports
####################################################################################

FEW = settings(max_examples=8, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture,
                                      HealthCheck.too_slow, HealthCheck.data_too_large])
COUNT = st.sampled_from([0, 1, 3000]) | st.integers(0, 3000)


@FEW
@given(count=COUNT, shapes=st.lists(SHAPE, max_size=6))
@example(count=3000, shapes=[LARGEST])
def test_cli_export_then_import_gives_equal_reports(count, shapes):
    with tempfile.TemporaryDirectory() as folder:
        db, out = Path(folder) / "addon.db", Path(folder) / "export.json"
        seed(db, "site-a", site(count, shapes))
        seed(db, "site-b", [])
        assert cli(db, "export", "--client-key", "site-a", "--out", str(out)) == 0
        assert cli(db, "import", "--client-key", "site-b", str(out)) == 0
        before, after = stored(db, "site-a"), stored(db, "site-b")
        assert len(before) == count
        assert content(after) == content(before)


def size(value):
    """Bytes of ``value`` as JSON.stringify writes it, in UTF-8."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def client_parts(document, limit=PART_BYTES):
    """static/js/list/parts.js splitDocument, in Python: whole reports in order, each
    part at most ``limit`` bytes as compact UTF-8 JSON (JSON.stringify's size)."""
    if size(document) <= limit:
        return [document]
    head = {k: v for k, v in document.items() if k != "reports"}
    parts, used = [], limit
    for report in document["reports"]:
        more = size(report) + 1
        if used + more > limit:
            parts.append(head | {"reports": []})
            used = size(parts[-1])
        parts[-1]["reports"].append(report)
        used += more
    return parts


def post_body(server, path, token, document):
    """POST a document as the browser's host does: JSON.stringify, UTF-8."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Authorization": f"JWT {token}", "Content-Type": "application/json"}
    return request(server, "POST", path, body, headers)


@FEW
@given(count=COUNT, shapes=st.lists(SHAPE, max_size=4))
@example(count=3000, shapes=[LARGEST])
def test_api_export_then_import_in_parts_gives_equal_reports(server, count, shapes):
    a, b = f"a-{uuid.uuid4().hex}", f"b-{uuid.uuid4().hex}"
    seed(server.db, a, site(count, shapes))
    store_tenant(server, b, SECRET, SITE)
    exported = api(server, "GET", "/api/export", context_token(a, SECRET)).json()
    visible = [r for r in stored(server.db, a) if may_view(r, USER)]
    assert len(exported["reports"]) == len(visible)
    for part in client_parts(exported):
        resp = post_body(server, "/api/import", context_token(b, SECRET), part)
        assert resp.status == 201, resp.body
    again = api(server, "GET", "/api/export", context_token(b, SECRET)).json()
    assert {r["owner"] for r in again["reports"]} <= {USER}
    assert content(again["reports"], ("owner",)) == content(exported["reports"],
                                                             ("owner",))


def test_the_python_split_is_the_browsers(tmp_path):
    reports = [plain(n) | {"description": ("é\x01\"😀" * n)[:4000]} for n in range(400)]
    document = {"format": "jql-reports", "version": 3, "reports": reports + [LARGEST]}
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    script = (f"import {{ splitDocument }} from '{ROOT}/static/js/list/parts.js';"
              "import { readFileSync } from 'node:fs';"
              f"const doc = JSON.parse(readFileSync('{path}', 'utf8'));"
              "console.log(JSON.stringify(splitDocument(doc, 100000)"
              ".map((p) => p.document.reports.length)));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], check=True,
                         capture_output=True, text=True).stdout
    sizes = [len(p["reports"]) for p in client_parts(document, 100_000)]
    assert json.loads(out) == sizes and len(sizes) > 3


def test_the_browsers_limits_are_the_servers():
    text = (ROOT / "static/js/list/parts.js").read_text(encoding="utf-8")
    assert f"PART_BYTES = {PART_BYTES:_};" in text
    assert f"MAX_REPORTS = {documents.MAX_REPORTS:_};" in text
    # Forge's invokeRemote takes at most 500 KB a request (Forge platform limits).
    assert PART_BYTES < 500_000 and PART_BYTES < documents.IMPORT_BODY_LIMIT


####################################################################################
# The largest report passes every door; a larger one none
####################################################################################

def test_a_report_over_the_size_limit_is_refused_by_every_import(tenants, tmp_path):
    over = LARGEST | {"name": "N" * 199 + "\x01"}  # 2 bytes more in JSON
    assert validation.report_bytes(over) == validation.MAX_REPORT_BYTES + 2
    document = {"format": "jql-reports", "version": 3, "reports": [plain(1), over]}
    path = tmp_path / "over.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = db_snapshot(tenants.db)
    resp = post_body(tenants, "/api/import", context_token(A, SECRET_A), document)
    assert "262,144" in assert_error(resp, 400)["fields"]["reports[1].report"]
    assert cli(tenants.db, "import", "--client-key", A, str(path)) == 1
    assert db_snapshot(tenants.db) == before


####################################################################################
# The site's maximum: refused at creation and at every import, nothing stored
####################################################################################

def fill(server, client_key, count):
    """Give the site ``count`` more small reports, straight through storage."""
    with contextlib.closing(addon.connect(server.db)) as db, addon.write(db):
        for n in range(count):
            addon.insert_report(db, client_key, addon.validate_report(plain(n)), USER)


def test_creation_stops_at_the_sites_maximum(tenants):
    fill(tenants, A, documents.MAX_REPORTS - 1)
    token = context_token(A, SECRET_A)
    assert api(tenants, "POST", "/api/reports", token, json=REPORT).status == 201
    before = db_snapshot(tenants.db)
    resp = api(tenants, "POST", "/api/reports", token, json=REPORT)
    assert assert_error(resp, 400)["error"] == (
        "A site holds at most 10,000 reports; this one has 10,000, so 1 more report "
        "cannot be created. Delete reports the site no longer needs, then try again. "
        "Nothing was created.")
    assert db_snapshot(tenants.db) == before
    assert api(tenants, "POST", "/api/reports", context_token(B, SECRET_B),
               json=REPORT).status == 201  # another site's count is its own


def test_an_api_import_past_the_maximum_stores_nothing(tenants):
    fill(tenants, A, documents.MAX_REPORTS - 2)
    token = context_token(A, SECRET_A)
    document = {"format": "jql-reports", "version": 3,
                "reports": [plain(n) for n in range(3)]}
    before = db_snapshot(tenants.db)
    resp = post_body(tenants, "/api/import", token, document)
    assert "this one has 9,998, so 3 more reports cannot be imported" in assert_error(
        resp, 400)["error"]
    assert db_snapshot(tenants.db) == before
    document["reports"].pop()
    assert post_body(tenants, "/api/import", token, document).status == 201


def test_a_cli_import_past_the_maximum_stores_nothing(tenants, tmp_path, capsys):
    fill(tenants, A, documents.MAX_REPORTS - 2)
    path = tmp_path / "three.json"
    reports = [plain(n) for n in range(3)]
    path.write_text(json.dumps({"format": "jql-reports", "version": 3,
                                "reports": reports}), encoding="utf-8")
    before = db_snapshot(tenants.db)
    assert cli(tenants.db, "import", "--client-key", A, str(path)) == 1
    assert capsys.readouterr().err == (
        "error: A site holds at most 10,000 reports; this one has 9,998, so 3 more "
        "reports cannot be imported. Delete reports the site no longer needs, then try "
        "again. Nothing was imported.\n")
    assert db_snapshot(tenants.db) == before
    path.write_text(json.dumps({"format": "jql-reports", "version": 3,
                                "reports": reports[:2]}), encoding="utf-8")
    assert cli(tenants.db, "import", "--client-key", A, str(path)) == 0


####################################################################################
# The CLI reads a document a report at a time, and checks it as validate_export does
####################################################################################

def import_text(tmp_path, capsys, text):
    """Import ``text`` for site-b of a fresh database: (exit status, stderr, reports)."""
    db, path = tmp_path / "addon.db", tmp_path / "in.json"
    seed(db, "site-b", [])
    path.write_text(text, encoding="utf-8")
    code = cli(db, "import", "--client-key", "site-b", str(path))
    return code, capsys.readouterr().err, stored(db, "site-b")


GOOD = json.dumps(plain(0))
CLI_DOCUMENTS = {
    "reports before format": (
        f'{{"reports": [{GOOD}], "version": 3, "format": "jql-reports"}}', 0, ""),
    "reports before a wrong format": (
        f'{{"reports": [{GOOD}], "version": 3, "format": "csv"}}', 1,
        'format must be "jql-reports"'),
    "no reports": ('{"format": "jql-reports", "version": 3}', 1,
                   "reports must be a version 1, 2 or 3 list"),
    "empty list": ('{"format": "jql-reports", "version": 3, "reports": [ ]}', 0, ""),
    "data after the document": (
        f'{{"format": "jql-reports", "version": 3, "reports": [{GOOD}]}} []', 1,
        "extra data"),
    "bad JSON in report 2": (
        f'{{"format": "jql-reports", "version": 3, "reports": [{GOOD}, {GOOD}, '
        '{"name": NaN}]}', 1, "reports[2]: NaN is not valid JSON"),
    "duplicate top-level keys": (
        '{"format": "jql-reports", "version": 3, "version": 3, "reports": []}', 1,
        "duplicate keys"),
    "lone surrogate": (
        f'{{"format": "jql-reports", "version": 3, "reports": [{GOOD[:-1]}, '
        '"description": "\\ud800"}]}', 1, "reports[0]: "),
}


@pytest.mark.parametrize("case", CLI_DOCUMENTS.values(), ids=CLI_DOCUMENTS.keys())
def test_cli_import_reads_what_validate_export_reads(tmp_path, capsys, case):
    text, status, message = case
    code, err, reports = import_text(tmp_path, capsys, text)
    assert (code, len(reports)) == (status, text.count('"Plain 0"') * (1 - status))
    assert message in err and err.count("\n") == status, err


def test_a_number_cut_by_a_read_is_read_whole(tmp_path, capsys):
    head = '{"format": "jql-reports", "exportedAt": "'
    pad = documents.CHUNK - len(head) - len('", "version": ') - 1
    text = head + "x" * pad + '", "version": 30, "reports": []}'
    assert text[documents.CHUNK - 1:documents.CHUNK + 1] == "30"
    code, err, _ = import_text(tmp_path, capsys, text)
    assert code == 1 and "reports must be a version 1, 2 or 3 list" in err


def test_an_invalid_report_deep_in_a_file_stores_nothing(tmp_path, capsys):
    reports = [plain(n) for n in range(3000)]
    reports[2500]["columns"] = []
    document = {"format": "jql-reports", "version": 3, "reports": reports}
    code, err, stored_reports = import_text(tmp_path, capsys, json.dumps(document))
    assert (code, stored_reports) == (1, [])
    assert err == "error: reports[2500].columns must have 1 to 50 entries\n"


def test_reading_holds_one_report_at_a_time():
    reports = ",".join(json.dumps(plain(n) | {"description": "d" * 300})
                       for n in range(20_000))
    text = f'{{"format": "jql-reports", "version": 3, "reports": [{reports}]}}'
    assert len(text) > 8_000_000
    fh = io.StringIO(text)  # its own buffer (4 bytes a character) is not the reader's
    tracemalloc.start()
    try:
        count = sum(1 for _ in documents.read_export(fh))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 20_000 and peak < 1_000_000, peak


def test_the_cli_export_holds_one_report_at_a_time(tmp_path):
    db, out = tmp_path / "addon.db", tmp_path / "export.json"
    seed(db, "site-a", [plain(n) | {"description": "d" * 2000} for n in range(3000)])
    tracemalloc.start()
    try:
        assert cli(db, "export", "--client-key", "site-a", "--out", str(out)) == 0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.stat().st_size > 6_000_000 and peak < 1_000_000, peak
