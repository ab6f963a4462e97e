"""The read API for people and families: JSON, read-only, scoped to the signed-in worker.

Every queryset starts from `visible_to` (families: at least one visible current member, as on
the family page). A record the worker may not open is a 404, like a missing one. Each retrieve
is audited as a view and each list page writes one audit row per person listed.
"""

from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers

from onestory.access.decorators import access_rule
from onestory.access.selectors import (
    access_person_by_id,
    audit_views,
    households_visible_to,
    visible_to,
)
from onestory.core.clock import now, today_in_london

from . import rules
from .models import Address, Household, HouseholdMember, Person, PersonName, Relationship
from .selectors import access_household_by_id, sees_withheld_addresses

API_PAGE = "api"


class PersonNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonName
        fields = ["kind", "given_name", "family_name", "valid_from", "valid_to"]


class AddressSerializer(serializers.ModelSerializer):
    ward = serializers.CharField(source="ward.name", default="", read_only=True)

    class Meta:
        model = Address
        fields = ["line_1", "line_2", "town", "postcode", "ward", "valid_from"]


class PersonSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "given_name", "family_name", "date_of_birth", "sex"]


class RelatedPersonSerializer(serializers.Serializer):
    """A relationship, read from the requested person's side: "Parent: Alice"."""

    relationship = serializers.CharField(help_text="What the other person is to this person")
    person = PersonSummarySerializer()
    has_parental_responsibility = serializers.BooleanField()
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)


class PersonDetailSerializer(serializers.ModelSerializer):
    names = PersonNameSerializer(many=True, read_only=True)
    current_address = serializers.SerializerMethodField()
    relationships = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id", "given_name", "middle_names", "family_name", "date_of_birth",
            "expected_date_of_birth", "sex", "ethnicity", "first_language", "nhs_number", "upn",
            "date_of_death", "names", "current_address", "relationships",
        ]

    @extend_schema(responses=AddressSerializer(allow_null=True))
    def get_current_address(self, person) -> dict | None:
        today = today_in_london(self.context["now"])
        address = (
            Address.objects.filter(person=person)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today))
            .select_related("ward")
            .order_by("-valid_from")
            .first()
        )
        if address is None or (
            address.withheld and not sees_withheld_addresses(self.context["request"].user)
        ):
            # A withheld address never leaves the council: a partner agency is given none.
            return None
        return AddressSerializer(address).data

    @extend_schema(responses=RelatedPersonSerializer(many=True))
    def get_relationships(self, person) -> list[dict]:
        """Relationships to people the caller may open; the others are left out, unnamed."""
        rows = list(
            Relationship.objects.filter(Q(from_person=person) | Q(to_person=person))
            .select_related("from_person", "to_person")
            .order_by("kind")
        )
        other_ids = {r.to_person_id if r.from_person_id == person.pk else r.from_person_id
                     for r in rows}
        visible = set(
            visible_to(self.context["request"].user, now=self.context["now"])
            .filter(pk__in=other_ids).values_list("pk", flat=True)
        )
        result = []
        for r in rows:
            from_subject = r.from_person_id == person.pk
            other = r.to_person if from_subject else r.from_person
            if other.pk not in visible:
                continue
            result.append({
                "relationship": rules.relationship_label(r.kind, seen_from_subject=from_subject),
                "person": other,
                "has_parental_responsibility": r.has_parental_responsibility,
                "valid_from": r.valid_from,
                "valid_to": r.valid_to,
            })
        return RelatedPersonSerializer(result, many=True).data


class FamilySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Household
        fields = ["id", "name"]


class FamilyDetailSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", "name", "members"]

    @extend_schema(responses=PersonSummarySerializer(many=True))
    def get_members(self, household) -> list[dict]:
        """The current members the caller may open; others are left out."""
        return PersonSummarySerializer(self.context["members"], many=True).data


# A record you may not open answers exactly as one that does not exist, and so does a page past
# the end of a list: 404. The schema says so, so that clients (and the fuzzing proof) expect it.
NOT_FOUND = OpenApiResponse(description="No such record that you may open, or no such page.")


def _documented(serializer, *, many=False):
    return extend_schema_view(
        get=extend_schema(responses={200: serializer(many=many), 404: NOT_FOUND})
    )


class _Scoped:
    """Reads the clock once per request and hands it to the selectors and serializers."""

    def initial(self, request, *args, **kwargs):
        self.now = now()
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": self.now}


@access_rule("signed_in")
@_documented(PersonSummarySerializer, many=True)
class PersonList(_Scoped, generics.ListAPIView):
    """The people whose records you may open, 50 a page. Each person listed is audited."""

    serializer_class = PersonSummarySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Person.objects.none()
        return visible_to(self.request.user, now=self.now).order_by(
            "family_name", "given_name", "id"
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        audit_views(self.request.user, page, now=self.now, page=API_PAGE,
                    request=self.request, action="list")
        return page


@access_rule("person")
@_documented(PersonDetailSerializer)
class PersonDetail(_Scoped, generics.RetrieveAPIView):
    """One person's identity, names, current address and relationships to people you may open."""

    serializer_class = PersonDetailSerializer
    queryset = Person.objects.none()  # for the schema; get_object decides what is read
    lookup_url_kwarg = "person_id"

    def get_object(self):
        person = access_person_by_id(self.request.user, self.kwargs["person_id"], now=self.now,
                                     request=self.request, page=API_PAGE)
        return Person.objects.prefetch_related("names").get(pk=person.pk)


@access_rule("signed_in")
@_documented(FamilySummarySerializer, many=True)
class FamilyList(_Scoped, generics.ListAPIView):
    """Families with at least one current member whose record you may open.

    Each visible current member of each family listed is audited.
    """

    serializer_class = FamilySummarySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Household.objects.none()
        return households_visible_to(self.request.user, now=self.now).order_by("name", "id")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        today = today_in_london(self.now)
        member_ids = HouseholdMember.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=today), household__in=page
        ).values("person_id")
        people = visible_to(self.request.user, now=self.now).filter(pk__in=member_ids)
        audit_views(self.request.user, people, now=self.now, page=API_PAGE,
                    request=self.request, action="list")
        return page


@access_rule("household")
@_documented(FamilyDetailSerializer)
class FamilyDetail(_Scoped, generics.RetrieveAPIView):
    """One family and its current members that you may open."""

    serializer_class = FamilyDetailSerializer
    queryset = Household.objects.none()  # for the schema; get_object decides what is read
    lookup_url_kwarg = "household_id"

    def get_object(self):
        household, members, visible = access_household_by_id(
            self.request.user, self.kwargs["household_id"], now=self.now,
            request=self.request, page=API_PAGE,
        )
        self.members = [m.person for m in members if m.person_id in visible]
        return household

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "members": getattr(self, "members", [])}

