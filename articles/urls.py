from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="front"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("topics/", views.TopicListView.as_view(), name="topics"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
    path("glossary/", views.GlossaryListView.as_view(), name="glossary"),
    path("glossary/<slug:slug>/", views.GlossaryTermDetailView.as_view(), name="term"),
]
