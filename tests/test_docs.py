"""docs/configuration.md matches app/config.py."""

from app.config import ENVIRONMENT_VARIABLES, DefaultConfig
from app.core.cli import CONFIGURATION_DOC, configuration_reference


def test_every_environment_variable_is_described_with_a_default():
    for name, setting in ENVIRONMENT_VARIABLES.items():
        assert setting.description.strip(), f"{name} has no description"
        assert hasattr(DefaultConfig, name), f"{name} has no default in DefaultConfig"


def test_configuration_doc_is_what_the_generator_writes():
    assert CONFIGURATION_DOC.read_text() == configuration_reference(), (
        "docs/configuration.md is out of date: run `flask --app wsgi docs configuration`"
    )


def test_docs_configuration_command_writes_the_page(app, tmp_path, monkeypatch):
    page = tmp_path / "configuration.md"
    monkeypatch.setattr("app.core.cli.CONFIGURATION_DOC", page)
    result = app.test_cli_runner().invoke(args=["docs", "configuration"])
    assert result.exit_code == 0, result.output
    assert page.read_text() == configuration_reference()
