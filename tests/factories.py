"""Small factories for tests: sensible defaults, override what the test is about."""

import itertools
from datetime import timedelta

from django.utils import timezone

from articles.models import Article, GlossaryTerm, Topic
from predictions.models import TopicInterest

_numbers = itertools.count(1)


def topic_interests(key="pk"):
    """Every topic's stored reader interest (0 for a topic nobody has read), by ``key``."""
    return dict(TopicInterest.of_topics().values_list(key, "interest_amount"))


def make_topic(**overrides):
    number = next(_numbers)
    fields = {"name": f"Topic {number}", "slug": f"topic-{number}"}
    return Topic.objects.create(**(fields | overrides))


def make_term(**overrides):
    number = next(_numbers)
    fields = {
        "term": f"Term {number}",
        "slug": f"term-{number}",
        "definition": f"What term {number} means.",
    }
    return GlossaryTerm.objects.create(**(fields | overrides))


def make_article(*, topics=None, terms=(), **overrides):
    """A published story from an hour ago, in one new topic unless ``topics`` is given."""
    number = next(_numbers)
    fields = {
        "slug": f"story-{number}",
        "headline": f"Story number {number}",
        "dek": f"What story {number} is about.",
        "byline": "Test Desk",
        "explanation": f"The plain account of story {number}.",
        "technical": f"The technical account of story {number}.",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    }
    article = Article.objects.create(**(fields | overrides))
    article.topics.set(topics if topics is not None else [make_topic()])
    if terms:
        article.glossary_terms.set(terms)
    return article


def make_criteria(weights=(60, 40)):
    """A trust rubric of len(weights) criteria; by default two, weighing 60 and 40."""
    from trust.models import Criterion

    return [
        Criterion.objects.create(
            name=f"Criterion {index}",
            slug=f"criterion-{index}",
            description="Does it.",
            weight=weight,
            position=index,
        )
        for index, weight in enumerate(weights)
    ]


def make_source(*, meets=(), criteria=None, **overrides):
    """A source with a result for every criterion, meeting those in ``meets``; scored."""
    from trust.models import Criterion, CriterionResult, Source
    from trust.services import rescore_source

    number = next(_numbers)
    fields = {
        "name": f"Source {number}",
        "slug": f"source-{number}",
        "kind": Source.Kind.JOURNAL,
        "home_url": f"https://source{number}.example.org/",
    }
    source = Source.objects.create(**(fields | overrides))
    for criterion in criteria if criteria is not None else Criterion.objects.all():
        CriterionResult.objects.create(
            source=source, criterion=criterion, met=criterion in meets, note="Checked."
        )
    return rescore_source(source=source, reason="First scored")


def cite(article, source, **overrides):
    from trust.models import Citation

    position = overrides.pop("position", article.citations.count() + 1)
    fields = {
        "title": f"A study in {source.name}",
        "url": "https://example.org/study",
        "kind": Citation.Kind.PRIMARY_STUDY,
        "position": position,
    }
    return Citation.objects.create(article=article, source=source, **(fields | overrides))


def make_meter(article, *, values, weights, stage=6, horizon="5-10"):
    """An assessment with one component per value; ``None`` marks the source-trust one."""
    from trust.models import Assessment, ComponentScore, MeterComponent
    from trust.services import rescore_article

    Assessment.objects.create(article=article, stage=stage, horizon=horizon, horizon_note="Soon.")
    for index, (value, weight) in enumerate(zip(values, weights, strict=True)):
        component, _ = MeterComponent.objects.get_or_create(
            slug=f"component-{index}",
            defaults={
                "name": f"Component {index}",
                "description": "Measures it.",
                "default_weight": weight,
                "from_sources": value is None,
                "position": index,
            },
        )
        ComponentScore.objects.create(
            article=article,
            component=component,
            value=value,
            weight=weight,
            rationale=f"Why component {index} has this value.",
        )
    rescore_article(article=article)
    return Assessment.objects.get(article=article)


def make_question(article=None, **overrides):
    """An open question on a published story: opened a day ago, closes in 30 days."""
    from predictions.models import Question

    article = article or make_article()
    now = timezone.now()
    fields = {
        "slug": f"question-{next(_numbers)}",
        "text": "Will it happen by 2030?",
        "criteria": "Yes if it **happens**; no otherwise.",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
        "resolve_by": (now + timedelta(days=60)).date(),
    }
    return Question.objects.create(article=article, **(fields | overrides))


def picture_bytes(*, width=1000, height=600, fmt="PNG", exif=None, colour=None):
    """An image file's bytes, drawn with Pillow: a gradient, so resizing has work to do."""
    import io

    from PIL import Image

    number = next(_numbers)
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image.paste(colour or (number * 37 % 256, 90, 160), (0, 0, width // 3, height // 3))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def png_header(width, height):
    """A PNG that claims ``width`` × ``height`` pixels in a few dozen bytes: a bomb's shape."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def make_library_picture(**overrides):
    """A processed picture in the library, on no story yet."""
    from django.core.files.base import ContentFile

    from articles.models import Picture

    fields = {
        "alt": "A test card of coloured bands.",
        "credit": "Newsroom test graphic",
        "licence": "CC BY 4.0",
    }
    content = overrides.pop("content", None) or picture_bytes()
    picture = Picture(**(fields | overrides))
    picture.original = ContentFile(content, name="picture.png")
    picture.save()
    return picture


def make_picture(article, **overrides):
    """A picture placed on ``article``: the lead image unless ``role`` says otherwise. A
    new library picture unless ``picture`` is given; its fields (alt, credit, licence,
    focal point, content) may be overridden too."""
    from articles.models import ArticleImage

    placement = {"role": ArticleImage.Role.LEAD, "caption": "Bands of colour, for the test."}
    placement |= {
        key: overrides.pop(key) for key in ("role", "position", "caption") if key in overrides
    }
    picture = overrides.pop("picture", None) or make_library_picture(**overrides)
    image = ArticleImage(article=article, picture=picture, **placement)
    image.save()
    return image


def make_author(**overrides):
    from articles.models import Author

    number = next(_numbers)
    fields = {"name": f"Author {number}", "slug": f"author-{number}", "bio": "Writes stories."}
    return Author.objects.create(**(fields | overrides))
