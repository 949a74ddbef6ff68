"""``flask --app wsgi check``: every production requirement, OK, WARN or FAIL with its fix; exits 1 on a FAIL.

Registered as a Flask plugin command (``flask.commands`` in pyproject.toml), not on the app: Flask finds it
before loading the app, so when production refuses to start it still reports each refused setting with its fix
instead of a traceback.
"""

import sys

import click
from flask.cli import ScriptInfo, pass_script_info

from app.config import ConfigurationError
from app.core import checks

COLOURS = {checks.OK: "green", checks.WARN: "yellow", checks.FAIL: "red"}


@click.command("check")
@click.option(
    "--only",
    metavar="NAMES",
    help="Comma-separated checks to run (default: all): environment, secret-key, trusted-hosts, public-url, mail, "
    "trusted-proxies, database, job-queue, redis, storage, pdf, fonts, catalogs, ffmpeg, smtp.",
)
@pass_script_info
def check_command(info: ScriptInfo, only: str | None):
    """Check this server against every production requirement and print the fix of each problem."""
    try:
        app = info.load_app()
    except ConfigurationError as refusal:
        failures = refusal.failures or (checks.Result("Configuration", checks.FAIL, str(refusal)),)
        report(failures)
        click.echo("The app refuses to start until these are fixed; the other checks need it to start.")
        sys.exit(1)
    names = [name.strip() for name in only.split(",")] if only else None
    unknown = set(names or ()) - set(checks.CHECKS)
    if unknown:
        raise click.BadParameter(f"no check named {', '.join(sorted(unknown))}", param_hint="--only")
    results = checks.run(app, names)
    report(results)
    if any(result.failed for result in results):
        sys.exit(1)


def report(results) -> None:
    """One line per check, its fix under it, then a count and the Debian packages that would fix the rest."""
    width = max(len(result.name) for result in results)
    for result in results:
        status = click.style(f"{result.status:<4}", fg=COLOURS[result.status], bold=True)
        click.echo(f"{status}  {result.name:<{width}}  {result.detail}")
        if result.fix:
            click.echo(f"      {'':<{width}}  fix: {result.fix}")
    counts = {status: sum(result.status == status for result in results) for status in COLOURS}
    click.echo(", ".join(f"{count} {status}" for status, count in counts.items()) + ".")
    packages = sorted({package for result in results if result.status != checks.OK for package in result.packages})
    if packages:
        click.echo(f"Debian packages to install: sudo apt-get install {' '.join(packages)}")
