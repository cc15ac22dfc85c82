"""The synthetic evidence: sources with criteria verdicts, citations and reality meters.

Every score is computed from the rows written here with trust.rubric, as the trust
services compute it.
"""

from datetime import timedelta

from tools.bench.bulk import BulkLoad
from tools.bench.stories import SLUG_PREFIX
from trust import rubric
from trust.models import (
    Assessment,
    Citation,
    ComponentScore,
    Criterion,
    CriterionResult,
    MeterComponent,
    Source,
    TrustScoreChange,
)

SYNTHETIC_CRITERIA = [25, 15, 5, 15, 15, 10, 15]
# (weight, computed from the cited sources?) for a database without the fixture rubric.
SYNTHETIC_COMPONENTS = [(30, False), (15, True), (20, False), (20, False), (15, False)]


class Evidence(BulkLoad):
    def _sources(self, sizes):
        criteria = list(Criterion.objects.values_list("pk", "weight"))
        if not criteria:
            ids = self._new_ids(Criterion, len(SYNTHETIC_CRITERIA))
            self._copy(
                Criterion,
                ["id", "name", "slug", "description", "weight", "position"],
                (
                    (
                        pk,
                        f"Synthetic criterion {n}",
                        f"{SLUG_PREFIX}criterion-{n}",
                        "Made up.",
                        w,
                        n,
                    )
                    for n, (pk, w) in enumerate(zip(ids, SYNTHETIC_CRITERIA, strict=True), 1)
                ),
            )
            criteria = list(zip(ids, SYNTHETIC_CRITERIA, strict=True))
        self.components = list(
            MeterComponent.objects.values_list("pk", "default_weight", "from_sources")
        )
        if not self.components:
            ids = self._new_ids(MeterComponent, len(SYNTHETIC_COMPONENTS))
            self._copy(
                MeterComponent,
                ["id", "name", "slug", "description", "default_weight", "from_sources", "position"],
                (
                    (
                        pk,
                        f"Synthetic component {n}",
                        f"{SLUG_PREFIX}component-{n}",
                        "Made up.",
                        w,
                        f,
                        n,
                    )
                    for n, (pk, (w, f)) in enumerate(zip(ids, SYNTHETIC_COMPONENTS, strict=True), 1)
                ),
            )
            self.components = [
                (pk, w, f) for pk, (w, f) in zip(ids, SYNTHETIC_COMPONENTS, strict=True)
            ]
        kinds = list(Source.Kind.values)
        self.source_trust = {}
        source_rows, result_rows = [], []
        for n, pk in enumerate(self._new_ids(Source, sizes["sources"]), start=1):
            met = [(criterion, weight, self.rng.random() < 0.6) for criterion, weight in criteria]
            self.source_trust[pk] = rubric.source_trust((weight, ok) for _, weight, ok in met)
            source_rows.append(
                (
                    pk,
                    f"Synthetic source {n:03d}",
                    f"{SLUG_PREFIX}source-{n:03d}",
                    self.rng.choice(kinds),
                    f"https://example.org/synthetic/source-{n:03d}",
                    "A made-up publisher in the benchmark's synthetic data set.",
                    self.source_trust[pk],
                )
            )
            result_rows += [(pk, criterion, ok, "Synthetic verdict.") for criterion, _, ok in met]
        self._copy(
            Source,
            ["id", "name", "slug", "kind", "home_url", "description", "trust_score"],
            source_rows,
        )
        self._copy(CriterionResult, ["source", "criterion", "met", "note"], result_rows)
        self._copy(
            TrustScoreChange,
            ["source", "changed_at", "old_score", "new_score", "reason"],
            (
                (pk, self.now, None, trust, "Synthetic data set for the benchmark")
                for pk, trust in self.source_trust.items()
            ),
        )

    def _evidence(self):
        sources = list(self.source_trust)
        stages = list(Assessment.Stage.values)
        horizons = list(Assessment.Horizon.values)
        concerns = list(ComponentScore.Concern.values)
        kinds = list(Citation.Kind.values)
        citations, assessments, scores = [], [], []
        for pk, _ in self.stories:
            cited = [self.rng.choice(sources) for _ in range(self.rng.randint(1, 4))]
            for position, source in enumerate(cited):
                citations.append(
                    (
                        pk,
                        source,
                        f"Synthetic study {pk}-{position}",
                        f"https://example.org/synthetic/study-{pk}-{position}",
                        f"10.5555/synthetic.{pk}.{position}",
                        (self.now - timedelta(days=self.rng.randint(30, 2000))).date(),
                        self.rng.choice(kinds),
                        "",
                        position,
                    )
                )
            trust = rubric.sources_component(self.source_trust[source] for source in set(cited))
            rows = []
            for component, weight, from_sources in self.components:
                value = trust if from_sources else self.rng.randint(5, 95)
                rows.append((value, weight))
                picked = self.rng.sample(concerns, self.rng.randint(0, 2))
                scores.append((pk, component, value, weight, "Synthetic rationale.", picked))
            assessments.append(
                (
                    pk,
                    self.rng.choice(stages),
                    self.rng.choice(horizons),
                    "Synthetic horizon note.",
                    rubric.story_score(rows),
                    self.now,
                )
            )
        self._copy(
            Citation,
            [
                "article",
                "source",
                "title",
                "url",
                "doi",
                "published_on",
                "kind",
                "note",
                "position",
            ],
            citations,
        )
        self._copy(
            Assessment,
            ["article", "stage", "horizon", "horizon_note", "score", "scored_at"],
            assessments,
        )
        self._copy(
            ComponentScore,
            ["article", "component", "value", "weight", "rationale", "concerns"],
            scores,
        )
