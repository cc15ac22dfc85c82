import functools
import posixpath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from articles import extensions, images, search, selectors
from articles.models import (
    Article,
    ArticleRedirect,
    Author,
    Correction,
    GlossaryTerm,
    Topic,
    story_cache_key,
)
from core import fragments, httpcache
from core.editors import is_editor
from core.errors import bad_request_response

STORIES_PER_PAGE = 12
RESULTS_PER_PAGE = 10
STORY_PARTS = ("explanation", "technical", "evidence")


def listing_seconds(request, **kwargs):
    """A listing is kept no longer than until the next scheduled story goes live or is
    taken down, and is not served stale past that moment."""
    since = httpcache.rendering_since(request)
    httpcache.expires_by(request, selectors.next_scheduled_change(since), strictly=True)
    return httpcache.ACTIVITY_SECONDS


def listing_keys(request, **kwargs):
    return ["stories", "topics"]


PAGE_PARAMETER = "page"
listing_page = httpcache.shared_page(
    keys=listing_keys, seconds=listing_seconds, parameters=[PAGE_PARAMETER]
)


def front_keys(request, **kwargs):
    """A listing's keys and what the apps' front-page panels show
    (articles/extensions.py), so that the panels are kept with the page's other parts."""
    return [*listing_keys(request), *extensions.front_keys()]


def canonical_page_redirect(request, page):
    """A redirect to ``page``'s own URL when the request named it any other way (not a
    number, out of range, or page 1 spelled out), else None: each page of a listing is
    one object in the HTTP cache, whatever a client writes after ?page=."""
    asked = request.GET.get(PAGE_PARAMETER)
    if asked is None or (asked == str(page.number) and page.number != 1):
        return None
    kept = [(name, value) for name, value in request.GET.items() if name != PAGE_PARAMETER]
    if page.number != 1:
        kept.append((PAGE_PARAMETER, str(page.number)))
    return httpcache.redirect_for_shared_caches(httpcache.url_with(request, kept))


class ForgivingPaginationMixin:
    """A page number that is missing, not a number or out of range shows the nearest page,
    through a redirect to that page's own URL.

    ListView answers those with a 404; a reader who edits ?page= should not hit a dead end.

    Page 1 asked without ?page= has no number to check, so its items and pages are fetched
    the first time its template uses them, and never when every part of the page that
    shows them is kept (core/fragments.py). ``context_beside_items()`` is the rest of the
    context, fetched at once (what the page shows outside its kept parts).
    """

    ITEM_NAMES = ("page_obj", "paginator", "is_paginated", "object_list")

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get(self, request, *args, **kwargs):
        if PAGE_PARAMETER not in request.GET:
            self.object_list = self.get_queryset()
            return self.render_to_response(self.page_one_context())
        response = super().get(request, *args, **kwargs)
        return canonical_page_redirect(request, response.context_data["page_obj"]) or response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {"page_number": context["page_obj"].number}

    def context_beside_items(self):
        return {"view": self}

    def page_one_context(self):
        fetched = functools.cache(self.get_context_data)
        names = {*self.ITEM_NAMES, *self.item_names()}
        lazy = {
            name: SimpleLazyObject(functools.partial(lambda name: fetched()[name], name))
            for name in names
        }
        return self.context_beside_items() | lazy | {"page_number": 1}

    def item_names(self):
        """What the page's items are called besides ITEM_NAMES (ListView's own name)."""
        return [self.get_context_object_name(self.object_list)]


@method_decorator(
    httpcache.shared_page(keys=front_keys, seconds=listing_seconds, parameters=[PAGE_PARAMETER]),
    name="dispatch",
)
class FrontPageView(ForgivingPaginationMixin, ListView):
    """The pinned story, or else the newest, leads page 1, and the rest of page 1 follow in
    sections by topic; every later page is the latest list. Beside them, the modules the
    apps above articles draw (articles/extensions.py: ``front_modules``, ``front_aside``)
    and the topics with their stories' counts."""

    template_name = "articles/front_page.html"
    context_object_name = "stories"
    paginate_by = STORIES_PER_PAGE

    def get_queryset(self):
        return selectors.front_page_stories()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stories = list(context["stories"])
        if context["page_obj"].number == 1 and stories:
            context["lead"], context["latest"] = stories[0], stories[1:]
            context["sections"] = selectors.front_page_sections(context["latest"])
        else:
            context["lead"], context["latest"], context["sections"] = None, stories, []
        return context | self.context_beside_items()

    def context_beside_items(self):
        return super().context_beside_items() | {"topics": Topic.objects.with_story_counts()}

    def item_names(self):
        return [*super().item_names(), "lead", "latest", "sections"]


def story_keys(request, slug):
    return [story_cache_key(slug), "topics"]


# The story shows reader activity (its tallies, the crowd forecast): a short s-maxage.
@method_decorator(
    httpcache.shared_page(keys=story_keys, seconds=httpcache.ACTIVITY_SECONDS, parameters=["part"]),
    name="dispatch",
)
class ArticleDetailView(DetailView):
    """A story. Editors also see unpublished ones here, as a never-cached preview.

    ``?part=`` shows one of the story's parts on its own: the explanation, the technical
    deep dive or the evidence, each with the header and the glossary.
    """

    def get_queryset(self):
        stories = Article.objects.for_page()
        return stories if is_editor(self.request.user) else stories.published()

    def get_object(self, queryset=None):
        """The story; what only its kept parts show is fetched when one is rendered."""
        story = super().get_object(queryset)
        fragments.before_rendering(
            self.request,
            lambda: prefetch_related_objects([story], *Article.objects.page_prefetches()),
        )
        return story

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"part": self.request.GET.get("part")}

    def get(self, request, *args, **kwargs):
        part = request.GET.get("part")
        if part is not None and part not in STORY_PARTS:
            return bad_request_response(
                request,
                "A story can be read whole or in one of three parts: "
                "explanation, technical or evidence.",
            )
        try:
            response = super().get(request, *args, **kwargs)
        except Http404:
            redirect = ArticleRedirect.objects.filter(old_slug=kwargs["slug"]).first()
            if redirect is None:
                raise
            return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())
        if not self.object.is_public:
            add_never_cache_headers(response)
        return response

    def render_to_response(self, context, **response_kwargs):
        # A story with a takedown time leaves shared caches by then, on time.
        httpcache.expires_by(self.request, self.object.unpublish_at, strictly=True)
        return super().render_to_response(context, **response_kwargs)


@method_decorator(
    httpcache.shared_page(keys=listing_keys, seconds=listing_seconds), name="dispatch"
)
class TopicListView(ListView):
    def get_queryset(self):
        return Topic.objects.with_story_counts()


class StoriesListView(ForgivingPaginationMixin, ListView):
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

    def context_beside_items(self):
        return super().context_beside_items() | {"object": self.owner}


@method_decorator(listing_page, name="dispatch")
class TopicDetailView(StoriesListView):
    owner_model = Topic
    template_name = "articles/topic_detail.html"


@method_decorator(listing_page, name="dispatch")
class GlossaryListView(ForgivingPaginationMixin, ListView):
    model = GlossaryTerm
    template_name = "articles/glossary_list.html"
    context_object_name = "terms"
    paginate_by = 50


@method_decorator(listing_page, name="dispatch")
class GlossaryTermDetailView(StoriesListView):
    owner_model = GlossaryTerm
    template_name = "articles/glossary_detail.html"


def author_keys(request, slug):
    return ["stories", "topics", f"author-{slug}"]


@method_decorator(
    httpcache.shared_page(keys=author_keys, seconds=listing_seconds, parameters=[PAGE_PARAMETER]),
    name="dispatch",
)
class AuthorDetailView(StoriesListView):
    """An author: who they are, their public stories, and the corrections on those."""

    owner_model = Author
    template_name = "articles/author_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | self.context_beside_items()

    def context_beside_items(self):
        corrections = Correction.objects.on_public_stories_by(self.owner)
        return super().context_beside_items() | {"corrections": corrections}


# Picture files are named by their content (articles.models.ArticleImage), so a name
# never changes meaning: browsers and the HTTP cache may keep them for a year.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"
MEDIA_TYPES = {extension: images.MIME_TYPES[fmt] for fmt, extension in images.EXTENSIONS.items()}


@require_safe
def media_file(request, path):
    """A stored picture from the default storage. Only the pictures' own folder and image
    types are served, and a path that leaves the folder (``..``, absolute) is not found."""
    extension = path.rsplit(".", 1)[-1].lower()
    inside = posixpath.normpath(path) == path and path.startswith("images/")
    if not inside or "\\" in path or "\0" in path or extension not in MEDIA_TYPES:
        raise Http404("No such picture.")
    try:
        stored = default_storage.open(path)
    except (OSError, SuspiciousFileOperation) as missing:
        raise Http404("No such picture.") from missing
    response = FileResponse(stored, content_type=MEDIA_TYPES[extension])
    response["Cache-Control"] = MEDIA_CACHE_CONTROL
    return response


# The same query from many readers (a story in the news) is answered from the cache.
@httpcache.shared_page(
    keys=listing_keys,
    seconds=listing_seconds,
    parameters=[*search.SearchForm.base_fields, PAGE_PARAMETER],
)
def search_view(request):
    form = search.SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "articles/search.html", {"form": form}, status=400)
    context = {"form": form, "query": form.cleaned_data["q"]}
    if form.has_words:
        # Searched the first time the template shows the results, and never when the part
        # showing them is kept (core/fragments.py); a page number is checked at once.
        found = SimpleLazyObject(
            lambda: search.search_stories(context["query"], topic=form.cleaned_data["topic"])
        )
        context["similar"] = SimpleLazyObject(lambda: found.similar)
        context["only_common_words"] = SimpleLazyObject(lambda: found.only_common_words)
        context["results"] = SimpleLazyObject(
            lambda: Paginator(found.stories, RESULTS_PER_PAGE).get_page(
                request.GET.get(PAGE_PARAMETER)
            )
        )
        redirect = canonical_page_redirect(request, context["results"])
        if redirect is not None:
            return redirect
    return render(request, "articles/search.html", context)
