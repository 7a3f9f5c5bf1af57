"""The chart import and download in a real browser: an organizer uploads a file
with problems (a 120-letter name, an unknown department, a bad email, a formula
cell), matches its columns, reads each row's problems, adds the department,
imports, and downloads the chart past its warning. Every page of the way fits
a 390 px phone and a 1280 px desk and passes axe (the checks of
test_phone_width.py); while the import's request runs the page shows an
indeterminate bar. Screenshots land in test-artifacts/e2e/<this test>/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_phone_width import LONG_WORD, WIDTHS, Walk
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

FILE = ("Employee name,Department,Shift,Personal email,Cell,Assessment,Notes,Badge number\r\n"
        f"{LONG_WORD},Loading,Night,forklift@example.net,555 0100,2,Drives nights,B1\r\n"
        "Ana Lopez,Returns,Day,ana@example.net,+1 555 0101,1,Leads the petition,B2\r\n"
        "Bo Chen,Returns,Day,bo@,555 0102,maybe,=HYPERLINK(\"http://x.example\"),B3\r\n"
        "Jordan Example,Cranes,Day,,,3,,B4\r\n"
        + "".join(f"Worker {n:04d},Loading,Night,w{n}@example.net,555 {n:04d},{n % 6},,B{n}\r\n"
                  for n in range(2_000)))


def _sign_in(browser, base: str, email: str):
    page = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}).new_page()
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    return page


def test_an_import_and_a_download_in_the_browser_fit_every_width(browser, live_server, screenshots, world):
    walk = Walk(live_server, screenshots)
    page = _sign_in(browser, live_server, world.organizer)
    page.goto(f"{live_server}/units/{world.unit_id}/chart")
    page.get_by_role("link", name="Add from a spreadsheet").click()
    walk.check(page, "organizer", "1 choose the file")

    page.get_by_label("A CSV file").set_input_files(
        {"name": "coworkers.csv", "mimeType": "text/csv", "buffer": FILE.encode("utf-8")})
    page.get_by_role("button", name="Next: match the columns").click()
    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()
    expect(page.get_by_label(re.compile("^Column 8"))).to_have_value("nothing")
    walk.check(page, "organizer", "2 match the columns")

    page.get_by_role("button", name="Next: check the rows").click()
    expect(page.get_by_role("heading", name=re.compile("Rows to fix"))).to_be_visible()
    expect(page.get_by_text("Email “bo@”")).to_be_visible()
    walk.check(page, "organizer", "3 check, with rows to fix")

    # Leave the bad row and the one already charted out of the file, tick the new department.
    fixed = "\r\n".join(line for line in FILE.split("\r\n") if not line.startswith(("Bo Chen", "Jordan Example")))
    page.goto(f"{live_server}/units/{world.unit_id}/chart/import")
    page.get_by_label("A CSV file").set_input_files(
        {"name": "coworkers.csv", "mimeType": "text/csv", "buffer": fixed.encode("utf-8")})
    page.get_by_role("button", name="Next: match the columns").click()
    page.get_by_role("button", name="Next: check the rows").click()
    page.get_by_label(re.compile("^Returns")).check()
    page.get_by_role("button", name="Check again").click()
    importing = page.get_by_role("button", name="Import 2,002 coworkers")
    expect(importing).to_be_visible()
    walk.check(page, "organizer", "3 check, ready")

    # How the bar looks while it runs, at every width (shown here by hand, as the script shows it).
    page.evaluate("() => { document.getElementById('import-progress').hidden = false; }")
    walk.check(page, "organizer", "3 importing")
    page.evaluate("() => { document.getElementById('import-progress').hidden = true; }")
    # What the page showed once the import was sent: read after the submit handler ran,
    # kept in the tab's sessionStorage across the navigation that follows.
    page.evaluate("""() => document.addEventListener("submit", () => setTimeout(() => {
      const box = document.getElementById("import-progress");
      sessionStorage.setItem("while-importing", JSON.stringify({
        visible: !box.hidden && box.getBoundingClientRect().height > 0,
        determinate: box.querySelector("progress").hasAttribute("value"),
        disabled: [...document.querySelectorAll("form[data-busy] button")].every((b) => b.disabled)}));
    }, 0))""")
    posted = []
    page.on("request", lambda request: posted.append(request.url) if request.url.endswith("/save") else None)
    importing.click()
    expect(page.get_by_text("2,002 coworkers added to the chart.")).to_be_visible(timeout=60_000)
    walk.check(page, "organizer", "the chart after the import")
    shown = page.evaluate("() => JSON.parse(sessionStorage.getItem('while-importing'))")
    assert shown == {"visible": True, "determinate": False, "disabled": True}, "an indeterminate bar, buttons off"
    assert len(posted) == 1, "the import was posted once"

    page.get_by_role("link", name="Download the chart").click()
    expect(page.get_by_text("This file is not encrypted.")).to_be_visible()
    walk.check(page, "organizer", "download")
    page.get_by_label("Assessments").check()
    page.get_by_label(re.compile("^I understand")).check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the chart (CSV)").click()
    saved = download.value.path()
    with open(saved, encoding="utf-8-sig") as exported:
        lines = exported.read().splitlines()
    assert lines[0] == "Name,Department,Shift,Assessment,Where they stand" and len(lines) == 2_002 + 4

    assert not walk.problems, f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems)
