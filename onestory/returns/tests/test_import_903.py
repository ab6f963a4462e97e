"""import_return 903: another system's SSDA903 tables become children, periods of care, legal
statuses, placements, reviews and the rest; all or nothing; the same files twice change nothing;
and the export gives the same return back."""

import csv
from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError, call_command

from onestory.access.models import AuditEvent
from onestory.core.errors import DomainError
from onestory.people.models import Person
from onestory.people.tests.factories import PersonFactory
from onestory.returns import ssda903
from onestory.returns.imports import ssda903 as importer
from onestory.returns.models import KeptRow, LAChildId
from onestory.socialcare.models import CarePeriod, CareReview, LegalStatus, Placement

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
HEADER = ssda903.COLUMNS["Header"]
EPISODES = ssda903.COLUMNS["Episodes"]


def _write(folder, name, columns, rows):
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


def _header(code="A1", sex="2", dob="09/07/2010", ethnic="WBRI", upn="A123456789012"):
    return [code, sex, dob, ethnic, upn, "", ""]


def _episode(decom, rne, ls="C2", place="U4", dec="", rec="", reason="", code="A1", **more):
    row = {
        "CHILD": code,
        "DECOM": decom,
        "RNE": rne,
        "LS": ls,
        "CIN": "N1",
        "PLACE": place,
        "PLACE_PROVIDER": "PR1",
        "DEC": dec,
        "REC": rec,
        "REASON_PLACE_CHANGE": reason,
        "HOME_POST": "LU1 1AA",
        "PL_POST": "LU2 0AA",
        "URN": "SC123456",
    } | more
    return [row[c] for c in EPISODES]


# A year (1 April 2018 to 31 March 2019) of one child: into care, a move to new carers, a
# move with the same carers, a new order in the same placement, home.
ONE_YEAR = [
    _episode("01/05/2018", "S", dec="01/07/2018", rec="X1", reason="CARPL"),
    _episode("01/07/2018", "P", place="U6", dec="01/09/2018", rec="X1", reason="CHILD"),
    _episode("01/09/2018", "T", place="U5", dec="01/11/2018", rec="X1"),
    _episode("01/11/2018", "L", ls="E1", place="U5", dec="01/02/2019", rec="E4A"),
]


def _run(*paths, **kwargs):
    return importer.run(list(paths), acting_user=None, now=NOW, progress=False, **kwargs)


def _exported(year, table, tmp_path):
    out = tmp_path / f"out{year}"
    ssda903.build(year).write(out)
    name = ssda903.FILE_NAMES.get(table) or ssda903.KEPT_FILE_NAMES[table]
    with (out / name).open(newline="") as handle:
        return [[row[c] for c in ssda903.COLUMNS[table]] for row in csv.DictReader(handle)]


def test_episodes_become_a_period_with_its_legal_statuses_and_placements(tmp_path):
    _write(tmp_path, "header.csv", HEADER, [_header()])
    _write(tmp_path, "episodes.csv", EPISODES, ONE_YEAR)

    report = _run(tmp_path)

    assert report.loaded, report.summary()
    assert report.years == [2019]
    child = LAChildId.objects.get(code="A1").person
    assert (child.sex, child.date_of_birth, child.upn) == ("F", date(2010, 7, 9), "A123456789012")
    assert child.given_name == "Child A1"
    period = CarePeriod.objects.get(person=child)
    assert (period.starts_on, period.ends_on, period.end_reason, period.category_of_need) == (
        date(2018, 5, 1),
        date(2019, 2, 1),
        "E4A",
        "N1",
    )
    assert list(
        LegalStatus.objects.filter(period=period).values_list("status", "starts_on", "ends_on")
    ) == [("C2", date(2018, 5, 1), date(2018, 11, 1)), ("E1", date(2018, 11, 1), date(2019, 2, 1))]
    homes = list(Placement.objects.filter(period=period).order_by("starts_on"))
    assert [(p.place, p.starts_on, p.change_reason) for p in homes] == [
        ("U4", date(2018, 5, 1), "CARPL"),
        ("U6", date(2018, 7, 1), "CHILD"),
        ("U5", date(2018, 9, 1), ""),
    ]
    # P: new carers; T: the same carers (so the export gives T again).
    assert homes[0].carer != homes[1].carer
    assert homes[1].carer == homes[2].carer
    assert "not named in the SSDA903 return" in homes[0].carer


def test_the_export_gives_the_imported_episodes_back_with_the_childs_own_code(tmp_path):
    _write(tmp_path, "header.csv", HEADER, [_header()])
    _write(tmp_path, "episodes.csv", EPISODES, ONE_YEAR)
    _run(tmp_path)

    assert _exported(2019, "Episodes", tmp_path) == ONE_YEAR
    header = _exported(2019, "Header", tmp_path)
    assert header == [["A1", "2", "09/07/2010", "WBRI", "A123456789012", "", ""]]


def test_care_begun_before_the_files_keeps_the_reason_its_first_episode_gave(tmp_path):
    rows = [
        _episode("01/01/2017", "P", dec="01/06/2018", rec="X1", reason="STAND"),
        _episode("01/06/2018", "B", ls="C1", place="U6"),
    ]
    _write(tmp_path, "header.csv", HEADER, [_header()])
    _write(tmp_path, "episodes.csv", EPISODES, rows)

    _run(tmp_path)

    assert KeptRow.objects.get(table=ssda903.KEPT_CONTINUED).values == {
        "DECOM": "01/01/2017",
        "RNE": "P",
    }
    assert [r[2] for r in _exported(2019, "Episodes", tmp_path)] == ["P", "B"]


def test_a_period_spanning_years_is_one_period_ended_by_the_later_year(tmp_path):
    first, second = tmp_path / "2018", tmp_path / "2019"
    _write(first, "header.csv", HEADER, [_header()])
    _write(first, "episodes.csv", EPISODES, [_episode("01/05/2018", "S", rec="X1")])
    _write(second, "header.csv", HEADER, [_header()])
    _write(
        second,
        "episodes.csv",
        EPISODES,
        [
            _episode("01/05/2018", "S", dec="01/06/2019", rec="X1", reason="CARPL"),
            _episode("01/06/2019", "P", place="K2", dec="01/03/2020", rec="E11"),
        ],
    )

    report = _run(first, second)

    assert report.years == [2019, 2020]
    period = CarePeriod.objects.get()
    assert (period.starts_on, period.ends_on, period.end_reason) == (
        date(2018, 5, 1),
        date(2020, 3, 1),
        "E11",
    )
    assert Placement.objects.count() == 2
    # Open at the end of the first year: no end written for it then.
    assert _exported(2019, "Episodes", tmp_path)[0][7:10] == ["", "", ""]


def test_several_years_in_one_folder_are_told_apart_by_the_names_and_dates(tmp_path):
    _write(tmp_path, "2018-header.csv", HEADER, [_header()])
    _write(tmp_path, "2018-episodes.csv", EPISODES, [_episode("01/05/2018", "S")])
    _write(tmp_path, "2019-header.csv", HEADER, [_header()])
    _write(tmp_path, "2019-episodes.csv", EPISODES, [_episode("01/05/2018", "S")])

    report = _run(tmp_path)

    assert report.years == [2019, 2020]
    assert CarePeriod.objects.count() == 1


def test_importing_the_same_files_again_changes_nothing(tmp_path):
    _write(tmp_path, "header.csv", HEADER, [_header()])
    _write(tmp_path, "episodes.csv", EPISODES, ONE_YEAR)
    _write(
        tmp_path,
        "reviews.csv",
        ssda903.COLUMNS["Reviews"],
        [["A1", "09/07/2010", "01/06/2018", "PN1"]],
    )
    _write(tmp_path, "oc2.csv", ssda903.COLUMNS["OC2"], [["A1", "09/07/2010"] + [""] * 10])
    _run(tmp_path)
    counts = (Person.objects.count(), Placement.objects.count(), KeptRow.objects.count())

    again = _run(tmp_path)

    assert again.loaded and not again.changed
    assert "unchanged" in again.summary()
    assert (Person.objects.count(), Placement.objects.count(), KeptRow.objects.count()) == counts
    assert CareReview.objects.count() == 1


def test_a_bad_row_loads_nothing_and_every_bad_row_is_reported(tmp_path):
    _write(
        tmp_path,
        "header.csv",
        HEADER,
        [_header(), _header(code="B2", ethnic="XXXX"), _header(code="C3", dob="31/02/2011")],
    )
    _write(
        tmp_path,
        "episodes.csv",
        EPISODES,
        [*ONE_YEAR, _episode("01/05/2018", "S", code="D4"), _episode("01/06/2018", "S", ls="Q9")],
    )

    report = _run(tmp_path)

    assert not report.loaded
    assert not LAChildId.objects.exists()
    assert not CarePeriod.objects.exists()
    rejected = {(r.file, r.row, r.child) for r in report.rejected}
    assert rejected == {
        ("header.csv", 3, "B2"),
        ("header.csv", 4, "C3"),
        ("episodes.csv", 6, "D4"),
        ("episodes.csv", 7, "A1"),
    }
    summary = report.summary()
    assert "ETHNIC 'XXXX' is not an SSDA903 code" in summary
    assert "DOB '31/02/2011' is not a date" in summary
    assert "not in this year's Header" in summary
    assert "LS 'Q9' is not an SSDA903 code" in summary
    # What would have been loaded had the rows been right.
    assert "periods of care: 1 created" in summary
    assert AuditEvent.objects.get(action="import").reason == "import refused"


def test_a_table_with_a_missing_column_is_refused(tmp_path):
    _write(tmp_path, "header.csv", HEADER, [_header()])
    columns = [c for c in EPISODES if c != "LS"]
    _write(tmp_path, "episodes.csv", columns, [r[:3] + r[4:] for r in ONE_YEAR])

    report = _run(tmp_path)

    assert not report.loaded
    [problem] = report.rejected
    assert problem.file == "episodes.csv"
    assert "looks like the Episodes table but has no LS column" in problem.reason


def test_a_child_twice_in_the_header_is_refused(tmp_path):
    _write(tmp_path, "header.csv", HEADER, [_header(), _header()])
    _write(tmp_path, "episodes.csv", EPISODES, ONE_YEAR)

    report = _run(tmp_path)

    assert not report.loaded
    assert [(r.row, r.reason) for r in report.rejected] == [
        (3, "The child is in the Header twice (also line 2).")
    ]


def test_two_different_episodes_on_one_day_or_one_ending_before_it_begins_are_refused(tmp_path):
    _write(tmp_path, "header.csv", HEADER, [_header()])
    _write(
        tmp_path,
        "episodes.csv",
        EPISODES,
        [
            _episode("01/05/2018", "S"),
            _episode("01/05/2018", "S", place="K2"),
            _episode("01/09/2018", "S", dec="01/08/2018", rec="E4A"),
        ],
    )

    report = _run(tmp_path)

    reasons = [r.reason for r in report.rejected]
    assert "A second, different episode begins on 01/05/2018" in reasons[0]
    assert "ends (01/08/2018) before it begins" in reasons[1]


def test_files_for_another_year_than_the_one_given_are_refused(tmp_path):
    _write(tmp_path, "header.csv", HEADER, [_header()])
    _write(tmp_path, "episodes.csv", EPISODES, ONE_YEAR)

    report = _run(tmp_path, year=2021)

    assert not report.loaded
    assert "Wrong year: --year 2021" in report.rejected[0].reason


def test_tables_onestory_does_not_model_are_kept_and_written_back(tmp_path):
    _write(tmp_path, "header.csv", HEADER, [_header()])
    _write(tmp_path, "episodes.csv", EPISODES, ONE_YEAR)
    prev_perm = [["A1", "09/07/2010", "Z1", "", ""]]
    _write(tmp_path, "prev.csv", ssda903.COLUMNS["PrevPerm"], prev_perm)

    report = _run(tmp_path)

    assert report.kept["PrevPerm"] == 1
    assert _exported(2019, "PrevPerm", tmp_path) == prev_perm


def test_reviews_outside_the_year_are_kept_as_received_and_written_back(tmp_path):
    reviews = [["A1", "09/07/2010", "01/06/2018", "PN1"], ["A1", "09/07/2010", "05/05/2021", "PN2"]]
    _write(tmp_path, "header.csv", HEADER, [_header()])
    _write(tmp_path, "episodes.csv", EPISODES, ONE_YEAR)
    _write(tmp_path, "reviews.csv", ssda903.COLUMNS["Reviews"], reviews)

    _run(tmp_path)

    assert list(CareReview.objects.values_list("held_on", "participation")) == [
        (date(2018, 6, 1), "PN1")
    ]
    assert _exported(2019, "Reviews", tmp_path) == reviews


def test_a_child_already_known_by_upn_is_matched_and_keeps_their_name(tmp_path):
    known = PersonFactory(upn="A123456789012", date_of_birth=date(2010, 7, 9))
    _write(tmp_path, "header.csv", HEADER, [_header()])
    _write(tmp_path, "episodes.csv", EPISODES, ONE_YEAR)

    report = _run(tmp_path)

    assert report.counts["children"]["matched"] == 1
    assert CarePeriod.objects.get().person == known
    known.refresh_from_db()
    assert not known.given_name.startswith("Child ")


def test_an_unknown_upn_is_written_as_the_code_the_return_gave(tmp_path):
    _write(tmp_path, "header.csv", HEADER, [_header(upn="UN3")])
    _write(tmp_path, "episodes.csv", EPISODES, ONE_YEAR)

    _run(tmp_path)

    assert LAChildId.objects.get().person.upn == ""
    assert _exported(2019, "Header", tmp_path)[0][4] == "UN3"


def test_the_command_reports_what_it_loaded_and_refuses_with_the_rows(tmp_path, capsys):
    good, bad = tmp_path / "good", tmp_path / "bad"
    _write(good, "header.csv", HEADER, [_header()])
    _write(good, "episodes.csv", EPISODES, ONE_YEAR)
    _write(bad, "header.csv", HEADER, [_header(sex="7")])
    _write(bad, "episodes.csv", EPISODES, ONE_YEAR)

    call_command("import_return", "903", str(good))
    assert "Loaded the SSDA903 return (2019)" in capsys.readouterr().out
    event = AuditEvent.objects.filter(action="import", person_id__isnull=True).get()
    assert event.actor.username == "returns-import"
    assert AuditEvent.objects.filter(action="import", person_id__isnull=False).count() == 1

    with pytest.raises(CommandError, match="1 rows refused: nothing was loaded"):
        call_command("import_return", "903", str(bad))
    assert "header.csv, line 2, child A1: SEX '7' is not an SSDA903 code" in (
        capsys.readouterr().out
    )


def test_a_trial_run_reports_what_it_would_load_and_loads_nothing(tmp_path):
    _write(tmp_path, "header.csv", HEADER, [_header()])
    _write(tmp_path, "episodes.csv", EPISODES, ONE_YEAR)

    report = _run(tmp_path, dry_run=True)

    assert not report.loaded
    assert "nothing was loaded (a trial run)" in report.summary()
    assert "periods of care: 1 created" in report.summary()
    assert not CarePeriod.objects.exists()


def test_years_imported_one_at_a_time_make_the_same_history(tmp_path):
    first, second = tmp_path / "2018", tmp_path / "2019"
    _write(first, "header.csv", HEADER, [_header()])
    _write(
        first,
        "episodes.csv",
        EPISODES,
        [
            _episode("01/05/2018", "S", dec="01/03/2019", rec="X1", reason="CARPL"),
            _episode("01/03/2019", "P", place="U6", rec="X1", reason="CHILD"),
        ],
    )
    _write(second, "header.csv", HEADER, [_header()])
    _write(
        second,
        "episodes.csv",
        EPISODES,
        [
            _episode("01/03/2019", "P", place="U6", dec="01/06/2019", rec="X1", reason="CHILD"),
            _episode("01/06/2019", "T", place="U5", dec="01/12/2019", rec="E4A"),
        ],
    )

    _run(first)
    later = _run(second)

    assert later.counts["periods of care"] == {"updated": 1}
    assert list(Placement.objects.order_by("starts_on").values_list("place", "change_reason")) == [
        ("U4", "CARPL"),
        ("U6", "CHILD"),
        ("U5", ""),
    ]
    assert [r[:10] for r in _exported(2020, "Episodes", tmp_path)] == [
        r[:10]
        for r in [
            _episode("01/03/2019", "P", place="U6", dec="01/06/2019", rec="X1", reason="CHILD"),
            _episode("01/06/2019", "T", place="U5", dec="01/12/2019", rec="E4A"),
        ]
    ]
    assert not _run(first, second).changed


def test_a_year_given_picks_that_year_from_a_folder_of_several(tmp_path):
    _write(tmp_path, "2018-header.csv", HEADER, [_header()])
    _write(tmp_path, "2018-episodes.csv", EPISODES, [_episode("01/05/2018", "S")])
    _write(tmp_path, "2019-header.csv", HEADER, [_header(code="B2")])
    _write(tmp_path, "2019-episodes.csv", EPISODES, [_episode("01/05/2019", "S", code="B2")])

    report = _run(tmp_path, year=2020)

    assert report.years == [2020]
    assert list(LAChildId.objects.values_list("code", flat=True)) == ["B2"]
    with pytest.raises(DomainError, match="No SSDA903 tables for the year ending 31 March 2024"):
        _run(tmp_path, year=2024)


def test_codes_are_read_as_the_validator_reads_them(tmp_path):
    _write(tmp_path, "header.csv", HEADER, [_header(sex="2.0", ethnic="wbri")])
    _write(tmp_path, "episodes.csv", EPISODES, [_episode("01/05/2018", "s", ls="c2", place="u4")])

    report = _run(tmp_path)

    assert report.loaded, report.summary()
    assert LegalStatus.objects.get().status == "C2"
    assert LAChildId.objects.get().person.ethnicity == "WBRI"
