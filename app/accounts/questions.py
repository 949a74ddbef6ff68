"""What is asked before an account action that is hard to undo (``app.core.confirm``): in the browser and on the
page asking. Templates reach them as ``account_questions.<NAME> % {"name": ...}``."""

from flask_babel import lazy_gettext as _l

REVOKE_TOKEN = _l("Revoke the API token “%(name)s”? Scripts that use it will stop working at once.")
SIGN_OUT_OTHER_SESSIONS = _l(
    "Sign out all your other sessions? Every other browser or device signed in as you will have to sign in again."
)
DEACTIVATE = _l("Deactivate %(name)s? They are signed out at once and cannot sign in until reactivated.")
RESET_TWO_FACTOR = _l(
    "Reset the second factor of %(name)s? They are signed out and must set up two-factor sign-in again."
)
