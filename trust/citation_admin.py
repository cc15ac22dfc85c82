"""A citation filled from its DOI or arXiv id, in the story form's citations.

With JavaScript, "Fill from DOI" beside the DOI box (static/js/admin_citation_fill.js)
asks ``lookup_view``, a JSON endpoint of the admin (editors only, CSRF-checked, at most
CITATION_LOOKUP_LIMIT look-ups per CITATION_LOOKUP_WINDOW seconds per editor, never
cached), and fills the empty fields at once, marked for the editor to check.

Without it, saving a citation with a DOI and no title fills its empty fields on the
server (``CitationForm``) and stops the save once, with the filled fields shown and
named, so that nothing from Crossref is saved unseen; the next save keeps them. A failed
look-up is a form error with its sentence, and the editor can type the fields by hand.
"""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from core.ratelimit import in_words, seconds_to_wait
from trust import citation_lookup
from trust.citation_lookup import FIELD_NAMES, LookupFailed
from trust.models import Citation

FILLED_CLASS = "citation-filled"
# Fields a look-up may fill that the model requires: optional in the form so that a DOI
# alone can be saved, required again once the look-up has had its go.
REQUIRED_AFTER_FILL = ("title", "source", "kind")
# Longer than any DOI or arXiv id, links included.
MAX_IDENTIFIER_LENGTH = 300


def source_add_url(proposal):
    """The Source form, filled with what the work says of its journal or server."""
    query = {"name": proposal.name, "kind": proposal.kind, "home_url": proposal.home_url}
    query = {name: value for name, value in query.items() if value}
    return f"{reverse('admin:trust_source_add')}?{urlencode(query)}"


def filled_sentence(service, names, doi):
    named = ", ".join(FIELD_NAMES[name] for name in FIELD_NAMES if name in names)
    return f"Filled from {service}'s record of {doi}: {named}. Check them, then save again."


class CitationForm(forms.ModelForm):
    doi = forms.CharField(
        label="DOI",
        max_length=MAX_IDENTIFIER_LENGTH,
        required=False,
        help_text="A DOI (10.1038/nm.2446, or its doi.org link), or an arXiv id "
        "(arXiv:2303.01234). Saved with no title, the citation's empty fields are filled "
        "from Crossref or arXiv for you to check; “Fill from DOI” does it at once.",
    )

    class Meta:
        model = Citation
        # The inline names the fields it shows (trust/admin.py CitationInline).
        fields = ["doi", "title"]

    class Media:
        js = ["js/admin_citation_fill.js"]
        css = {"all": ["css/admin_citation_fill.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doi"].widget.attrs.update(
            {"class": "citation-doi", "data-lookup-url": reverse("admin:citation_lookup")}
        )
        for name in REQUIRED_AFTER_FILL:
            if name in self.fields:
                self.fields[name].required = False

    def clean_doi(self):
        """The DOI kept: a doi.org link or ``doi:`` loses its prefix, an arXiv id becomes
        arXiv's DOI."""
        text = self.cleaned_data["doi"].strip()
        if not text:
            return ""
        problem = citation_lookup.identifier_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        return citation_lookup.stored_doi(text)

    def clean(self):
        cleaned = super().clean()
        wants_fill = cleaned.get("doi") and not cleaned.get("title")
        if wants_fill and not cleaned.get("DELETE"):
            self._fill(cleaned)
        for name in REQUIRED_AFTER_FILL:
            if name in self.fields and not cleaned.get(name) and name not in self.errors:
                self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned

    def _fill(self, cleaned):
        try:
            filled = citation_lookup.fill(cleaned["doi"])
        except LookupFailed as failure:
            self.add_error("doi", failure.sentence)
            return
        names = [
            name
            for name, value in filled.values.items()
            if name in self.fields and not cleaned.get(name)
        ]
        for name in names:
            self._show(name, filled.values[name])
            cleaned[name] = filled.values[name]
        proposal = filled.proposed_source
        if proposal and not cleaned.get("source"):
            # The link goes in the help of the bound field (made before cleaning, it keeps
            # its own copy): the error summary links each error to its field, and a link
            # cannot hold another.
            self["source"].help_text = format_html(
                '<a href="{}" target="_blank">Add “{}” under Sources</a> (in a new tab, '
                "with its name, kind and home page filled), then choose it here.",
                source_add_url(proposal),
                proposal.name,
            )
            self.add_error(
                "source",
                f"No source is called “{proposal.name}” yet: add it with the link under "
                "this field, then choose it.",
            )
        self.add_error(None, filled_sentence(filled.service, names, filled.doi))

    def _show(self, name, value):
        """Put a filled value in the form as the editor will see it again, marked."""
        if not getattr(self.data, "_mutable", True):
            self.data = self.data.copy()
        shown = value.pk if hasattr(value, "pk") else value
        self.data[self.add_prefix(name)] = str(shown)
        widget = self.fields[name].widget
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {FILLED_CLASS}".strip()


def _error(sentence, status, retry_after=None):
    response = JsonResponse({"error": sentence}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _failure_status(failure):
    if failure.not_found:
        return 404
    return 503 if failure.retry_after else 502


@require_POST
def lookup_view(request):
    """What a DOI or arXiv id (POST ``identifier``) fills in a citation, as JSON: the
    fields, the matched source or the one to add, and a sentence for the editor."""
    user = request.user
    if not (user.has_perm("trust.add_citation") or user.has_perm("trust.change_citation")):
        return _error("Only editors who may edit citations can look works up.", 403)
    wait = seconds_to_wait(
        "citation-lookup",
        f"editor:{user.pk}",
        limit=settings.CITATION_LOOKUP_LIMIT,
        window=settings.CITATION_LOOKUP_WINDOW,
    )
    if wait:
        return _error(
            f"You have looked up many works in a short time; try again in {in_words(wait)}, "
            "or type the fields by hand.",
            429,
            retry_after=wait,
        )
    identifier = request.POST.get("identifier", "").strip()[:MAX_IDENTIFIER_LENGTH]
    problem = citation_lookup.identifier_problem(identifier)
    if problem:
        return _error(problem, 400)
    try:
        filled = citation_lookup.fill(identifier)
    except LookupFailed as failure:
        return _error(failure.sentence, _failure_status(failure), failure.retry_after)
    values = dict(filled.values)
    source = values.pop("source", None)
    proposal = filled.proposed_source
    return JsonResponse(
        {
            "doi": filled.doi,
            "service": filled.service,
            "fields": {
                name: value.isoformat() if hasattr(value, "isoformat") else value
                for name, value in values.items()
            },
            "source": {"id": source.pk, "name": source.name} if source else None,
            "proposed_source": (
                {"name": proposal.name, "add_url": source_add_url(proposal)} if proposal else None
            ),
            "names": {name: FIELD_NAMES[name] for name in FIELD_NAMES},
        }
    )
