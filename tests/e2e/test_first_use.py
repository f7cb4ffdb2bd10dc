"""A new user's first report: the README's demo walkthrough, step by step, as written.

The walkthrough (README.md, "Try it"), word for word:

    In the demo: pick **New report**, give it a name, keep the JQL, add the columns
    *Priority* and *Story point estimate*, group by *Status* then *Assignee*, add the
    aggregation *Story point estimate / sum*, save: the grouped table, its totals and a
    chart appear.

It starts at the address `python addon.py demo` prints, with the demo's own settings.
"""

import pathlib
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import demo_server
from tests.e2e.test_browser import POINTS, dataset, number, shown_count, unique

pytestmark = pytest.mark.browser

PRINTED = re.compile(r"JQL Reports demo: open (http://\S+)")


@pytest.fixture(scope="module")
def printed_url(tmp_path_factory):
    """`python addon.py demo` as the README runs it (only the port chosen), and the
    address it prints."""
    folder = tmp_path_factory.mktemp("first-use")
    with demo_server(folder):
        log = (folder / "demo.log").read_text()
        found = PRINTED.search(log)
        assert found, f"the demo printed no address:\n{log}"
        yield found.group(1)


def add_field(page, label, testid, name):
    """Type a field's name into the picker labelled `label` and add it."""
    page.get_by_label(label, exact=True).fill(name)
    page.get_by_test_id(testid).click()


def grouped_table_totals_and_chart(page, name):
    """The saved report: RPT's issues grouped, their story point total, a chart."""
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    issues = dataset(page, "RPT")
    assert shown_count(page) == len(issues)
    expect(page.get_by_test_id("group-header").first).to_be_visible()
    total = page.get_by_test_id("grand-total")
    points = sum(issue["fields"][POINTS] or 0 for issue in issues)
    assert number(total.locator(".aggregate strong").text_content()) == points
    expect(page.get_by_test_id("chart")).to_be_visible()
    heads = page.get_by_test_id("report-table").locator("thead")
    expect(heads).to_contain_text("Priority")
    expect(heads).to_contain_text("Story point estimate")


def test_readme_walkthrough_builds_a_grouped_report(page, printed_url, recorded):
    page.goto(printed_url)
    # pick **New report**
    page.get_by_role("button", name="New report").click()
    # give it a name
    name = unique("My first report")
    page.get_by_label("Name", exact=True).fill(name)
    # keep the JQL
    expect(page.get_by_label("JQL", exact=True)).to_have_value(
        re.compile(r"^project = RPT\b"))
    # add the columns *Priority* and *Story point estimate*
    add_field(page, "Add a column", "add-column", "Priority")
    add_field(page, "Add a column", "add-column", "Story point estimate")
    # group by *Status* then *Assignee*
    add_field(page, "Add a grouping level", "add-group", "Status")
    add_field(page, "Add a grouping level", "add-group", "Assignee")
    # add the aggregation *Story point estimate / sum*
    add_field(page, "Add a total", "add-aggregation", "Story point estimate")
    page.get_by_label("Function for Story point estimate").select_option(label="Sum")
    # save
    page.get_by_role("button", name="Save").click()
    # the grouped table, its totals and a chart appear
    grouped_table_totals_and_chart(page, name)
    assert recorded.page_errors == []


def test_this_walkthrough_is_the_readmes_word_for_word():
    readme = (pathlib.Path(__file__).parents[2] / "README.md").read_text()
    (written,) = [p for p in readme.split("\n\n") if p.startswith("In the demo:")]
    quoted = __doc__.split("word for word:\n\n")[1].split("\n\n")[0]
    assert " ".join(written.split()) == " ".join(quoted.split())
