"""A neuron's output becomes the big picture, in a real browser (served as `make run` serves it): a
mouse click on a hidden unit's node in the network diagram makes the boundary chart show that unit's
output (its title names it), paused; the choice holds through Step and while playing (every frame
shows the unit: the frame producer holds the choice); clicking the unit again brings the network's
output back, while playing too, and a click on another unit while playing shows that one. Hovering
a unit shows it (paused and playing, over a pinned one) and leaving shows what was shown before. Screenshots at 1280×720, presentation mode off and on, go to artifacts/unit_view/."""
from tests.browser import ROOT, UNIT_PIXEL, set_presentation, steady_point, wait_for_app

SHOTS = ROOT / "artifacts" / "unit_view"
BOUNDARY = ".st-key-live_boundary .js-plotly-plot"
TITLE_HAS = "(text) => document.querySelector('.st-key-live_boundary .js-plotly-plot')?.textContent.includes(text)"
SURFACE = "() => document.querySelector('.st-key-live_boundary .js-plotly-plot .layer-below image')?.getAttribute('href')"
ITERATION = """() => Number(document.querySelector('.dl-status .dl-value')?.textContent.replace(/[^0-9]/g, ''))"""
UNIT = "a[1]₃ = tanh(z[1]₃) over the input plane"  # the default run: tanh hidden units
OTHER = "a[2]₂ = tanh(z[2]₂) over the input plane"
STATE = """() => [...document.querySelectorAll('.dl-cell')].find((c) => c.textContent.startsWith('State'))
    ?.querySelector('.dl-value').textContent"""


def _unit_at(page, l: int, j: int) -> dict:
    return steady_point(page, UNIT_PIXEL, [l, j])


def _click_unit(page, l: int, j: int) -> None:
    at = _unit_at(page, l, j)
    page.mouse.click(at["x"], at["y"])


def _hover_unit(page, l: int, j: int) -> None:
    at = _unit_at(page, l, j)
    page.mouse.move(at["x"], at["y"])


def _leave(page) -> None:
    page.mouse.move(2, 700)  # the sidebar's foot: over no chart


def _press(page, key: str) -> None:
    page.locator(f".st-key-{key} button").first.click()


def test_clicking_a_hidden_unit_shows_its_output_big_paused_after_step_and_while_playing(served_app):
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser, base_url = served_app
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(base_url + "/playground?seed=3")
    wait_for_app(page)
    page.wait_for_function(TITLE_HAS, arg="Decision boundary")

    # hovering shows a unit without a page run (the touch route answers with a frame); leaving
    # shows the network's output again
    _hover_unit(page, 2, 1)
    page.wait_for_function(TITLE_HAS, arg=OTHER)
    assert page.locator(".st-key-view_unit_clear").count() == 0, "a hover pinned the unit"
    _leave(page)
    page.wait_for_function(TITLE_HAS, arg="Decision boundary")

    _click_unit(page, 1, 2)  # layer 1's third unit: a hidden unit
    page.wait_for_function(TITLE_HAS, arg=UNIT)
    wait_for_app(page)
    page.locator(".st-key-view_unit_clear button").wait_for(timeout=90_000)  # the page's run after the frame
    assert page.locator(".st-key-view_unit_clear button").inner_text().endswith("Show the network's output")
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "hidden_unit_1280x720.png"))

    _press(page, "btn_step")
    page.wait_for_function(f"() => ({ITERATION})() === 1")
    wait_for_app(page)
    assert page.evaluate(TITLE_HAS, UNIT), "Step lost the chosen unit"

    _press(page, "btn_play")
    page.wait_for_function(f"() => ({ITERATION})() > 20")
    first = page.evaluate(SURFACE)
    page.wait_for_function(f"(first) => ({SURFACE})() !== first && ({ITERATION})() > 40", arg=first)
    assert page.evaluate(TITLE_HAS, UNIT), "a frame while playing showed something else than the unit"
    page.screenshot(path=str(SHOTS / "hidden_unit_playing_1280x720.png"))
    _hover_unit(page, 2, 1)  # while playing, the hovered unit wins over the pinned one...
    page.wait_for_function(TITLE_HAS, arg=OTHER)
    page.screenshot(path=str(SHOTS / "hovered_unit_playing_1280x720.png"))
    _leave(page)  # ...and leaving gives the pinned one back, frames going on
    page.wait_for_function(TITLE_HAS, arg=UNIT)

    # clicks while playing: the same unit (the output again), then another unit; frames go on
    _click_unit(page, 1, 2)
    page.wait_for_function(TITLE_HAS, arg="Decision boundary")
    _click_unit(page, 2, 1)
    page.wait_for_function(TITLE_HAS, arg=OTHER)
    now = page.evaluate(ITERATION)
    shown = page.evaluate(SURFACE)
    page.wait_for_function(f"([it, src]) => ({ITERATION})() > it + 20 && ({SURFACE})() !== src", arg=[now, shown])
    assert page.evaluate(TITLE_HAS, OTHER) and page.evaluate(STATE) == "playing"
    _press(page, "btn_play")  # pause
    wait_for_app(page)
    assert page.evaluate(TITLE_HAS, OTHER)

    set_presentation(page, True)
    wait_for_app(page)
    page.wait_for_function(TITLE_HAS, arg="a[2]₂ = tanh(z[2]₂)")  # the short title, in a projector's type
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "hidden_unit_presentation_1280x720.png"))
    set_presentation(page, False)
    wait_for_app(page)

    _click_unit(page, 2, 1)  # the same unit again: the network's output
    page.wait_for_function(TITLE_HAS, arg="Decision boundary")  # the touch's frame...
    page.locator(".st-key-view_unit_clear").wait_for(state="detached", timeout=90_000)  # ...then the page's run
