"""Project-level views: the 404 page, which offers the latest stories."""

from django.db import DatabaseError
from django.shortcuts import render

from articles.models import Article

LATEST_ON_404 = 5


def page_not_found(request, exception):
    try:
        stories = list(Article.objects.published().for_listing().latest_first()[:LATEST_ON_404])
    except DatabaseError:  # the 404 still answers while the database is away
        stories = []
    return render(request, "404.html", {"stories": stories}, status=404)
