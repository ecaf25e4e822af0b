"""The classroom link in a real browser: presentation mode shows the run's QR code, large enough for
a room, with the link beside it, and the link is the address the browser is at (not localhost's
default), so a student's laptop opens the same run. A classroom link opens with the sidebar collapsed."""
from tests.browser import wait_for_app

ROOM = ".dl-room"
QR_DRAWN = """(sel) => { const img = document.querySelector(sel + ' img');
  return img && img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().width >= 200; }"""


def test_presentation_mode_shows_the_qr_code_and_a_link_to_this_page(served_app):
    browser, base_url = served_app
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{base_url}/playground?dataset=xor")
    wait_for_app(page)
    assert page.locator(ROOM).count() == 0  # not outside presentation mode
    page.locator("[data-testid='stSidebar'] label:has-text('Presentation mode')").click()
    page.wait_for_function(QR_DRAWN, arg=ROOM, timeout=90_000)
    link = page.locator(f"{ROOM} a").inner_text()
    box = page.locator(f"{ROOM} img").bounding_box()
    # the classroom link opens with the sidebar collapsed
    room = browser.new_page(viewport={"width": 1280, "height": 720})
    room.goto(f"{base_url}/playground?dataset=xor&hide=sidebar")
    wait_for_app(room)
    room.wait_for_selector("[data-testid='stSidebar'][data-collapsed='true']", state="attached", timeout=90_000)
    assert link.startswith(f"{base_url}/playground?") and "dataset=xor" in link, link
    assert box["width"] >= 200 and abs(box["width"] - box["height"]) < 2, box
