"""Early help rules: the needs framework, reviews, distance travelled, closure and the Supporting
Families programme's eligibility and claims. Pure Python: no Django import."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from onestory.core.rules import add_months


@dataclass(frozen=True)
class Factor:
    """One line of the needs framework: a need (something that makes harm likelier) or a
    strength (something that protects), and the Supporting Families headline it evidences."""

    code: str
    label: str
    section: str
    is_strength: bool = False
    headline: str = ""


class Headline(StrEnum):
    """The ten headline outcomes of the National Supporting Families Outcome Framework.

    Source: Supporting Families programme guidance 2022 to 2025, chapter 3 (DLUHC, April 2022).
    """

    EDUCATION = "education"
    EARLY_YEARS = "early_years"
    HEALTH = "health"
    SUBSTANCE_USE = "substance_use"
    FAMILY_RELATIONSHIPS = "family_relationships"
    SAFE_FROM_EXPLOITATION = "exploitation"
    CRIME = "crime"
    DOMESTIC_ABUSE = "domestic_abuse"
    HOUSING = "housing"
    FINANCIAL_STABILITY = "financial"

    @property
    def label(self) -> str:
        return HEADLINE_LABELS[self]


HEADLINE_LABELS = {
    Headline.EDUCATION: "Getting a good education",
    Headline.EARLY_YEARS: "Good early years development",
    Headline.HEALTH: "Improved mental and physical health",
    Headline.SUBSTANCE_USE: "Better managed substance use",
    Headline.FAMILY_RELATIONSHIPS: "Improved family relationships",
    Headline.SAFE_FROM_EXPLOITATION: "Children safe from abuse and exploitation",
    Headline.CRIME: "Families diverted from crime",
    Headline.DOMESTIC_ABUSE: "Safe from domestic abuse",
    Headline.HOUSING: "Secure housing",
    Headline.FINANCIAL_STABILITY: "Financial stability",
}

# The needs framework of Luton's Early Help Strategy (seed 004, Appendix 1; Research in
# Practice), section by section. Each need names the Supporting Families headline it evidences
# (the mapping is ours: a council can change it in this table).
CHILD = "Children's vulnerabilities"
PARENTING = "How parents build children's resilience"
PROTECTIVE = "Protective characteristics"
PARENTS = "Parents' own needs"
ENVIRONMENT = "Environment"
LOCAL = "Local risks"

FRAMEWORK: tuple[Factor, ...] = (
    Factor("child_mental_health", "The child's mental health", CHILD, headline=Headline.HEALTH),
    Factor(
        "child_disability",
        "Disability or learning difficulty, especially speech and communication",
        CHILD,
        headline=Headline.EARLY_YEARS,
    ),
    Factor(
        "child_isolation",
        "Isolated from friends and from services",
        CHILD,
        headline=Headline.HEALTH,
    ),
    Factor(
        "warmth",
        "A warm and caring home",
        PARENTING,
        headline=Headline.FAMILY_RELATIONSHIPS,
    ),
    Factor(
        "boundaries",
        "Boundaries that suit the child's age",
        PARENTING,
        headline=Headline.FAMILY_RELATIONSHIPS,
    ),
    Factor(
        "guidance",
        "Advice and guidance from the parents",
        PARENTING,
        headline=Headline.FAMILY_RELATIONSHIPS,
    ),
    Factor(
        "education",
        "Engagement in education: attendance, exclusion, progress",
        PARENTING,
        headline=Headline.EDUCATION,
    ),
    Factor("self_esteem", "Self-esteem", PROTECTIVE, is_strength=True),
    Factor("wellbeing", "Emotional well-being", PROTECTIVE, is_strength=True),
    Factor("talents", "Talents and interests", PROTECTIVE, is_strength=True),
    Factor("relationships", "Strong relationships", PROTECTIVE, is_strength=True),
    Factor(
        "parent_mental_health",
        "A parent's mental health",
        PARENTS,
        headline=Headline.HEALTH,
    ),
    Factor("domestic_abuse", "Domestic abuse", PARENTS, headline=Headline.DOMESTIC_ABUSE),
    Factor(
        "parent_substance_misuse",
        "A parent's drug or alcohol misuse",
        PARENTS,
        headline=Headline.SUBSTANCE_USE,
    ),
    Factor("housing", "Unstable or unsuitable housing", ENVIRONMENT, headline=Headline.HOUSING),
    Factor(
        "income_debt",
        "Low income and debt",
        ENVIRONMENT,
        headline=Headline.FINANCIAL_STABILITY,
    ),
    Factor("bullying", "Bullying", LOCAL, headline=Headline.HEALTH),
    Factor(
        "extremism",
        "Extremism and radicalisation",
        LOCAL,
        headline=Headline.SAFE_FROM_EXPLOITATION,
    ),
    Factor("youth_violence", "Youth violence", LOCAL, headline=Headline.CRIME),
    Factor(
        "young_substance_use",
        "The young person's drug or alcohol use",
        LOCAL,
        headline=Headline.SUBSTANCE_USE,
    ),
    Factor("gangs", "Gangs", LOCAL, headline=Headline.CRIME),
    Factor(
        "exploitation",
        "Trafficking and exploitation",
        LOCAL,
        headline=Headline.SAFE_FROM_EXPLOITATION,
    ),
    Factor(
        "consanguinity",
        "Disability linked to consanguinity",
        LOCAL,
        headline=Headline.HEALTH,
    ),
)
FACTORS = {f.code: f for f in FRAMEWORK}
NEEDS = tuple(f for f in FRAMEWORK if not f.is_strength)
STRENGTHS = tuple(f for f in FRAMEWORK if f.is_strength)
SECTIONS = tuple(dict.fromkeys(f.section for f in FRAMEWORK))
# Three or more needs at once are "multiple risks" in the framework (seed 004, Appendix 1).
MULTIPLE_RISKS_AT = 3


class Presence(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"


class Severity(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


SEVERITY_LABELS = {
    Severity.LOW: "Low: the family is managing with a little help",
    Severity.MODERATE: "Moderate: it affects the child day to day",
    Severity.HIGH: "High: it could lead to harm without help",
}


class View(StrEnum):
    """Whose view a need or strength is recorded from."""

    PRACTITIONER = "practitioner"
    PARENT = "parent"
    CHILD = "child"
    OTHER_AGENCY = "agency"
    SHARED = "shared"


VIEW_LABELS = {
    View.PRACTITIONER: "The practitioner's",
    View.PARENT: "A parent's or carer's",
    View.CHILD: "The child's or young person's",
    View.OTHER_AGENCY: "Another agency's",
    View.SHARED: "Agreed by the family and practitioner",
}


class Closure(StrEnum):
    NEEDS_MET = "needs_met"
    STEPPED_UP = "stepped_up"
    STEPPED_DOWN = "stepped_down"
    DECLINED = "declined"
    MOVED_AWAY = "moved_away"


CLOSURE_LABELS = {
    Closure.NEEDS_MET: "Needs met",
    Closure.STEPPED_UP: "Stepped up to children's social care",
    Closure.STEPPED_DOWN: "Stepped down to universal services",
    Closure.DECLINED: "The family declined support",
    Closure.MOVED_AWAY: "The family moved away",
}

# Reviews of the action plan, unless the council sets another cadence: every 6 weeks (issue 4;
# the council's setting, held as dated data).
DEFAULT_REVIEW_WEEKS = 6
SCORE_RANGE = range(1, 11)  # distance travelled: 1 (worst) to 10 (best), per the issue


def next_review_on(last: date, every_weeks: int) -> date:
    return last + timedelta(weeks=every_weeks)


def is_overdue(due_on: date | None, today: date, *, done: bool) -> bool:
    return due_on is not None and not done and due_on < today


def distance_travelled(start: int | None, latest: int | None) -> int | None:
    """Points moved on the 1–10 scale since the start (positive is better)."""
    if start is None or latest is None:
        return None
    return latest - start


def completion_problems(
    *,
    has_consent: bool,
    has_lead_professional: bool,
    family_agreed: bool,
    agreed_by: str,
    answered: dict,
) -> dict[str, str]:
    """What stops an assessment being completed, each in words a practitioner can act on.

    `answered` maps each factor code to (presence, severity, evidence) as recorded.
    """
    problems = {}
    if not has_consent:
        problems["consent"] = (
            "Record the family's consent to early help before completing the assessment: "
            "open the episode and choose “Record consent”."
        )
    if not has_lead_professional:
        problems["lead_professional"] = (
            "Name a lead professional before completing the assessment: open the episode and "
            "choose “Change lead professional”."
        )
    if not family_agreed:
        problems["family_agreed"] = "Record that the family agrees with what the assessment says."
    elif not agreed_by.strip():
        problems["agreed_by"] = "Say who in the family agreed, for example “Mother, Amina”."
    present = [code for code, (presence, _, _) in answered.items() if presence == Presence.YES]
    needs = [code for code in present if code in FACTORS and not FACTORS[code].is_strength]
    if not needs:
        problems["needs"] = (
            "Record at least one need as present: an assessment with no needs should close as "
            "“Needs met” instead."
        )
    for code in needs:
        _, severity, evidence = answered[code]
        label = FACTORS[code].label
        if not severity:
            problems[f"{code}_severity"] = f"Say how serious “{label}” is."
        if not (evidence or "").strip():
            problems[f"{code}_evidence"] = f"Give the evidence for “{label}”."
    return problems


def headlines_of(need_codes) -> list[Headline]:
    """The Supporting Families headlines these needs evidence, in the framework's order."""
    found = {FACTORS[c].headline for c in need_codes if c in FACTORS and FACTORS[c].headline}
    return [h for h in Headline if h in found]


# --- Supporting Families ---------------------------------------------------------------------
# A family is eligible with needs under at least three headlines, a whole-family assessment,
# a lead practitioner and an action plan. Source: Supporting Families programme guidance 2022 to
# 2025, chapter 5 ("Evidencing successful family outcomes").
SF_MINIMUM_HEADLINES = 3
# A result is claimed only when every identified need has improved and the improvement has
# held for 6 months after the support ended. Source: as above, chapter 5.
SF_SUSTAINED_MONTHS = 6
# "Significant progress" on a need, measured on the 1–10 distance-travelled scale: the
# practitioner's latest score is at least 7 and at least 2 points better than at the start.
# Hand-set by us (the national framework leaves the measure of each need to local evidence).
SF_GOOD_SCORE = 7
SF_MINIMUM_GAIN = 2
# The closures a result can follow. The guidance judges the outcome on every need, sustained
# for 6 months after closure, not the name of the closure: a family stepped down to universal
# services because the help worked has succeeded as much as one closed "needs met". Hand-set:
# a family that declined or moved away cannot be shown to have sustained anything, and one
# stepped up to social care has not.
SF_RESULT_CLOSURES = frozenset({Closure.NEEDS_MET, Closure.STEPPED_DOWN})


class ClaimStatus(StrEnum):
    NOT_ELIGIBLE = "not_eligible"
    WORKING = "working"
    SUSTAINING = "sustaining"
    CLAIMABLE = "claimable"
    NOT_ACHIEVED = "not_achieved"
    CLAIMED = "claimed"


CLAIM_STATUS_LABELS = {
    ClaimStatus.NOT_ELIGIBLE: "Not eligible",
    ClaimStatus.WORKING: "Support under way",
    ClaimStatus.SUSTAINING: "Progress made: waiting for it to be sustained",
    ClaimStatus.CLAIMABLE: "Ready to claim",
    ClaimStatus.NOT_ACHIEVED: "Not every need improved",
    ClaimStatus.CLAIMED: "Claimed",
}


def made_progress(start: int | None, latest: int | None) -> bool:
    gain = distance_travelled(start, latest)
    return gain is not None and latest >= SF_GOOD_SCORE and gain >= SF_MINIMUM_GAIN


@dataclass(frozen=True)
class HeadlineEvidence:
    headline: Headline
    needs: tuple[str, ...]
    start: int | None
    latest: int | None
    progress: bool


@dataclass(frozen=True)
class ClaimAssessment:
    status: ClaimStatus
    reasons: tuple[str, ...]
    evidence: tuple[HeadlineEvidence, ...]
    sustained_from: date | None


def assess_claim(
    *,
    needs: dict[str, tuple[int | None, int | None]],
    assessed: bool,
    has_lead_professional: bool,
    has_plan: bool,
    closed_on: date | None,
    closure: str,
    came_back_on: date | None,
    claimed: bool,
    today: date,
) -> ClaimAssessment:
    """Where one family stands in the programme.

    `needs` maps each need identified at assessment to its (start, latest) practitioner score;
    `came_back_on` is the first day after closure the family needed help again (a new contact
    decided for help, a new episode, or a referral), if any.
    """
    by_headline: dict[Headline, list[str]] = {}
    for code in needs:
        factor = FACTORS.get(code)
        if factor and factor.headline:
            by_headline.setdefault(Headline(factor.headline), []).append(code)
    evidence = []
    for headline in Headline:
        codes = by_headline.get(headline)
        if not codes:
            continue
        starts = [needs[c][0] for c in codes if needs[c][0] is not None]
        latests = [needs[c][1] for c in codes if needs[c][1] is not None]
        start = min(starts) if starts else None
        latest = min(latests) if latests else None
        progress = all(made_progress(*needs[c]) for c in codes)
        evidence.append(HeadlineEvidence(headline, tuple(codes), start, latest, progress))
    reasons = []
    if len(evidence) < SF_MINIMUM_HEADLINES:
        reasons.append(
            f"Needs under {len(evidence)} headline(s); the programme needs at least "
            f"{SF_MINIMUM_HEADLINES}."
        )
    if not assessed:
        reasons.append("No completed whole-family assessment.")
    if not has_lead_professional:
        reasons.append("No lead professional.")
    if not has_plan:
        reasons.append("No action plan.")
    evidence = tuple(evidence)
    if reasons:
        return ClaimAssessment(ClaimStatus.NOT_ELIGIBLE, tuple(reasons), evidence, None)
    if claimed:
        return ClaimAssessment(ClaimStatus.CLAIMED, (), evidence, None)
    if closed_on is None:
        return ClaimAssessment(ClaimStatus.WORKING, (), evidence, None)
    missed = [e.headline.label for e in evidence if not e.progress]
    if closure not in SF_RESULT_CLOSURES or missed:
        why = [f"No significant progress on: {', '.join(missed)}."] if missed else []
        if closure not in SF_RESULT_CLOSURES:
            why.append(f"Closed as “{CLOSURE_LABELS.get(closure, closure)}”.")
        return ClaimAssessment(ClaimStatus.NOT_ACHIEVED, tuple(why), evidence, None)
    sustained_from = add_months(closed_on, SF_SUSTAINED_MONTHS)
    if came_back_on is not None and came_back_on < sustained_from:
        return ClaimAssessment(
            ClaimStatus.NOT_ACHIEVED,
            (
                f"The family needed help again on {came_back_on:%-d %B %Y}, within "
                f"{SF_SUSTAINED_MONTHS} months of closure.",
            ),
            evidence,
            sustained_from,
        )
    if today < sustained_from:
        return ClaimAssessment(ClaimStatus.SUSTAINING, (), evidence, sustained_from)
    return ClaimAssessment(ClaimStatus.CLAIMABLE, (), evidence, sustained_from)


# --- Supporting Families: saying where a family stands (the claim report) ---------------------


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def claim_explanation(assessment: ClaimAssessment, *, claimed_on: date | None = None) -> str:
    """Why a family can or cannot be claimed for now, in one sentence a manager can act on."""
    status = assessment.status
    if status == ClaimStatus.CLAIMABLE:
        since = _day(assessment.sustained_from)
        return (
            "Every need made significant progress and it has held for "
            f"{SF_SUSTAINED_MONTHS} months after closure (since {since}): it can be claimed."
        )
    if status == ClaimStatus.SUSTAINING:
        return (
            f"Every need made significant progress; the result can be claimed from "
            f"{_day(assessment.sustained_from)} if the family does not need help again before then."
        )
    if status == ClaimStatus.WORKING:
        return (
            "The family meets the programme's criteria and support is still under way: a result "
            f"is claimed only once every need has improved and held for {SF_SUSTAINED_MONTHS} "
            "months after closure."
        )
    if status == ClaimStatus.CLAIMED:
        when = f" on {_day(claimed_on)}" if claimed_on else ""
        return f"A result was already claimed for this family{when}: it cannot be claimed twice."
    return " ".join(assessment.reasons)
