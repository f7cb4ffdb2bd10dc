"""Importing an export file larger than one request: the page sends it in parts that
each fit (static/js/list/parts.js) and says what was imported, under both hosts (the
`host_url` fixture; the demo's Forge stand-in refuses requests over Forge's 500 KB)."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import open_app, unique
from tests.test_transfer import PART_BYTES, client_parts

pytestmark = pytest.mark.browser


def bulky(marker, n):
    """A report of about 8 KB, so that a hundred fill two parts."""
    return {"name": f"{marker} {n:03d}", "description": "Ünïcode ✓ " * 400,
            "jql": "project = RPT AND text ~ \"" + "x" * 4000 + "\"",
            "columns": ["key", "summary"]}


def firsts(parts):
    """The file's index of each part's first report."""
    sizes = [len(p["reports"]) for p in parts]
    return [sum(sizes[:i]) for i in range(len(sizes))]


def import_file(page, tmp_path, document):
    """Choose the file in the list's Import, as a user would."""
    path = tmp_path / "reports.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    page.get_by_test_id("import-file").set_input_files(str(path))


def imports_sent(recorded):
    return [r for r in recorded.requests
            if r["method"] == "POST" and r["url"].endswith("/api/import")]


def test_a_file_larger_than_a_request_imports_in_parts(page, host_url, tmp_path,
                                                       recorded):
    open_app(page, host_url)
    marker = unique("Bulk")
    document = {"format": "jql-reports", "version": 3,
                "reports": [bulky(marker, n) for n in range(120)]}
    parts = client_parts(document)
    assert len(parts) == 3
    import_file(page, tmp_path, document)
    expect(page.get_by_test_id("message")).to_contain_text(
        "Imported all 120 reports, in 3 parts.")
    expect(page.get_by_test_id("open-report").filter(has_text=marker)).to_have_count(120)
    sent = imports_sent(recorded)
    assert [len(json.loads(r["post_data"])["reports"]) for r in sent] == [
        len(p["reports"]) for p in parts]
    assert all(len(r["post_data"].encode()) <= PART_BYTES for r in sent)


# The README's example, word for word.
MIDDLE_FAILED = (
    "The file went in 3 parts. Part 1 (46 reports) was imported; part 2 failed: report "
    "52 of the file: columns must have 1 to 50 entries. Nothing of parts 2–3 was "
    "imported (from report 47 of the file on).")


def test_a_failed_middle_part_says_what_was_imported(page, host_url, tmp_path):
    open_app(page, host_url)
    marker = unique("Half")
    reports = [bulky(marker, n) for n in range(120)]
    reports[51]["columns"] = []
    parts = client_parts({"format": "jql-reports", "version": 3, "reports": reports})
    assert firsts(parts) == [0, 46, 92]  # report 52 is in part 2
    import_file(page, tmp_path, {"format": "jql-reports", "version": 3,
                                 "reports": reports})
    expect(page.get_by_test_id("message")).to_contain_text(MIDDLE_FAILED)
    expect(page.get_by_test_id("open-report").filter(has_text=marker)).to_have_count(46)


def test_a_small_file_imports_whole(page, host_url, tmp_path, recorded):
    open_app(page, host_url)
    marker = unique("Small")
    import_file(page, tmp_path, {"format": "jql-reports", "version": 3,
                                 "reports": [bulky(marker, n) for n in range(3)]})
    expect(page.get_by_test_id("message")).to_contain_text("Imported 3 reports.")
    expect(page.get_by_test_id("open-report").filter(has_text=marker)).to_have_count(3)
    assert len(imports_sent(recorded)) == 1


def test_a_file_of_more_reports_than_a_site_holds_is_refused_first(page, host_url,
                                                                   tmp_path, recorded):
    open_app(page, host_url)
    reports = [{"name": f"R{n}", "jql": "project = RPT", "columns": ["key"]}
               for n in range(10_001)]
    import_file(page, tmp_path, {"format": "jql-reports", "version": 3,
                                 "reports": reports})
    expect(page.get_by_test_id("message")).to_contain_text(
        "The file holds 10,001 reports; a site holds at most 10,000 reports. Nothing "
        "was imported.")
    assert imports_sent(recorded) == []
