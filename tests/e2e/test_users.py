"""Several users in the demo, under both hosts: private reports, sharing, Duplicate, and
the admin page.

The demo's "Demo user" switcher reloads the page as the other demo user: Mia Krystof, a
Jira administrator, or Daniel Okafor, who is not (static/js/demo/data.js, demo.USERS).
"""

import pytest
from playwright.sync_api import expect

import demo
from tests.e2e.test_browser import RPT, open_app, report_row, unique

pytestmark = pytest.mark.browser

A, B = demo.USERS
B_NAME = "Daniel Okafor"
REFUSAL = "Only a Jira administrator can use this page."
# A report's row on the admin page, by its exact name.
ADMIN_ROW = 'tr[data-testid="admin-report"]:has(td.report-name strong:text-is("{}"))'
# The report with this name, straight from the server as the page's user (both hosts).
SERVER_REPORT_JS = """async (name) => {
  const {pickHost} = await import('/static/js/host/hosts.js');
  const host = await pickHost();
  const list = await host.requestServer('api/reports');
  const {id} = list.body.reports.find((report) => report.name === name);
  return (await host.requestServer(`api/reports/${id}`)).body;
}"""
# Save a report again behind the page's back, as its owner in another tab would.
RESAVE_JS = """async (report) => {
  const {pickHost} = await import('/static/js/host/hosts.js');
  const host = await pickHost();
  const body = {...report, description: 'Changed in another tab'};
  return (await host.requestServer(`api/reports/${report.id}`, {method: 'PUT', body})).status;
}"""


def switch_user(page, account):
    """Choose another demo user; the page reloads as them."""
    with page.expect_navigation():
        page.get_by_label("Demo user").select_option(account)
    expect(page.get_by_label("Demo user")).to_have_value(account)


def create_private(page, name):
    """From the list: a new report that only its owner sees."""
    page.get_by_test_id("new-report").click()
    page.get_by_test_id("report-name").fill(name)
    page.get_by_test_id("report-jql").fill(RPT)
    page.get_by_test_id("visibility-private").check()
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-title")).to_have_text(name)


def open_admin(page, host_url):
    """The app's admin page, with its list of every report."""
    page.goto(f"{host_url}/demo/admin")
    expect(page.get_by_test_id("admin-list")).to_be_visible()


def admin_row(page, name):
    return page.locator(ADMIN_ROW.format(name))


def test_private_report_is_the_owners_until_shared_and_a_viewer_duplicates_it(
        page, host_url, recorded):
    open_app(page, host_url)
    name = unique("Private plan")
    create_private(page, name)
    address = page.url
    switch_user(page, B)  # on the report's own address
    expect(page.get_by_test_id("message")).to_contain_text("No such report.")
    expect(page.get_by_test_id("report-list")).to_be_visible()
    expect(report_row(page, name)).to_have_count(0)

    switch_user(page, A)
    open_app(page, host_url)
    report_row(page, name).get_by_test_id("edit-report").click()
    page.get_by_test_id("visibility-site").check()
    page.get_by_test_id("editors-list").check()  # nobody chosen: the owner only
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-title")).to_have_text(name)
    assert page.evaluate(SERVER_REPORT_JS, name)["editors"] == []

    switch_user(page, B)
    page.goto(address)
    expect(page.get_by_test_id("report-title")).to_have_text(name)
    open_app(page, host_url)
    page.get_by_test_id("view-shared").click()
    row = report_row(page, name)
    expect(row.get_by_test_id("duplicate-report")).to_be_visible()
    expect(row.get_by_test_id("edit-report")).to_have_count(0)
    expect(row.get_by_test_id("delete-report")).to_have_count(0)
    page.get_by_test_id("view-all").click()
    report_row(page, name).get_by_test_id("duplicate-report").click()
    copy = f"Copy of {name}"
    expect(page.get_by_test_id("report-name")).to_have_value(copy)  # a new report's editor
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-title")).to_have_text(copy)
    page.get_by_test_id("back-to-list").click()
    page.get_by_test_id("view-mine").click()
    mine = report_row(page, copy)
    expect(mine.get_by_test_id("report-owner")).to_contain_text(B_NAME)
    expect(mine.get_by_test_id("edit-report")).to_be_visible()
    expect(report_row(page, name)).to_have_count(0)
    assert recorded.page_errors == []


def test_admin_page_lists_every_report_and_transfers_one(page, host_url, recorded):
    open_app(page, host_url)
    switch_user(page, B)
    hidden = unique("Daniel's private notes")
    create_private(page, hidden)
    switch_user(page, A)
    open_app(page, host_url)
    given = unique("Handover")
    create_private(page, given)
    page.get_by_test_id("back-to-list").click()
    expect(report_row(page, hidden)).to_have_count(0)

    open_admin(page, host_url)
    expect(page.get_by_test_id("admin-refusal")).to_have_count(0)
    row = admin_row(page, hidden)
    expect(row.get_by_test_id("admin-owner")).to_have_text(B_NAME)
    expect(row.get_by_test_id("admin-visibility")).to_have_text("Private")
    listed = page.evaluate("""async () => {
      const {pickHost} = await import('/static/js/host/hosts.js');
      return (await (await pickHost()).requestServer('api/admin/reports')).body.reports;
    }""")
    expect(page.get_by_test_id("admin-report")).to_have_count(len(listed))
    page.get_by_test_id("admin-filter").fill(B_NAME.split()[0])
    shown = page.locator('tr[data-testid="admin-report"]:visible')
    expect(shown).to_have_count(sum(r["owner"] == B for r in listed))

    page.get_by_test_id("admin-filter").fill(given)
    admin_row(page, given).get_by_test_id("admin-change-owner").click()
    page.get_by_test_id("admin-owner-picker").fill("Dan")
    page.get_by_test_id("person-option").filter(has_text=B_NAME).click()
    expect(admin_row(page, given).get_by_test_id("admin-owner")).to_have_text(B_NAME)
    expect(page.get_by_test_id("message")).to_contain_text(f"now belongs to {B_NAME}")

    switch_user(page, B)
    expect(page.get_by_test_id("admin-refusal")).to_have_text(REFUSAL)
    expect(page.get_by_test_id("admin-list")).to_have_count(0)
    expect(page.get_by_test_id("admin-filter")).to_have_count(0)
    open_app(page, host_url)
    page.get_by_test_id("view-mine").click()
    expect(report_row(page, given).get_by_test_id("delete-report")).to_be_visible()
    assert recorded.page_errors == []


def test_admin_page_reloads_a_report_changed_meanwhile(page, host_url):
    open_app(page, host_url)
    name = unique("Changed meanwhile")
    create_private(page, name)
    stored = page.evaluate(SERVER_REPORT_JS, name)
    open_admin(page, host_url)
    row = admin_row(page, name)
    expect(row).to_be_visible()
    assert page.evaluate(RESAVE_JS, stored) == 200
    row.get_by_test_id("admin-change-owner").click()
    page.get_by_test_id("admin-owner-picker").fill("Dan")
    page.get_by_test_id("person-option").filter(has_text=B_NAME).click()
    expect(page.get_by_test_id("message")).to_contain_text("was changed meanwhile")
    row = admin_row(page, name)
    expect(row.get_by_test_id("admin-owner")).not_to_have_text(B_NAME)
    expect(row).to_contain_text("Changed in another tab")
    # Nothing was changed: the report is still its owner's, private.
    assert page.evaluate(SERVER_REPORT_JS, name)["owner"] == A


def test_the_switcher_sits_outside_the_app(page, host_url):
    open_app(page, host_url)
    switcher = page.get_by_label("Demo user")
    expect(switcher).to_have_value(A)
    assert page.locator("main #demo-user").count() == 0
    options = switcher.locator("option").all_text_contents()
    assert options == ["Mia Krystof (Jira administrator)", B_NAME]
    # Kept for the tab only once someone is chosen: the demo stores nothing by itself.
    assert page.evaluate("sessionStorage.length") == 0
    switch_user(page, B)
    assert page.evaluate("sessionStorage.getItem('jqlr-demo-user')") == B
