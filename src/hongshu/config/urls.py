from django.urls import include, path

from hongshu.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("hongshu.media.urls")),
    path("", include("hongshu.web.urls")),
]
