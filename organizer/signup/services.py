"""Sign-up by email confirmation, with no row until the account is made.

The token is `day.nonce.tag`: the day it was made (coarse, as PRIVACY.md asks),
16 random bytes, and an HMAC, under a key derived from the app's secret key, of
the day, the address's blind index and the nonce. The person types the address
again with their name and password; the tag must match it, and the day must be
at most SIGN_UP_VALID_DAYS old. A second use finds the address taken."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from datetime import date, timedelta

from flask import current_app, render_template
from flask_babel import gettext, lazy_gettext

from core import i18n, mail
from core.clock import today
from core.sealing import blind_index
from crypto.fields import normalize_email
from organizer.accounts import services as accounts
from organizer.accounts.models import Account
from organizer.errors import DomainError

#: How many days a sign-up link works.
SIGN_UP_VALID_DAYS = 2

SIGN_UP_SUBJECT = lazy_gettext("Your Leverage account")

log = logging.getLogger(__name__)


class SignUpInvalid(DomainError):
    """A sign-up link that is malformed, expired, or made for another address."""

    status = 410


def _key() -> bytes:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"leverage sign-up v1", hashlib.sha256).digest()


def _tag(day: date, email_index: bytes, nonce: bytes) -> bytes:
    return hmac.new(_key(), b"|".join((str(day.toordinal()).encode(), email_index, nonce)), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def make_token(email: str) -> str:
    day, nonce = today(), secrets.token_bytes(16)
    return ".".join((str(day.toordinal()), _b64(nonce), _b64(_tag(day, blind_index(normalize_email(email)), nonce))))


def _parsed(token: str) -> tuple[date, bytes, bytes]:
    invalid = SignUpInvalid(gettext("This sign-up link is not valid. Check that you copied the whole link, or "
                                    "ask for a new one."))
    day, nonce, tag = (token.split(".") + ["", "", ""])[:3]
    if token.count(".") != 2 or not day.isdigit() or len(day) > 7:
        raise invalid
    try:
        made = date.fromordinal(int(day))
        nonce_bytes, tag_bytes = base64.urlsafe_b64decode(nonce + "=="), base64.urlsafe_b64decode(tag + "=")
    except ValueError:
        raise invalid from None
    if len(nonce_bytes) != 16 or len(tag_bytes) != 32:
        raise invalid
    return made, nonce_bytes, tag_bytes


def check_link(token: str) -> None:
    """Refuse a malformed link or one past its days, before anyone types anything."""
    made, _, _ = _parsed(token)
    if not today() - timedelta(days=SIGN_UP_VALID_DAYS) <= made <= today():
        raise SignUpInvalid(gettext("This sign-up link has expired. Ask for a new one: it takes a minute."))


def request_sign_up(email: str, path_for_token, language: str | None) -> bool:
    """Mail `email` either a sign-up link (`path_for_token(token)`) or, when it has an
    account already, a note saying so. The caller shows one answer for both. False
    when the mail could not go."""
    address = normalize_email(email)
    with i18n.in_language(language):
        if accounts.find_account_by_email(address) is not None:
            body = render_template("email/sign_up_exists.txt", link=mail.link("/login"))
        else:
            body = render_template("email/sign_up.txt", link=mail.link(path_for_token(make_token(address))),
                                   days=SIGN_UP_VALID_DAYS)
        letter = mail.Letter(address, str(SIGN_UP_SUBJECT), body)
    try:
        return mail.send([letter]) == 1
    except mail.MailNotSent as failed:
        log.warning("a sign-up email was not sent (%s)", failed)
        return False


def finish_sign_up(token: str, *, display_name: str, email: str, password: str) -> Account:
    """The account, with no role, once the link is checked against the address typed."""
    check_link(token)
    made, nonce, tag = _parsed(token)
    if not hmac.compare_digest(tag, _tag(made, blind_index(normalize_email(email)), nonce)):
        raise DomainError(gettext("This link was sent to another address. Type the address the email came to."),
                          field="email")
    account = accounts.create_account(display_name=display_name, email=email, password=password, person=None,
                                      roles=[])
    accounts.start_session(account)
    return account


def budget_key(email: str) -> str:
    """The rate-limit key of sign-up requests for one address (keyed, like the sign-in budgets)."""
    digest = blind_index(normalize_email(email))
    return hmac.new(_key(), b"budget|" + digest, hashlib.sha256).hexdigest()[:32]
