"""Documents kept in S3-compatible storage (what production uses when a bucket is named),
proven against moto's stand-in for S3: stored under a random private name, read back whole."""

import datetime
from pathlib import Path

import boto3
import pytest
from django.utils import timezone
from moto import mock_aws
from storages.backends.s3 import S3Storage

from onestory.documents import actions_documents as actions
from onestory.documents.models import Document
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories_documents import allocated_child

pytestmark = pytest.mark.django_db
PDF = (Path(__file__).parent / "data" / "school-letter.pdf").read_bytes()
BUCKET = "onestory-documents-test"


@pytest.fixture
def s3(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        boto3.client("s3", region_name="eu-west-2").create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        # The options config/settings/base.py gives when ONESTORY_DOCUMENTS_BUCKET is set.
        storage = S3Storage(
            bucket_name=BUCKET,
            region_name="eu-west-2",
            default_acl="private",
            querystring_auth=True,
            file_overwrite=False,
        )
        monkeypatch.setattr(Document._meta.get_field("file"), "storage", storage)
        yield boto3.client("s3", region_name="eu-west-2")


def test_an_upload_round_trips_through_s3_under_a_random_private_name(s3):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child = allocated_child(worker)

    document = actions.document_upload(
        person=child,
        people_ids=[child.pk],
        kind=Document.Kind.REPORT,
        title="School report",
        dated=datetime.date(2026, 3, 2),
        visibility=Document.Visibility.RECORD,
        file_name="Amira Khan school report.pdf",
        data=PDF,
        acting_user=worker,
        now=timezone.now(),
    )

    (stored,) = s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert stored["Key"] == document.file.name
    assert "Amira" not in stored["Key"]
    assert s3.get_object(Bucket=BUCKET, Key=stored["Key"])["Body"].read() == PDF
    grants = s3.get_object_acl(Bucket=BUCKET, Key=stored["Key"])["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner alone
    with Document.objects.get(pk=document.pk).file.open("rb") as read_back:
        assert read_back.read() == PDF
