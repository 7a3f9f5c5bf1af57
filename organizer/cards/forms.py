"""The forms of union cards: signing (one form, typed on the first screen and
carried in hidden inputs to the second, where the member confirms), the union's words, a paper
card, and the search for the coworker whose paper card it is. Forms check shape;
the services check the rules (one valid card each, a signature that matches). Their words
are `lazy_gettext`, read in each visitor's language."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, Regexp

from core import text
from core.i18n import format_day, format_number
from organizer.cards import services
from organizer.charting.forms import email_shape, strip_text

_PHONE_SHAPE = r"^\+?[0-9 ()./-]{6,30}$"

_PHONE_MESSAGE = lazy_gettext("Enter a phone number: digits, spaces, + ( ) - only.")


def _legal_name(label: str, description: str) -> StringField:
    return StringField(label, filters=[strip_text], description=description, validators=[
        DataRequired(message=lazy_gettext("Give the full legal name.")), *text.name_rules(services.NAME_MAX)])


class SignForm(FlaskForm):
    """The first screen: who is signing, how to reach them, and the signature."""

    legal_name = _legal_name(lazy_gettext("Your full legal name"), lazy_gettext("As on your ID or your pay slip."))
    email = StringField(lazy_gettext("Your personal email"), filters=[strip_text], validators=[
        DataRequired(message=lazy_gettext("Give your personal email.")), text.MaxLength(services.EMAIL_MAX),
        email_shape],
        description=lazy_gettext("Not a work address. The union or the labour board may write to check that you "
                                 "signed."))
    phone = StringField(lazy_gettext("Your personal phone"), filters=[strip_text], validators=[
        DataRequired(message=lazy_gettext("Give your personal phone number.")),
        Regexp(_PHONE_SHAPE, message=_PHONE_MESSAGE)],
        description=lazy_gettext("They may also call or text to check."))
    typed_signature = StringField(lazy_gettext("Your signature: type your full legal name again"),
                                  filters=[strip_text],
                                  validators=[DataRequired(message=lazy_gettext("Type your full legal name to sign.")),
                                              text.MaxLength(services.NAME_MAX), text.no_control_characters,
                                              text.no_bidi_controls],
                                  description=lazy_gettext("Typing your name here is how you sign. Capitals do not "
                                                           "matter."))
    #: The words shown on the page, so that words changed meanwhile are not what gets signed.
    text_id = HiddenField(validators=[InputRequired()])
    text_digest = HiddenField(validators=[InputRequired()])

    def signature(self) -> services.Signature:
        try:
            text_id = int(self.text_id.data)
        except (TypeError, ValueError):
            text_id = 0
        return services.Signature(
            legal_name=self.legal_name.data, email=self.email.data, phone=self.phone.data,
            typed_signature=self.typed_signature.data, text_id=text_id, text_digest=self.text_digest.data or "")


class CardTextForm(FlaskForm):
    # The union's own words, as its organizers write them: a browser's translator leaves them alone.
    text = TextAreaField(lazy_gettext("The card's words"), filters=[strip_text], render_kw={"translate": "no"}, validators=[
        DataRequired(message=lazy_gettext("Write the words a coworker signs.")),
        *text.free_text_rules(services.CARD_TEXT_MAX), text.no_bidi_controls, text.visible_words],
        description=lazy_gettext("Name the union and the employer, and say what signing means, for example: “I "
                                 "want [union] to represent me in bargaining with [employer] over pay, hours and "
                                 "conditions.” Cards already signed keep the words they were signed under."))


class PaperCardForm(FlaskForm):
    legal_name = _legal_name(lazy_gettext("Full legal name, as on the card"),
                             lazy_gettext("Copy it as the coworker wrote it."))
    signed_on = DateField(lazy_gettext("Date on the card"),
                          validators=[InputRequired(message=lazy_gettext("Give the date written on the card."))])
    email = StringField(lazy_gettext("Personal email on the card"), filters=[strip_text],
                        validators=[Optional(), text.MaxLength(services.EMAIL_MAX), email_shape])
    phone = StringField(lazy_gettext("Personal phone on the card"), filters=[strip_text],
                        validators=[Optional(), Regexp(_PHONE_SHAPE, message=_PHONE_MESSAGE)],
                        description=lazy_gettext("The email, the phone or both: the labour board may check with "
                                                 "the signer."))
    text_id = SelectField(lazy_gettext("Words printed on the card"), coerce=int, validate_choice=True)
    holds_card = BooleanField(
        lazy_gettext("I have this paper card, signed by the coworker, and the union will keep it."),
        validators=[DataRequired(message=lazy_gettext("Record a card only from the signed paper card."))])

    def set_text_choices(self, versions: list) -> None:
        self.text_id.choices = [(version.id, gettext("Version %(version)s, set %(day)s",
                                                     version=format_number(version.version),
                                                     day=format_day(version.set_on)))
                                for version in versions]

    def paper_card(self) -> services.PaperCard:
        return services.PaperCard(legal_name=self.legal_name.data, signed_on=self.signed_on.data,
                                  text_id=self.text_id.data, email=self.email.data or None,
                                  phone=self.phone.data or None)


class CoworkerSearchForm(FlaskForm):
    """Read from the query string: a search changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    search = StringField(lazy_gettext("Coworker's name"), filters=[strip_text],
                         validators=[Optional(), text.MaxLength(120), text.no_control_characters],
                         description=lazy_gettext("Part of their name as on the chart. Capitals and accents do "
                                                  "not matter."))


class ExportForm(FlaskForm):
    """The confirmation before a file of signers is made: a button, and a box that says the risk was read."""

    understood = BooleanField(
        lazy_gettext("I understand, and I will keep this file off shared computers."),
        validators=[DataRequired(message=lazy_gettext("Tick the box to say you read the warning."))])

