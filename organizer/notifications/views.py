"""The page where a person turns email notices on or off, added to the `auth`
blueprint beside their password and account deletion."""

from __future__ import annotations

from flask import redirect, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from core.views import render_form, unit_of_work
from organizer.accounts.views import auth_bp
from organizer.notifications import services as notifications
from organizer.notifications.forms import NotificationSettingsForm


@auth_bp.route(notifications.SETTINGS_PATH, methods=["GET", "POST"])
@login_required
def notification_settings():
    form = NotificationSettingsForm()
    # An unticked box sends nothing: a submitted form without it means "off", never the stored value.
    if not form.is_submitted():
        form.wants_email.data = current_user.wants_email
    if form.validate_on_submit() and unit_of_work(
            lambda: notifications.set_email_preference(current_user, form.wants_email.data), form=form,
            success=lambda wants: (gettext("We will email you when something needs you.") if wants
                                   else gettext("No more emails: Leverage will not write to you."))):
        return redirect(url_for("auth.notification_settings"))
    return render_form("auth/notifications.html", form, subject=notifications.SUBJECT)
