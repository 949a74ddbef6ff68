"""Asking before an action that is hard to undo: withdrawing a signature, closing or sending a letter, cancelling
a meeting.

The button's form carries the question in ``data-confirm`` (the ``post_button`` macro's ``confirm``), or the
button itself does when only one of a form's buttons asks (rejecting, beside verifying). With
JavaScript, ``static/js/app.js`` asks it in the browser and adds ``confirmed=1`` to the form; without JavaScript the
form arrives without it and the view answers ``confirmation_page``, whose form posts the same fields again with
``confirmed=1`` (and a fresh CSRF token), beside a link back. An API call is explicit and asks nothing.
"""

from flask import render_template, request

CONFIRMED = "confirmed"
NOT_CARRIED = {"csrf_token", CONFIRMED}


def is_confirmed() -> bool:
    """Whether the person has confirmed the action this POST asks for."""
    return request.form.get(CONFIRMED) == "1"


def confirmation_page(question: str, action: str, back_url: str, danger: bool = False) -> str:
    """The page asking ``question``, with ``action`` (the button's label) posting back to this address and a link to
    ``back_url``; the fields the form carried (a channel, a reason) go through unchanged."""
    fields = [(name, value) for name, value in request.form.items(multi=True) if name not in NOT_CARRIED]
    return render_template(
        "confirm.html",
        question=question,
        action=action,
        action_url=request.path,
        back_url=back_url,
        fields=fields,
        danger=danger,
    )
