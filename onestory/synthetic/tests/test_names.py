"""The hand-written name lists are big enough and carry realistic spelling variants."""

import random

import pytest

from onestory.synthetic.communities import COMMUNITIES, NameBank
from onestory.synthetic.names import NameList, parse, read_file


def _spellings(stem: str, *sections: str) -> set[str]:
    lists = read_file(stem)
    return {s for section in sections for n in lists.get(section, []) for s in n.spellings}


@pytest.mark.parametrize("stem", ["british", "pakistani", "indian", "black_african"])
def test_larger_communities_have_150_given_names_per_sex_and_150_family_names(stem):
    assert len(_spellings(stem, "male", "male_young")) >= 150
    assert len(_spellings(stem, "female", "female_young")) >= 150
    assert len(_spellings(stem, "family")) >= 150


def test_other_white_names_polish_and_romanian_together_reach_200_surnames():
    assert len(_spellings("polish", "family") | _spellings("romanian", "family")) >= 200


def test_transliterations_of_one_name_are_kept_together():
    mohammed = read_file("pakistani")["male"][0]
    assert {"Mohammed", "Muhammad", "Mohammad"} <= set(mohammed.spellings)


def test_parser_reads_variants_short_forms_and_drops_repeats():
    lists = parse("[male]\nWilliam|Wiliam (Will, Bill), James,\nWilliam\n[family]\nSmith")
    assert [n.usual for n in lists["male"]] == ["William", "James"]
    assert lists["male"][0].spellings == ("William", "Wiliam")
    assert lists["male"][0].short_forms == ("Will", "Bill")


def test_common_names_are_drawn_more_often_than_rare_ones():
    lists = read_file("pakistani")["family"]
    name_list, rng = NameList(lists, steepness=1.05, offset=2.0), random.Random(5)
    drawn = [name_list.pick(rng).usual for _ in range(5000)]
    assert drawn.count(lists[0].usual) > 10 * max(1, drawn.count(lists[-1].usual))


def test_every_community_names_files_exist():
    bank, rng = NameBank(), random.Random(2)
    for community in COMMUNITIES.values():
        for sex in "MF":
            assert bank.given(community.given_names, sex, young=True, rng=rng)[1]
        for stem, _ in community.family_names:
            assert bank.family(stem, rng)[1]
