"""The Early Help Strategy's measures of whether it is making a difference (seed 004, section
12), in our own words, each with the hub's measures that answer it from case records or, where
the record cannot, why not and what a council would bring in to measure it.

Pure data (no query): the hub shows each one beside the figures of its measure ids.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class StrategyMeasure:
    key: str
    # What the strategy will monitor, in our words.
    text: str
    # The hub's measures that answer it; when `measurable` is False, those that shed some light
    # on it (possibly none).
    measure_ids: tuple[str, ...]
    # Whether onestory's case records can measure it.
    measurable: bool
    # Why the records cannot measure it, and the data a council would import to do so; for a
    # measurable one, what part of it the records do not show (empty when nothing).
    why_not: str = ""


SECTION_12: tuple[StrategyMeasure, ...] = (
    StrategyMeasure(
        key="help_before_statutory_services",
        text=(
            "Families get help when they first need it, so fewer of them go on to need "
            "statutory services: fewer families stepped up from early help to social care, "
            "more stepped down to early help, and episodes that end with needs met."
        ),
        measure_ids=(
            "early_help_episodes_open",
            "early_help_outcomes",
            "early_help_step_ups",
            "early_help_step_downs",
            "cin_rate_per_10000",
            "cp_rate_per_10000",
            "cla_rate_per_10000",
        ),
        measurable=True,
    ),
    StrategyMeasure(
        key="assessments_by_partners",
        text=(
            "More early help assessments completed, led by professionals from a wider range "
            "of partner agencies, not only the council's own early help teams."
        ),
        measure_ids=("early_help_assessments", "early_help_assessments_by_partners"),
        measurable=True,
        why_not=(
            "Assessments count where onestory records them: a partner that still completes "
            "its assessments on paper or in its own system is not counted until they are "
            "entered here."
        ),
    ),
    StrategyMeasure(
        key="cp_plans_toxic_trio",
        text=(
            "Fewer children on child protection plans because of a parent's poor mental "
            "health, domestic abuse or misuse of drugs or alcohol."
        ),
        measure_ids=("cp_plans_toxic_trio", "cp_plans"),
        measurable=True,
        why_not=(
            "The record holds the factors found at the child's assessment (the children in "
            "need census's codes), not the reason a conference gave for the plan: a plan "
            "counts when its episode's assessment found one of these factors."
        ),
    ),
    StrategyMeasure(
        key="disabled_children_short_breaks",
        text=(
            "More disabled children supported through short breaks, and fewer of them "
            "needing to come into care."
        ),
        measure_ids=("disabled_children_short_breaks", "disabled_children_in_need"),
        measurable=True,
        why_not=(
            "Only short breaks for which the child is looked after (SSDA903 legal status V3 "
            "or V4) are in the record. Short breaks given as a service under section 17 (day "
            "sessions, clubs, direct payments) are held by the short breaks service and its "
            "providers: a council would import their list of children and breaks given."
        ),
    ),
    StrategyMeasure(
        key="bullying",
        text="Less bullying among children and young people.",
        measure_ids=("early_help_needs",),
        measurable=False,
        why_not=(
            "Bullying is recorded by schools (incident logs) and asked about in pupil "
            "surveys, not in children's case records. A council would import schools' counts "
            "of bullying incidents or a pupil well-being survey, by school and ward. Early "
            "help assessments that found bullying (a need of the framework) show only the "
            "families who came for help."
        ),
    ),
    StrategyMeasure(
        key="school_attendance",
        text="Better school attendance.",
        measure_ids=(),
        measurable=False,
        why_not=(
            "Attendance is held by schools and collected by the DfE (the school census and "
            "the daily attendance data schools share). A council would import pupils' "
            "attendance from its education system, matched to children by unique pupil "
            "number."
        ),
    ),
    StrategyMeasure(
        key="persistent_absence_exclusions",
        text="Fewer pupils persistently absent, suspended or excluded from school.",
        measure_ids=(),
        measurable=False,
        why_not=(
            "Persistent absence, suspensions and permanent exclusions are recorded by "
            "schools and returned to the DfE in the school census. A council would import "
            "them from its education system (or the DfE's published figures by school), "
            "matched by unique pupil number."
        ),
    ),
    StrategyMeasure(
        key="attainment",
        text="Better results at each key stage of school and at GCSE.",
        measure_ids=(),
        measurable=False,
        why_not=(
            "Key stage and GCSE results are held by schools, exam boards and the DfE "
            "(the National Pupil Database). A council would import its pupils' results from "
            "its education data team, matched by unique pupil number, to compare children "
            "helped with their peers."
        ),
    ),
    StrategyMeasure(
        key="participation",
        text=(
            "Young people stay in education or training to 18, as the law on raising the "
            "participation age requires."
        ),
        measure_ids=("care_leavers_eet",),
        measurable=False,
        why_not=(
            "Participation of 16 and 17 year olds is tracked by the council's youth "
            "participation service and reported to the DfE through NCCIS (the National "
            "Client Caseload Information System); a council would import its NCCIS "
            "extract. onestory records education, employment and training only for care "
            "leavers."
        ),
    ),
    StrategyMeasure(
        key="neet",
        text="Fewer young people not in education, employment or training.",
        measure_ids=("care_leavers_eet",),
        measurable=False,
        why_not=(
            "Young people not in education, employment or training are tracked in NCCIS "
            "(see participation), not in case records; a council would import its NCCIS "
            "extract. onestory records it only for care leavers at their birthday contact."
        ),
    ),
    StrategyMeasure(
        key="gang_offending",
        text="Less offending linked to gangs.",
        measure_ids=("early_help_needs", "factors_at_assessment"),
        measurable=False,
        why_not=(
            "Offences are recorded by the police and the youth justice service (its case "
            "management system and the Youth Justice Board's returns). A council would import "
            "the youth justice service's offences and first-time entrants, flagged where "
            "gang-related. Assessments that found gangs (early help's framework; the census "
            "factor 13A) show only the children known to the service."
        ),
    ),
    StrategyMeasure(
        key="extremism",
        text="Fewer young people drawn into extremist groups.",
        measure_ids=("early_help_needs",),
        measurable=False,
        why_not=(
            "Prevent referrals and Channel cases are held by the police and the council's "
            "Channel panel, under their own sharing rules. A council would import counts by "
            "age and ward from the Channel panel; early help assessments that found "
            "extremism and radicalisation show only the families who came for help."
        ),
    ),
    StrategyMeasure(
        key="anti_social_behaviour",
        text="Less anti-social behaviour.",
        measure_ids=(),
        measurable=False,
        why_not=(
            "Anti-social behaviour is recorded by the police and the council's community "
            "safety team as incidents by place, mostly with no child identified. A council "
            "would import incident counts by ward from the community safety partnership."
        ),
    ),
    StrategyMeasure(
        key="family_work_training",
        text="More parents and carers in work or training.",
        measure_ids=(),
        measurable=False,
        why_not=(
            "Employment and benefits are held by the DWP and Jobcentre Plus; Supporting "
            "Families evidences work outcomes by matching families with DWP data. A council "
            "would import those matched results (or employment advisers' records). Early "
            "help records low income and debt as a need, not whether a parent is in work."
        ),
    ),
    StrategyMeasure(
        key="integrated_plans",
        text=(
            "More children with a disability or additional needs with one plan joining up "
            "their health, education and care."
        ),
        measure_ids=(),
        measurable=False,
        why_not=(
            "Education, health and care plans are held in the council's special educational "
            "needs system and returned to the DfE in the SEN2 collection. A council would "
            "import its SEN2 data (plans issued, in time, by child), matched by unique pupil "
            "number."
        ),
    ),
    StrategyMeasure(
        key="analysis_of_assessments",
        text=(
            "A better understanding of families' needs, from a systematic analysis of early "
            "help assessments."
        ),
        measure_ids=("early_help_needs",),
        measurable=True,
    ),
)
BY_KEY = {m.key: m for m in SECTION_12}
