"""Report access in the client: private reports, editors picked from Jira's people, a
transfer of ownership, Duplicate, and the list's Mine / Shared with me / All.

Each test runs under both hosts of `python addon.py demo` (the `host_url` fixture),
as the demo's two people (its user switcher). What was saved is read back through the
page's own API client.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_a11y import a11y_page, axe_problems, axe_script  # noqa: F401
from tests.e2e.test_browser import RPT, open_app, open_report, report_row, unique
from tests.e2e.test_editor_kinds import SAVED_JS

pytestmark = pytest.mark.browser

MIA = "5b10a2844c20165700ede21g"  # the demo's first user, who owns the seeded reports
DANIEL = "5b10ac8d82e05b22cc7d4e11"
PRIYA = "5b10ac8d82e05b22cc7d4e12"
# Seeded: Daniel's report, seen by the whole site, edited by him only.
DANIELS = "Unassigned work by priority"
NO_RIGHTS = "You will keep no rights unless you are listed as an editor."
ACCESS_KEYS = {"owner", "visibility", "editors"}


def as_user(page, host_url, account_id):
    """Open the demo as one of its people, chosen with its user switcher."""
    open_app(page, host_url)
    switcher = page.get_by_test_id("demo-user")
    if switcher.input_value() != account_id:
        with page.expect_navigation():
            switcher.select_option(account_id)
        expect(page.get_by_test_id("report-list")).to_be_visible()


def new_report(page, name):
    """From the list: a new report's editor with a name and a JQL."""
    page.get_by_test_id("new-report").click()
    page.get_by_test_id("report-name").fill(name)
    page.get_by_test_id("report-jql").fill(RPT)


def save(page, name):
    """Save, wait for the report's view and answer the report as it was stored."""
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-title")).to_have_text(name)
    return page.evaluate(SAVED_JS, name)


def pick_person(page, picker, query, account_id):
    """Type into a people picker and pick the person it offers with this account id."""
    page.get_by_test_id(picker).fill(query)
    option = page.locator(
        f'[data-testid="person-option"][data-account-id="{account_id}"]')
    option.click()
    expect(option).to_have_count(0)


def to_list(page):
    """Back from a report's view to the list."""
    page.get_by_test_id("back-to-list").click()
    expect(page.get_by_test_id("report-list")).to_be_visible()


def listed(page):
    """The names of the reports the list shows."""
    return page.get_by_test_id("open-report").all_inner_texts()


def test_a_report_made_private_and_back(page, host_url):
    name = unique("Private")
    as_user(page, host_url, MIA)
    new_report(page, name)
    expect(page.get_by_test_id("private-note")).to_be_hidden()
    page.get_by_test_id("visibility-private").check()
    expect(page.get_by_test_id("private-note")).to_be_visible()
    assert save(page, name)["visibility"] == "private"
    page.get_by_test_id("back-to-list").click()
    marker = report_row(page, name).get_by_test_id("private-marker")
    expect(marker).to_have_text("Private")
    as_user(page, host_url, DANIEL)
    assert name not in listed(page)
    as_user(page, host_url, MIA)
    report_row(page, name).get_by_test_id("edit-report").click()
    expect(page.get_by_test_id("visibility-private")).to_be_checked()
    page.get_by_test_id("visibility-site").check()
    assert save(page, name)["visibility"] == "site"
    to_list(page)
    expect(report_row(page, name).get_by_test_id("private-marker")).to_have_count(0)
    as_user(page, host_url, DANIEL)
    expect(report_row(page, name)).to_be_visible()


def test_editors_are_picked_with_the_keyboard_and_the_mouse(page, host_url):
    name = unique("Editors")
    as_user(page, host_url, MIA)
    new_report(page, name)
    expect(page.get_by_test_id("editors-list")).to_be_checked()  # only the owner
    picker = page.get_by_test_id("editor-picker")
    picker.fill("Mia")  # the owner edits it anyway
    status = page.locator("#editor-picker-status")
    expect(status).to_have_text("No one found for “Mia”.")
    picker.fill("Dan")
    expect(page.get_by_role("listbox", name="Add an editor")).to_be_visible()
    picker.press("Escape")
    expect(picker).to_have_attribute("aria-expanded", "false")
    picker.fill("Dan ")
    options = page.get_by_test_id("person-option")
    # The customer "Daniel Ortiz" and the app accounts are no people of the site.
    expect(options).to_have_text(["Daniel Okafor"])
    picker.press("ArrowDown")
    expect(picker).to_have_attribute("aria-activedescendant", re.compile("option-0$"))
    picker.press("Enter")
    chips = page.get_by_test_id("editor-chip")
    expect(chips).to_have_text([re.compile("^Daniel Okafor")])
    pick_person(page, "editor-picker", "pri", PRIYA)
    expect(chips).to_have_count(2)
    chips.filter(has_text="Priya Raman").get_by_test_id("remove-editor").click()
    expect(chips).to_have_count(1)
    saved = save(page, name)
    assert (saved["owner"], saved["editors"]) == (MIA, [DANIEL])


def test_an_editor_changes_content_and_sends_no_access(page, host_url, recorded):
    name = unique("Edited by Daniel")
    as_user(page, host_url, MIA)
    new_report(page, name)
    pick_person(page, "editor-picker", "Daniel", DANIEL)
    save(page, name)
    as_user(page, host_url, DANIEL)
    page.get_by_test_id("view-shared").click()
    row = report_row(page, name)
    expect(row.get_by_test_id("delete-report")).to_have_count(0)
    row.get_by_test_id("edit-report").click()
    summary = page.get_by_test_id("access-summary")
    expect(summary).to_contain_text("The owner and 1 person")
    expect(page.get_by_test_id("visibility-site")).to_have_count(0)
    page.get_by_test_id("report-description").fill("Daniel was here")
    saved = save(page, name)
    assert (saved["description"], saved["owner"]) == ("Daniel was here", MIA)
    puts = [json.loads(request["post_data"]) for request in recorded.requests
            if request["method"] == "PUT"]
    assert puts and all(not ACCESS_KEYS & put.keys() for put in puts)


def test_a_transfer_leaves_the_old_owner_without_edit(page, host_url):
    name = unique("Handed over")
    as_user(page, host_url, MIA)
    new_report(page, name)
    save(page, name)
    page.get_by_test_id("edit-report").click()
    expect(page.get_by_test_id("report-owner")).to_have_text("Mia Krystof (you)")
    page.get_by_test_id("transfer-owner").click()
    pick_person(page, "owner-picker", "Dan", DANIEL)
    confirm = page.get_by_role("group", name="Confirm the transfer")
    expect(confirm).to_contain_text(NO_RIGHTS)
    page.get_by_test_id("confirm-transfer").click()
    expect(page.get_by_test_id("report-title")).to_have_text(name)
    assert page.evaluate(SAVED_JS, name)["owner"] == DANIEL
    expect(page.get_by_test_id("report-access")).to_have_text(
        "Owned by Daniel Okafor · View only")
    expect(page.get_by_test_id("duplicate-report")).to_be_visible()
    expect(page.get_by_test_id("edit-report")).to_have_count(0)
    expect(page.get_by_test_id("delete-report")).to_have_count(0)
    to_list(page)
    row = report_row(page, name)
    expect(row.get_by_test_id("report-owner")).to_have_text("Daniel Okafor")
    expect(row.get_by_test_id("edit-report")).to_have_count(0)


def test_duplicate_makes_a_copy_of_the_users_own(page, host_url):
    as_user(page, host_url, MIA)
    open_report(page, DANIELS)
    expect(page.get_by_test_id("edit-report")).to_have_count(0)
    expect(page.get_by_test_id("delete-report")).to_have_count(0)
    original = page.evaluate(SAVED_JS, DANIELS)
    page.get_by_test_id("duplicate-report").click()
    copy = f"Copy of {DANIELS}"
    expect(page.get_by_test_id("report-name")).to_have_value(copy)
    expect(page.get_by_test_id("report-owner")).to_have_text("Mia Krystof (you)")
    saved = save(page, copy)
    assert (saved["owner"], saved["visibility"], saved["editors"]) == (MIA, "site", [])
    assert (saved["jql"], saved["groupBy"]) == (original["jql"], original["groupBy"])
    assert saved["id"] != original["id"]
    expect(page.get_by_test_id("edit-report")).to_be_visible()
    to_list(page)
    report_row(page, copy).get_by_test_id("duplicate-report").click()
    expect(page.get_by_test_id("report-name")).to_have_value(f"Copy of {copy}")


def test_mine_shared_and_all_show_the_reports_by_owner(page, host_url):
    as_user(page, host_url, MIA)
    everything = listed(page)
    page.get_by_test_id("view-shared").click()
    expect(page.get_by_test_id("view-shared")).to_have_attribute("aria-pressed", "true")
    shared = listed(page)
    assert DANIELS in shared
    owners = page.get_by_test_id("report-item").get_by_test_id("report-owner")
    assert "Mia Krystof (you)" not in owners.all_inner_texts()
    page.get_by_test_id("view-mine").click()
    mine = listed(page)
    assert DANIELS not in mine and mine
    assert set(owners.all_inner_texts()) == {"Mia Krystof (you)"}
    assert sorted(mine + shared) == sorted(everything)
    expect(page.get_by_test_id("view-mine")).to_contain_text(str(len(mine)))
    open_report(page, mine[0])
    to_list(page)  # the view chosen stays for the page
    expect(page.get_by_test_id("view-mine")).to_have_attribute("aria-pressed", "true")
    assert listed(page) == mine
    page.get_by_test_id("view-all").click()
    assert listed(page) == everything


def test_the_access_section_has_no_serious_axe_findings(
        a11y_page, host_url, axe_script):  # noqa: F811
    page = a11y_page
    as_user(page, host_url, MIA)
    new_report(page, unique("Axe access"))
    page.get_by_test_id("visibility-private").check()
    pick_person(page, "editor-picker", "Dan", DANIEL)
    page.get_by_test_id("editor-picker").fill("Pri")
    expect(page.get_by_test_id("person-option")).to_have_count(1)
    page.get_by_test_id("editor-picker").press("ArrowDown")
    page.get_by_test_id("access-section").scroll_into_view_if_needed()
    assert axe_problems(page, axe_script) == {"violations": [],
                                              "incomplete on fields": []}
