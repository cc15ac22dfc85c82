from django.urls import path

from trust import views

app_name = "trust"

urlpatterns = [
    path("sources/", views.source_list, name="sources"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source"),
    path("methodology/", views.MethodologyView.as_view(), name="methodology"),
]
