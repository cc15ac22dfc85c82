"""The story admin's review part (articles/reviews.py holds the rules).

Each review action is its own small form, posted to its own view, outside the story's
form: sending for review, deciding and commenting never save the story's form, so they
neither meet nor cause its version check (core/admin_concurrency/) over fields they do
not touch; the status they set is checked like any other change. A decision carries the
history entry of the story as the editor read it, and is refused if its words changed
since. A superuser publishing a story no editor has approved gives the reason on the
story's form.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from articles import reviews
from articles.models import Article, ReviewDecision, ReviewRequest
from articles.models.reviews import NOTE_LENGTH

OVERRIDE_FIELD = "publish_override_reason"
# The history's ids are integers; anything past them is no version of any story.
LARGEST_VERSION = 2**31 - 1


class SendForReviewForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Any editor", label="Ask"
    )
    note = forms.CharField(
        label="Note for the reviewer",
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, prefix="review-send", **kwargs)
        self.fields["reviewer"].queryset = reviews.editors().exclude(pk=user.pk)


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(choices=ReviewDecision.Verdict.choices)
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=NOTE_LENGTH,
        help_text="Needed to ask for changes: say which.",
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": "review-decide-comment-help"}),
    )
    read_version = forms.IntegerField(
        required=False, min_value=1, max_value=LARGEST_VERSION, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="review-decide", **kwargs)


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Add a comment (editors only)",
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="review-comment", **kwargs)


def override_form(form_class):
    """The story's form with a superuser's reason to publish without an approval."""

    class OverrideForm(form_class):
        publish_override_reason = forms.CharField(
            label="Publish without approval, because",
            required=False,
            max_length=reviews.OVERRIDE_REASON_LENGTH,
            help_text="Superusers only, for a story no editor has approved: the reason is "
            "kept in its history. Leave empty to publish only once approved.",
        )

    OverrideForm.__name__ = form_class.__name__
    return OverrideForm


class WaitingForReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("mine", "Waiting for my review"), ("open", "In review, by anyone")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(reviews.waiting_for(request.user))
        if self.value() == "open":
            return queryset.filter(review_requests__status=ReviewRequest.Status.OPEN).distinct()
        return queryset


def _latest(field):
    return models.Subquery(
        ReviewDecision.objects.filter(article=models.OuterRef("pk"))
        .order_by("-decided_at", "-pk")
        .values(field)[:1]
    )


def _open(field):
    return models.Subquery(
        ReviewRequest.objects.filter(
            article=models.OuterRef("pk"), status=ReviewRequest.Status.OPEN
        ).values(field)[:1]
    )


class ReviewAdminMixin:
    """For the story's ModelAdmin: the review part of its change form, the views its
    forms post to, the review column and filter of its list, and the superuser's
    override on its form."""

    REVIEW_ACTIONS = ("send", "decide", "comment")

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["css/admin_review.css"]})

    def _review_url(self, action, obj):
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_review_"
        return reverse(name + action, args=[obj.pk])

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        views = [
            path(
                f"<path:object_id>/review/{action}/",
                self.admin_site.admin_view(require_POST(getattr(self, f"review_{action}"))),
                name="{}_{}_review_{}".format(*info, action),
            )
            for action in self.REVIEW_ACTIONS
        ]
        return [*views, *super().get_urls()]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), WaitingForReviewFilter]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                review_asked=_open("asked_at"),
                review_asked_of=_open("reviewer__username"),
                review_verdict=_latest("verdict"),
                review_decided_by=_latest("decided_by__username"),
                review_read=_latest("words_digest"),
                review_words=reviews.words_digest(),
            )
        )

    @admin.display(description="Review")
    def review_state(self, article):
        if article.status == Article.Status.PUBLISHED:
            return "—"
        if article.review_asked is not None:
            return f"In review — asked of {article.review_asked_of or 'any editor'}"
        by = article.review_decided_by or "an editor"
        if article.review_verdict == ReviewDecision.Verdict.CHANGES:
            return f"Changes asked by {by}"
        if article.review_verdict == ReviewDecision.Verdict.APPROVED:
            if article.review_read != article.review_words:
                return f"Approved by {by}, words changed since"
            return f"Approved by {by}"
        return "Not sent for review"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [*options["fields"], OVERRIDE_FIELD]})
            if name == "Publishing" and OVERRIDE_FIELD not in options["fields"]
            else (name, options)
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if request.user.is_superuser and "form" not in kwargs:
            kwargs["form"] = override_form(self.form)
        return super().get_form(request, obj, change, **kwargs)

    def override_reason(self, request, form):
        """The reason a superuser gave on ``form`` to publish without an approval."""
        return form.cleaned_data.get(OVERRIDE_FIELD, "") if request.user.is_superuser else ""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and self.has_change_permission(request, obj):
            context["review"] = self.review_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def review_context(self, request, obj):
        state = reviews.approval(obj)
        unpublished = obj.status != Article.Status.PUBLISHED
        problems = reviews.decision_problems(obj, by=request.user)
        return {
            "request": reviews.open_request(obj),
            "approval": state,
            "problems": reviews.approval_problems(obj) if unpublished else [],
            "override": reviews.last_override(obj),
            "thread": reviews.thread(obj),
            "unpublished": unpublished,
            "send_form": SendForReviewForm(user=request.user) if unpublished else None,
            "send_url": self._review_url("send", obj),
            "decision_form": (
                DecisionForm(initial={"read_version": reviews.latest_version(obj)})
                if unpublished and not problems
                else None
            ),
            "decision_refused": problems if unpublished else [],
            "decide_url": self._review_url("decide", obj),
            "comment_form": CommentForm(),
            "comment_url": self._review_url("comment", obj),
        }

    def _reviewed_story(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such story.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _back(self, obj):
        change = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change"
        return HttpResponseRedirect(reverse(change, args=[obj.pk]))

    def _act(self, request, obj, form, act):
        """Run ``act(cleaned_data)`` if ``form`` is valid; say what happened, or why not."""
        if not form.is_valid():
            said = [
                f"{form.fields[name].label or 'The version you read'}: {' '.join(errors)}"
                for name, errors in form.errors.items()
            ]
            self.message_user(request, " ".join(said), messages.ERROR)
            return self._back(obj)
        try:
            done = act(form.cleaned_data)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return self._back(obj)

    def review_send(self, request, object_id):
        obj = self._reviewed_story(request, object_id)

        def send(data):
            sent = reviews.send_for_review(
                article=obj, by=request.user, reviewer=data["reviewer"], note=data["note"]
            )
            whom = sent.reviewer.get_username() if sent.reviewer else "any editor"
            return f"Sent for review to {whom}: the story is In review."

        return self._act(request, obj, SendForReviewForm(request.POST, user=request.user), send)

    def review_decide(self, request, object_id):
        obj = self._reviewed_story(request, object_id)

        def decide(data):
            decision = reviews.decide(
                article=obj,
                by=request.user,
                verdict=data["verdict"],
                read_version=data["read_version"],
                comment=data["comment"],
            )
            if decision.verdict == ReviewDecision.Verdict.APPROVED:
                return "Approved: the story may be published as it reads now."
            return "Changes asked: the story is back to Draft."

        return self._act(request, obj, DecisionForm(request.POST), decide)

    def review_comment(self, request, object_id):
        obj = self._reviewed_story(request, object_id)

        def comment(data):
            reviews.add_comment(article=obj, by=request.user, text=data["text"])
            return "Comment added."

        return self._act(request, obj, CommentForm(request.POST), comment)
