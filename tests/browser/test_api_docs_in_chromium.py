"""The API docs (Swagger UI) in headless Chromium: rendered from the app's own files under its strict CSP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_api_docs_render_swagger_ui_without_csp_violations(
    live_server: Any, chromium: Any, watch: Any, wait_until: Any, artifacts: Path
) -> None:
    context = chromium.new_context(locale="en-US")
    watched = watch(context)
    page = watched.page
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    elsewhere: list[str] = []
    page.on("request", lambda r: r.url.startswith(live_server.url) or elsewhere.append(r.url))

    response = page.goto(f"{live_server.url}/api/v1/docs", wait_until="load")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI fetched the schema and drew its operations.
    wait_until(page, "document.querySelectorAll('.swagger-ui .opblock').length > 10")
    assert "Hongshu API" in page.locator(".swagger-ui .info .title").inner_text()
    # Its stylesheet applied (operations are drawn as rounded boxes).
    assert page.evaluate("getComputedStyle(document.querySelector('.opblock')).borderRadius") == "4px"
    page.locator(".opblock-summary").first.click()  # opening an operation runs more of its code
    wait_until(page, "document.querySelector('.opblock.is-open .opblock-body') !== null")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "api-docs.png"))

    assert not [m for m in messages if "Content Security Policy" in m], messages
    assert not watched.problems, watched.problems
    assert not elsewhere, elsewhere  # nothing from a CDN, no validator badge
    context.close()
