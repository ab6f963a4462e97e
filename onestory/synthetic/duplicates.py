"""Planted duplicates: the same person keyed in a second time, as happens in every council.

Each duplicate is recorded in `synthetic.PlantedDuplicate` with the variations it carries, so
that matching and de-duplication can be scored against the truth.
"""

from datetime import date, timedelta

from onestory.people.models import Person
from onestory.people.rules import age_in_years

from .communities import COMMUNITIES
from .drafts import REFERENCE_DATE, YEAR, AddressLine, Draft, short_forms
from .identifiers import new_uuid, typo
from .models import PlantedDuplicate

# Share of people entered a second time as a separate record (the brief: about 1.5%).
DUPLICATE_RATE = 0.015


class DuplicatePlanter:
    """Mixed into the town generator: uses its random generator, name lists and buffers."""

    def plant_duplicate(self, original: Draft) -> None:
        """A second record of the same person, keyed in again with realistic differences."""
        rng = self.rng
        src = original.person
        given, middle, family, dob = (
            src.given_name,
            src.middle_names,
            src.family_name,
            src.date_of_birth,
        )
        options: dict[str, list[str]] = {"given": [], "family": [], "date": []}
        options["given"].append("typo_in_given_name")
        if short_forms(original.given, given):
            options["given"].append("nickname")
        if original.given and len(original.given.spellings) > 1:
            options["given"].append("transliteration_variant")
        if middle and original.given and original.given.usual == "Mohammed":
            options["given"] += ["middle_name_as_first_name"] * 3
        options["family"].append("typo_in_family_name")
        if original.family and len(original.family.spellings) > 1:
            options["family"].append("family_name_spelling_variant")
        adult_woman = src.sex == "F" and age_in_years(dob, REFERENCE_DATE) >= 18
        if adult_woman or original.step_family_name:
            options["family"] += ["new_family_name"] * 2
        if dob.day <= 12 and dob.day != dob.month:
            options["date"].append("day_month_swapped")
        groups = [g for g, ops in options.items() if ops]
        how_many = min(len(groups), rng.choices((1, 2, 3), weights=(55, 35, 10))[0])
        variations = [rng.choice(options[g]) for g in rng.sample(groups, how_many)]

        for variation in variations:
            if variation == "typo_in_given_name":
                given = typo(given, rng)
            elif variation == "nickname":
                given = rng.choice(short_forms(original.given, given))
            elif variation == "transliteration_variant":
                given = rng.choice([s for s in original.given.spellings if s != given])
            elif variation == "middle_name_as_first_name":
                given, middle = middle.split()[0], ""
            elif variation == "typo_in_family_name":
                family = typo(family, rng)
            elif variation == "family_name_spelling_variant":
                spellings = [s for s in original.family.spellings if s != family]
                if not spellings:
                    family = typo(family, rng)
                    variation = "typo_in_family_name"
                else:
                    family = rng.choice(spellings)
            elif variation == "new_family_name":
                if original.step_family_name and original.step_family_name != family:
                    family = original.step_family_name
                else:
                    community = COMMUNITIES[original.community]
                    for _ in range(10):
                        candidate = self.womans_name(community, self.family_name(community))[1]
                        if candidate != family:
                            family = candidate
                            break
                    else:
                        family = typo(family, rng)
            elif variation == "day_month_swapped":
                dob = date(dob.year, dob.day, dob.month)
        variations = list(dict.fromkeys(variations))

        nhs = src.nhs_number
        if nhs and self.chance(0.55):
            nhs = ""
            variations.append("missing_nhs_number")
        upn_value = src.upn
        if upn_value and self.chance(0.7):
            upn_value = ""
            variations.append("missing_upn")
        ethnicity = src.ethnicity
        if ethnicity != "NOBT" and self.chance(0.15):
            ethnicity = "NOBT"
            variations.append("ethnicity_not_recorded")
        current = original.addresses[0] if original.addresses else None
        address = current
        if current and self.chance(0.35):
            older = [
                a
                for a in original.addresses[1:]
                if (a.line_1, a.postcode) != (current.line_1, current.postcode)
            ]
            if older:
                address = older[0]
            else:
                start = current.valid_from - timedelta(days=rng.randint(YEAR, 5 * YEAR))
                address = self.address_in(None, max(start, dob), current.valid_from)
            if (address.line_1, address.postcode) != (current.line_1, current.postcode):
                variations.append("older_address")
            else:
                address = current

        duplicate = Person(
            id=new_uuid(rng),
            given_name=given,
            middle_names=middle,
            family_name=family,
            date_of_birth=dob,
            sex=src.sex,
            ethnicity=ethnicity,
            first_language=src.first_language,
            disabilities=[],
            nhs_number=nhs,
            upn=upn_value,
            immigration_status=src.immigration_status,
            unaccompanied_asylum_seeking=src.unaccompanied_asylum_seeking,
            estimated_age_years=src.estimated_age_years,
        )
        addresses = []
        if address:
            addresses = [
                AddressLine(
                    address.line_1,
                    address.line_2,
                    address.postcode,
                    address.ward,
                    address.lsoa,
                    address.valid_from,
                    None,
                )
            ]
        self.emit_person(
            Draft(
                person=duplicate,
                community=original.community,
                given=None,
                family=None,
                addresses=addresses,
            ),
            duplicate_of=original,
        )
        self.buffers.add_row(
            PlantedDuplicate, original_id=src.id, duplicate_id=duplicate.id, variations=variations
        )
        self.stats["planted_duplicates"] += 1
