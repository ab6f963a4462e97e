"""Where a family stands in the Supporting Families programme: pure rules, no database."""

from datetime import date

from onestory.earlyhelp import rules
from onestory.earlyhelp.rules import ClaimStatus, Closure, Headline

CLOSED = date(2025, 3, 31)
# Needs under three headlines: health, domestic abuse, housing; scores from 3 to 8.
IMPROVED = {
    "parent_mental_health": (3, 8),
    "domestic_abuse": (2, 7),
    "housing": (4, 9),
}


def assess(**changes):
    values = {
        "needs": IMPROVED,
        "assessed": True,
        "has_lead_professional": True,
        "has_plan": True,
        "closed_on": CLOSED,
        "closure": Closure.NEEDS_MET,
        "came_back_on": None,
        "claimed": False,
        "today": date(2025, 12, 1),
    }
    values.update(changes)
    return rules.assess_claim(**values)


def test_needs_under_two_headlines_are_not_eligible_however_many_needs():
    # Three needs, but two of them are under the same headline (health).
    result = assess(
        needs={"parent_mental_health": (3, 8), "child_mental_health": (3, 8), "housing": (3, 8)}
    )
    assert result.status == ClaimStatus.NOT_ELIGIBLE
    assert [e.headline for e in result.evidence] == [Headline.HEALTH, Headline.HOUSING]
    assert "at least 3" in result.reasons[0]


def test_every_missing_condition_of_eligibility_is_given():
    result = assess(assessed=False, has_lead_professional=False, has_plan=False)
    assert result.status == ClaimStatus.NOT_ELIGIBLE
    assert result.reasons == (
        "No completed whole-family assessment.",
        "No lead professional.",
        "No action plan.",
    )


def test_strengths_are_not_needs_and_evidence_no_headline():
    result = assess(needs={**IMPROVED, "self_esteem": (2, 9)})
    assert [e.headline for e in result.evidence] == [
        Headline.HEALTH,
        Headline.DOMESTIC_ABUSE,
        Headline.HOUSING,
    ]


def test_an_open_episode_is_support_under_way():
    result = assess(closed_on=None, closure="", needs=dict.fromkeys(IMPROVED, (3, 3)))
    assert result.status == ClaimStatus.WORKING
    assert result.sustained_from is None


def test_within_six_months_of_a_needs_met_closure_the_family_is_sustaining():
    result = assess(today=date(2025, 9, 29))
    assert result.status == ClaimStatus.SUSTAINING
    assert result.sustained_from == date(2025, 9, 30)
    assert all(e.progress for e in result.evidence)


def test_six_months_after_closure_the_result_is_claimable():
    result = assess(today=date(2025, 9, 30))
    assert result.status == ClaimStatus.CLAIMABLE
    assert result.sustained_from == date(2025, 9, 30)
    assert "can be claimed" in rules.claim_explanation(result)


def test_six_months_from_the_end_of_a_long_month_is_the_end_of_the_shorter_one():
    result = assess(closed_on=date(2025, 8, 31), today=date(2026, 3, 1))
    assert result.sustained_from == date(2026, 2, 28)
    assert result.status == ClaimStatus.CLAIMABLE


def test_a_need_that_did_not_improve_enough_means_no_result():
    # Housing moved from 4 to 6: two points, but not to a good score.
    result = assess(needs={**IMPROVED, "housing": (4, 6)})
    assert result.status == ClaimStatus.NOT_ACHIEVED
    assert result.reasons == ("No significant progress on: Secure housing.",)
    housing = next(e for e in result.evidence if e.headline == Headline.HOUSING)
    assert not housing.progress


def test_a_good_score_without_enough_gain_is_not_significant_progress():
    assert not rules.made_progress(7, 8)
    assert rules.made_progress(5, 7)
    assert not rules.made_progress(None, 9)


def test_one_need_short_of_progress_under_a_headline_holds_back_the_headline():
    result = assess(needs={**IMPROVED, "child_mental_health": (5, 5)})
    health = next(e for e in result.evidence if e.headline == Headline.HEALTH)
    assert health.needs == ("parent_mental_health", "child_mental_health")
    assert not health.progress
    assert result.status == ClaimStatus.NOT_ACHIEVED


def test_a_need_never_scored_is_not_progress():
    result = assess(needs={**IMPROVED, "housing": (None, None)})
    assert result.status == ClaimStatus.NOT_ACHIEVED


def test_a_family_needing_help_again_within_six_months_is_not_achieved():
    result = assess(came_back_on=date(2025, 6, 1))
    assert result.status == ClaimStatus.NOT_ACHIEVED
    assert result.reasons == (
        "The family needed help again on 1 June 2025, within 6 months of closure.",
    )


def test_a_family_needing_help_again_after_six_months_keeps_its_result():
    result = assess(came_back_on=date(2025, 10, 15), today=date(2025, 11, 1))
    assert result.status == ClaimStatus.CLAIMABLE


def test_a_family_stepped_down_to_universal_services_with_every_need_met_can_be_claimed():
    # The guidance judges the outcome on every need, not the closure's name.
    assert assess(closure=Closure.STEPPED_DOWN).status == ClaimStatus.CLAIMABLE


def test_closures_that_cannot_show_a_sustained_result_are_not_achieved():
    for closure in (Closure.STEPPED_UP, Closure.DECLINED, Closure.MOVED_AWAY):
        result = assess(closure=closure)
        assert result.status == ClaimStatus.NOT_ACHIEVED
        assert result.reasons == (f"Closed as “{rules.CLOSURE_LABELS[closure]}”.",)


def test_a_claimed_family_stays_claimed():
    result = assess(claimed=True)
    assert result.status == ClaimStatus.CLAIMED
    assert "cannot be claimed twice" in rules.claim_explanation(
        result, claimed_on=date(2025, 10, 2)
    )
    assert "2 October 2025" in rules.claim_explanation(result, claimed_on=date(2025, 10, 2))


def test_every_status_is_explained():
    cases = {
        ClaimStatus.NOT_ELIGIBLE: assess(has_plan=False),
        ClaimStatus.WORKING: assess(closed_on=None),
        ClaimStatus.SUSTAINING: assess(today=date(2025, 4, 1)),
        ClaimStatus.CLAIMABLE: assess(),
        ClaimStatus.NOT_ACHIEVED: assess(closure=Closure.DECLINED),
        ClaimStatus.CLAIMED: assess(claimed=True),
    }
    for status, result in cases.items():
        assert result.status == status
        assert rules.claim_explanation(result)
    assert "30 September 2025" in rules.claim_explanation(cases[ClaimStatus.SUSTAINING])
