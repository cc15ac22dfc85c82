from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("account/inbox/", views.inbox, name="inbox"),
    path("account/inbox/read/", views.mark_read, name="mark_read"),
    path("account/notifications/", views.settings_page, name="settings"),
    path("account/notifications/unfollow/", views.unfollow, name="unfollow"),
    path("account/notifications/feed/reset/", views.reset_feed, name="reset_feed"),
    path("notices/follow/story/<slug:slug>/", views.follow_story, name="follow_story"),
    path("notices/follow/question/<slug:slug>/", views.follow_question, name="follow_question"),
    path("notices/feed/<str:token>/", views.feed, name="feed"),
    path("notices/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
