"""POST data for the editors' article form, as the admin's own page would send it."""

ARTICLE_INLINES = [
    "corrections",
    "images",
    "assessment",
    "component_scores",
    "citations",
    "question",
]


def management_form(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def rows(prefix, *dicts, initial=0):
    """An inline formset's fields: one dict per row, plus its management form."""
    data = management_form(prefix, len(dicts), initial)
    for index, row in enumerate(dicts):
        data |= {f"{prefix}-{index}-{key}": value for key, value in row.items()}
    return data


def article_form(**overrides):
    """A complete story with empty inlines; override fields or add inline rows."""
    data = {
        "headline": "Bees learn to count to four",
        "slug": "bees-count-to-four",
        "dek": "Honeybees trained with sugar rewards picked the card with four shapes.",
        "byline": "Test Desk",
        "explanation": "Bees can count, a little. Bees did well.",
        "technical": "Forager bees were trained on a Y-maze.",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
    }
    for prefix in ARTICLE_INLINES:
        data |= management_form(prefix, 0)
    return data | overrides
