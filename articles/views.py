from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from articles.models import Article, GlossaryTerm, Topic

LATEST_ON_FRONT_PAGE = 12


class FrontPageView(ListView):
    template_name = "articles/front_page.html"
    context_object_name = "stories"

    def get_queryset(self):
        return Article.objects.published().for_listing().latest_first()[:LATEST_ON_FRONT_PAGE]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stories = list(context["stories"])
        context["lead"], context["latest"] = (stories[0], stories[1:]) if stories else (None, [])
        context["topics"] = Topic.objects.all()
        return context


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.published().for_detail()


class TopicListView(ListView):
    def get_queryset(self):
        return Topic.objects.with_story_counts()


class StoriesListView(ListView):
    """A page of published stories belonging to one object (a topic, a term)."""

    paginate_by = 20
    context_object_name = "stories"
    owner_model = None

    def get_owner(self):
        return get_object_or_404(self.owner_model, slug=self.kwargs["slug"])

    def get_queryset(self):
        self.owner = self.get_owner()
        return self.owner.articles.published().for_listing().latest_first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.owner, **kwargs)


class TopicDetailView(StoriesListView):
    owner_model = Topic
    template_name = "articles/topic_detail.html"


class GlossaryListView(ListView):
    model = GlossaryTerm
    template_name = "articles/glossary_list.html"
    context_object_name = "terms"


class GlossaryTermDetailView(StoriesListView):
    owner_model = GlossaryTerm
    template_name = "articles/glossary_detail.html"
