"""The reading room and the docs in a real browser: Debian's headless Chromium through
Selenium (tests/browser.py). Skipped, with the reason, where Chromium is not installed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.nlp.pipeline import Extractor
from tests.browser import browser_skip_reason, chrome, ingest_seed, live_server
from tests.conftest import SEED_DIR

SEED = SEED_DIR / "azerbaijan-us-ties.txt"

pytestmark = pytest.mark.skipif(browser_skip_reason() is not None, reason=browser_skip_reason() or "")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, extractor: Extractor) -> Iterator[tuple[str, dict[str, Any]]]:
    if not SEED.exists():
        pytest.skip(f"the seed article is not at {SEED} (../shared is beside the repo in CI)")
    database = tmp_path_factory.mktemp("browser") / "newsdesk.db"
    with live_server(f"sqlite:///{database}", extractor) as base:
        yield base, ingest_seed(base, SEED)


@pytest.fixture(scope="module", params=["desktop", "phone"])
def driver(request: pytest.FixtureRequest) -> Iterator[Any]:
    browser = chrome(request.param)
    browser.implicitly_wait(0)
    yield browser
    browser.quit()


def wait_for(driver: Any, css: str, seconds: float = 20) -> list[Any]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, seconds).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))
    return driver.find_elements(By.CSS_SELECTOR, css)  # type: ignore[no-any-return]


def wait_until_loaded(driver: Any, url_part: str, seconds: float = 20) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, seconds).until(
        lambda d: url_part in d.current_url and d.execute_script("return document.readyState") == "complete")


def test_docs_render_the_operations(site: tuple[str, dict[str, Any]], driver: Any) -> None:
    base, _ = site
    driver.get(f"{base}/docs")
    operations = wait_for(driver, ".opblock-summary-path")
    paths = {op.get_attribute("data-path") for op in operations}
    assert {"/articles", "/quotes", "/entities"} <= paths
    driver.get(f"{base}/redoc")
    assert wait_for(driver, "h1")[0].text.startswith("Newsdesk")


def test_seed_article_shows_its_quotes_highlighted(site: tuple[str, dict[str, Any]], driver: Any) -> None:
    base, article = site
    driver.get(f"{base}/read/articles/{article['id']}")
    marks = wait_for(driver, "mark.quote")
    assert len(marks) >= len(article["quotes"])
    khazar = [m for m in marks if (m.get_attribute("title") or "").startswith("Khazar Ibrahim")]
    assert khazar, [m.get_attribute("title") for m in marks]
    assert all(m.is_displayed() for m in khazar)
    colour = khazar[0].value_of_css_property("background-color")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), colour
    # The speaker's name links to their page, from the text and from the margin.
    links = wait_for(driver, ".who-said a.speaker")
    assert any(link.text == "Khazar Ibrahim" for link in links)


def test_person_page_lists_quotes_and_draws_the_chart(site: tuple[str, dict[str, Any]], driver: Any) -> None:
    base, article = site
    speaker = next(q["speaker"]["entity_id"] for q in article["quotes"]
                   if q["speaker"] and q["speaker"]["name"] == "Khazar Ibrahim")
    driver.get(f"{base}/read/entities/{speaker}")
    assert wait_for(driver, "h1")[0].text == "Khazar Ibrahim"
    assert len(wait_for(driver, "ol.quotes li")) == sum(
        1 for q in article["quotes"] if q["speaker"] and q["speaker"]["entity_id"] == speaker and q["cue_type"] == "speech")
    bars = wait_for(driver, ".chart svg rect")
    assert any(bar.size["height"] > 10 for bar in bars)


def test_search_form_returns_results(site: tuple[str, dict[str, Any]], driver: Any) -> None:
    from selenium.webdriver.common.by import By

    base, _ = site
    driver.get(f"{base}/")
    box = wait_for(driver, "input#q")[0]
    box.send_keys("peace OR ceasefire")
    driver.find_element(By.CSS_SELECTOR, "form.search button").click()
    # The home page lists articles too: wait for the results page itself, or the
    # elements found may belong to the page being left (stale a moment later).
    wait_until_loaded(driver, "q=peace+OR+ceasefire")
    results = wait_for(driver, "ol.articles li a.title")
    assert any("Azerbaijan" in r.text for r in results)
    assert wait_for(driver, "ol.quotes li")


def test_the_keyboard_alone_reaches_a_quote_from_the_margin(site: tuple[str, dict[str, Any]], driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, article = site
    driver.get(f"{base}/read/articles/{article['id']}")
    wait_for(driver, "mark.quote")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    first = driver.switch_to.active_element
    assert first.get_attribute("class") == "skip" and first.is_displayed()  # shown once focused
    for _ in range(200):  # Tab on through the page, as a keyboard user would
        driver.switch_to.active_element.send_keys(Keys.TAB)
        if "jump" in (driver.switch_to.active_element.get_attribute("class") or ""):
            break
    else:
        raise AssertionError("Tab never reached a quote in the margin")
    jump = driver.switch_to.active_element
    target = jump.get_attribute("href").rsplit("#", 1)[1]
    outline = jump.value_of_css_property("outline-style")
    assert outline != "none", outline  # the focus is visible
    jump.send_keys(Keys.ENTER)
    assert driver.current_url.endswith(f"#{target}")
    landed = driver.switch_to.active_element
    assert landed.get_attribute("id") == target and landed.tag_name == "mark"
    assert landed.value_of_css_property("outline-style") != "none"
