from django.urls import path

from hongshu.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("notes/<int:note_id>", views.note_detail, name="note-detail"),
    path("signup/", views.sign_up, name="sign-up"),
    path("signin/", views.sign_in, name="sign-in"),
    path("signout/", views.sign_out, name="sign-out"),
]
