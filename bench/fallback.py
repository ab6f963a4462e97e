"""A small stand-in for `onestory synth`, used only when that command is not installed.

It writes families (parents, children, some twins) with SYNTHETIC names, dates of birth and
postcodes, then plants second records of some people entered with the slips a front door sees
(short forms, typos, day and month swapped, a new last name, another spelling), recording
each in `synthetic.PlantedDuplicate`. Nothing here is a real person.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from onestory.people.rules import name_key

MALE = (
    "Robert:Bob,Rob|William:Bill,Will|James:Jim,Jamie|Thomas:Tom|Daniel:Dan,Danny|Joseph:Joe|"
    "Samuel:Sam|Benjamin:Ben|Alexander:Alex|Matthew:Matt|Michael:Mike|Christopher:Chris|"
    "Edward:Ed,Ted|Oliver:Ollie|Harry|Jack|George|Charlie|Noah|Leo|Oscar|Jacob|Ethan|Liam|"
    "Mohammed:Muhammad,Mohamed,Mohammad|Ahmed:Ahmad|Ali|Hassan:Hasan|Yusuf:Yousuf,Yousef|"
    "Ibrahim|Omar:Umar|Zain:Zayn|Hamza:Hamzah|Ayaan|Kacper|Jakub|Szymon|Andrei|Luca|Kwame|"
    "Chidi|Tunde|Abdi|Hussein:Hussain|Arjun|Rohan|Dev|Wei|Jun|Connor|Callum|Kyle|Reece:Rhys"
)
FEMALE = (
    "Elizabeth:Liz,Beth|Katherine:Kate,Katie|Margaret:Maggie,Peggy|Rebecca:Becky|"
    "Jessica:Jess|Victoria:Vicky|Samantha:Sam|Abigail:Abi|Olivia:Liv|Eleanor:Ellie|Amelia|"
    "Isla|Ava|Mia|Grace|Lily|Freya|Poppy|Sophie|Chloe|Emily|Ella|Ruby|Evie|"
    "Aisha:Ayesha|Fatima:Fatimah|Maryam:Mariam|Zainab:Zaynab|Khadija:Khadijah|Amira|Hafsa|"
    "Inaaya|Zofia:Sofia|Julia|Maja|Amara|Chioma|Nia|Hodan|Priya|Ananya|Mei|Leah|Jade|Kayleigh"
)
FAMILY = (
    "Smith|Jones|Williams|Brown|Taylor|Davies|Wilson|Evans|Thomas|Johnson|Roberts|Walker|"
    "Wright|Robinson|Thompson|White|Hughes|Edwards|Green|Hall|Wood|Harris|Lewis|Martin|Jackson|"
    "Clarke|Clark|Turner|Hill|Scott|Cooper|Morris|Ward|Moore|King|Watson|Baker|Harrison|"
    "Morgan|Patel|Khan|Hussain|Ali|Ahmed|Begum|Akhtar|Iqbal|Mahmood|Rahman|Islam|Miah|Uddin|"
    "Shah|Bibi|Kaur|Singh|Sharma|Kowalski|Nowak|Wisniewski|Popescu|Ionescu|Okafor|Adeyemi|"
    "Mensah|Osei|Mohamed|Abdi|Warsame|Campbell|Brown|Francis|Chen|Wang|Murphy|Kelly|O'Brien"
)


def _names(spec: str) -> list[tuple[str, list[str]]]:
    out = []
    for item in spec.split("|"):
        name, _, others = item.partition(":")
        out.append((name, [o for o in others.split(",") if o]))
    return out


def _zipf_choice(rng: random.Random, items: list, s: float = 1.0):
    # Common names are drawn far more often, as in a real authority.
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    return rng.choices(items, weights=weights)[0]


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def generate(*, people: int, seed: int, duplicate_share: float = 0.02, stdout=None) -> dict:
    """Write about `people` records and their planted duplicates. Returns counts."""
    from django.db import transaction
    from django.utils import timezone

    from onestory.people.models import Address, Person, PersonName
    from onestory.synthetic.models import PlantedDuplicate, SyntheticRun

    started = time.perf_counter()
    rng = random.Random(seed)
    male, female, family = _names(MALE), _names(FEMALE), FAMILY.split("|")
    postcodes = [
        f"LU{rng.randint(1, 7)} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        for _ in range(8000)
    ]
    person_rows, name_rows, address_rows, truth = [], [], [], []

    def add(given, family_name, born, sex, postcode, nhs, *, previous=None):
        person = Person(
            given_name=given, family_name=family_name, date_of_birth=born, sex=sex, nhs_number=nhs
        )
        person_rows.append(person)
        name_rows.append(
            PersonName(
                person=person,
                kind="legal",
                given_name=given,
                family_name=family_name,
                given_name_key=name_key(given),
                family_name_key=name_key(family_name),
            )
        )
        if previous:
            name_rows.append(
                PersonName(
                    person=person,
                    kind="previous",
                    given_name=given,
                    family_name=previous,
                    given_name_key=name_key(given),
                    family_name_key=name_key(previous),
                )
            )
        address_rows.append(
            Address(
                person=person,
                line_1=f"{rng.randint(1, 200)} Synthetic Road",
                town="Luton",
                postcode=postcode,
            )
        )
        return person

    def pick_given(sex):
        return _zipf_choice(rng, male if sex == "M" else female, 0.8)

    while len(person_rows) < people:
        surname = _zipf_choice(rng, family, 0.9)
        postcode = rng.choice(postcodes)
        for _ in range(rng.choice([1, 2, 2])):
            sex = rng.choice("MF")
            born = date(1968, 1, 1) + timedelta(days=rng.randint(0, 365 * 32))
            add(
                pick_given(sex)[0],
                surname,
                born,
                sex,
                postcode,
                nhs_number(rng) if rng.random() < 0.8 else "",
            )
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            born = date(2005, 1, 1) + timedelta(days=rng.randint(0, 365 * 20))
            for _twin in range(2 if rng.random() < 0.03 else 1):
                sex = rng.choice("MF")
                add(
                    pick_given(sex)[0],
                    surname,
                    born,
                    sex,
                    postcode,
                    nhs_number(rng) if rng.random() < 0.9 else "",
                )

    originals = rng.sample(person_rows, int(len(person_rows) * duplicate_share))
    for original in originals:
        variations = rng.sample(
            [
                "nickname",
                "typo_in_family_name",
                "typo_in_given_name",
                "day_month_swapped",
                "new_family_name",
                "other_spelling",
                "moved",
                "dob_digit_typo",
            ],
            rng.choice([1, 1, 2]),
        )
        given, family_name, born = original.given_name, original.family_name, original.date_of_birth
        choices = dict(male + female)
        if "nickname" in variations and choices.get(given):
            given = rng.choice(choices[given])
        if "other_spelling" in variations and choices.get(given):
            given = rng.choice(choices[given])
        if "typo_in_given_name" in variations:
            given = _typo(rng, given)
        if "typo_in_family_name" in variations:
            family_name = _typo(rng, family_name)
        if "new_family_name" in variations:
            family_name = rng.choice(family)
        if "day_month_swapped" in variations and born.day <= 12 and born.day != born.month:
            born = born.replace(day=born.month, month=born.day)
        if "dob_digit_typo" in variations:
            born = born + timedelta(days=rng.choice([-10, 10, 1, -1]))
        truth.append((original, given, family_name, born, variations))

    address_of = {id(p): a.postcode for p, a in zip(person_rows, address_rows, strict=True)}
    planted = []
    for original, given, family_name, born, variations in truth:
        postcode = rng.choice(postcodes) if "moved" in variations else address_of[id(original)]
        duplicate = add(
            given,
            family_name,
            born,
            original.sex,
            postcode,
            "" if rng.random() < 0.5 else original.nhs_number,
        )
        planted.append(
            PlantedDuplicate(original=original, duplicate=duplicate, variations=variations)
        )

    with transaction.atomic():
        Person.objects.bulk_create(person_rows, batch_size=2000)
        PersonName.objects.bulk_create(name_rows, batch_size=2000)
        Address.objects.bulk_create(address_rows, batch_size=2000)
        PlantedDuplicate.objects.bulk_create(planted, batch_size=2000)
        seconds = time.perf_counter() - started
        counts = {"people": len(person_rows), "planted_duplicates": len(planted)}
        SyntheticRun.objects.create(
            seed=seed,
            scale=people,
            generated_at=timezone.now(),
            seconds=seconds,
            counts={**counts, "generator": "bench"},
        )
    return counts
