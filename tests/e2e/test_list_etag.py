"""Back at the list, the Connect client asks with the ETag it holds and the server
answers 304; the Forge client never asks so, since Forge turns a remote's 3xx into an
error (invokeRemote page), and gets a 200.

Under both hosts of `python addon.py demo` (the `host_url` fixture): Connect's adapter
fetches our server itself, and the demo's Forge bridge fetches it for invokeRemote, so
either way the list's requests pass through the page, where they are only watched.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import open_app, open_report, to_list

pytestmark = pytest.mark.browser


def list_answers(page):
    """Every answer to GET /api/reports the page receives, as it arrives."""
    seen = []

    def note(response):
        request = response.request
        if request.method == "GET" and urlsplit(response.url).path == "/api/reports":
            seen.append({"status": response.status, "etag": response.header_value("etag"),
                         "if_none_match": request.header_value("if-none-match")})

    page.on("response", note)
    return seen


def shown_names(page):
    """The names of the reports the list shows, in order."""
    return page.get_by_test_id("open-report").all_text_contents()


def test_the_list_comes_back_unchanged_with_the_same_reports(page, host_url, recorded,
                                                            request):
    answers = list_answers(page)
    open_app(page, host_url)
    names = shown_names(page)
    assert names, "the demo lists its reports"
    open_report(page, names[0])
    with page.expect_response(lambda r: urlsplit(r.url).path == "/api/reports"):
        to_list(page)
    expect(page.get_by_test_id("open-report")).to_have_text(names)
    first, second = answers
    assert first["status"] == 200 and first["if_none_match"] is None
    assert first["etag"], "the list answer carries an ETag"
    if request.node.callspec.params["host_url"] == "connect":
        assert second == {"status": 304, "etag": first["etag"],
                          "if_none_match": first["etag"]}
    else:
        assert second == {"status": 200, "etag": first["etag"], "if_none_match": None}
    assert recorded.page_errors == []
