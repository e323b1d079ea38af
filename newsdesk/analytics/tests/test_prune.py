from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from newsdesk.analytics.models import ArticleDailyViews, ArticleViewTotal
from newsdesk.articles.tests.factories import article_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(sections):
    article = article_publish(section=sections[("en", "society")], title="Long read")
    for day, views in [
        (date(2025, 1, 1), 5),
        (date(2026, 1, 30), 7),
        (date(2026, 1, 31), 11),
        (date(2026, 3, 1), 13),
    ]:
        ArticleDailyViews.objects.create(article=article, edition_id=article.locale_id, day=day, views=views)
    ArticleViewTotal.objects.create(article=article, views=36)
    return article


@time_machine.travel(datetime(2026, 3, 2, 6, 0, tzinfo=UTC), tick=False)
def test_prune_deletes_old_days_and_keeps_totals(history) -> None:
    out = StringIO()
    call_command("analytics_prune", "--days", "31", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "would delete 2 daily rows before 2026-01-31 (12 views); totals kept"
    assert ArticleDailyViews.objects.count() == 4
    out = StringIO()
    call_command("analytics_prune", "--days", "31", stdout=out)
    assert out.getvalue().strip() == "deleted 2 daily rows before 2026-01-31 (12 views); totals kept"
    assert sorted(ArticleDailyViews.objects.values_list("views", flat=True)) == [11, 13]
    assert ArticleViewTotal.objects.get(article=history).views == 36


@time_machine.travel(datetime(2026, 3, 2, 6, 0, tzinfo=UTC), tick=False)
def test_the_default_horizon_comes_from_settings(history, settings) -> None:
    settings.ANALYTICS_KEEP_DAYS = 400
    out = StringIO()
    call_command("analytics_prune", stdout=out)
    assert out.getvalue().strip() == "deleted 1 daily rows before 2025-01-27 (5 views); totals kept"
    assert ArticleDailyViews.objects.count() == 3


def test_a_horizon_shorter_than_the_longest_window_is_refused(history) -> None:
    with pytest.raises(CommandError, match="at least 31"):
        call_command("analytics_prune", "--days", "7", stdout=StringIO())
    assert ArticleDailyViews.objects.count() == 4
