from django.urls import path, re_path

from api import views

app_name = "api"

urlpatterns = [
    path("api/v1/", views.index, name="index"),
    path("api/v1/stories/", views.story_list, name="stories"),
    path("api/v1/stories/<slug:slug>/", views.story_detail, name="story"),
    path("api/v1/stories/<slug:slug>/inputs.json", views.story_inputs, name="story_inputs"),
    path("api/v1/stories/<slug:slug>/inputs.csv", views.story_inputs_csv, name="story_inputs_csv"),
    path("api/v1/questions/", views.question_list, name="questions"),
    path("api/v1/questions/<slug:slug>/", views.question_detail, name="question"),
    path("api/v1/sources/<slug:slug>/", views.source_detail, name="source"),
    path("api/v1/calibration/", views.calibration_data, name="calibration_data"),
    path("calibration/", views.calibration_page, name="calibration"),
    re_path(r"^api/(?P<rest>.*)$", views.not_found),
]
