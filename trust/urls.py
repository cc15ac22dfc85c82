from django.urls import path

from trust import views

app_name = "trust"

urlpatterns = [
    path("sources/", views.source_list, name="sources"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source"),
    path("methodology/", views.MethodologyView.as_view(), name="methodology"),
    # Beside the story's own URL, as what the story shows for it in link previews.
    path("articles/<slug:slug>/card.png", views.share_card, name="share_card"),
]
