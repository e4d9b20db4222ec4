from django.urls import include, path

from hongshu.web import views, views_about, views_actions, views_comments, views_inbox

urlpatterns = [
    path("", views.home, name="home"),
    path("feed/explore", views.explore_more, name="explore-more"),
    path("following/", views.following, name="following"),
    path("feed/following", views.following_more, name="following-more"),
    path("notes/<id:note_id>", views.note_detail, name="note-detail"),
    path("notes/<id:note_id>/like", views_actions.note_like, name="note-like"),
    path("notes/<id:note_id>/unlike", views_actions.note_unlike, name="note-unlike"),
    path("notes/<id:note_id>/boards", views_actions.collect_sheet, name="note-boards"),
    path("notes/<id:note_id>/collect", views_actions.note_collect, name="note-collect"),
    path("notes/<id:note_id>/uncollect", views_actions.note_uncollect, name="note-uncollect"),
    path("notes/<id:note_id>/comments", views_comments.comment_post, name="comment-post"),
    path("notes/<id:note_id>/comments/more", views_comments.comments_more, name="comments-more"),
    path("comments/<id:comment_id>/replies", views_comments.replies_more, name="comment-replies"),
    path("comments/<id:comment_id>/like", views_comments.comment_like, name="comment-like"),
    path("comments/<id:comment_id>/unlike", views_comments.comment_unlike, name="comment-unlike"),
    path("follow/<str:handle>", views_actions.follow, name="follow"),
    path("unfollow/<str:handle>", views_actions.unfollow, name="unfollow"),
    path("notifications/", views_inbox.notifications, name="notifications"),
    path("notifications/read", views_inbox.notifications_read, name="notifications-read"),
    path("about/", views_about.about, name="about"),
    path("signup/", views.sign_up, name="sign-up"),
    path("signin/", views.sign_in, name="sign-in"),
    path("signout/", views.sign_out, name="sign-out"),
    path("", include("hongshu.web.urls_me")),
    path("", include("hongshu.language.urls")),
    path("", include("hongshu.language.names_urls")),
    path("", include("hongshu.trends.urls")),
]
