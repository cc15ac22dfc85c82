"""Every page type, and the admin, run in Chromium under the CSP without a violation.

The policy forbids inline scripts, inline styles and eval. A page that needs
any of them breaks for real readers; here the browser reports each violation
as a `securitypolicyviolation` event and a console message, and both are
collected for every page.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from articles.models import Article, GlossaryTerm, Topic
from predictions.models import Question
from trust.models import Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


class ViolationRecorder:
    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(text)

    def assert_none(self, where):
        events = self.page.evaluate("window.__cspViolations || []")
        assert not events and not self.console, f"{where}: {events} {self.console}"


@pytest.fixture
def csp_page(page):
    return page, ViolationRecorder(page)


def reader_pages():
    article = Article.objects.published().first()
    return [
        "/",
        article.get_absolute_url(),
        f"{article.get_absolute_url()}?part=evidence",
        "/topics/",
        Topic.objects.first().get_absolute_url(),
        "/glossary/",
        GlossaryTerm.objects.first().get_absolute_url(),
        "/sources/",
        Source.objects.first().get_absolute_url(),
        "/methodology/",
        "/predictions/",
        Question.objects.public().first().get_absolute_url(),
        Question.objects.resolved().first().get_absolute_url(),
        "/predictions/me/",
        "/predictions/leaderboard/",
        "/community/",
        "/search/?q=cells",
        "/search/?q=perovskyte",
        "/no-such-page/",
    ]


def test_reader_pages_run_without_csp_violations(csp_page, fixture_content):
    page, violations = csp_page
    for url in reader_pages():
        page.goto(url)
        page.wait_for_load_state("load")
        violations.assert_none(url)


def test_voting_and_forecasting_with_javascript_inject_nothing_inline(csp_page, fixture_content):
    page, violations = csp_page
    article = Article.objects.published().filter(question__isnull=False).first()
    page.goto(article.get_absolute_url())
    page.evaluate("window.stillTheSamePage = true")
    panel = page.locator("#community")
    panel.get_by_role("button", name="Promising").click()
    page.locator("#community").get_by_text("Your read: Promising").wait_for()
    page.locator("#community").get_by_role("button", name="Overhyped").click()
    page.locator("#community").get_by_text("Your read: Overhyped").wait_for()
    assert page.evaluate("window.stillTheSamePage") is True
    violations.assert_none("article after voting")

    forecast = page.locator("#forecast")
    if forecast.count() and forecast.get_by_role("button", name="Submit forecast").count():
        forecast.get_by_label("How likely is “yes”?").fill("30")
        forecast.get_by_role("button", name="Submit forecast").click()
        page.locator("#forecast").get_by_text("Your forecast: 30%").wait_for()
        violations.assert_none("article after forecasting")


@pytest.fixture
def editor_in_browser(csp_page, live_server):
    page, violations = csp_page
    User.objects.create_superuser("csp-editor", "csp@example.org", "a-long-editor-password")
    page.goto(reverse("admin:login"))
    violations.assert_none("admin login")
    page.fill("#id_username", "csp-editor")
    page.fill("#id_password", "a-long-editor-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    violations.assert_none("admin index")
    return page, violations


def test_the_admin_runs_without_csp_violations(editor_in_browser, fixture_content):
    page, violations = editor_in_browser
    page.goto(reverse("admin:articles_article_add"))
    # Prepopulated slug: the admin's script fills it from the headline (data attributes,
    # no inline script).
    page.locator("#id_headline").press_sequentially("A headline typed by an editor")
    assert page.input_value("#id_slug") == "a-headline-typed-by-an-editor"
    page.fill("#id_explanation", "Some **Markdown** with a [link](https://example.org).")
    # The preview renders it from the server, into the page, before the check.
    page.locator("#id_explanation ~ .markdown-aside .markdown-preview__body strong").wait_for()
    violations.assert_none("admin add article")

    article = Article.objects.published().first()
    for url in (
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_changelist"),
        reverse("admin:trust_source_change", args=[Source.objects.first().pk]),
        reverse("admin:predictions_question_changelist"),
    ):
        page.goto(url)
        page.wait_for_load_state("load")
        violations.assert_none(url)

    # The autocomplete widget (select2) builds its dropdown with script.
    page.goto(reverse("admin:articles_article_add"))
    page.locator(".field-topics .select2-selection").first.click()
    page.locator(".select2-results__option").first.wait_for()
    violations.assert_none("admin autocomplete")


def test_an_inline_script_is_blocked_and_recorded(csp_page, fixture_content):
    """The control: the recorder does see a violation when there is one."""
    page, violations = csp_page
    page.goto("/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.inlineRan = true";
          document.body.appendChild(script);
          document.body.setAttribute("style", "color: red");
        }"""
    )
    # The browser reports a violation as an event, after the script that caused it.
    page.wait_for_function("window.__cspViolations.length >= 2")
    assert page.evaluate("window.inlineRan") is None
    with pytest.raises(AssertionError, match="script-src"):
        violations.assert_none("/")
