from django.urls import path

from hongshu.media import views

urlpatterns = [
    path("media/<id:media_id>/<int:width>.webp", views.media_variant, name="media-variant"),
]
