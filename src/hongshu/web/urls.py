from django.urls import path

from hongshu.web import views

urlpatterns = [path("", views.home, name="home")]
