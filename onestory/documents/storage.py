"""Where uploaded documents live: the storage named "documents" in settings.STORAGES (the local
filesystem by default, S3-compatible storage when configured), under names that say nothing
about the person or the file."""

import uuid

from django.core.files.storage import storages


def document_storage():
    return storages["documents"]


def document_path(instance, filename: str) -> str:
    """documents/<two hex>/<random id>: never the uploaded file's name, which may name a child."""
    name = uuid.uuid4().hex
    return f"documents/{name[:2]}/{name}"
