"""Checks, made as a social worker records statutory work, that mirror children in need census
rules our forms cannot refuse (the record may be right, or only wrong together with other
records).

Pure Python: plain values in, findings out. Each check names the rule of the sector's validator
it mirrors: csc-validator-be-cin 0.1.13 (rules for 2025/26 and 2026/27; rule files under
cin_validator/rules/cin2022_23 unless said). What our actions already refuse needs no check
here: "no factors" with other factors (rule 8869), an assessment submitted without factors
(8897Q), a child protection plan without a category (8905, 8910), closing an episode without a
reason (8805) or with an assessment, plan or period of care still open (8867; 8868, an
enquiry still open, is warned of below), a referral
without a source or primary need (8866, 8610).
"""

from collections.abc import Iterable
from datetime import date

from onestory.core.rules import day_words
from onestory.frontdoor.census_checks import CIN, ERROR, QUERY, Finding

from . import reference

# Closure reasons "closed after assessment": no further action, referred to early help.
CLOSED_AFTER_ASSESSMENT = frozenset({"RC8", "RC9"})
DIED = "RC2"
SATURDAY = 5


def conference_day(held_on: date) -> list[Finding]:
    """The initial child protection conference's date."""
    if held_on.weekday() < SATURDAY:
        return []
    # csc-validator-be-cin 0.1.13, rule 8875: DateOfInitialCPC cannot be a weekend.
    return [
        Finding(
            CIN,
            "8875",
            ERROR,
            f"Children in need census: the initial child protection conference is recorded on "
            f"{held_on:%A} {day_words(held_on)}. The DfE rejects a conference date at a weekend "
            "(rule 8875). If the date is wrong, ask your team manager to have it corrected "
            "before the census is sent.",
        )
    ]


def protection_plan_dates(
    *, starts_on: date, ends_on: date | None, review_dates: Iterable[date] = ()
) -> list[Finding]:
    """A child protection plan's start, end and review conference dates."""
    found = []
    if ends_on is not None and ends_on == starts_on:
        # csc-validator-be-cin 0.1.13, rule 8840: a plan cannot start and end on the same day.
        found.append(
            Finding(
                CIN,
                "8840",
                ERROR,
                "Children in need census: the child protection plan started and ended on the "
                f"same day ({day_words(starts_on)}). The DfE rejects this (rule 8840). If a "
                "date is wrong, ask your team manager to have it corrected before the census "
                "is sent.",
            )
        )
    for day in sorted(set(review_dates)):
        if day <= starts_on:
            # csc-validator-be-cin 0.1.13, rule 8841: a review on or before the plan's start.
            found.append(
                Finding(
                    CIN,
                    "8841",
                    ERROR,
                    f"Children in need census: a review conference is recorded on "
                    f"{day_words(day)}, not after the child protection plan started "
                    f"({day_words(starts_on)}). The DfE rejects this (rule 8841). If the date "
                    "is wrong, ask your team manager to have it corrected.",
                )
            )
    return found


def child_in_need_plan_dates(*, starts_on: date, ends_on: date | None) -> list[Finding]:
    """A child in need plan's start and end."""
    if ends_on is None or ends_on != starts_on:
        return []
    # csc-validator-be-cin 0.1.13, rule 4012Q: a plan starting and ending on the same day.
    return [
        Finding(
            CIN,
            "4012Q",
            QUERY,
            "Children in need census: the child in need plan started and ended on the same day "
            f"({day_words(starts_on)}). The DfE will query this (rule 4012Q): the performance "
            "team will ask why, so make sure the plan's end reason explains it.",
        )
    ]


def child_in_need_plan_during_protection(
    *, starts_on: date, protection_plans: Iterable[tuple[date, date | None]], reference_date: date
) -> list[Finding]:
    """A child in need plan starting while one of the child's protection plans is open.

    `protection_plans` holds each plan's (start, end or None); `reference_date` is the 31 March
    of the census year (an open plan counts as open until then)."""
    for plan_start, plan_end in protection_plans:
        # csc-validator-be-cin 0.1.13, rule 4016: the CIN plan starts on or after the CP plan's
        # start, and before its end (or by the reference date when it has not ended).
        during = starts_on >= plan_start and (
            (plan_end is not None and starts_on < plan_end)
            or (plan_end is None and starts_on <= reference_date)
        )
        if during:
            return [
                Finding(
                    CIN,
                    "4016",
                    ERROR,
                    "Children in need census: the child has a child protection plan open since "
                    f"{day_words(plan_start)}. A child in need plan cannot run at the same time: "
                    "the DfE rejects this (rule 4016). End one of the two plans: the child in "
                    "need plan if the protection plan goes on, or the protection plan if it has "
                    "ended.",
                )
            ]
    return []


def assessment_overlap(
    *,
    started_on: date,
    others: Iterable[tuple[date, date | None]],
    reference_date: date,
) -> list[Finding]:
    """An assessment starting while another under the same referral was still going on.

    `others` holds each other assessment's (start, authorisation date or None)."""
    for other_start, other_end in others:
        # csc-validator-be-cin 0.1.13, rule 8863Q: this one starts on or after the other's start
        # and on or before its authorisation (or by the reference date when not authorised).
        if started_on < other_start:
            continue
        if (other_end is not None and started_on <= other_end) or (
            other_end is None and started_on <= reference_date
        ):
            still = (
                f"was authorised on {day_words(other_end)}"
                if other_end
                else "is not yet authorised"
            )
            return [
                Finding(
                    CIN,
                    "8863Q",
                    QUERY,
                    "Children in need census: another assessment under this referral started "
                    f"on {day_words(other_start)} and {still}, so the two overlap. The DfE will "
                    "query this (rule 8863Q). A new assessment should start after the last one "
                    "was authorised: check the start date.",
                )
            ]
    return []


def enquiry_without_assessment(*, assessments_on_episode: int) -> list[Finding]:
    """A section 47 enquiry under a referral with no child and family assessment."""
    if assessments_on_episode:
        return []
    # csc-validator-be-cin 0.1.13, rule 2991Q: a Section47 module and no assessment on the
    # CIN episode.
    return [
        Finding(
            CIN,
            "2991Q",
            QUERY,
            "Children in need census: there is no child and family assessment under this "
            "referral. The DfE will query a section 47 enquiry without one (rule 2991Q). Start "
            "the assessment from the child's page.",
        )
    ]


def enquiry_overlap(
    *,
    starts_on: date,
    others: Iterable[tuple[date, date | None, bool]],
    reference_date: date,
) -> list[Finding]:
    """A section 47 enquiry starting while another under the same referral is still going on.

    `others` holds each other enquiry's (start, initial conference date or None, whether it
    decided no conference was needed)."""
    for other_start, conference_on, not_required in others:
        # csc-validator-be-cin 0.1.13, rule 8890: starts on or after the other's start and on
        # or before its initial conference, or by the reference date when the other has neither
        # a conference nor a decision that none is needed.
        if starts_on < other_start:
            continue
        if (conference_on is not None and starts_on <= conference_on) or (
            conference_on is None and not not_required and starts_on <= reference_date
        ):
            return [
                Finding(
                    CIN,
                    "8890",
                    ERROR,
                    "Children in need census: another section 47 enquiry under this referral "
                    f"(started {day_words(other_start)}) had not reached its initial conference "
                    "or a decision that none is needed. The DfE rejects two at once (rule 8890). "
                    "Complete the earlier enquiry, with the conference's date or why none is "
                    "needed.",
                )
            ]
    return []


def episode(
    *,
    closure_reason: str,
    assessment_factors: list[list[str]],
    date_of_death: date | None,
    enquiries: Iterable[tuple[date | None, bool]] = (),
) -> list[Finding]:
    """A child in need episode: its closure reason (blank while open) against its assessments
    (each one's factors, empty until it is authorised), its section 47 enquiries (each one's
    initial conference date or None, and whether it decided none was needed) and the child's
    date of death."""
    found = []
    reason = closure_reason or ""
    if reason and any(held is None and not not_needed for held, not_needed in enquiries):
        # csc-validator-be-cin 0.1.13, rule 8868: a closed episode's every Section47 has a
        # DateOfInitialCPC or ICPCnotRequired true.
        found.append(
            Finding(
                CIN,
                "8868",
                ERROR,
                "Children in need census: the episode is closed, but a section 47 enquiry under "
                "it has neither an initial conference date nor a decision that no conference is "
                "needed. The DfE rejects this (rule 8868). Complete the enquiry: record the "
                "conference, or that none is needed.",
            )
        )
    if reason in CLOSED_AFTER_ASSESSMENT and not assessment_factors:
        # csc-validator-be-cin 0.1.13, rule 8825Q: RC8 or RC9 with no assessment on the episode.
        found.append(
            Finding(
                CIN,
                "8825Q",
                QUERY,
                f"Children in need census: the episode's closure reason is {reason} "
                f"({_reason(reason)}) but there is no assessment under this referral. The DfE "
                "will query "
                "this (rule 8825Q). If no assessment was done, RC7 (services ceased for any "
                "other reason) may be the right reason: ask your team manager.",
            )
        )
    if (
        len(assessment_factors) == 1
        and reference.NO_FACTORS in assessment_factors[0]
        and reason not in CLOSED_AFTER_ASSESSMENT
    ):
        # csc-validator-be-cin 0.1.13, rule 8873Q: the episode's only assessment found no
        # factors (21) but the episode is not closed RC8 or RC9 (an open episode counts too).
        state = f"closes with reason {reason} ({_reason(reason)})" if reason else "stays open"
        found.append(
            Finding(
                CIN,
                "8873Q",
                QUERY,
                "Children in need census: the only assessment under this referral found no "
                f"factors (21), but the episode {state}. The DfE will query this (rule 8873Q): "
                "an assessment that finds no factors usually ends the episode as closed after "
                "assessment (RC8 or RC9). The performance team will ask why.",
            )
        )
    if reason == DIED and date_of_death is None:
        # csc-validator-be-cin 0.1.13, rule 8585Q: closed as Died with no date of death.
        found.append(
            Finding(
                CIN,
                "8585Q",
                QUERY,
                "Children in need census: the episode is closed because the child died (RC2), "
                "but the child's record has no date of death. The DfE will query this (rule "
                "8585Q). Add the date of death on the child's details page.",
            )
        )
    return found


def _reason(code: str) -> str:
    return reference.CIN_CLOSURE_REASONS.get(code, code).lower()
