"""The S3-compatible backend of the file store (``STORAGE_URL=s3://bucket/prefix``).

The endpoint, region and credentials come from boto3's standard variables (``AWS_ENDPOINT_URL``,
``AWS_DEFAULT_REGION``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``). The bucket stays private: files go out
through the app, after its access checks, never by a public or presigned address.

Object keys are ``<prefix>/<HMAC-SHA-256 of the file's SHA-256 under STORAGE_KEY>``: no name, organization or
type, and someone who may list the bucket cannot confirm that it holds a file they know (its plain SHA-256 would
tell them). The file's SHA-256 is kept in the object's metadata, readable only with permission to read the
object itself, so backups and migrations can list the store.
"""

import hashlib
import hmac
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import urlsplit

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from flask import abort, request, send_file

from app.core.storage import CHUNK, check_hash

METADATA = "sha256"


class S3Backend:
    """A bucket (and key prefix) of an S3-compatible service."""

    def __init__(self, bucket: str, prefix: str, secret: str):
        self.bucket, self.prefix, self.secret = bucket, prefix, secret.encode()
        self.client = boto3.client("s3")

    @classmethod
    def from_url(cls, url: str, secret: str) -> "S3Backend":
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"STORAGE_URL must be s3://bucket/prefix, not {url}")
        prefix = parts.path.strip("/")
        return cls(parts.netloc, f"{prefix}/" if prefix else "", secret)

    def key(self, sha256: str) -> str:
        return self.prefix + hmac.new(self.secret, check_hash(sha256).encode(), hashlib.sha256).hexdigest()

    def write(self, sha256: str, stream: BinaryIO) -> None:
        """One PUT (or multipart upload): an object appears whole or not at all."""
        self.client.upload_fileobj(stream, self.bucket, self.key(sha256), ExtraArgs={"Metadata": {METADATA: sha256}})

    def _get(self, sha256: str) -> dict:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as error:
            if error.response["Error"]["Code"] in {"NoSuchKey", "404"}:
                raise FileNotFoundError(sha256) from None
            raise

    def open(self, sha256: str) -> BinaryIO:
        return self._get(sha256)["Body"]

    def _head(self, key: str) -> dict | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] in {"NoSuchKey", "404"}:
                return None
            raise

    def exists(self, sha256: str) -> bool:
        return self._head(self.key(sha256)) is not None

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))

    def size(self, sha256: str) -> int:
        head = self._head(self.key(sha256))
        if head is None:
            raise FileNotFoundError(sha256)
        return head["ContentLength"]

    def hashes(self) -> Iterator[str]:
        """The SHA-256 of every object under the prefix (read from its metadata), sorted."""
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            for entry in page.get("Contents", []):
                head = self._head(entry["Key"])
                if head and head["Metadata"].get(METADATA):
                    found.append(head["Metadata"][METADATA])
        yield from sorted(found)

    def send(self, sha256: str, **options):
        """Streamed through the app with the same conditional and range handling as a local file: the SHA-256 is
        the ETag (the content never changes), the object's time its Last-Modified."""
        try:
            stored = self._get(sha256)
        except FileNotFoundError:
            abort(404)
        response = send_file(
            _Chunks(stored["Body"]), conditional=False, etag=sha256, last_modified=stored["LastModified"], **options
        )
        response.content_length = stored["ContentLength"]
        return response.make_conditional(request.environ, accept_ranges=True, complete_length=stored["ContentLength"])

    def reachable(self) -> bool:
        """The bucket answers and these credentials may use it (HEAD on the bucket)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError):
            return False
        return True


class _Chunks:
    """The object's body as a file for send_file, read in the store's chunk size."""

    def __init__(self, body):
        self.body = body

    def read(self, size: int = CHUNK) -> bytes:
        return self.body.read(size)

    def close(self) -> None:
        self.body.close()
