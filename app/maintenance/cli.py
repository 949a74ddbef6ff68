"""Operators' commands: `backup`, `restore` (with its drill) and `retention run`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.maintenance import archive, dumps, retention
from app.maintenance.jobs import apply_retention


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the archive (default: backups/ in the instance folder).",
)
@with_appcontext
def backup_command(output: Path | None):
    """Write one archive with the database, every stored file and their SHA-256."""
    output = output or Path(current_app.instance_path) / "backups"
    try:
        path, problems = archive.create_backup(output)
    except dumps.DumpError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written: {path}")
    _fail_on(problems, "stored file(s) missing or altered; the archive holds them as they are")


@click.command("restore")
@click.argument("archive_path", metavar="ARCHIVE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the content of a database that is not empty.")
@with_appcontext
def restore_command(archive_path: Path, force: bool):
    """Check ARCHIVE against its manifest, restore the database and files, then re-check every file's SHA-256."""
    try:
        manifest, problems = archive.restore_backup(archive_path, force=force)
    except (archive.BackupError, dumps.DumpError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Restored the backup of {manifest['created_at']} (schema revision {manifest['alembic_revision']}); "
        "run `flask --app wsgi db upgrade` if this version of the app is newer."
    )
    _fail_on(problems, "stored file(s) missing or altered after the restore")
    click.echo("Restore drill passed: every stored file matches the SHA-256 recorded for it.")


@click.group("retention")
def retention_cli():
    """Retention of rejected and withdrawn material, and of the text of delivered emails."""


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would be removed, change nothing.")
@with_appcontext
def retention_run_command(dry_run: bool):
    """Remove rejected, declined and withdrawn material and delivered emails' text past their retention (the
    worker does it daily)."""
    if dry_run:
        expired = retention.remove_expired()
        db.session.rollback()
    else:
        expired = apply_retention()
    summary = ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in expired.counts().items())
    click.echo(("Would remove " if dry_run else "Removed ") + summary + ".")


def _fail_on(problems: list[str], what: str) -> None:
    for line in problems:
        click.echo(line, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} {what}.")
