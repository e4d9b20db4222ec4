"""Every HTML route of the site, by area (the views live in `hongshu.web.views.<area>`)."""

from django.urls import path

from hongshu.web.views import (
    about,
    account,
    appeals,
    comments,
    compose,
    console,
    email,
    feeds,
    graph,
    inbox,
    media,
    moderation,
    names,
    note,
    note_edit,
    profile,
    queues,
    registration,
    screening,
    search,
    security,
    settings,
    staff,
    topics,
    translation,
)

urlpatterns = [
    # feeds
    path("", feeds.home, name="home"),
    path("feed/explore", feeds.explore_more, name="explore-more"),
    path("following/", feeds.following, name="following"),
    path("feed/following", feeds.following_more, name="following-more"),
    # topic pages and Nearby
    path("topics/<str:name>", topics.topic_page, name="topic"),
    path("topics/<str:name>/follow", topics.topic_follow, name="topic-follow"),
    path("feed/topic", topics.topic_more, name="topic-more"),
    path("nearby/", topics.nearby, name="nearby"),
    path("feed/nearby", topics.nearby_more, name="nearby-more"),
    path("not-interested", feeds.not_interested, name="not-interested"),
    path("me/not-interested", feeds.not_interested_marks, name="me-not-interested"),
    # a note and what readers do to it
    path("notes/<id:note_id>", note.note_detail, name="note-detail"),
    path("notes/<id:note_id>/like", note.note_like, name="note-like"),
    path("notes/<id:note_id>/unlike", note.note_unlike, name="note-unlike"),
    path("notes/<id:note_id>/boards", note.collect_sheet, name="note-boards"),
    path("notes/<id:note_id>/collect", note.note_collect, name="note-collect"),
    path("notes/<id:note_id>/uncollect", note.note_uncollect, name="note-uncollect"),
    path("follow/<str:handle>", note.follow, name="follow"),
    path("unfollow/<str:handle>", note.unfollow, name="unfollow"),
    # comments
    path("notes/<id:note_id>/comments", comments.comment_post, name="comment-post"),
    path("notes/<id:note_id>/comments/more", comments.comments_more, name="comments-more"),
    path("comments/<id:comment_id>/replies", comments.replies_more, name="comment-replies"),
    path("comments/<id:comment_id>/like", comments.comment_like, name="comment-like"),
    path("comments/<id:comment_id>/unlike", comments.comment_unlike, name="comment-unlike"),
    path("comments/<id:comment_id>/delete", comments.comment_delete, name="comment-delete"),
    # writing
    path("compose/", compose.compose, name="compose"),
    path("compose/mentions", compose.mentions, name="compose-mentions"),
    # the author's own notes: edit, earlier versions, delete, language, drafts
    path("notes/<id:note_id>/edit", note_edit.note_edit, name="note-edit"),
    path("notes/<id:note_id>/history", note_edit.note_versions, name="note-history"),
    path("notes/<id:note_id>/delete", note_edit.note_remove, name="note-delete"),
    path("notes/<id:note_id>/publish", note_edit.note_publish, name="note-publish"),
    path("notes/<id:note_id>/language", note_edit.note_language, name="note-language"),
    path("me/drafts", note_edit.drafts, name="me-drafts"),
    # profiles
    path("@<str:handle>", profile.profile, name="me-profile"),
    path("@<str:handle>/follow", profile.follow, name="me-follow"),
    # boards (their owner manages them from the profile's collects tab)
    path("me/boards", profile.board_create, name="board-create"),
    path("me/boards/<id:board_id>", profile.board_update, name="board-update"),
    path("me/boards/<id:board_id>/delete", profile.board_delete, name="board-delete"),
    # the social graph: follow lists, follow requests, removing a follower, block and mute
    path("@<str:handle>/followers", graph.followers, name="followers"),
    path("@<str:handle>/following", graph.following, name="following-list"),
    path("@<str:handle>/block", graph.block, name="block"),
    path("@<str:handle>/mute", graph.mute, name="mute"),
    path("@<str:handle>/unmute", graph.unmute, name="unmute"),
    path("me/followers/<str:handle>/remove", graph.follower_remove, name="me-remove-follower"),
    path("me/follow-requests", graph.follow_requests, name="me-follow-requests"),
    path(
        "me/follow-requests/<id:request_id>/approve",
        graph.follow_request_approve,
        name="follow-request-approve",
    ),
    path(
        "me/follow-requests/<id:request_id>/decline",
        graph.follow_request_decline,
        name="follow-request-decline",
    ),
    # the member's settings
    path("me/profile", settings.edit_profile, name="me-edit-profile"),
    path("me/settings", settings.settings_page, name="me-settings"),
    path("me/settings/delete", settings.delete_account, name="me-delete-account"),
    path("me/settings/export", settings.export_request, name="me-export"),
    path("me/export/<id:export_id>", settings.export_download, name="me-export-download"),
    path("me/blocked/<str:handle>/unblock", settings.unblock, name="me-unblock"),
    path("me/interests", settings.interests, name="me-interests"),
    path("me/chinese-name", names.chinese_name, name="me-chinese-name"),
    # search
    path("search/", search.search_page, name="search"),
    path("search/suggest", search.search_suggest, name="search-suggest"),
    path("search/history/<id:entry_id>/delete", search.history_delete, name="search-history-delete"),
    path("search/history/clear", search.history_clear, name="search-history-clear"),
    # translation
    path("translate/always", translation.always_translate_set, name="translate-always"),
    path("translate/<str:kind>/<id:object_id>", translation.translate_fragment, name="translate"),
    path(
        "translate/<str:kind>/<id:object_id>/original",
        translation.original_fragment,
        name="translate-original",
    ),
    # inbox
    path("notifications/", inbox.notifications, name="notifications"),
    path("notifications/read", inbox.notifications_read, name="notifications-read"),
    # photos (authorized through the note policy)
    path("media/<id:media_id>/<int:width>.webp", media.media_variant, name="media-variant"),
    # accounts
    path("signup/", account.sign_up, name="sign-up"),
    path("signin/", account.sign_in, name="sign-in"),
    path("join/<str:code>", account.join, name="join"),
    # registration: a member's invite links, the staff's queue of applications
    path("me/invites", registration.invites, name="me-invites"),
    path("me/invites/<id:invite_id>/revoke", registration.invite_revoke, name="invite-revoke"),
    path("staff/applications", registration.applications, name="staff-applications"),
    path(
        "staff/applications/<id:application_id>/approve",
        registration.application_approve,
        name="application-approve",
    ),
    path(
        "staff/applications/<id:application_id>/reject",
        registration.application_reject,
        name="application-reject",
    ),
    path("signout/", account.sign_out, name="sign-out"),
    # email (issue 22 item 4)
    path("email/verify/<str:token>", email.verify, name="email-verify"),
    path("me/email/resend", email.resend, name="email-resend"),
    path("password-reset", email.password_reset, name="password-reset"),
    path(
        "password-reset/<str:uidb64>/<str:token>", email.password_reset_confirm, name="password-reset-confirm"
    ),
    path("about/", about.about, name="about"),
    # staff
    path("staff/settings", staff.staff_settings, name="staff-settings"),
    path("staff/me", staff.staff_me, name="staff-me"),
    # reports (members) and cases (staff)
    path("report/<str:subject_type>/<id:subject_id>", moderation.report_sheet, name="report"),
    path("me/reports", moderation.my_reports, name="me-reports"),
    path("me/decisions", moderation.my_decisions, name="me-decisions"),
    path("transparency", moderation.transparency, name="transparency"),
    path("staff/cases", moderation.staff_cases, name="staff-cases"),
    path("staff/cases/<id:case_id>", moderation.staff_case, name="staff-case"),
    path("staff/cases/<id:case_id>/claim", moderation.staff_case_claim, name="staff-case-claim"),
    path("staff/cases/<id:case_id>/decide", moderation.staff_case_decide, name="staff-case-decide"),
    path("staff/cases/<id:case_id>/close", moderation.staff_case_close, name="staff-case-close"),
    path("staff/cases/<id:case_id>/act", moderation.staff_case_act, name="staff-case-act"),
    path("staff/actions/<id:action_id>/revert", moderation.staff_action_revert, name="staff-action-revert"),
    # the moderation queues by language (staff)
    path("staff/queues", queues.staff_queues, name="staff-queues"),
    path("staff/queues/<slug:queue>", queues.staff_queue, name="staff-queue"),
    path(
        "staff/queues/<slug:queue>/claim-next", queues.staff_queue_claim_next, name="staff-queue-claim-next"
    ),
    path("staff/cases/<id:case_id>/release", queues.staff_case_release, name="staff-case-release"),
    path("staff/cases/<id:case_id>/escalate", queues.staff_case_escalate, name="staff-case-escalate"),
    # appeals: a member's from their decisions, a barred member's at /appeal, the moderators' queue
    path("me/decisions/<id:action_id>/appeal", appeals.appeal_file, name="me-decision-appeal"),
    path("appeal", appeals.appeal_barred, name="appeal-barred"),
    path("appeal/decisions", appeals.appeal_barred_decisions, name="appeal-barred-decisions"),
    path("appeal/decisions/<id:action_id>", appeals.appeal_barred_file, name="appeal-barred-file"),
    path("staff/appeals", appeals.staff_appeals, name="staff-appeals"),
    path("staff/appeals/<id:appeal_id>/decide", appeals.staff_appeal_decide, name="staff-appeal-decide"),
    # the community guidelines, and the staff pages of the screening catalogue
    path("rules", screening.guidelines, name="rules"),
    path("staff/rules", screening.staff_rules, name="staff-rules"),
    path("staff/lexicon", screening.staff_lexicon, name="staff-lexicon"),
    path("staff/lexicon/<id:term_id>/remove", screening.staff_term_remove, name="staff-term-remove"),
    path("staff/lexicon/<id:term_id>/update", screening.staff_term_update, name="staff-term-update"),
    path("staff/audit", screening.staff_audit, name="staff-audit"),
    path("staff/domains", screening.staff_domains, name="staff-domains"),
    path(
        "staff/domains/<id:domain_rule_id>/remove", screening.staff_domain_remove, name="staff-domain-remove"
    ),
    # two-factor sign-in and the security page: sessions, tokens, authenticator app, passkeys
    path("sign-in/verify", security.sign_in_verify, name="sign-in-verify"),
    path("sign-in/passkey/options", security.passwordless_options, name="sign-in-passwordless-options"),
    path("sign-in/passkey", security.passwordless_sign_in, name="sign-in-passwordless"),
    path("sign-in/verify/passkey/options", security.sign_in_passkey_options, name="sign-in-passkey-options"),
    path("sign-in/verify/passkey", security.sign_in_passkey, name="sign-in-passkey"),
    path("me/security", security.security_page, name="me-security"),
    path("me/security/totp", security.totp_begin, name="me-totp-begin"),
    path("me/security/totp/confirm", security.totp_confirm, name="me-totp-confirm"),
    path("me/security/totp/disable", security.totp_disable, name="me-totp-disable"),
    path("me/security/recovery-codes", security.recovery_codes_regenerate, name="me-recovery-codes"),
    path("me/security/passkeys/options", security.passkey_options, name="me-passkey-options"),
    path("me/security/passkeys", security.passkey_register, name="me-passkey-register"),
    path("me/security/passkeys/<id:passkey_id>/delete", security.passkey_delete, name="me-passkey-delete"),
    path("me/security/sessions/<id:session_id>/revoke", security.session_revoke, name="me-session-revoke"),
    path("me/security/tokens/<id:token_id>/revoke", security.token_revoke_view, name="me-token-revoke"),
    path("me/security/sign-out-everywhere", security.sign_out_everywhere, name="me-sign-out-everywhere"),
    # the moderator console: a case's photos, bulk mode, the surge dashboard
    path("staff/cases/bulk", console.staff_cases_bulk, name="staff-cases-bulk"),
    path("staff/cases/<id:case_id>/media/<id:media_id>", console.staff_case_media, name="staff-case-media"),
    path("staff/dashboard", console.staff_dashboard, name="staff-dashboard"),
]
