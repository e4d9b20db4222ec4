from django.urls import path

from hongshu.language import names_views

urlpatterns = [
    path("me/chinese-name", names_views.chinese_name, name="me-chinese-name"),
]
