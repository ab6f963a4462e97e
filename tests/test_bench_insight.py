"""The performance hub benchmark's pure helpers: how councils are sized, copied and shared out."""

from statistics import median

from bench import insight


def test_council_sizes_run_from_a_quarter_to_five_lutons_around_lutons_size():
    sizes = insight.council_sizes(150)
    assert len(sizes) == 150
    assert min(sizes) >= 1 and max(sizes) <= 20
    assert median(sizes) == insight.UNITS_PER_LUTON
    # About England's 12 million children in all (a unit is 15,000 children).
    children = sum(sizes) * insight.UNIT_SCALE * insight.CHILDREN_AT_SCALE_1
    assert 9_000_000 < children < 15_000_000


def test_council_sizes_are_the_same_every_run():
    assert insight.council_sizes(20) == insight.council_sizes(20)


def test_spread_picks_councils_across_the_sizes():
    sizes = list(range(1, 101))
    assert insight.spread(sizes, 4) == [13, 38, 63, 88]
    assert insight.spread(sizes[:3], 5) == [1, 2, 3]


def test_fit_line_finds_the_time_per_unit_of_size():
    assert insight.fit_line([1, 2, 3], [3.0, 5.0, 7.0]) == (1.0, 2.0)


def test_fit_line_is_flat_when_every_council_is_one_size():
    assert insight.fit_line([4, 4], [2.0, 4.0]) == (3.0, 0.0)


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert insight.percentile(values, 0.5) == 10.0
    assert insight.percentile(values, 0.95) == 19.0
    assert insight.percentile([2.5], 0.95) == 2.5


def test_tables_in_finds_the_tables_a_query_reads():
    sql = (
        'SELECT COUNT(DISTINCT "frontdoor_referral"."person_id") FROM "frontdoor_referral" '
        'INNER JOIN "people_person" ON ("frontdoor_referral"."person_id" = "people_person"."id") '
        'LEFT OUTER JOIN "people_address" T3 ON ("people_person"."id" = T3."person_id")'
    )
    assert insight.tables_in(sql) == {"frontdoor_referral", "people_person", "people_address"}


def test_a_copy_shifts_its_keys_and_the_first_copy_keeps_them():
    assert insight.shifted("id", "uuid").startswith('CASE WHEN c = 0 THEN "id"')
    assert insight.shifted("id", "bigint") == '"id" + c * 1000000000000'
    assert insight.shifted("code", "character varying(10)") is None


def test_a_copied_index_is_made_in_the_councils_schema():
    definition = "CREATE UNIQUE INDEX people_person_pkey ON public.people_person USING btree (id)"
    assert insight.copied_index(definition, schema="council_007", unique=True) == (
        "CREATE UNIQUE INDEX people_person_pkey ON council_007.people_person USING btree (id)"
    )
    assert insight.copied_index(definition, schema="council_007", unique=False).startswith(
        "CREATE INDEX people_person_pkey ON council_007."
    )


def test_a_unique_index_stays_unique_only_over_shifted_keys():
    plan = insight.TablePlan(
        "frontdoor_contact", True, [("id", "uuid"), ("reference", "text")], {"id"}, [], 0
    )
    assert plan.index_unique(["id"], False)
    assert not plan.index_unique(["reference"], False)
    assert not plan.index_unique(["id"], True)


def test_a_council_copies_its_records_once_per_unit_and_scales_its_population():
    records = insight.TablePlan(
        "frontdoor_referral", True, [("id", "uuid"), ("referral_date", "date")], {"id"}, [], 0
    )
    assert "generate_series(0, 2)" in records.select(3)
    population = insight.TablePlan(
        "insight_populationestimate",
        False,
        [("id", "bigint"), ("children", "integer")],
        set(),
        [],
        0,
    )
    assert population.select(3) == (
        'SELECT "id", "children" * 3 FROM public."insight_populationestimate"'
    )


def test_balanced_shares_the_councils_out_by_size():
    councils = [{"schema": f"council_00{i}", "units": u} for i, u in enumerate([8, 5, 4, 2], 1)]
    shares = insight.balanced(councils, 2)
    assert sorted(shares) == [["council_001", "council_004"], ["council_002", "council_003"]]
