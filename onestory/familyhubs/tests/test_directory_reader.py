"""Reading Open Referral UK feeds: the v1 UK profile and HSDS 3.0 shapes, pages followed,
malformed services each reported with why, and documents that are not feeds refused whole."""

import json
import urllib.error
import urllib.parse
from datetime import date
from pathlib import Path

import pytest

from onestory.familyhubs import openreferral

DATA = Path(__file__).parent / "data"
TODAY = date(2025, 6, 1)


def _bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _pages(pages: dict, *, log: list | None = None):
    """A fake fetch answering ?page=N from `pages` (N -> bytes or an exception)."""

    def get(url: str) -> bytes:
        if log is not None:
            log.append(url)
        number = int(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)).get("page", 1))
        answer = pages[number]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return get


def test_a_v1_service_gives_everything_the_directory_keeps():
    read = openreferral.read_path(str(DATA / "openreferral_v1_page1.json"), today=TODAY)

    talkers = read.services[0]
    assert talkers.external_id == "a1f0c2de-0001-4b6e-9c1a-000000000001"
    assert talkers.organisation == "Synthetic Community Health Trust"
    assert talkers.description.startswith("A weekly group")
    assert "<p>" not in talkers.description
    assert talkers.url == "https://www.example.org/little-talkers"
    assert talkers.phone == "01632 960001"
    assert talkers.address == "Meadow Family Hub, 1 Meadow Way, Luton"
    assert talkers.postcode == "LU1 1AA"
    assert talkers.categories == ["Speech and language", "Early years"]
    assert (talkers.youngest_years, talkers.oldest_years) == (1, 3)
    assert talkers.eligibility.startswith("Children aged 18 months")
    assert talkers.cost == "Free"
    assert talkers.last_checked_on == date(2025, 1, 10)
    assert read.services[1].cost == "Free (Everyone)"


def test_a_v3_service_is_read_from_its_own_field_names():
    read = openreferral.read_path(str(DATA / "openreferral_v3.json"), today=TODAY)

    dads, online = read.services
    assert dads.categories == ["Parenting", "Early years"]
    assert dads.address == "Hillside Satellite, 4 Hillside Road, Luton"  # the physical address
    assert dads.postcode == "LU3 1AB"
    assert (dads.youngest_years, dads.oldest_years) == (0, 4)
    assert dads.cost == "£1 a family, towards snacks"
    assert dads.eligibility == "Fathers and male carers with children under five"
    # The later of last_modified and assured_date.
    assert dads.last_checked_on == date(2025, 2, 20)
    assert online.active is False  # "temporarily closed"
    assert online.oldest_years is None  # 999 means any age
    assert online.cost == "£25 for the course (Families outside the borough)"
    assert online.categories == ["Parenting"]


def test_malformed_services_are_each_reported_and_the_good_ones_kept():
    read = openreferral.read_path(str(DATA / "openreferral_malformed.json"), today=TODAY)

    assert [s.name for s in read.services] == ["Baby massage", "Food bank referrals"]
    rejected = {r.position: r for r in read.rejected}
    assert sorted(rejected) == [2, 3, 4, 5, 6, 7]
    assert "no id" in rejected[2].describe()
    assert "not a service" in rejected[3].describe()
    assert "no name" in rejected[4].describe()
    youth = rejected[5].describe()
    assert "id c3f2e4d0-0005" in youth
    assert "status “open”" in youth and "email address" in youth and "minimum_age (19)" in youth
    cafe = rejected[6].describe()
    assert "NOT A POSTCODE" in cafe and "last Tuesday" in cafe
    assert "same as service 1's" in rejected[7].describe()


def test_a_file_that_is_not_json_is_refused_whole_with_why():
    with pytest.raises(openreferral.FeedUnreadable) as refused:
        openreferral.read_path(str(DATA / "openreferral_not_json.json"), today=TODAY)

    assert "not JSON" in refused.value.message
    assert "nothing was loaded" in refused.value.message


@pytest.mark.parametrize(
    "document",
    [{"error": "Unauthorised"}, 42, {}],
)
def test_json_that_holds_no_services_is_refused_whole(document):
    with pytest.raises(openreferral.FeedUnreadable) as refused:
        openreferral.read_text(json.dumps(document), today=TODAY)

    assert "holds no services" in refused.value.message


def test_a_single_service_and_a_byte_order_mark_are_read():
    service = {"id": "x", "name": "Stay and play", "organization": {"name": "Hub"}}
    read = openreferral.read_text(b"\xef\xbb\xbf" + json.dumps(service).encode(), today=TODAY)

    assert [s.name for s in read.services] == ["Stay and play"]


def test_one_saved_page_of_many_says_the_rest_were_not_read():
    read = openreferral.read_text(_bytes("openreferral_v1_page1.json"), today=TODAY)

    assert read.complete is False
    assert "one page of 2" in read.page_problems[0]


def test_every_page_of_a_feed_is_read_from_its_address():
    log = []
    get = _pages(
        {1: _bytes("openreferral_v1_page1.json"), 2: _bytes("openreferral_v1_page2.json")},
        log=log,
    )

    read = openreferral.read_url("https://feed.example.org/api/services", today=TODAY, get=get)

    assert [s.name for s in read.services][-1] == "Young carers club"
    assert len(read.services) == 3 and read.pages_read == 2 and read.complete
    assert log[1] == "https://feed.example.org/api/services?page=2"
    # The young carers club says its ages as text: still whole years.
    assert (read.services[2].youngest_years, read.services[2].oldest_years) == (8, 18)


def test_pages_numbered_from_zero_are_followed():
    def page(number, ids):
        return json.dumps(
            {
                "totalPages": 2,
                "number": number,
                "content": [
                    {"id": i, "name": f"Service {i}", "organization": {"name": "Org"}} for i in ids
                ],
            }
        ).encode()

    def get(url):
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        return page(0, ["a", "b"]) if "page" not in query else page(int(query["page"]), ["c"])

    read = openreferral.read_url("https://feed.example.org/services", today=TODAY, get=get)

    assert [s.external_id for s in read.services] == ["a", "b", "c"]


def test_a_page_that_cannot_be_fetched_is_reported_and_the_rest_still_read():
    three = json.loads(_bytes("openreferral_v1_page1.json"))
    three["totalPages"] = 3
    last = json.loads(_bytes("openreferral_v1_page2.json"))
    last.update(totalPages=3, number=3)
    get = _pages(
        {
            1: json.dumps(three).encode(),
            2: urllib.error.HTTPError("u", 502, "Bad Gateway", {}, None),
            3: json.dumps(last).encode(),
        }
    )

    read = openreferral.read_url("https://feed.example.org/services", today=TODAY, get=get)

    assert len(read.services) == 3
    assert read.complete is False
    assert read.page_problems == [
        "Page 2 was not read: the server answered 502 Bad Gateway. Its services were not "
        "loaded; import again later to load them."
    ]


def test_a_page_that_is_not_json_is_reported_and_the_rest_still_read():
    three = json.loads(_bytes("openreferral_v1_page1.json"))
    three["totalPages"] = 3
    last = json.loads(_bytes("openreferral_v1_page2.json"))
    last.update(totalPages=3, number=3)
    get = _pages(
        {1: json.dumps(three).encode(), 2: b"<html>oops</html>", 3: json.dumps(last).encode()}
    )

    read = openreferral.read_url("https://feed.example.org/services", today=TODAY, get=get)

    assert len(read.services) == 3
    assert "Page 2 was not read" in read.page_problems[0]


def test_a_feed_whose_first_page_cannot_be_fetched_reads_nothing():
    get = _pages({1: urllib.error.URLError("Name or service not known")})

    with pytest.raises(openreferral.FeedUnreadable) as refused:
        openreferral.read_url("https://feed.example.org/services?key=secret", today=TODAY, get=get)

    assert "could not be reached" in refused.value.message
    assert "secret" not in refused.value.message  # a key in the address is never shown


def test_a_server_that_ignores_the_page_asked_for_is_read_once():
    page = json.loads(_bytes("openreferral_v1_page1.json"))
    calls = []

    def get(url):
        calls.append(url)
        return json.dumps(page).encode()

    read = openreferral.read_url("https://feed.example.org/services", today=TODAY, get=get)

    assert len(read.services) == 2 and not read.rejected
    assert len(calls) == 2


def test_a_v3_list_without_organisations_reads_each_services_full_record():
    listed = {
        "total_items": 1,
        "total_pages": 1,
        "page_number": 1,
        "contents": [{"id": "s-1", "name": "Toy library", "organization_id": "o-1"}],
    }
    full = {"id": "s-1", "name": "Toy library", "organization": {"id": "o-1", "name": "Hub"}}
    seen = []

    def get(url):
        seen.append(url)
        return json.dumps(full if "/services/s-1" in url else listed).encode()

    read = openreferral.read_url("https://feed.example.org/services?key=k", today=TODAY, get=get)

    assert [s.organisation for s in read.services] == ["Hub"]
    assert seen[-1] == "https://feed.example.org/services/s-1?key=k"


def test_dates_after_today_count_as_checked_today():
    service = {
        "id": "x",
        "name": "Stay",
        "organization": {"name": "Hub"},
        "assured_date": "2030-01-01",
    }

    read = openreferral.read_text(json.dumps([service]), today=TODAY)

    assert read.services[0].last_checked_on == TODAY


def test_an_address_that_is_not_a_feed_address_is_refused():
    with pytest.raises(openreferral.FeedUnreadable):
        openreferral.read_url("ftp://feed.example.org/services", today=TODAY)
