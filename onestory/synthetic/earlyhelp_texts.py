"""Words for the synthetic early help records: short templates, invented, never real families.

Placeholders: {child} (a child's given name), {adult} (the parent's relation in lower case:
"mother"), {Adult} (capitalised), {parent} (what a child calls them: "Mum"), {school} (the
child's school or "school"), {team} (the early help team).
"""

# ----- what the family wants, and the assessment's own words -------------------------------------

WHAT_THE_FAMILY_WANTS = (
    "{Adult} wants mornings to be calmer and {child} to get to school on time.",
    "The family want help to sort out the rent arrears and to feel less stressed.",
    "{Adult} wants to understand {child}'s behaviour and to stop the arguments at bedtime.",
    "{Adult} wants {child} to feel happier and to make friends at {school}.",
    "The family would like someone to help them talk to each other without shouting.",
    "{Adult} wants support to feel safe at home and to help the children feel safe too.",
    "{Adult} wants to get back on top of things and to have time for the children again.",
)

FAMILY_STORY = {
    "child_mental_health": "{Adult} says {child} has been withdrawn and tearful for months and "
    "no longer wants to go out.",
    "child_disability": "{Adult} says {child} is waiting for a speech and language assessment and "
    "gets frustrated when nobody understands.",
    "child_isolation": "{Adult} says {child} spends most evenings alone in their room and has "
    "lost touch with friends.",
    "warmth": "{Adult} says the family hardly spend time together since things became difficult.",
    "boundaries": "{Adult} says {child} refuses to go to bed, hits out when told no, and "
    "{adult} does not know what to do.",
    "guidance": "{Adult} says they moved to Luton recently and do not know where to turn for "
    "advice about {child}.",
    "education": "{Adult} says {child} has missed a lot of school this term and mornings have "
    "become a battle.",
    "parent_mental_health": "{Adult} says they have been low for a long time and find it hard to "
    "get up in the morning.",
    "domestic_abuse": "{Adult} says there have been arguments at home, some reported to the "
    "police, and the children have heard them.",
    "parent_substance_misuse": "{Adult} says drinking has become a way of coping in the evenings.",
    "housing": "{Adult} says the family are in one damp room and may have to move again.",
    "income_debt": "{Adult} says the family are behind with the rent and bills and are worried "
    "about the bailiffs.",
    "bullying": "{Adult} says {child} is being picked on at school and online.",
    "extremism": "{Adult} is worried about what {child} is watching online.",
    "youth_violence": "{Adult} says {child} has been in fights near home and carries "
    "worries about older boys.",
    "young_substance_use": "{Adult} says {child} has been vaping and staying out with older "
    "friends.",
    "gangs": "{Adult} is worried about the older young people {child} now spends time with.",
    "exploitation": "{Adult} says {child} has new clothes and a phone the family did not buy.",
    "consanguinity": "{Adult} says the family need help to manage {child}'s health condition.",
}

EVIDENCE = {
    "child_mental_health": (
        "{child} scored high on the strengths and difficulties questionnaire; {school} has "
        "noticed {child} is tearful in class.",
        "{child} told the practitioner they feel sad most days.",
    ),
    "child_disability": (
        "Awaiting a speech and language assessment; the nursery reports limited words.",
        "{child} has an education, health and care plan; the family need help with routines.",
    ),
    "child_isolation": (
        "{child} has no activities outside school and rarely sees friends.",
        "{child} said they have nobody to talk to at break time.",
    ),
    "warmth": (
        "Observed little warmth between {adult} and {child} during the home visit.",
        "{child} said nobody at home listens to them.",
    ),
    "boundaries": (
        "No bedtime routine; {child} is often up after midnight.",
        "{Adult} describes daily shouting matches when {child} is asked to do anything.",
    ),
    "guidance": (
        "{Adult} is unsure what is normal for a child of {child}'s age.",
        "{Adult} asked for help with parenting and has no family nearby.",
    ),
    "education": (
        "{child}'s attendance is 82% this term, with most absences on Mondays.",
        "{school} reports late arrival most days and two fixed-term exclusions.",
    ),
    "parent_mental_health": (
        "{Adult} is on medication for depression and is waiting for talking therapy.",
        "{Adult} described panic attacks and not sleeping.",
    ),
    "domestic_abuse": (
        "Two police call-outs for verbal arguments this year; no injuries recorded.",
        "{Adult} disclosed controlling behaviour by a former partner.",
    ),
    "parent_substance_misuse": (
        "{Adult} said they drink most evenings to cope.",
        "Reported by the health visitor; {adult} agreed to talk to the drug and alcohol service.",
    ),
    "housing": (
        "The family live in temporary accommodation with damp and mould.",
        "A notice to leave has been served; the family may be homeless within two months.",
    ),
    "income_debt": (
        "Rent arrears of about £1,400 and council tax debt.",
        "The family have used the food bank three times this month.",
    ),
    "bullying": (
        "{school} has logged three incidents of bullying this half term.",
        "{child} showed the practitioner unkind messages from classmates.",
    ),
    "extremism": ("{school} raised worries about material {child} shared online.",),
    "youth_violence": (
        "{child} was a witness to a fight outside school and is frightened to walk home.",
        "Police stopped {child} twice near the town centre late at night.",
    ),
    "young_substance_use": (
        "{child} admitted vaping and trying cannabis with older friends.",
        "{school} found {child} with a vape twice this term.",
    ),
    "gangs": ("Police intelligence links {child}'s older friends to a local gang.",),
    "exploitation": (
        "{child} has gone missing overnight twice and came home with unexplained money.",
    ),
    "consanguinity": ("{child} has a genetic condition that needs regular hospital care.",),
}

STRENGTH_EVIDENCE = {
    "self_esteem": (
        "{child} is proud of their progress in reading.",
        "{child} talks confidently about what they are good at.",
    ),
    "wellbeing": (
        "{child} is mostly settled and happy at {school}.",
        "{child} says they feel safe at home.",
    ),
    "talents": (
        "{child} loves football and trains twice a week.",
        "{child} enjoys drawing and has won a prize at {school}.",
    ),
    "relationships": (
        "A close relationship with their grandmother, who visits every week.",
        "{Adult} and {child} clearly love each other and want things to be better.",
    ),
}

CHILD_WORDS = (
    "I want {parent} to be happy again.",
    "I don't like it when people shout. I want home to be calm.",
    "I want to go to school and not feel sick in the morning.",
    "I wish I had more friends to play with.",
    "I want my own bed and to stop moving house.",
    "I want {parent} to stop worrying about money.",
    "Things are OK but I get angry and I don't know why.",
)
CHILD_WORDS_BABY = (
    "{child} is too young to say; the practitioner observed {child} settled and smiling with "
    "{adult}.",
)

PARENT_VIEWS = (
    "{Adult} agrees with the worries and wants help now, before things get worse.",
    "{Adult} feels judged by services in the past but is willing to try.",
    "{Adult} says the family is coping but needs a bit of help with {child}.",
    "{Adult} thinks the main problem is money and that everything else follows from it.",
    "{Adult} wants the children to have a better start than they did.",
)

STRENGTHS_SUMMARY = (
    "The family love each other and want things to change.",
    "{Adult} is open and honest with the practitioner and keeps appointments.",
    "{child} has a good relationship with a teacher at {school}.",
    "Grandparents live nearby and help with school runs.",
    "{Adult} has already asked for help and started making changes.",
)

ANALYSIS = (
    "The worries are manageable with coordinated support; without it they are likely to grow.",
    "Most of the worries come from the pressure on {adult}; helping with that should help {child}.",
    "Several needs feed each other; the family need one plan and one lead professional.",
    "The family are motivated; the plan should build on what is already working.",
)

# ----- the team around the family ---------------------------------------------------------------

PLACES = (
    "Family home",
    "{school}",
    "{team} office",
    "Online video call",
    "Children's centre",
)

FIRST_MEETING_DECISIONS = (
    "Assessment agreed with the family. Action plan agreed; lead professional confirmed. Next "
    "review in six weeks.",
    "Everyone agreed the needs in the assessment and who will do what. The family chose the "
    "order of the actions.",
    "Plan agreed. {Adult} asked that school meetings happen after drop-off.",
)
REVIEW_MEETING_DECISIONS = (
    "Plan reviewed: actions carried on; one new action added. Next review in six weeks.",
    "Progress noted; the family want to keep going with the current plan.",
    "Agreed to close the actions that are done and focus on what is left.",
)
MINUTES = (
    "{Adult} spoke first about what has been hard. Each agency said what it has seen. "
    "The lead professional summarised the plan and read it back to the family.",
    "Short meeting; {child} joined for the first ten minutes and said what they want.",
    "The family said the meeting helped them feel listened to.",
)

# ----- the plan -----------------------------------------------------------------------------------

ACTIONS = {
    "child_mental_health": (
        "Refer {child} to the emotional well-being service",
        "{child} says they feel happier and the questionnaire score improves",
    ),
    "child_disability": (
        "Chase the speech and language assessment and share strategies with the nursery",
        "{child} has an assessment date and the family use the strategies at home",
    ),
    "child_isolation": (
        "Find an after-school club {child} wants to join",
        "{child} goes to a club every week",
    ),
    "warmth": (
        "Plan one family activity together each week",
        "{Adult} and {child} say they enjoy time together",
    ),
    "boundaries": (
        "Attend a parenting course and agree a bedtime routine",
        "{child} is in bed by nine on school nights",
    ),
    "guidance": (
        "Introduce {adult} to the family hub's parent group",
        "{Adult} says they know where to go for advice",
    ),
    "education": (
        "Meet {school} to agree a plan for mornings and attendance",
        "{child}'s attendance is above 95% for six weeks",
    ),
    "parent_mental_health": (
        "Book an appointment with the GP and self-refer to talking therapy",
        "{Adult} has support in place and says they feel better",
    ),
    "domestic_abuse": (
        "Safety plan with the domestic abuse service",
        "{Adult} has a safety plan and says the family feel safe at home",
    ),
    "parent_substance_misuse": (
        "Refer to the drug and alcohol service",
        "{Adult} attends appointments and drinking is reduced",
    ),
    "housing": (
        "Apply for rehousing with housing options and chase the repairs",
        "The family live somewhere safe, dry and settled",
    ),
    "income_debt": (
        "Book a debt advice appointment and check benefit entitlement",
        "A repayment plan is in place and the family have enough for food",
    ),
    "bullying": (
        "Agree a plan with {school} to stop the bullying",
        "{child} says the bullying has stopped",
    ),
    "extremism": (
        "Talk to the Prevent lead and agree online safety at home",
        "The family know the signs and {child} uses safe sites",
    ),
    "youth_violence": (
        "Link {child} with a youth worker and agree a safe route home",
        "{child} says they feel safe travelling to and from school",
    ),
    "young_substance_use": (
        "Sessions with the young people's substance use service",
        "{child} has stopped vaping and using drugs",
    ),
    "gangs": (
        "Youth worker mentoring and diversionary activities",
        "{child} spends time with friends away from the gang",
    ),
    "exploitation": (
        "Share worries with the exploitation panel and agree a safety plan",
        "{child} is not missing from home and is safe",
    ),
    "consanguinity": (
        "Coordinate hospital appointments and agree a care plan with the family",
        "Appointments are kept and the family feel confident managing the condition",
    ),
}

# ----- reviews and closure ------------------------------------------------------------------------

WHAT_HAS_CHANGED = {
    "better": (
        "Things are improving: actions are on track and the family say home is calmer.",
        "Good progress on most needs; {child}'s attendance is up and {adult} feels more in "
        "control.",
        "The family have done what they said they would and it is making a difference.",
    ),
    "same": (
        "Little has changed: some actions are late and the family have had a difficult month.",
        "Progress is slow; the plan has been changed to make the actions smaller.",
    ),
    "worse": (
        "The worries have grown since the last review despite support.",
        "New worries reported by {school}; the family stopped engaging with some actions.",
    ),
}
FAMILY_VIEWS = (
    "{Adult} says the support is helping.",
    "{Adult} says things are hard but they want to carry on.",
    "{child} says home feels better.",
    "{Adult} would like more help with the mornings.",
    "",
)

CLOSURE_SUMMARIES = {
    "needs_met": (
        "The family have met the goals in the plan and say they no longer need help; they know "
        "how to get help again.",
        "Every need has improved and held for two reviews; closed with the family's agreement.",
    ),
    "stepped_down": (
        "The needs are now low; the family will keep going to the family hub and {school} will "
        "keep an eye on {child}.",
        "Stepped down to universal services with the family's agreement.",
    ),
    "declined": (
        "{Adult} decided the family do not want early help at the moment; information about "
        "the family hub was given.",
        "The family stopped answering calls and did not come to the meeting; closed after "
        "letters and a home visit.",
    ),
    "moved_away": (
        "The family moved out of Luton; the new area's early help team was told, with consent.",
        "The family moved away; the records were shared with the new council's early help team.",
    ),
}

HANDOVER_NOTES = (
    "Handover: the family want calm mornings and help with money; actions are on track; the "
    "next review is due in three weeks.",
    "Handover: {Adult} prefers phone calls after three; the school action is late and needs "
    "chasing.",
)

# Actions that serve the whole plan rather than one need.
GENERIC_ACTIONS = (
    (
        "Lead professional to visit every two weeks and check how the plan is going",
        "The family say they know who to call and the plan stays on track",
    ),
    (
        "{Adult} to keep a diary of good days and hard days to bring to the review",
        "The family can see what helps and tell the team at the review",
    ),
)
