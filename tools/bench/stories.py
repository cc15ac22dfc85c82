"""The synthetic stories: topics, glossary terms, and bodies assembled from filler text.

Stories are "Synthetic story 00001" (slugs ``synthetic-…``); bodies are written
already rendered, as articles' Markdown pipeline would render them: rendering
Markdown 20,000 times would take longer than everything else.
"""

import math
from datetime import timedelta

from articles.models import Article, GlossaryTerm, Topic
from articles.rendering import WORDS_PER_MINUTE
from tools.bench.bulk import BulkLoad

SLUG_PREFIX = "synthetic-"
READER_PREFIX = "bench-"
# One theme word per story, each used by 1 % of stories: searching for one finds a
# realistic few hundred matches. The benchmark searches for SEARCH_WORD.
THEMES = (
    "graphene neutrino microbiome exoplanet perovskite tokamak prion metamaterial "
    "superconductor ribozyme organoid quasar antibiotic photonics biofilm magnetar "
    "spintronics retrovirus zeolite aerogel chemokine pulsar gravitino lidar fungicide "
    "polymerase skyrmion tardigrade isotope glacier monsoon coral permafrost aquifer "
    "mitochondria axon cochlea retina enzyme antibody vaccine telomere ribosome plasmid "
    "catalyst electrolyte anode cathode hydrogel nanotube qubit photon laser lens "
    "satellite asteroid comet nebula galaxy supernova volcano earthquake tsunami aerosol "
    "ozone methane biochar algae seaweed wheat rice cassava pollinator beetle mosquito "
    "bacteriophage malaria tuberculosis dengue influenza measles insulin dopamine "
    "serotonin melatonin cortisol collagen keratin cartilage tendon marrow plasma "
    "platelet stemcell genome proteome epigenome transposon chromatin histone codon "
    "allele haplotype speciation fossil dinosaur mammoth"
).split()
SEARCH_WORD = THEMES[0]
VOCABULARY = (
    "researchers measured samples across several sites and found that the effect held "
    "under most conditions while the uncertainty remained wide because the study was "
    "small and the follow-up short independent groups have not yet repeated the work "
    "which means the result should be read as an early signal rather than a settled "
    "finding the team used a controlled design with careful blinding and reported both "
    "benefits and harms in absolute numbers that readers can weigh funding came from "
    "public grants and the authors declared no conflicts the data are available in a "
    "public repository so others can check the analysis engineers estimate that cost "
    "and manufacturing remain the main obstacles to wider use over the next decade "
    "models suggest the mechanism involves a change in structure that alters how energy "
    "moves through the system although direct evidence is limited experts not involved "
    "said the approach is promising but cautioned that laboratory results often fail "
    "to carry over into practice"
).split()

ARTICLE_FIELDS = (
    "id slug headline dek byline explanation explanation_html technical technical_html "
    "status published_at created_at updated_at reading_time_minutes search_terms"
).split()
# Popularity of the n-th most popular story is proportional to n^-POPULARITY_SKEW: at
# full size the top story draws about 0.8 % of reads and forecasts, the median 0.003 %.
POPULARITY_SKEW = 0.6
DRAFT_SHARE = 0.01
YEARS_OF_STORIES = 3


class Stories(BulkLoad):
    def _topics_and_terms(self, sizes):
        existing = list(Topic.objects.values_list("pk", flat=True))
        self.topic_ids = self._new_ids(Topic, sizes["topics"])
        self._copy(
            Topic,
            ["id", "name", "slug", "description"],
            (
                (
                    pk,
                    f"Synthetic topic {n:03d}",
                    f"{SLUG_PREFIX}topic-{n:03d}",
                    f"A made-up topic, number {n}, in the benchmark's synthetic data set.",
                )
                for n, pk in enumerate(self.topic_ids, start=1)
            ),
        )
        # Synthetic stories join existing topics too, so the fixture stories sit among them.
        self.topic_pool = self.topic_ids + existing
        self.terms = []  # (pk, term, slug)
        for n, pk in enumerate(self._new_ids(GlossaryTerm, sizes["terms"]), start=1):
            self.terms.append((pk, f"Synthetic term {n:04d}", f"{SLUG_PREFIX}term-{n:04d}"))
        self._copy(
            GlossaryTerm,
            ["id", "term", "slug", "aliases", "definition", "definition_html"],
            (
                (
                    pk,
                    term,
                    slug,
                    "",
                    f"A made-up term for the benchmark ({term}).",
                    f"<p>A made-up term for the benchmark ({term}).</p>",
                )
                for pk, term, slug in self.terms
            ),
        )

    def _paragraphs(self, count):
        """A pool of filler paragraphs, as (Markdown, HTML): stories are assembled from it."""
        pool = []
        for _ in range(count):
            sentences = []
            for _ in range(self.rng.randint(5, 8)):
                words = self.rng.choices(VOCABULARY, k=self.rng.randint(9, 15))
                sentences.append(" ".join(words).capitalize() + ".")
            text = " ".join(sentences)
            pool.append((text, f"<p>{text}</p>"))
        return pool

    def _section(self, pool, paragraphs, theme, terms, heading):
        mentions_md = " and ".join(term for _, term, _ in terms)
        mentions_html = " and ".join(
            f'<a class="term" href="#term-{slug}">{term}</a>' for _, term, slug in terms
        )
        lead = f"This synthetic report on {theme} turns on {{}}, as the benchmark requires."
        chosen = self.rng.sample(pool, paragraphs)
        middle = len(chosen) // 2
        markdown = [lead.format(mentions_md), *(md for md, _ in chosen[:middle])]
        markdown += [f"### {heading}", *(md for md, _ in chosen[middle:])]
        html = [f"<p>{lead.format(mentions_html)}</p>", *(h for _, h in chosen[:middle])]
        html += [f"<h3>{heading}</h3>", *(h for _, h in chosen[middle:])]
        return "\n\n".join(markdown), "\n".join(html)

    def _plan_stories(self, sizes):
        """Ids, publish times and popularity: what reads and forecasts are planned from."""
        count = sizes["stories"]
        span = timedelta(days=365 * YEARS_OF_STORIES)
        self.stories = []  # (pk, published_at, or None for a draft), oldest first
        for n, pk in enumerate(self._new_ids(Article, count), start=1):
            # One every few hours, the newest an hour ago.
            published = self.now - timedelta(hours=1) - span * (count - n) / count
            self.stories.append((pk, None if self.rng.random() < DRAFT_SHARE else published))
        self.published = [(pk, at) for pk, at in self.stories if at is not None]
        # Popularity drives both reads and forecasts, so the most-read story is also the
        # most-forecast one: the "viral story" the benchmark loads.
        weights = [1 / (rank + 1) ** POPULARITY_SKEW for rank in range(len(self.published))]
        self.rng.shuffle(weights)
        self.popularity = weights

    def _stories(self):
        pool = self._paragraphs(min(400, max(20, len(self.stories))))
        topic_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(self.topic_pool))]
        self.rng.shuffle(topic_weights)
        rows, topic_rows, term_rows = [], [], []
        for n, (pk, published) in enumerate(self.stories, start=1):
            theme = THEMES[n % len(THEMES)]
            terms = sorted(
                self.rng.sample(self.terms, min(len(self.terms), self.rng.randint(3, 8)))
            )
            topics = set(self.rng.choices(self.topic_pool, topic_weights, k=self.rng.randint(1, 3)))
            explanation, explanation_html = self._section(
                pool, 5, theme, terms[:2], "Why it matters"
            )
            technical, technical_html = self._section(pool, 9, theme, terms[2:], "Mechanism")
            words = len(explanation.split()) + len(technical.split())
            written = published or self.now - timedelta(days=1)
            rows.append(
                (
                    pk,
                    f"{SLUG_PREFIX}story-{n:05d}",
                    f"Synthetic story {n:05d}: {theme}",
                    f"A synthetic standfirst about {theme} for the benchmark's data set.",
                    "Bench Generator",
                    explanation,
                    explanation_html,
                    technical,
                    technical_html,
                    Article.Status.PUBLISHED if published else Article.Status.DRAFT,
                    published,
                    written - timedelta(days=1),
                    written,
                    max(1, math.ceil(words / WORDS_PER_MINUTE)),
                    # As articles.signals.collect_search_terms writes it: a line per term.
                    "\n".join(term for _, term, _ in terms),
                )
            )
            topic_rows += [(pk, topic) for topic in sorted(topics)]
            term_rows += [(pk, term_pk) for term_pk, _, _ in terms]
        self._copy(Article, ARTICLE_FIELDS, rows)
        self._copy(Article.topics.through, ["article", "topic"], topic_rows)
        self._copy(Article.glossary_terms.through, ["article", "glossaryterm"], term_rows)

    # ------------------------------------------------------------------ evidence
