import re
from operator import attrgetter

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from articles.models import Article
from trust import rubric

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
# Crossref's recommended pattern for modern DOIs (it matches nearly all of them): a
# prefix, a slash and letters, digits and -._;()/: only. Nothing else can end up in a
# https://doi.org/ link built from it (no quotes, no angle brackets, no spaces).
# The editors' form and manage.py import_retractions both check with it.
DOI_FORMAT = RegexValidator(
    r"^10\.\d{4,9}/[-._;()/:A-Z0-9]+$",
    "Enter a DOI such as 10.1038/nm.2446 (no https://doi.org/ prefix).",
    flags=re.IGNORECASE,
)


# A ClinicalTrials.gov registration (NCT and eight digits) or an OSF registration
# ("osf.io/" and its five-or-more-character id).
PREREGISTRATION_FORMAT = RegexValidator(
    r"^(NCT\d{8}|osf\.io/[a-z0-9]{5,12})$",
    "Enter a ClinicalTrials.gov number (NCT01234567) or an OSF id (osf.io/abcde).",
)


def _between_0_and_100(field, name):
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 0, f"{field}__lte": 100}), name=name
    )


def band_of(score, bands):
    """The band a score falls in; None while there is no score."""
    return None if score is None else rubric.band_for(score, bands)


class NaturalKeyQuerySet(models.QuerySet):
    """Fixtures refer to objects by natural key (the model's ``natural_key_fields``)."""

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.model.natural_key_fields, key, strict=True)))


class NaturalKeyModel(models.Model):
    """A model whose fixtures name it by ``natural_key_fields``, so reloading updates it.

    No ``natural_key.dependencies``: the serializer already dumps the models a
    foreign key points at first, when they have natural keys too.
    """

    natural_key_fields = ("slug",)

    class Meta:
        abstract = True

    def natural_key(self):
        return tuple(attrgetter(path.replace("__", "."))(self) for path in self.natural_key_fields)


class Criterion(NaturalKeyModel):
    """One pass/fail test of a source's trustworthiness; weights of all criteria sum to 100."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(help_text="What a source must do to meet this criterion.")
    weight = models.PositiveSmallIntegerField(
        validators=PERCENT, help_text="Points a source gets for meeting it. All weights sum to 100."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on labels and pages.")

    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "criteria"
        constraints = [_between_0_and_100("weight", "criterion_weight_0_100")]

    def __str__(self):
        return f"{self.name} ({self.weight})"


class SourceQuerySet(NaturalKeyQuerySet):
    def with_citation_counts(self):
        return self.annotate(citation_count=models.Count("citations"))


class Source(NaturalKeyModel):
    """A publisher or venue, scored against the criteria like a nutrition label."""

    class Kind(models.TextChoices):
        JOURNAL = "journal", "Journal"
        PREPRINT_SERVER = "preprint", "Preprint server"
        REGULATOR = "regulator", "Regulator"
        REGISTRY = "registry", "Trial registry"
        RESEARCH_INSTITUTE = "institute", "Research institute or laboratory"
        GOVERNMENT = "government", "Government body"
        COMPANY = "company", "Company"
        NEWS_OUTLET = "news", "News outlet"

    name = models.CharField(max_length=160, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    home_url = models.URLField("home page")
    description = models.TextField(blank=True, help_text="Who publishes it, in a sentence or two.")
    trust_score = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        validators=PERCENT,
        help_text="Sum of the weights of the criteria it meets. Computed on save.",
    )

    history = HistoricalRecords()
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [_between_0_and_100("trust_score", "source_trust_0_100")]
        indexes = [models.Index(fields=["-trust_score", "name"], name="source_by_trust_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("trust:source", kwargs={"slug": self.slug})

    @property
    def band(self):
        return band_of(self.trust_score, rubric.TRUST_BANDS)


class CriterionResult(NaturalKeyModel):
    """Whether a source meets one criterion, and the editor's note on why."""

    natural_key_fields = ("source__slug", "criterion__slug")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="results")
    met = models.BooleanField(default=False)
    note = models.TextField(help_text="The evidence for the verdict, in a sentence or two.")

    history = HistoricalRecords()
    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["criterion__position", "criterion__name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "criterion"], name="one_result_per_criterion")
        ]

    def __str__(self):
        return f"{self.source}: {self.criterion.name}"


class TrustScoreChange(models.Model):
    """The history of a source's score: every change, with why."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="score_changes")
    changed_at = models.DateTimeField(default=timezone.now)
    old_score = models.PositiveSmallIntegerField(null=True, help_text="Empty for a first score.")
    new_score = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.source}: {self.old_score} → {self.new_score}"


class Citation(NaturalKeyModel):
    """A cited work: what a story's claims rest on."""

    natural_key_fields = ("article__slug", "position")

    class Kind(models.TextChoices):
        PRIMARY_STUDY = "primary", "Primary study"
        REVIEW = "review", "Review"
        PREPRINT = "preprint", "Preprint"
        PRESS_RELEASE = "press_release", "Press release"
        NEWS = "news", "News report"
        REGULATORY = "regulatory", "Regulatory document"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="citations",
        help_text="The publisher or venue. Add it under Sources first if it is new.",
    )
    title = models.CharField(max_length=400)
    url = models.URLField("link", max_length=500, blank=True)
    doi = models.CharField(
        "DOI", max_length=200, blank=True, validators=[DOI_FORMAT], help_text="e.g. 10.1038/nm.2446"
    )
    published_on = models.DateField("publication date", null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True, help_text="Optional: why it matters.")
    position = models.PositiveSmallIntegerField(default=0)

    class Status(models.TextChoices):
        STANDING = rubric.STANDING, "No notice"
        CORRECTED = rubric.CORRECTED, "Corrected"
        CONCERN = rubric.CONCERN, "Expression of concern"
        RETRACTED = rubric.RETRACTED, "Retracted"

    status = models.CharField(
        "publication status",
        max_length=20,
        choices=Status.choices,
        default=Status.STANDING,
        help_text="Whether the publisher has retracted or corrected the work, or issued an "
        "expression of concern. A retracted work no longer counts as evidence.",
    )
    status_date = models.DateField("notice date", null=True, blank=True)
    status_note = models.CharField(
        "notice", max_length=400, blank=True, help_text="What the notice says, in a sentence."
    )
    status_url = models.URLField("link to the notice", max_length=500, blank=True)
    authors = models.CharField(
        max_length=600, blank=True, help_text="As the work lists them: 'Ada Lovelace, Alan Turing'."
    )
    licence = models.URLField(max_length=500, blank=True, help_text="The licence's address.")

    class Design(models.TextChoices):
        RCT = "rct", "Randomised controlled trial"
        COHORT = "cohort", "Cohort study"
        CASE_CONTROL = "case_control", "Case–control study"
        CASE_SERIES = "case_series", "Case series"
        ANIMAL = "animal", "Animal study"
        IN_VITRO = "in_vitro", "In vitro (cells or samples in a lab)"
        MODELLING = "modelling", "Modelling or simulation"
        REVIEW = "review", "Systematic review or meta-analysis"
        PREPRINT = "preprint", "Preprint"
        REPORT = "report", "Report"
        OTHER = "other", "Other"

    class PeerReview(models.TextChoices):
        REVIEWED = "reviewed", "Peer reviewed"
        NOT_REVIEWED = "not_reviewed", "Not peer reviewed"
        UNKNOWN = "unknown", "Not known"

    study_design = models.CharField(max_length=20, choices=Design.choices, blank=True)
    participants = models.PositiveIntegerField(
        "participants or samples",
        null=True,
        blank=True,
        help_text="How many people, animals or samples the work studied.",
    )
    preregistration = models.CharField(
        max_length=40,
        blank=True,
        validators=[PREREGISTRATION_FORMAT],
        help_text="A ClinicalTrials.gov number (NCT01234567) or an OSF id (osf.io/abcde).",
    )
    peer_review = models.CharField(
        "peer-review status",
        max_length=20,
        choices=PeerReview.choices,
        default=PeerReview.UNKNOWN,
    )
    funding = models.CharField(max_length=300, blank=True, help_text="Who paid for the work.")
    conflicts = models.CharField(
        "declared conflicts of interest",
        max_length=300,
        blank=True,
        help_text="As the authors declare them; 'None declared' when they declare none.",
    )
    watched_at = models.DateTimeField(
        "last looked up",
        null=True,
        blank=True,
        editable=False,
        help_text="When the citation watch last asked Crossref about this work.",
    )

    history = HistoricalRecords()
    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="one_citation_per_position"
            ),
            models.CheckConstraint(
                condition=models.Q(participants__isnull=True) | models.Q(participants__gt=0),
                name="citation_participants_positive",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def has_notice(self):
        return self.status != self.Status.STANDING


class MeterComponent(NaturalKeyModel):
    """One part of the reality meter's rubric, with the weight it gets by default."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(help_text="What it measures and how values are chosen.")
    default_weight = models.PositiveSmallIntegerField(validators=PERCENT)
    from_sources = models.BooleanField(
        default=False,
        help_text="Computed as the mean trust of the story's cited sources, not set by editors.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [_between_0_and_100("default_weight", "component_weight_0_100")]

    def __str__(self):
        return self.name


class Assessment(NaturalKeyModel):
    """A story's place on the evidence ladder, its time horizon and its reality score."""

    natural_key_fields = ("article__slug",)

    class Stage(models.IntegerChoices):
        CLAIM = 2, "Unconfirmed claim or idea (TRL 1–2)"
        LAB = 3, "Lab proof of concept: cells or early prototypes (TRL 3–4)"
        ANIMAL = 5, "Validated in animals or a working prototype (TRL 5)"
        FIRST_IN_HUMAN = 6, "First in humans, phase I, or a field demonstration (TRL 6)"
        PHASE_2 = 7, "Phase II or a pilot system (TRL 7)"
        PHASE_3 = 8, "Phase III or licensing (TRL 8)"
        IN_USE = 9, "Approved and in use (TRL 9)"

    class Horizon(models.TextChoices):
        NOW = "now", "Now"
        ONE_TWO = "1-2", "1–2 years"
        THREE_FIVE = "3-5", "3–5 years"
        FIVE_TEN = "5-10", "5–10 years"
        TEN_PLUS = "10+", "10+ years"

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="assessment"
    )
    stage = models.PositiveSmallIntegerField("evidence stage", choices=Stage.choices)
    horizon = models.CharField(
        "time horizon",
        max_length=10,
        choices=Horizon.choices,
        help_text="When this could plausibly matter to people.",
    )
    horizon_note = models.CharField("time horizon note", max_length=300, blank=True)
    score = models.PositiveSmallIntegerField(
        null=True, editable=False, help_text="Computed from the components; empty until complete."
    )
    scored_at = models.DateTimeField(null=True, editable=False)

    history = HistoricalRecords()
    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        constraints = [_between_0_and_100("score", "assessment_score_0_100")]

    def __str__(self):
        return f"Assessment of {self.article}"

    @property
    def band(self):
        return band_of(self.score, rubric.REALITY_BANDS)


class ComponentScore(NaturalKeyModel):
    """One row of "Why this score?": a component's value for a story, its weight and why."""

    natural_key_fields = ("article__slug", "component__slug")

    class Concern(models.TextChoices):
        """GRADE's reasons for lower certainty, in plain words."""

        RISK_OF_BIAS = "bias", "Risk of bias (e.g. open-label, unblinded)"
        INCONSISTENCY = "inconsistency", "Inconsistent results between studies"
        INDIRECTNESS = "indirectness", "Indirect (animals, a surrogate outcome, another group)"
        IMPRECISION = "imprecision", "Imprecise (few patients, wide intervals)"
        PUBLICATION_BIAS = "publication_bias", "Possible publication bias"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="component_scores")
    component = models.ForeignKey(MeterComponent, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=PERCENT,
        help_text="0–100. Leave empty for source trust: it is computed from the citations.",
    )
    weight = models.PositiveSmallIntegerField(
        validators=PERCENT, help_text="The weights of a story's components sum to 100."
    )
    rationale = models.TextField(blank=True, help_text="Why this value, in plain words.")
    stage_rule_departure = models.CharField(
        "why it departs from the stage rule (shown to readers)",
        max_length=300,
        blank=True,
        help_text="Only for the evidence stage, when its value is outside the range the "
        "methodology page gives for the story's stage.",
    )
    study_rule_departure = models.CharField(
        "why it departs from the study rule (shown to readers)",
        max_length=300,
        blank=True,
        help_text="Only for the evidence stage, when its value is further than the "
        "methodology page allows from what the cited studies propose.",
    )
    concerns = ArrayField(
        models.CharField(max_length=20, choices=Concern.choices),
        blank=True,
        default=list,
        help_text="Which of GRADE's reasons for lower certainty apply.",
    )

    history = HistoricalRecords()
    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["component__position", "component__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "component"], name="one_score_per_component"
            ),
            _between_0_and_100("value", "component_value_0_100"),
            _between_0_and_100("weight", "component_score_weight_0_100"),
        ]

    def __str__(self):
        return f"{self.component} for {self.article}"

    @property
    def concern_labels(self):
        return [self.Concern(concern).label for concern in self.concerns]


class ScoreChange(NaturalKeyModel):
    """The history of a story's meter: each change of its score, stage, components or
    citations, dated, with the reason and what moved.

    ``state`` is the meter as it stood after the change (trust/history.py), which the next
    rescore compares with; a row loaded from fixtures without one is taken as the
    state it names.
    """

    natural_key_fields = ("article__slug", "changed_at")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="score_changes")
    changed_at = models.DateTimeField(default=timezone.now)
    score = models.PositiveSmallIntegerField(null=True, help_text="Empty while not scored.")
    stage = models.PositiveSmallIntegerField(
        "evidence stage", null=True, choices=Assessment.Stage.choices
    )
    reason = models.CharField(max_length=300)
    changes = models.JSONField(default=list, help_text="What moved, one sentence an item.")
    state = models.JSONField(null=True, editable=False)

    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["changed_at", "pk"]
        constraints = [
            _between_0_and_100("score", "score_change_0_100"),
            models.UniqueConstraint(
                fields=["article", "changed_at"], name="one_score_change_per_moment"
            ),
        ]
        indexes = [models.Index(fields=["article", "changed_at"], name="score_change_story_idx")]

    def __str__(self):
        return f"{self.article}: {self.score} on {self.changed_at:%Y-%m-%d}"

    @property
    def band(self):
        return band_of(self.score, rubric.REALITY_BANDS)


class FalsifiableStatement(NaturalKeyModel):
    """What would change the story's score: one of up to three statements an editor
    writes that a future result could make true ('a phase 3 trial reports …')."""

    natural_key_fields = ("article__slug", "position")
    LIMIT = 3

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="falsifiable_statements"
    )
    text = models.CharField(
        max_length=300,
        help_text="A result that would move the score, and which way: "
        "'An independent lab replicates the effect (score up)'.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="one_statement_per_position"
            )
        ]

    def __str__(self):
        return self.text


class WatchFinding(models.Model):
    """What the citation watch (or the Retraction Watch import) found about a cited work
    since it last looked, waiting for an editor: nothing changes a public score until an
    editor accepts it."""

    class Kind(models.TextChoices):
        RETRACTION = "retraction", "Retraction"
        CONCERN = "concern", "Expression of concern"
        CORRECTION = "correction", "Correction"
        WITHDRAWAL = "withdrawal", "Withdrawal"
        PUBLISHED = "published", "Preprint now published"
        NEW_VERSION = "new_version", "New version"
        REINSTATEMENT = "reinstatement", "Reinstatement"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an editor"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    citation = models.ForeignKey(Citation, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    notice_doi = models.CharField(
        "notice's DOI", max_length=200, blank=True, help_text="The notice or the new version."
    )
    notice_date = models.DateField(null=True, blank=True)
    notice_url = models.URLField(max_length=500, blank=True)
    record_source = models.CharField(
        "source of the record",
        max_length=40,
        help_text="Where the watch read it: 'Crossref', 'Retraction Watch (via Crossref)', …",
    )
    detail = models.CharField(max_length=400, help_text="What was found, in a sentence.")
    found_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.CharField(
        max_length=300, blank=True, help_text="Why it was dismissed (or a note on accepting)."
    )

    class Meta:
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["citation", "kind", "notice_doi"], name="one_finding_per_notice"
            )
        ]
        indexes = [
            models.Index(
                fields=["found_at"],
                condition=models.Q(state="pending"),
                name="finding_pending_idx",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.citation}"
