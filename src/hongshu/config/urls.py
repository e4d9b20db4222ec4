from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from hongshu.api import api
from hongshu.core.errors import NotFound
from hongshu.web.admin_site import admin_site
from hongshu.web.common import problem_page

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.HONGSHU_ADMIN_PATH, admin_site.urls),
    path("", include("hongshu.web.urls")),
]


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An unknown address, or an ID a route's `<id:…>` refuses (past 64 bits), gets the site's own 404 page.

    (Unknown paths under /api/v1/ never get here: the API answers them with a problem.)
    """
    return problem_page(request, NotFound())


handler404 = page_not_found
