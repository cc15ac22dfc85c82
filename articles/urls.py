from django.conf import settings
from django.urls import path

from articles import draft_link_views, feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="front"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author"),
    path("topics/", views.TopicListView.as_view(), name="topics"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
    path("glossary/", views.GlossaryListView.as_view(), name="glossary"),
    path("glossary/<slug:slug>/", views.GlossaryTermDetailView.as_view(), name="term"),
    path("search/", views.search_view, name="search"),
    path("preview/<str:token>/", draft_link_views.preview, name="draft_preview"),
    path("feeds/rss/", feeds.LatestStoriesFeed(), name="feed_rss"),
    path("feeds/atom/", feeds.LatestStoriesAtomFeed(), name="feed_atom"),
    path("feeds/topics/<slug:slug>/rss/", feeds.TopicStoriesFeed(), name="topic_feed_rss"),
    path("feeds/topics/<slug:slug>/atom/", feeds.TopicStoriesAtomFeed(), name="topic_feed_atom"),
]
# Pictures are served here while they live in this site's storage; a MEDIA_URL on another
# host (object storage) serves them there instead.
if settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", views.media_file, name="media")
    )
