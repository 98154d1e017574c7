"""The sign-in page: a form that takes an API key and opens a browser session, and, once signed in,
who is signed in with a button to sign out (see :mod:`tacmap.api.sessions`)."""

from __future__ import annotations

from markupsafe import Markup
from tacmap.i18n import _, use
from tacmap.viz.pages.layout import page
from tacmap.viz.render import environment

BODY = """
{% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
{% if key_id %}
<section>
  <p>{{ signed_in }}</p>
  {{ sign_out }}
</section>
{% else %}
<section>
  <form method="post" action="/sign-in">
    <input type="hidden" name="csrf" value="{{ csrf }}">
    <input type="hidden" name="next" value="{{ next }}">
    <label for="key">{{ key_label }}
      <input id="key" name="key" type="password" autocomplete="off" required size="60" aria-describedby="key-help">
    </label>
    <button type="submit">{{ button }}</button>
  </form>
  <p class="note" id="key-help">{{ help }}</p>
</section>
{% endif %}
"""

SIGN_OUT = """<form method="post" action="/sign-out" class="sign-out">
<input type="hidden" name="csrf" value="{{ csrf }}"><button type="submit">{{ label }}</button></form>"""

CSS = ".error{color:#9b1c1c;background:#fdecea;border-inline-start:4px solid #9b1c1c;padding:6px 10px}"


def sign_out_form(csrf: str) -> Markup:
    """The sign-out button, for any page of a signed-in browser (the caller chooses the language)."""
    return Markup(environment().from_string(SIGN_OUT).render(csrf=csrf, label=_("Sign out")))


def sign_in_page(
    lang: str,
    *,
    csrf: str,
    next_path: str = "/",
    error: str | None = None,
    key_id: str | None = None,
    role: str | None = None,
) -> str:
    """The form (with its double-submit ``csrf`` token), or, signed in as ``key_id``, the way out;
    ``error`` is a refusal's reason (see :func:`sign_in_error`)."""
    with use(lang):
        body = (
            environment()
            .from_string(BODY)
            .render(
                error=sign_in_error(error) if error else None,
                key_id=key_id,
                signed_in=_("Signed in with the key {key} ({role}).").format(key=key_id, role=role),
                sign_out=sign_out_form(csrf) if key_id else "",
                csrf=csrf,
                next=next_path,
                key_label=_("API key"),
                button=_("Sign in"),
                help=_(
                    "Paste the key you were given (it starts with tm_). The browser keeps a session for 8 hours "
                    "or until you sign out; the key itself is not stored."
                ),
            )
        )
        return page(_("Sign in"), Markup(body), lang, css=CSS)


def sign_in_error(reason: str) -> str:
    """A refusal in the current language: ``key`` (not valid or revoked) or ``form`` (stale token)."""
    if reason == "key":
        return _(
            "That key is not valid or has been revoked: check it, or ask an administrator for a new one."
        )
    return _("The form was out of date: it has been reloaded, sign in again.")
