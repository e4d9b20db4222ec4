from django.http import Http404, HttpRequest, HttpResponse


def media_variant(request: HttpRequest, media_id: int, width: int) -> HttpResponse:
    raise Http404
