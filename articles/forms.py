from django import forms
from django.utils import timezone

from articles import publishing_times
from articles.models import Article
from core import markup


class ArticleAdminForm(forms.ModelForm):
    """Drafts may be incomplete; a story cannot be published with a part missing."""

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "dek",
            "byline",
            "topics",
            "explanation",
            "technical",
            "glossary_terms",
            "follows_up",
            "status",
            "published_at",
            "unpublish_at",
            "embargo_until",
            "published_without_evidence",
            "without_evidence_reason",
        ]
        widgets = {"dek": forms.Textarea(attrs={"rows": 2})}

    def clean_explanation(self):
        markup.validate(self.cleaned_data["explanation"])
        return self.cleaned_data["explanation"]

    def clean_technical(self):
        markup.validate(self.cleaned_data["technical"])
        return self.cleaned_data["technical"]

    def clean_follows_up(self):
        earlier = self.cleaned_data["follows_up"]
        if earlier is not None and self.instance.pk is not None:
            thread, seen = earlier, set()
            while thread is not None and thread.pk not in seen:
                if thread.pk == self.instance.pk:
                    raise forms.ValidationError(
                        "A story cannot follow up itself or one of its own follow-ups."
                    )
                seen.add(thread.pk)
                thread = thread.follows_up
        return earlier

    def check_times(self, cleaned):
        """Takedown after publishing, publishing not before the embargo ends; a published
        story left without a publish time is checked at the time it would get."""
        published_at = cleaned.get("published_at")
        if published_at is None and cleaned.get("status") == Article.Status.PUBLISHED:
            published_at = publishing_times.when_published(
                asked=None, embargo_until=cleaned.get("embargo_until"), now=timezone.now()
            )
        for field, sentence in publishing_times.problems(
            published_at=published_at,
            unpublish_at=cleaned.get("unpublish_at"),
            embargo_until=cleaned.get("embargo_until"),
        ):
            if field not in self.errors:
                self.add_error(field, sentence)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("published_without_evidence")
            and not cleaned.get("without_evidence_reason", "").strip()
        ):
            self.add_error(
                "without_evidence_reason",
                "Say why this story goes out without its evidence: readers see the reason.",
            )
        self.check_times(cleaned)
        if cleaned.get("status") == Article.Status.PUBLISHED:
            # A part refused on its own (a headline left empty, Markdown that cannot be
            # rendered) is said once, beside it, not again as missing.
            parts = ["headline", "dek", "byline", "explanation", "technical"]
            candidate = Article(
                **{
                    name: cleaned.get(name, "") or ("…" if name in self.errors else "")
                    for name in parts
                }
            )
            topics = cleaned.get("topics")
            problems = candidate.publication_problems(topic_count=len(topics) if topics else 0)
            if problems:
                raise forms.ValidationError(problems)
        return cleaned
