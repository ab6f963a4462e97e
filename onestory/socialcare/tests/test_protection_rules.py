"""What the child in need pages rely on beyond the lead's rules tests: reviews come in any
order, and reviews from before the plan started do not count."""

from datetime import date

from .. import rules


def test_a_child_in_need_review_is_due_months_after_the_latest_review_not_the_first():
    due = rules.cin_review_due_on(
        plan_started_on=date(2026, 1, 10),
        reviews_held=[date(2026, 4, 2), date(2026, 3, 1)],
        months=3,
    )
    assert due == date(2026, 7, 2)


def test_reviews_before_the_plan_started_do_not_count():
    due = rules.cin_review_due_on(
        plan_started_on=date(2026, 1, 10), reviews_held=[date(2025, 12, 1)], months=3
    )
    assert due == date(2026, 4, 10)
