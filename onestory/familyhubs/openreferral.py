"""Reading an Open Referral UK feed: the services a council or partner publishes, each checked
and turned into the details the service directory keeps.

A feed is JSON in one of the shapes publishers use:
- the API's pages: `/services?page=N` answering {"totalElements", "totalPages", "number", "size",
  "content": [...]} (Open Referral UK v1), or {"total_items", "total_pages", "page_number",
  "size", "contents": [...]} (HSDS 3.0, which the UK profile 3.0 follows);
- a plain list of services (a file saved from the API, or a publisher's export);
- one service on its own.

Services are read in both the v1 UK profile (`eligibilitys`, `service_taxonomys`,
`physical_addresses`, `fees`) and the 3.0 shape (`minimum_age`/`maximum_age` on the service,
`attributes`/`taxonomy_terms`, `addresses`, `fees_description`). Fields the directory does not
keep (schedules, languages, reviews, fundings...) are not read, so they cannot make a service be
refused.

A service is loaded only if everything the directory keeps from it can be read; otherwise it is
rejected with its position, its id when it has one, and every reason, each saying what is wrong
and how to put it right in the feed. One bad service never stops the others; one page that
cannot be fetched or read is reported and the next pages are still read. A document that is not
JSON at all, or JSON that holds no services, is refused whole (FeedUnreadable).

Nothing here writes to the database: actions/directory.py loads what this reads.
"""

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.html import strip_tags

from onestory.people.rules import normalise_postcode

# The directory's limits (the Service model's field lengths).
NAME_MAX = 300
ORGANISATION_MAX = 300
URL_MAX = 500
PHONE_MAX = 40
ADDRESS_MAX = 300
COST_MAX = 300
CATEGORY_MAX = 100
# An age at or above this in a feed means "no upper age" (hand-set: publishers write 99, 100,
# 120 or 999 for "any age"; nobody is turned away from a service for being over 110).
NO_UPPER_AGE_FROM = 110
# Fetching a feed over the internet (hand-set): a page that takes longer is reported as not read;
# a feed of more pages than this is surely a publisher's paging fault, not a directory.
TIMEOUT_SECONDS = 30
MAX_PAGES = 500
MAX_BYTES = 50 * 1024 * 1024  # hand-set: a whole council's directory is a few megabytes

# HSDS service status codes (HSDS 3.0 codelist; the v1 UK profile uses the same words).
ACTIVE_STATUSES = {"active"}
INACTIVE_STATUSES = {"inactive", "defunct", "temporarily closed", "temporarily_closed"}

NOT_JSON = (
    "The file is not JSON, so nothing was loaded ({detail}). An Open Referral UK feed is the "
    "JSON the feed's /services address answers with: save that answer as a .json file, or give "
    "the address itself."
)
NO_SERVICES = (
    "The JSON holds no services, so nothing was loaded. Expected a list of services, or an Open "
    'Referral UK page with its services under "content" (or "contents" in HSDS 3.0); this '
    "document has {found}."
)


class FeedUnreadable(Exception):
    """Nothing in the document could be read as services: nothing is loaded."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ServiceRecord:
    """The details the directory keeps of one service in a feed."""

    position: int
    external_id: str
    name: str
    organisation: str
    description: str = ""
    url: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    categories: list = field(default_factory=list)
    youngest_years: int | None = None
    oldest_years: int | None = None
    eligibility: str = ""
    cost: str = ""
    active: bool = True
    # The latest of the feed's last_modified and assured_date, if it gave either.
    last_checked_on: date | None = None


@dataclass
class Rejection:
    """A service in the feed that was not loaded, and why."""

    position: int  # 1 for the feed's first service, counting across pages
    external_id: str
    name: str
    reasons: list
    page: int | None = None

    def describe(self) -> str:
        where = f"Service {self.position}"
        if self.page is not None:
            where += f" (page {self.page})"
        if self.external_id:
            where += f", id {self.external_id}"
        if self.name:
            where += f" (“{self.name}”)"
        return f"{where}: " + " ".join(self.reasons)


@dataclass
class FeedRead:
    """What was read from a feed: the good services, the rejected ones, and pages not read."""

    services: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    page_problems: list = field(default_factory=list)
    pages_read: int = 0
    # False when a page could not be read: the feed's services are then not all known, so
    # services missing from it cannot be said to have left the feed.
    complete: bool = True
    _seen: dict = field(default_factory=dict, repr=False)

    @property
    def entries(self) -> int:
        return len(self.services) + len(self.rejected)

    def add(self, raw, *, page: int | None = None, today: date) -> None:
        position = self.entries + 1
        result = read_service(raw, position=position, today=today)
        if isinstance(result, Rejection):
            result.page = page
            self.rejected.append(result)
            return
        earlier = self._seen.get(result.external_id)
        if earlier is not None:
            self.rejected.append(
                Rejection(
                    position=position,
                    external_id=result.external_id,
                    name=result.name,
                    reasons=[
                        f"Its id is the same as service {earlier}'s: each service in a feed "
                        "needs an id of its own. Give it its own id in the feed, or remove the "
                        "repeated entry."
                    ],
                    page=page,
                )
            )
            return
        self._seen[result.external_id] = position
        self.services.append(result)


# --- Reading one service ----------------------------------------------------------------------


def _text(value) -> str:
    """A feed's text field as plain text: None and "" are empty; numbers are written out."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        return ""
    return " ".join(strip_tags(value).split())


def _long_text(value) -> str:
    """Like _text, keeping paragraphs (descriptions often carry HTML or line breaks)."""
    if not isinstance(value, str):
        return _text(value)
    value = re.sub(r"(?i)<\s*(br|/p|/li|/div)\s*/?\s*>", "\n", value)
    lines = [" ".join(line.split()) for line in strip_tags(value).splitlines()]
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def _objects(value) -> list:
    """The objects in a feed's list field (anything else in the list is skipped)."""
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _feed_date(value) -> date | None | str:
    """A feed's date or date-time as a date; None when absent; the text itself when unreadable."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return repr(value)
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return text


def _age(value, label: str, problems: list) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value >= 0:
        number = int(value)  # whole years: a service for 4.5-year-olds takes four-year-olds
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        number = None
    if number is None or number < 0:
        problems.append(
            f"Its {label} “{value}” is not an age in whole years: write a number such as 5, or "
            "leave it out."
        )
        return None
    return number


def _ages(raw: dict, problems: list) -> tuple[int | None, int | None]:
    """The youngest and oldest ages served, from the 3.0 service fields and the v1
    `eligibilitys` (the widest range when there are several)."""
    youngest, oldest = [], []
    sources = [raw, *_objects(raw.get("eligibilitys"))]
    for source in sources:
        low = _age(source.get("minimum_age"), "minimum_age", problems)
        high = _age(source.get("maximum_age"), "maximum_age", problems)
        if high is not None and high >= NO_UPPER_AGE_FROM:
            high = None
            oldest.append(None)
        if low is not None and high is not None and low > high:
            problems.append(
                f"Its minimum_age ({low}) is above its maximum_age ({high}): swap them, or "
                "correct the one that is wrong."
            )
            continue
        if low is not None:
            youngest.append(low)
        if high is not None:
            oldest.append(high)
    low = min(youngest) if youngest else None
    high = None if (not oldest or None in oldest) else max(oldest)
    return low, high


def _eligibility(raw: dict) -> str:
    texts = [_long_text(raw.get("eligibility_description"))]
    texts += [_long_text(e.get("eligibility")) for e in _objects(raw.get("eligibilitys"))]
    seen = []
    for text in texts:
        if text and text not in seen:
            seen.append(text)
    return "\n\n".join(seen)


def _categories(raw: dict) -> list[str]:
    """Taxonomy term names: v1 `service_taxonomys[].taxonomy`, 3.0 `attributes[].taxonomy_term`
    and the UK 3.0 `taxonomy_terms` (terms themselves or wrapped as `taxonomy_term`)."""
    terms = [link.get("taxonomy") for link in _objects(raw.get("service_taxonomys"))]
    terms += [link.get("taxonomy_term") for link in _objects(raw.get("attributes"))]
    for term in _objects(raw.get("taxonomy_terms")):
        terms.append(term.get("taxonomy_term") if "taxonomy_term" in term else term)
    names = []
    for term in terms:
        if not isinstance(term, dict):
            continue
        name = _shorten(_text(term.get("name")), CATEGORY_MAX)
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def _money(amount) -> str:
    if isinstance(amount, bool) or not isinstance(amount, int | float | str):
        return ""
    try:
        value = float(amount)
    except ValueError:
        return _text(amount)
    if value == 0:
        return "Free"
    return f"£{value:,.2f}".replace(".00", "")


def _cost(raw: dict) -> str:
    parts = []
    for option in _objects(raw.get("cost_options")):
        words = [
            _money(option.get("amount")),
            _text(option.get("amount_description")),
        ]
        text = " ".join(w for w in words if w)
        who = _text(option.get("option"))
        if who:
            text = f"{text} ({who})" if text else who
        if text and text not in parts:
            parts.append(text)
    if not parts:
        for key in ("fees_description", "fees"):
            text = _text(raw.get(key))
            if text and text != "fees_description":
                parts.append(text)
                break
    return _shorten("; ".join(parts), COST_MAX)


def _phones(raw: dict) -> list[str]:
    holders = [raw, *_objects(raw.get("contacts"))]
    for link in _objects(raw.get("service_at_locations")):
        holders += [link, *_objects(link.get("contacts"))]
        location = link.get("location")
        if isinstance(location, dict):
            holders.append(location)
    organisation = raw.get("organization")
    if isinstance(organisation, dict):
        holders.append(organisation)
    numbers = []
    for holder in holders:
        for phone in _objects(holder.get("phones")):
            number = _text(phone.get("number")).strip("\"' ")
            if number:
                numbers.append(number)
    return numbers


def _email(raw: dict) -> str:
    for holder in [raw, *_objects(raw.get("contacts")), raw.get("organization")]:
        if isinstance(holder, dict):
            text = _text(holder.get("email"))
            if text:
                return text
    return ""


def _web_address(raw: dict) -> str:
    text = _text(raw.get("url"))
    organisation = raw.get("organization")
    if not text and isinstance(organisation, dict):
        text = _text(organisation.get("url")) or _text(organisation.get("website"))
    if text and "://" not in text:
        text = "https://" + text  # publishers often write www.example.org
    return text


def _place(raw: dict) -> tuple[str, str]:
    """Where the service is delivered: the first location with a physical address (v1
    `physical_addresses`, 3.0 `addresses` of type physical, else any address)."""
    for link in _objects(raw.get("service_at_locations")):
        location = link.get("location")
        if not isinstance(location, dict):
            continue
        addresses = _objects(location.get("physical_addresses"))
        v3 = _objects(location.get("addresses"))
        addresses += [a for a in v3 if _text(a.get("address_type")).lower() != "postal"]
        addresses += [a for a in v3 if _text(a.get("address_type")).lower() == "postal"]
        for address in addresses:
            lines = [
                _text(location.get("name")),
                _text(address.get("address_1")),
                _text(address.get("address_2")),
                _text(address.get("city")),
            ]
            unique = []
            for line in lines:
                if line and line not in unique:
                    unique.append(line)
            postcode = _text(address.get("postal_code"))
            if unique or postcode:
                return _shorten(", ".join(unique), ADDRESS_MAX), postcode
        name = _text(location.get("name"))
        if name:
            return _shorten(name, ADDRESS_MAX), ""
    return "", ""


_email_ok = EmailValidator()
_url_ok = URLValidator(schemes=["http", "https"])


def read_service(raw, *, position: int, today: date) -> ServiceRecord | Rejection:
    """One service from a feed, or why it cannot be loaded (every reason at once)."""
    if not isinstance(raw, dict):
        return Rejection(
            position=position,
            external_id="",
            name="",
            reasons=[
                "It is not a service: each entry must be a JSON object with at least an id and "
                "a name. Correct or remove this entry in the feed."
            ],
        )
    problems = []
    external_id = _text(raw.get("id"))
    name = _text(raw.get("name"))
    if not external_id:
        problems.append(
            "It has no id: every service in a feed needs an id that stays the same, so that the "
            "next import updates it rather than adding it again. Give it an id in the feed."
        )
    elif len(external_id) > 200:
        problems.append("Its id is longer than 200 characters: use a shorter id (a UUID).")
    if not name:
        problems.append("It has no name: give the service its name in the feed.")
    elif len(name) > NAME_MAX:
        problems.append(f"Its name is longer than {NAME_MAX} characters: shorten it in the feed.")
    organisation = raw.get("organization")
    organisation_name = _text(organisation.get("name")) if isinstance(organisation, dict) else ""
    if not organisation_name and _text(raw.get("organization_id")):
        problems.append(
            "It names who runs it only by organization_id, as a feed's list of services may: "
            "load the feed from its address so each service's full record is read, or include "
            "each service's “organization” with its “name” in the file."
        )
    elif not organisation_name:
        problems.append(
            "It does not say who runs it: add the organisation that delivers it (its "
            "“organization” with a “name”)."
        )
    elif len(organisation_name) > ORGANISATION_MAX:
        problems.append(
            f"Its organisation's name is longer than {ORGANISATION_MAX} characters: shorten it."
        )
    status = raw.get("status")
    active = True
    if status not in (None, ""):
        word = _text(status).lower()
        if word in INACTIVE_STATUSES:
            active = False
        elif word not in ACTIVE_STATUSES:
            problems.append(
                f"Its status “{status}” is not one the standard allows: use active, inactive, "
                "defunct or temporarily closed."
            )
    email = _email(raw)
    if email:
        try:
            _email_ok(email)
        except ValidationError:
            problems.append(
                f"Its email address “{_shorten(email, 60)}” is not a real email address: "
                "correct it (like name@example.org) or leave it out."
            )
    url = _web_address(raw)
    if url:
        try:
            if len(url) > URL_MAX:
                raise ValidationError("too long")
            _url_ok(url)
        except ValidationError:
            problems.append(
                f"Its web address “{_shorten(url, 80)}” is not a working web address: write it "
                "in full (like https://www.example.org/service) or leave it out."
            )
    address, postcode_text = _place(raw)
    postcode = ""
    if postcode_text:
        postcode = normalise_postcode(postcode_text) or ""
        if not postcode:
            problems.append(
                f"Its postcode “{_shorten(postcode_text, 20)}” is not a UK postcode: correct it "
                "(like LU1 2AB) in the location's address, or leave it out."
            )
    youngest, oldest = _ages(raw, problems)
    checked = []
    for key in ("last_modified", "assured_date"):
        value = _feed_date(raw.get(key))
        if isinstance(value, str):
            problems.append(
                f"Its {key} “{_shorten(value, 40)}” is not a date: write it as YYYY-MM-DD (a "
                "date and time such as 2024-03-15T10:30:00Z is fine too), or leave it out."
            )
        elif value is not None:
            checked.append(value)
    if problems:
        return Rejection(position=position, external_id=external_id, name=name, reasons=problems)
    phones = [n for n in _phones(raw) if len(n) <= PHONE_MAX]
    return ServiceRecord(
        position=position,
        external_id=external_id,
        name=name,
        organisation=organisation_name,
        description=_long_text(raw.get("description")),
        url=url,
        email=email,
        phone=phones[0] if phones else "",
        address=address,
        postcode=postcode,
        categories=_categories(raw),
        youngest_years=youngest,
        oldest_years=oldest,
        eligibility=_eligibility(raw),
        cost=_cost(raw),
        active=active,
        # A date after today (a clock ahead, or a typing slip) counts as checked today.
        last_checked_on=min(max(checked), today) if checked else None,
    )


# --- Reading a document -----------------------------------------------------------------------

LIST_KEYS = ("content", "contents", "items", "services", "data")


@dataclass
class Page:
    entries: list
    # What the page says of the feed's pages (None when it says nothing).
    number: int | None = None
    total_pages: int | None = None
    last: bool | None = None


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def parse_document(text: str | bytes) -> Page:
    """The services in one JSON document (a page, a list or a single service)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FeedUnreadable(NOT_JSON.format(detail="it is not text in UTF-8")) from error
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        detail = f"line {error.lineno}, column {error.colno}: {error.msg}"
        raise FeedUnreadable(NOT_JSON.format(detail=detail)) from error
    if isinstance(document, list):
        return Page(entries=document)
    if isinstance(document, dict):
        for key in LIST_KEYS:
            if isinstance(document.get(key), list):
                last = document.get("last", document.get("last_page"))
                return Page(
                    entries=document[key],
                    number=_int(document.get("number", document.get("page_number"))),
                    total_pages=_int(document.get("totalPages", document.get("total_pages"))),
                    last=last if isinstance(last, bool) else None,
                )
        if "id" in document and "name" in document:
            return Page(entries=[document])
        found = "the keys " + ", ".join(sorted(map(str, document))[:8]) if document else "nothing"
        raise FeedUnreadable(NO_SERVICES.format(found=found))
    raise FeedUnreadable(NO_SERVICES.format(found=f"a single {type(document).__name__}"))


def read_text(text: str | bytes, *, today: date) -> FeedRead:
    """A feed saved as one document (a file or an upload)."""
    page = parse_document(text)
    read = FeedRead(pages_read=1)
    for raw in page.entries:
        read.add(raw, today=today)
    if page.total_pages is not None and page.total_pages > 1:
        read.complete = False
        read.page_problems.append(
            f"This file is one page of {page.total_pages}: only its services were read. Give "
            "the feed's address instead to read every page."
        )
    return read


def read_path(path: str, *, today: date) -> FeedRead:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise FeedUnreadable(
            f"The file {path} could not be opened ({error.strerror}): check the path."
        ) from error
    if len(data) > MAX_BYTES:
        raise FeedUnreadable(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    return read_text(data, today=today)


# --- Reading a feed from its address ----------------------------------------------------------


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The body of one page (raises OSError / urllib errors when it cannot be fetched)."""
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in read_url
        url, headers={"Accept": "application/json", "User-Agent": "onestory directory import"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        data = response.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise OSError(f"the page is larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data


def page_url(url: str, page: int) -> str:
    """The feed's address asking for page `page` (its other query parameters kept)."""
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "page"]
    query.append(("page", str(page)))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def shown_url(url: str) -> str:
    """The address without its query (a feed's key may travel there): for reports and audit."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _why_not_fetched(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"the server answered {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"it could not be reached ({error.reason})"
    if isinstance(error, TimeoutError):
        return f"it did not answer within {TIMEOUT_SECONDS} seconds"
    return str(error) or type(error).__name__


def _full_record(raw, url: str, get: Callable[[str], bytes]):
    """The service's full record when the list gave only its direct fields (HSDS 3.0 lists may
    leave out the organisation and locations): `/services/{id}` beside the list's address. If it
    cannot be fetched, the entry as listed (and it is rejected with the reason)."""
    if not isinstance(raw, dict) or isinstance(raw.get("organization"), dict):
        return raw
    service_id = _text(raw.get("id"))
    if not service_id or not _text(raw.get("organization_id")):
        return raw
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rstrip("/") + "/" + urllib.parse.quote(service_id, safe="")
    # Keep the feed's own parameters (a key, say), not the list's paging.
    paging = {"page", "per_page", "size", "page_size"}
    query = urllib.parse.urlencode(
        [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k not in paging]
    )
    try:
        page = parse_document(get(urllib.parse.urlunsplit(parts._replace(path=path, query=query))))
    except (FeedUnreadable, OSError, ValueError):
        return raw
    full = page.entries[0] if len(page.entries) == 1 else None
    if isinstance(full, dict) and _text(full.get("id")) == service_id:
        return full
    return raw


def read_url(
    url: str, *, today: date, get: Callable[[str], bytes] = fetch, max_pages: int = MAX_PAGES
) -> FeedRead:
    """Every page of a feed from its address: the page the address gives (the first, unless it
    names one), then the next while the feed says there are more. Pages are numbered from 1 (as
    Open Referral UK's API does) or from 0 (as some servers do): the first page's own number
    says which. A later page that cannot be fetched or read is reported and skipped; if the
    first cannot, nothing is read."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise FeedUnreadable("A feed's address starts with https:// (or http://).")
    read = FeedRead()
    address = url
    requested = _int(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)).get("page"))
    last_number = None  # the number of the feed's last page, once a page has said
    previous_ids = None
    for attempt in range(1, max_pages + 1):
        try:
            page = parse_document(get(address))
        except (FeedUnreadable, OSError, ValueError) as error:
            why = error.message if isinstance(error, FeedUnreadable) else _why_not_fetched(error)
            if attempt == 1:
                if isinstance(error, FeedUnreadable):
                    raise
                raise FeedUnreadable(
                    f"The feed at {shown_url(url)} could not be read: {why}. Check the address, "
                    "or save the feed as a file and import that."
                ) from error
            read.complete = False
            read.page_problems.append(
                f"Page {requested} was not read: {why}. Its services were not loaded; import "
                "again later to load them."
            )
            this_number = requested
        else:
            ids = [_text(e.get("id")) for e in page.entries if isinstance(e, dict)]
            if ids and ids == previous_ids:
                # The server ignores ?page= and answers the same page again: nothing more.
                break
            previous_ids = ids
            read.pages_read += 1
            this_number = page.number if page.number is not None else (requested or 1)
            for raw in page.entries:
                read.add(_full_record(raw, url, get), page=this_number, today=today)
            if page.total_pages is not None:
                zero_based = attempt == 1 and page.number == 0
                if attempt == 1 or last_number is None:
                    last_number = page.total_pages - 1 if zero_based else page.total_pages
            if not page.entries or page.last is True or last_number is None:
                break
        if last_number is None or this_number >= last_number:
            break
        requested = this_number + 1
        address = page_url(url, requested)
    else:
        if last_number is not None and requested < last_number:
            read.complete = False
            read.page_problems.append(
                f"The feed has more than {max_pages} pages: only the first {max_pages} were read."
            )
    return read


def read_source(source: str, *, today: date, get: Callable[[str], bytes] = fetch) -> FeedRead:
    """A feed from a file path or an http(s) address."""
    if re.match(r"(?i)^https?://", source):
        return read_url(source, today=today, get=get)
    return read_path(source, today=today)
