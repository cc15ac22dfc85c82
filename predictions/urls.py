from django.urls import path

from predictions import views

app_name = "predictions"

urlpatterns = [
    path("articles/<slug:slug>/read/", views.read, name="read"),
    path("articles/<slug:slug>/mine/", views.my_panels, name="mine"),
    path("community/", views.community, name="community"),
    path("predictions/", views.question_list, name="questions"),
    path("predictions/me/", views.track_record, name="track_record"),
    path("predictions/me/forecasts.csv", views.track_record_csv, name="track_record_csv"),
    path("predictions/leaderboard/", views.leaderboard, name="leaderboard"),
    path("predictions/<slug:slug>/", views.question_detail, name="question"),
    path("predictions/<slug:slug>/forecast/", views.forecast, name="forecast"),
]
