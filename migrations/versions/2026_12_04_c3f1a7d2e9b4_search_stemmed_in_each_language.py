"""Incident search: words stemmed (a plural finds its singular) in each incident's language

PostgreSQL computes search_vector with the text-search configuration of the incident's language ('simple' for
a language it cannot stem); SQLite's FTS5 index stems with Porter's English rules (other scripts pass through).
On SQLite a later batch migration of `incidents` recreates the table and drops the triggers: it must create the
search structures of this migration again.

Revision ID: c3f1a7d2e9b4
Revises: e3a9c51d7b20
Create Date: 2026-12-04 15:30:00.000000

"""
from alembic import op


revision = 'c3f1a7d2e9b4'
down_revision = 'e3a9c51d7b20'
branch_labels = None
depends_on = None

# As app/incidents/search.py reads them (TEXT_SEARCH_CONFIGS): PostgreSQL's configurations since version 12.
CONFIGS = {
    "ar": "arabic", "da": "danish", "de": "german", "en": "english", "es": "spanish", "fi": "finnish",
    "fr": "french", "ga": "irish", "hu": "hungarian", "id": "indonesian", "it": "italian", "lt": "lithuanian",
    "nb": "norwegian", "ne": "nepali", "nl": "dutch", "nn": "norwegian", "no": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
}
SEARCHED_TEXT = "coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(excerpt, '')"


def _language_config() -> str:
    branches = " ".join(f"WHEN '{code}' THEN '{config}'::regconfig" for code, config in CONFIGS.items())
    return f"CASE language {branches} ELSE 'simple'::regconfig END"


def _postgresql_search(config: str) -> list[str]:
    return [
        f"ALTER TABLE incidents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector({config}, "
        f"{SEARCHED_TEXT})) STORED",
        "CREATE INDEX ix_incidents_search_vector ON incidents USING gin (search_vector)",
    ]


def _sqlite_search(tokenizer: str) -> list[str]:
    return [
        f"""CREATE VIRTUAL TABLE incident_search USING fts5(title, description, excerpt, content='incidents',
           content_rowid='id', tokenize="{tokenizer}")""",
        """CREATE TRIGGER incidents_search_insert AFTER INSERT ON incidents BEGIN
           INSERT INTO incident_search(rowid, title, description, excerpt)
           VALUES (new.id, new.title, new.description, new.excerpt); END""",
        """CREATE TRIGGER incidents_search_delete AFTER DELETE ON incidents BEGIN
           INSERT INTO incident_search(incident_search, rowid, title, description, excerpt)
           VALUES ('delete', old.id, old.title, old.description, old.excerpt); END""",
        """CREATE TRIGGER incidents_search_update AFTER UPDATE OF title, description, excerpt ON incidents BEGIN
           INSERT INTO incident_search(incident_search, rowid, title, description, excerpt)
           VALUES ('delete', old.id, old.title, old.description, old.excerpt);
           INSERT INTO incident_search(rowid, title, description, excerpt)
           VALUES (new.id, new.title, new.description, new.excerpt); END""",
        # Index the incidents already there.
        "INSERT INTO incident_search(incident_search) VALUES ('rebuild')",
    ]


# Tokens include combining marks, so Devanagari words stay whole.
UNICODE_WORDS = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"


def _drop_search():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_incidents_search_vector")
        op.execute("ALTER TABLE incidents DROP COLUMN IF EXISTS search_vector")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS incidents_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS incident_search")


def _create_search(stemmed: bool):
    if op.get_bind().dialect.name == "postgresql":
        statements = _postgresql_search(_language_config() if stemmed else "'simple'::regconfig")
    else:
        statements = _sqlite_search(f"porter {UNICODE_WORDS}" if stemmed else UNICODE_WORDS)
    for statement in statements:
        op.execute(statement)


def upgrade():
    _drop_search()
    _create_search(stemmed=True)


def downgrade():
    _drop_search()
    _create_search(stemmed=False)
