"""A second editor's approval, for tests that publish a story and are not about review
(articles/reviews.py): publishing needs one."""

from django.contrib.auth import get_user_model

from articles import reviews


def second_editor():
    user, _ = get_user_model().objects.get_or_create(
        username="second-editor", defaults={"is_staff": True}
    )
    return user


def approve(article, *, by=None):
    """Approve ``article`` as it reads now, by ``by`` (a second editor by default)."""
    return reviews.decide(
        article=article,
        by=by or second_editor(),
        verdict="approved",
        read_version=reviews.latest_version(article),
    )
