"""Union cards' pages (the `cards` blueprint): a member's card, signed in two
screens and withdrawn on a third; the organizers' pages for the union's words,
each unit's cards, paper cards, and the exports behind their warning."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user

from core.authz import role_required
from core.views import add_error, render_form, unit_of_work
from organizer.cards import services
from organizer.cards.forms import CardTextForm, CoworkerSearchForm, ExportForm, PaperCardForm, SignForm
from organizer.cards.loaders import get_card_for_signer_or_404
from organizer.charting.forms import ConfirmForm
from organizer.charting.loaders import (
    get_person_for_organizer_or_404,
    get_union_for_organizer_or_404,
    get_unit_for_organizer_or_404,
)
from organizer.roles import Role

cards_bp = Blueprint("cards", __name__)

member_required = role_required(Role.MEMBER)

organizer_required = role_required(Role.ORGANIZER)

SIGNED = lazy_gettext("Your union card is signed. Thank you: it counts from today.")

WITHDRAWN = lazy_gettext("Your card is withdrawn. It no longer counts; it stays on file, marked withdrawn, with "
                         "today's date.")


# -- a member's card ------------------------------------------------------------------------------

def _my_card_page(form: SignForm | None = None) -> tuple[str, int]:
    """The member's card, or the first screen of signing; 400 when a form just sent has errors."""
    cards = services.member_cards(current_user)
    if form is None:
        form = SignForm(formdata=None, email=current_user.email)
    if cards.text is not None:
        # The page shows the words of now: the hidden fields name those, whatever was sent.
        form.text_id.data, form.text_digest.data = str(cards.text.id), cards.text.digest
    if form.text_id.errors or form.text_digest.errors:
        add_error(form, None, gettext("The page was incomplete. Read the card again and sign below."))
    return render_form("cards/my_card.html", form, cards=cards)


@cards_bp.route("/my/card", methods=["GET", "POST"])
@member_required
def my_card():
    """The member's card if they signed one; else its words and the first screen of signing,
    which (once it passes every rule) leads to the second: "I sign this card"."""
    form = SignForm()
    if form.validate_on_submit():
        unit = services.member_unit(current_user)
        checked = unit_of_work(lambda: services.check_signature(current_user, unit, form.signature()), form=form)
        if checked:
            return render_template("cards/confirm_sign.html", form=form, unit=unit,
                                   text=services.current_text(unit.union))
    return _my_card_page(form if form.is_submitted() else None)


@cards_bp.route("/my/card/sign", methods=["POST"])
@member_required
def sign_card():
    """The second screen's button: sign, with what the first screen carried."""
    form = SignForm()
    unit = services.member_unit(current_user)
    if form.validate_on_submit() and unit_of_work(lambda: services.sign(current_user, unit, form.signature()),
                                                  form=form, success=str(SIGNED)):
        return redirect(url_for("cards.my_card"))
    return _my_card_page(form)


@cards_bp.route("/cards/<int:card_id>/withdraw", methods=["GET", "POST"])
@member_required
def withdraw_card(card_id: int):
    """Withdraw one's own card, after a page that says what withdrawing does."""
    card = get_card_for_signer_or_404(card_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        unit_of_work(lambda: services.withdraw(current_user, card), success=str(WITHDRAWN))
        return redirect(url_for("cards.my_card"))
    return render_template("cards/withdraw.html", card=card, form=form,
                           text=services.texts_of([card]).get(card.text_id))


# -- organizers -----------------------------------------------------------------------------------

@cards_bp.route("/unions/<int:union_id>/cards")
@organizer_required
def union_cards(union_id: int):
    """The union's card words and each unit's cards."""
    union = get_union_for_organizer_or_404(union_id)
    return render_template("cards/union_cards.html", union=union, text=services.current_text(union),
                           counts=services.union_card_counts(current_user, union))


@cards_bp.route("/unions/<int:union_id>/cards/words", methods=["GET", "POST"])
@organizer_required
def card_text(union_id: int):
    """New words for the union's card (a new version; signed cards keep theirs)."""
    union = get_union_for_organizer_or_404(union_id)
    current = services.current_text(union)
    form = CardTextForm(text=current.text if current is not None else None)
    if form.validate_on_submit() and unit_of_work(
            lambda: services.set_card_text(current_user, union, form.text.data), form=form,
            success=lambda version: gettext("Saved as version %(version)d. Members sign these words from now on.",
                                            version=version.version)):
        return redirect(url_for("cards.union_cards", union_id=union.id))
    return render_form("cards/card_text.html", form, union=union, versions=services.text_versions(union))


@cards_bp.route("/units/<int:unit_id>/cards")
@organizer_required
def unit_cards(unit_id: int):
    """A unit's cards, valid and withdrawn, the search for a coworker whose paper card to
    record, and the exports."""
    unit = get_unit_for_organizer_or_404(unit_id)
    search = CoworkerSearchForm(request.args)
    valid_search = search.validate()
    found = services.find_coworkers(current_user, unit, search.search.data) if valid_search else []
    return render_template("cards/unit_cards.html", unit=unit, search=search, found=found,
                           cards=services.unit_cards(current_user, unit),
                           searched=valid_search and bool(search.search.data)), 200 if valid_search else 400


@cards_bp.route("/people/<int:person_id>/paper-card", methods=["GET", "POST"])
@organizer_required
def record_paper_card(person_id: int):
    """Record a card the coworker signed on paper."""
    person = get_person_for_organizer_or_404(person_id)
    versions = services.text_versions(person.unit.union)
    form = PaperCardForm(legal_name=person.name, email=person.email, phone=person.phone,
                         text_id=versions[0].id if versions else None)
    form.set_text_choices(versions)
    if form.validate_on_submit() and unit_of_work(
            lambda: services.record_paper_card(current_user, person, form.paper_card()), form=form,
            success=gettext("Paper card recorded for %(name)s. Keep the paper card safe: it is the original.",
                            name=person.name)):
        return redirect(url_for("cards.unit_cards", unit_id=person.unit_id))
    return render_form("cards/paper_card.html", form, person=person, unit=person.unit, versions=versions,
                       standing=services.standing_card(person.unit, person.id))


_EXPORT_PATH = "/units/<int:unit_id>/cards/export/<any(pdf, csv):file_format>"


def _export_page(unit, file_format: str, form: ExportForm) -> tuple[str, int]:
    return render_form("cards/confirm_export.html", form, unit=unit, file_format=file_format,
                       count=services.valid_card_total(current_user, unit))


@cards_bp.route(_EXPORT_PATH, methods=["GET"])
@organizer_required
def confirm_export(unit_id: int, file_format: str):
    """What a file of signers risks, before it is made."""
    return _export_page(get_unit_for_organizer_or_404(unit_id), file_format, ExportForm(formdata=None))


@cards_bp.route(_EXPORT_PATH, methods=["POST"])
@organizer_required
def export_cards(unit_id: int, file_format: str):
    """The file itself, once the warning is acknowledged; recorded in the audit log."""
    unit = get_unit_for_organizer_or_404(unit_id)
    form = ExportForm()
    made = form.validate_on_submit() and unit_of_work(
        lambda: services.export_cards(current_user, unit, file_format), form=form)
    if not made:
        return _export_page(unit, file_format, form)
    return Response(made.value.content, mimetype=made.value.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{made.value.filename}"', "Cache-Control": "no-store"})
