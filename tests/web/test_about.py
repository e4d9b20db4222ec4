"""The about page carries the attribution that CC-CEDICT's licence (CC BY-SA 4.0) requires."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_about_page_credits_cc_cedict_in_both_languages(client: Client, language: str) -> None:
    client.cookies["hongshu_language"] = language
    response = client.get("/about/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "CC-CEDICT" in page
    assert "MDBG" in page
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/"' in page


@pytest.mark.django_db
def test_every_page_links_to_the_about_page(client: Client) -> None:
    assert 'href="/about/"' in client.get("/").content.decode()
