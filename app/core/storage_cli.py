"""The ``storage`` commands: move the stored files to another backend (a folder to a bucket, or back)."""

import click
from flask.cli import with_appcontext

from app.core import storage


def migrate(target_url: str) -> tuple[int, int, list[str]]:
    """Copy every stored file to the backend ``target_url`` names, checking each copy's SHA-256.

    Files already there intact are left alone, so it can run again after an interruption. Returns (copied,
    already there, hashes whose copy does not match).
    """
    source, target = storage.backend(), storage.backend_for(target_url)
    copied = present = 0
    failed = []
    for sha256 in source.hashes():
        if storage.digest_in(target, sha256) == sha256:
            present += 1
            continue
        with source.open(sha256) as handle:
            target.write(sha256, handle)
        if storage.digest_in(target, sha256) == sha256:
            copied += 1
        else:
            failed.append(sha256)
    return copied, present, failed


@click.group("storage")
def storage_cli():
    """The file store (evidence, display copies, meeting attachments)."""


@storage_cli.command("migrate")
@click.option(
    "--to", "target_url", required=True, help="Where to copy the files: s3://bucket/prefix, or '' for EVIDENCE_DIR."
)
@with_appcontext
def migrate_command(target_url: str):
    """Copy every stored file from the current store (STORAGE_URL) to another, verifying each SHA-256."""
    try:
        copied, present, failed = migrate(target_url)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{copied} file(s) copied, {present} already there.")
    if failed:
        raise click.ClickException(f"{len(failed)} copy(ies) do not match their SHA-256: {', '.join(failed[:5])}")
    click.echo(
        f"Every file is in {target_url or 'EVIDENCE_DIR'}; now set STORAGE_URL={target_url} and restart the app."
    )
