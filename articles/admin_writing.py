"""The story form's writing tools: a live preview of each Markdown section through the
public pipeline (a few at a time per editor), and the writing aids under it (length,
reading level, glossary terms used but not listed), drawn with the form so that they are
right without JavaScript and kept live by js/admin_writing_aids.js."""

from django.conf import settings
from django.contrib.admin.widgets import AdminTextareaWidget
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import path
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from articles import writing
from articles.models import GlossaryTerm
from core import leases, markup

# A preview renders within markup.RENDER_SECONDS; a worker that dies mid-render frees its
# editor's slot after this long.
PREVIEW_LEASE_SECONDS = 2 * markup.RENDER_SECONDS


def preview_slot(editor):
    """One of ``editor``'s Markdown preview renderings, shared by every process."""
    return leases.hold(
        f"markdown-preview:{editor.pk}",
        limit=settings.MARKDOWN_PREVIEW_CONCURRENCY,
        seconds=PREVIEW_LEASE_SECONDS,
    )


def assess_writing(source, *, section, chosen):
    """The writing aids of one section's Markdown ``source``, against the glossary terms
    ``chosen`` on the form (their primary keys, as posted)."""
    glossary = {str(term.pk): term for term in GlossaryTerm.objects.all()}
    listed = {glossary[pk].term for pk in map(str, chosen) if pk in glossary}
    return writing.assess(
        source,
        section=section,
        glossary={term.term: term.forms for term in glossary.values()},
        listed=listed,
    )


class WritingAidsTextarea(AdminTextareaWidget):
    """A section's text box with its writing aids under it, worked out for what the form
    holds as it is drawn (the stored story, or the text and terms of a refused save), so
    that they are right without JavaScript; js/admin_writing_aids.js keeps them live."""

    def __init__(self, *, section, label, attrs=None):
        self.section, self.label, self.aids = section, label, None
        super().__init__(attrs)

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.aids is None:
            return html
        panel = render_to_string(
            "admin/articles/article/writing_aids_panel.html",
            {"aids": self.aids, "section": self.section, "label": self.label},
        )
        return mark_safe(html + panel)  # both rendered by templates, every value escaped


class WritingToolsMixin:
    """For the story's ModelAdmin: the preview and writing-aids endpoints, and the
    section boxes that carry their aids."""

    def get_urls(self):
        preview = path(
            "markdown-preview/",
            self.admin_site.admin_view(require_POST(self.markdown_preview)),
            name="articles_article_markdown_preview",
        )
        aids = path(
            "writing-aids/",
            self.admin_site.admin_view(require_POST(self.writing_aids)),
            name="articles_article_writing_aids",
        )
        return [preview, aids, *super().get_urls()]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in writing.HOUSE_TARGETS:
            label = str(db_field.verbose_name)
            kwargs["widget"] = WritingAidsTextarea(section=db_field.name, label=label)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if "glossary_terms" in form.fields:
            chosen = form["glossary_terms"].value() or []
            for section in writing.HOUSE_TARGETS:
                if section in form.fields:
                    source = form[section].value() or ""
                    aids = assess_writing(source, section=section, chosen=chosen)
                    form.fields[section].widget.aids = aids
        return super().render_change_form(request, context, add, change, form_url, obj)

    def writing_aids(self, request):
        """Reading level, length and glossary-worthy words of one section's Markdown."""
        if not self.has_change_permission(request) and not self.has_add_permission(request):
            return JsonResponse({"error": "Not allowed."}, status=403)
        source = request.POST.get("source", "")
        if len(source) > markup.MAX_LENGTH:
            return JsonResponse({"error": "The text is too long to assess."}, status=400)
        chosen = [pk for pk in request.POST.getlist("terms") if pk.isdigit()]
        section = request.POST.get("section", "")[:20]
        aids = assess_writing(source, section=section, chosen=chosen)
        html = render_to_string("admin/articles/article/writing_aids.html", {"aids": aids})
        return JsonResponse({"html": html})

    def markdown_preview(self, request):
        """Render an editor's Markdown through the public pipeline, sanitised the same way;
        at most settings.MARKDOWN_PREVIEW_CONCURRENCY at a time per editor."""
        if not self.has_change_permission(request) and not self.has_add_permission(request):
            return JsonResponse({"error": "Not allowed."}, status=403)
        with preview_slot(request.user) as free:
            if not free:
                response = JsonResponse(
                    {
                        "error": "Your previous preview is still being rendered. "
                        "Try again in a few seconds."
                    },
                    status=429,
                )
                response["Retry-After"] = str(markup.RENDER_SECONDS)
                return response
            terms = [
                markup.Term(term.slug, term.forms)
                for term in GlossaryTerm.objects.filter(
                    pk__in=[pk for pk in request.POST.getlist("terms") if pk.isdigit()]
                )
            ]
            try:
                html = markup.render(
                    request.POST.get("source", ""),
                    section=request.POST.get("section", "preview")[:20],
                    terms=terms,
                )
            except markup.MarkupRefused as refusal:
                return JsonResponse({"error": str(refusal)}, status=400)
        return JsonResponse({"html": html})
