"""The story form's "Preview links" part: make a link for a named outside reader, copy it,
see who has one and when they last opened it, revoke it (the rules: articles/draft_links.py).

The part is drawn after the story's own form, with forms of its own, so that sharing a
draft neither saves the story nor waits on its checks. Only an editor who may change the
story sees it or uses it.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from articles import draft_links
from articles.models import PreviewLink


class PreviewLinkForm(forms.Form):
    prefix = "preview"

    reader_name = forms.CharField(
        label="Who it is for",
        max_length=PreviewLink._meta.get_field("reader_name").max_length,
        help_text="Their name, and where they work if that helps: the preview names them.",
    )
    reader_email = forms.EmailField(
        label="Their e-mail",
        required=False,
        help_text="Optional, for the desk's record. Nothing is sent: you send the link.",
    )
    note = forms.CharField(
        label="Note for the desk",
        max_length=PreviewLink._meta.get_field("note").max_length,
        required=False,
        help_text="Optional: why they have it.",
    )
    days = forms.IntegerField(
        label="Open for (days)",
        min_value=1,
        max_value=draft_links.LONGEST_DAYS,
        initial=draft_links.DEFAULT_DAYS,
        help_text=f"From 1 to {draft_links.LONGEST_DAYS} days; {draft_links.DEFAULT_DAYS} unless "
        "you change it.",
    )


def shown_link(request, link):
    """What the part shows of ``link``: the link, its address in full while it opens."""
    address = request.build_absolute_uri(draft_links.url_of(link)) if link.is_usable() else ""
    return {"link": link, "address": address}


class DraftLinksAdminMixin:
    """For the story admin: the "Preview links" part of the change form and its two
    actions, make and revoke."""

    @property
    def media(self):
        return super().media + forms.Media(
            js=["js/admin_draft_links.js"], css={"all": ["css/admin_draft_links.css"]}
        )

    def get_urls(self):
        make = path(
            "<path:object_id>/preview-links/",
            self.admin_site.admin_view(self.make_preview_link),
            name="articles_article_make_preview_link",
        )
        revoke = path(
            "<path:object_id>/preview-links/<int:link_id>/revoke/",
            self.admin_site.admin_view(require_POST(self.revoke_preview_link)),
            name="articles_article_revoke_preview_link",
        )
        return [make, revoke, *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and self.has_change_permission(request, obj):
            context["preview_links"] = self.preview_links_part(request, obj, PreviewLinkForm())
        return super().render_change_form(request, context, add, change, form_url, obj)

    def preview_links_part(self, request, article, form):
        return {
            "article": article,
            "links": [shown_link(request, link) for link in draft_links.links_of(article)],
            "form": form,
            "public": article.is_public,
        }

    def _story_to_share(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such story.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def _back_to_story(self, article, anchor="preview-links"):
        url = reverse("admin:articles_article_change", args=[article.pk])
        return HttpResponseRedirect(f"{url}#{anchor}")

    def make_preview_link(self, request, object_id):
        """GET: the form on its own page; POST: make the link and go back to the story, or
        show the form again with what to mend."""
        article = self._story_to_share(request, object_id)
        form = PreviewLinkForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                link = draft_links.make_link(
                    article=article, made_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    f"Preview link made for {link.reader_name}: copy it from “Preview links” "
                    "and send it to them yourself.",
                )
                return self._back_to_story(article, anchor=f"preview-link-{link.pk}")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Share “{article}” before it is published",
            "opts": self.model._meta,
            "original": article,
            "preview_links": self.preview_links_part(request, article, form),
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(
            request, "admin/articles/article/preview_links_page.html", context, status=status
        )

    def revoke_preview_link(self, request, object_id, link_id):
        article = self._story_to_share(request, object_id)
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        if link.is_revoked():
            self.message_user(request, f"{link.reader_name}'s preview link was revoked already.")
        else:
            draft_links.revoke(link=link, by=request.user)
            self.message_user(
                request,
                f"{link.reader_name}'s preview link is revoked: it no longer opens.",
                messages.SUCCESS,
            )
        return self._back_to_story(article, anchor=f"preview-link-{link.pk}")
