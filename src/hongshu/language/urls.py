from django.urls import path

from hongshu.language import views

urlpatterns = [
    path("translate/always", views.always_translate_set, name="translate-always"),
    path("translate/<str:kind>/<id:object_id>", views.translate_fragment, name="translate"),
    path("translate/<str:kind>/<id:object_id>/original", views.original_fragment, name="translate-original"),
]
