"""The about page: what Hongshu is, and the licences of the data and components it ships with."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hongshu.textlib.cedict import ATTRIBUTION as CEDICT_ATTRIBUTION


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html", {"cedict_attribution": CEDICT_ATTRIBUTION})
