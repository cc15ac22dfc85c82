"""Error pages that help a reader on: the 404 offers search and the latest stories."""

from django.shortcuts import render

from articles.models import Article

LATEST_ON_404 = 5


def page_not_found(request, exception):
    stories = Article.objects.published().for_listing().latest_first()[:LATEST_ON_404]
    return render(request, "404.html", {"stories": stories}, status=404)
