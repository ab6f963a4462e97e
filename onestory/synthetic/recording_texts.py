"""Words for the synthetic case recording: short, plainly made-up notes in everyday practice
language. "{child}" is the child's given name (a synthetic person's), "{carer}" the household's
usual carer ("mother", "grandmother"). No real person, place or event is named."""

# ----- social care ---------------------------------------------------------------------------

VISITS_SEEN_ALONE = (
    "Home visit. Saw {child} alone in their bedroom; {child} showed me their drawings and said "
    "things at home are calmer. Spoke with {carer} afterwards about the plan.",
    "Visited at home after school. {child} was happy to talk on their own and said they feel "
    "safe. Home conditions were adequate; food in the cupboards.",
    "Statutory visit. Spent time with {child} alone using the three houses tool. Worries: "
    "arguments at night. Good things: football on Saturdays.",
    "Visit to the placement. {child} talked with me alone in the garden; says school is going "
    "better and would like more contact with {carer}.",
    "Home visit. {child} was seen alone and completed the wishes and feelings sheet. No new "
    "concerns raised; {child} asked when the next meeting is.",
)
VISITS_SEEN = (
    "Home visit. {child} was seen with {carer} present; {child} did not want to talk alone "
    "today. Interaction between them was warm.",
    "Visited at home. {child} was asleep in the cot for part of the visit, then seen awake "
    "with {carer}. Sleeping arrangements checked and safe.",
    "Statutory visit. {child} was seen in the living room with the family. Discussed routines "
    "and school attendance with {carer}.",
    "Visit at the contact centre. {child} was seen during the session; {carer} arrived on "
    "time and the session went well.",
)
VISITS_NOT_SEEN = (
    "Home visit. {child} was not at home (at a friend's, {carer} said). Visit rearranged for "
    "later this week; {carer} agreed.",
    "Attempted visit. No answer at the door. Left a card and called {carer}, who said they "
    "were at an appointment. New date agreed.",
    "Visited the home; {carer} said {child} was unwell and asleep and declined to wake them. "
    "Manager informed; a further visit within two days.",
)
PHONE_CALLS = (
    "Phone call with {carer}. Updated on the week; {child} has been to school every day. "
    "Reminded {carer} of the appointment on Thursday.",
    "Call from the school's designated safeguarding lead: {child} arrived hungry on Monday. "
    "Agreed to raise it at the next visit.",
    "Phone call with the health visitor, who has seen {child} at the clinic. Weight is "
    "following the line; no concerns from health.",
    "Called {carer} to check how the new routine is going. {carer} said bedtimes are easier. "
    "Praised the progress.",
    "Phone call with the police safeguarding unit for an update. No new incidents reported at "
    "the address since the last meeting.",
    "Call with the GP surgery: {carer} has attended the last two appointments. Shared the "
    "date of the next review.",
)
MEETINGS = (
    "Core group meeting. Attended by {carer}, school and health. Progress on the plan reviewed; "
    "two actions carried forward.",
    "Meeting at school with the class teacher and {carer} about {child}'s attendance. An "
    "attendance plan was agreed.",
    "Professionals meeting to share information before the review. Agencies agree things have "
    "improved but remain fragile.",
    "Met {carer} at the office to go through the written agreement. {carer} signed it and "
    "took a copy home.",
    "Family network meeting. Relatives offered to help with school runs; a safety plan was "
    "agreed with the family.",
)
OBSERVATIONS = (
    "Observed {child} with {carer} at tea time. {carer} responded to {child}'s cues and "
    "managed a tantrum calmly.",
    "Observation at nursery: {child} played alongside others and separated from {carer} "
    "without distress.",
    "Observed contact between {child} and {carer}. Warm greeting; {carer} brought a snack "
    "and a book. Ended well.",
    "Observed the morning routine. {child} was dressed and fed before school; the home was tidy.",
)
OTHER_WORK = (
    "Direct work session with {child} on feelings and worries, using the feelings cards. "
    "{child} engaged well for half an hour.",
    "Wrote to {carer} to confirm the arrangements agreed at the last meeting.",
    "Sent the referral for a parenting course for {carer}; a start date is awaited.",
    "Checked the chronology and updated the genogram with the new baby's details.",
)
SIGNIFICANT = (
    "Police notification received: officers attended the home overnight after a report of a "
    "domestic incident. {child} was present. Strategy discussion requested.",
    "{child} was reported missing from home last night and found safe this morning. Return "
    "interview to be offered within 72 hours.",
    "{child} disclosed at school that they were hit at home. School made a referral; joint "
    "visit arranged with the police.",
    "{child} attended the emergency department with an injury; the hospital raised a concern. "
    "Manager informed the same day.",
    "{carer} was arrested and is in custody. {child} is staying with a relative tonight; "
    "arrangements checked and safe.",
    "The family were evicted today and are in emergency accommodation. Housing contacted; "
    "school informed.",
    "{child} moved to a new placement today. Their belongings went with them and school was "
    "told of the new address.",
)
OVERSIGHT = (
    "Case reviewed in management oversight. Visits are on time and the plan is being followed.",
    "Management oversight: reviewed the recent notes and the chronology. Some drift on the "
    "plan's actions.",
    "Oversight after the last visit. Risk remains; the family are engaging but progress is slow.",
    "Reviewed the case file. Recording is up to date; the child's voice is clear in the notes.",
)
OVERSIGHT_DECISIONS = (
    "Continue the current plan; next oversight in a month.",
    "Social worker to complete the outstanding actions before the review and update me.",
    "Increase visits to weekly until the review; revisit this decision then.",
    "Arrange a professionals meeting within two weeks to look again at the risks.",
    "Ask the school for an update on attendance; consider a step down at the review.",
)

# ----- early help ------------------------------------------------------------------------------

EARLY_HELP_VISITS = (
    "Home visit. Spent time with {child} and {carer} working on the morning routine chart. "
    "{carer} says mornings are less rushed.",
    "Visit to the family. {child} showed me their school work; we talked about the youth club "
    "at the family hub.",
    "Home visit to go through the family's budget with {carer}. A food bank voucher was given "
    "and the benefits check booked.",
    "Visited after school. {child} was chatty and talked about friends. {carer} asked for help "
    "with the school uniform grant.",
)
EARLY_HELP_OTHER = (
    "Phone call with {carer} to check on the week. Things are settled; next visit confirmed.",
    "Text reminder sent to {carer} about the parenting group on Tuesday.",
    "Spoke with the school's pastoral lead: {child}'s attendance is up this half term.",
    "Team Around the Family meeting held at school. Actions reviewed; two completed.",
    "Accompanied {carer} to the housing office to ask about repairs to the damp bedroom.",
    "Observed {child} at the stay and play session; played well and joined in singing.",
)

PRESENT = {
    "visit": ("{child} and {carer}", "{child}, {carer} and a younger sibling", "{child}"),
    "phone_call": ("{carer}", "The school's safeguarding lead", "The health visitor"),
    "meeting": (
        "{carer}, the class teacher, the school nurse",
        "{carer}, the health visitor",
        "{carer}, a family support worker, the school's safeguarding lead",
    ),
    "observation": ("{child} and {carer}", "{child}, nursery staff"),
    "other": ("{child}", "{carer}"),
    "management_oversight": ("",),
    "supervision": ("",),
}
# ----- supervision -------------------------------------------------------------------------------

SUPERVISION_CASES = (
    "Discussed progress against the plan. Worker's analysis is clear; the child's daily "
    "experience has improved.",
    "Discussed the recent incident and the family's response. Agreed the risk is managed "
    "within the current plan.",
    "Reflected on the worker's relationship with {carer}, who is finding it hard to engage. "
    "Agreed a different approach.",
    "Case discussed: visits are up to date; the next review is due. Worker to prepare the "
    "report a week ahead.",
    "Discussed drift: actions from the last meeting are not done. Agreed who will chase them.",
)
SUPERVISION_DECISIONS = (
    "Continue as planned.",
    "Joint visit with the manager next month.",
    "Update the chronology and the assessment before the review.",
    "Book a professionals meeting.",
)
SUPERVISION_DISCUSSION = (
    "Wellbeing: feeling settled; workload busy but manageable. Learning: booked onto the "
    "trauma-informed practice course.",
    "Wellbeing: tired after a run of late visits; agreed time back next week. Caseload "
    "reviewed; no new allocations this month.",
    "Wellbeing good. Workload: two reports due. Learning: shadowing a colleague at court.",
    "Reflected on a difficult visit. Wellbeing checked; the worker knows how to get support. "
    "Caseload within the team's limit.",
)

# ----- drafts left unfinished --------------------------------------------------------------------

DRAFTS = (
    "Home visit. {child} was at home with {carer}. We started talking about school and ",
    "Phone call with {carer} about the appointment next week. {carer} said ",
    "Observed {child} at tea time. ",
)

# ----- documents ---------------------------------------------------------------------------------

# (kind, visibility, title, text): the document's few lines; {school} is the child's school.
DOCUMENTS = (
    (
        "report",
        "record",
        "School report for {child}",
        "{school}. Report for the review. Attendance this term: good. {child} is settling in "
        "class and has a trusted adult in school. No new safeguarding concerns.",
    ),
    (
        "letter_received",
        "record",
        "Letter from the health visiting service",
        "Luton Health Visiting Service. Developmental review completed. Growth on track; "
        "immunisations up to date. Next contact at the two-year review.",
    ),
    (
        "letter_received",
        "case_team",
        "Police notification",
        "Police notification. Officers attended the address following a report of a "
        "disturbance. A child was present. Details shared for safeguarding purposes only.",
    ),
    (
        "assessment",
        "council",
        "Paediatric assessment summary",
        "Paediatric clinic. Assessment summary for {child}: general health good; referred "
        "for a hearing test. Follow-up in six months.",
    ),
    (
        "consent",
        "record",
        "Signed consent to share information",
        "Consent to share information. The family agrees that the agencies named may share "
        "information to support {child}. Signed by the parent or carer.",
    ),
)
