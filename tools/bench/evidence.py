"""The synthetic evidence: sources with criteria verdicts, citations and reality meters.

Every score is computed from the rows written here with trust.rubric, as the trust
services compute it.
"""

from datetime import timedelta

from tools.bench.bulk import BulkLoad
from tools.bench.stories import SLUG_PREFIX
from trust import models as trust
from trust import rubric

ASSESSMENT_FIELDS = ["article", "stage", "horizon", "horizon_note", "score", "scored_at"]
COMPONENT_FIELDS = ["article", "component", "value", "weight", "rationale", "concerns"]
SYNTHETIC_CRITERIA = [25, 15, 5, 15, 15, 10, 15]
# (weight, computed from the cited sources?) for a database without the fixture rubric.
SYNTHETIC_COMPONENTS = [(30, False), (15, True), (20, False), (20, False), (15, False)]


class Evidence(BulkLoad):
    def _sources(self, sizes):
        criteria = list(trust.Criterion.objects.values_list("pk", "weight"))
        if not criteria:
            ids = self._new_ids(trust.Criterion, len(SYNTHETIC_CRITERIA))
            self._copy(
                trust.Criterion,
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
            trust.MeterComponent.objects.values_list("pk", "default_weight", "from_sources")
        )
        if not self.components:
            ids = self._new_ids(trust.MeterComponent, len(SYNTHETIC_COMPONENTS))
            self._copy(
                trust.MeterComponent,
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
        kinds = list(trust.Source.Kind.values)
        self.source_trust = {}
        source_rows, result_rows = [], []
        for n, pk in enumerate(self._new_ids(trust.Source, sizes["sources"]), start=1):
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
            trust.Source,
            ["id", "name", "slug", "kind", "home_url", "description", "trust_score"],
            source_rows,
        )
        self._copy(trust.CriterionResult, ["source", "criterion", "met", "note"], result_rows)
        self._copy(
            trust.TrustScoreChange,
            ["source", "changed_at", "old_score", "new_score", "reason"],
            (
                (pk, self.now, None, score, "Synthetic data set for the benchmark")
                for pk, score in self.source_trust.items()
            ),
        )

    def _evidence(self):
        sources = list(self.source_trust)
        stages = list(trust.Assessment.Stage.values)
        horizons = list(trust.Assessment.Horizon.values)
        concerns = list(trust.ComponentScore.Concern.values)
        kinds = list(trust.Citation.Kind.values)
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
            from_cited = rubric.sources_component(self.source_trust[s] for s in set(cited))
            rows = []
            for component, weight, from_sources in self.components:
                value = from_cited if from_sources else self.rng.randint(5, 95)
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
            trust.Citation,
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
        self._copy(trust.Assessment, ASSESSMENT_FIELDS, assessments)
        self._copy(trust.ComponentScore, COMPONENT_FIELDS, scores)
