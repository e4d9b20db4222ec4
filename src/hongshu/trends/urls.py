from django.urls import path

from hongshu.trends import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/suggest", views.search_suggest, name="search-suggest"),
    path("search/history/<id:entry_id>/delete", views.history_delete, name="search-history-delete"),
    path("search/history/clear", views.history_clear, name="search-history-clear"),
]
