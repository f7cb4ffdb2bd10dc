"""Accessibility: axe-core over the demo's screens, invalid fields, focus after Save.

axe-core comes from the npm registry at the version pinned in
tests/e2e/package-lock.json (`npm ci` runs once when tests/e2e/node_modules lacks it)
and is injected with Playwright.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_browser import open_app, shown_count, unique

pytestmark = pytest.mark.browser

E2E = Path(__file__).resolve().parent
AXE = E2E / "node_modules" / "axe-core" / "axe.min.js"
INSTALL_SECONDS = 300
GROUPED = "Story points by status and assignee"
BLOCKING = {"serious", "critical"}
# Every result axe could not decide, with whether each of its nodes is a form field.
AXE_RUN_JS = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations', 'incomplete']});
  const field = (node) => document.querySelector(node.target[0])
    ?.matches('input, select, textarea') ?? false;
  const brief = (result) => ({id: result.id, impact: result.impact,
    nodes: result.nodes.map((node) => ({html: node.html, field: field(node)}))});
  return {violations: results.violations.map(brief),
    incomplete: results.incomplete.map(brief)};
}"""


def _installed():
    """Whether node_modules holds what package-lock.json asks for (npm's own record)."""
    record = E2E / "node_modules" / ".package-lock.json"
    lock = E2E / "package-lock.json"
    fresh = record.is_file() and record.stat().st_mtime >= lock.stat().st_mtime
    return fresh and AXE.is_file()


@pytest.fixture(scope="session")
def axe_script():
    """axe.min.js from the pinned axe-core, installed with `npm ci` when missing."""
    if not _installed():
        npm = shutil.which("npm")
        assert npm, "npm is not on PATH"
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=E2E,
                              capture_output=True, text=True, timeout=INSTALL_SECONDS)
        assert done.returncode == 0, f"npm ci failed:\n{done.stdout}{done.stderr}"
    return AXE


@pytest.fixture
def a11y_page(browser, axe_script):
    """A page whose context lets the injected axe script past the app's CSP."""
    context = browser.new_context(locale="en-US", bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


def axe_problems(page, axe_script):
    """Serious or critical violations, and undecided results on form fields."""
    page.add_script_tag(path=str(axe_script))
    found = page.evaluate(AXE_RUN_JS)
    blocking = [v for v in found["violations"] if v["impact"] in BLOCKING]
    on_fields = [r for r in found["incomplete"] if any(n["field"] for n in r["nodes"])]
    return {"violations": blocking, "incomplete on fields": on_fields}


def show_editor_errors(page):
    """A new report with no name, an invalid JQL and no columns, refused by Save."""
    page.get_by_test_id("new-report").click()
    page.get_by_test_id("report-jql").fill("universe = 1")
    columns = page.get_by_test_id("column-item").get_by_test_id("remove-item")
    while columns.count():
        columns.first.click()
    page.get_by_test_id("save-report").click()
    expect(page.locator("#jql-error")).to_contain_text("universe")


def test_report_list_has_no_serious_axe_findings(a11y_page, base_url, axe_script):
    open_app(a11y_page, base_url)
    assert axe_problems(a11y_page, axe_script) == {"violations": [],
                                                  "incomplete on fields": []}


def test_editor_with_errors_has_no_serious_axe_findings(a11y_page, base_url,
                                                       axe_script):
    open_app(a11y_page, base_url)
    show_editor_errors(a11y_page)
    assert axe_problems(a11y_page, axe_script) == {"violations": [],
                                                  "incomplete on fields": []}


def test_expanded_grouped_report_has_no_serious_axe_findings(a11y_page, base_url,
                                                               axe_script):
    open_app(a11y_page, base_url)
    a11y_page.get_by_test_id("open-report").filter(has_text=GROUPED).click()
    shown_count(a11y_page)
    a11y_page.get_by_test_id("expand-all").click()
    expect(a11y_page.locator('[data-testid="group-header"][data-depth="1"]').first
           ).to_be_visible()
    assert axe_problems(a11y_page, axe_script) == {"violations": [],
                                                  "incomplete on fields": []}


def test_invalid_fields_say_true_and_valid_ones_say_nothing(page, base_url):
    open_app(page, base_url)
    show_editor_errors(page)
    name, jql = page.get_by_test_id("report-name"), page.get_by_test_id("report-jql")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(jql).to_have_attribute("aria-invalid", "true")
    jql.fill("project = RPT")
    jql.blur()
    expect(page.locator("#jql-error")).to_be_hidden()
    expect(jql).not_to_have_attribute("aria-invalid", re.compile(".*"))
    expect(name).to_have_attribute("aria-invalid", "true")


def test_a_refused_field_pick_marks_its_input_invalid(page, base_url):
    open_app(page, base_url)
    page.get_by_test_id("new-report").click()
    picker = page.get_by_test_id("column-picker")
    picker.fill("no such field")
    page.get_by_test_id("add-column").click()
    expect(page.locator("#column-picker-error")).to_contain_text("no such field")
    expect(picker).to_have_attribute("aria-invalid", "true")
    picker.fill("priority")
    page.get_by_test_id("add-column").click()
    expect(picker).not_to_have_attribute("aria-invalid", re.compile(".*"))


def test_save_takes_the_keyboard_to_the_saved_reports_heading(page, base_url):
    open_app(page, base_url)
    name = unique("Focus after save")
    page.get_by_test_id("new-report").click()
    page.get_by_test_id("report-name").fill(name)
    page.get_by_test_id("report-jql").fill("project = RPT")
    page.get_by_test_id("save-report").click()
    title = page.get_by_test_id("report-title")
    expect(title).to_have_text(name)
    expect(title).to_be_focused()
    expect(title).to_have_attribute("tabindex", "-1")
