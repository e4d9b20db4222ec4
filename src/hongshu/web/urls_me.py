"""The member's pages (issue 4, part B). Included by hongshu.web.urls."""

from django.urls import path

from hongshu.web import views_me_compose, views_me_profile, views_me_settings

urlpatterns = [
    path("compose/", views_me_compose.compose, name="compose"),
    path("compose/mentions", views_me_compose.mentions, name="compose-mentions"),
    path("@<str:handle>", views_me_profile.profile, name="me-profile"),
    path("@<str:handle>/follow", views_me_profile.follow, name="me-follow"),
    path("me/profile", views_me_settings.edit_profile, name="me-edit-profile"),
    path("me/settings", views_me_settings.settings_page, name="me-settings"),
    path("me/settings/delete", views_me_settings.delete_account, name="me-delete-account"),
    path("me/blocked/<str:handle>/unblock", views_me_settings.unblock, name="me-unblock"),
    path("me/interests", views_me_settings.interests, name="me-interests"),
]
