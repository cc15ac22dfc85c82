from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from newsroom.health import healthz
from newsroom.sitemaps import SITEMAPS

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "newsroom.views.page_not_found"
handler500 = "core.errors.server_error"

urlpatterns = [
    path("", include("articles.urls")),
    path("", include("trust.urls")),
    path("", include("predictions.urls")),
    path("", include("api.urls")),
    path("", include("notices.urls")),
    path("", include("accounts.urls")),
    path("healthz", healthz, name="healthz"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]
