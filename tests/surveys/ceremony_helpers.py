"""Trustees of a key ceremony played in Python, doing what each browser does
(static/js/ceremony): make a personal key and seal it with the passphrase,
deal, check and acknowledge, and at decryption open the sealed secret the
server keeps, sum the pieces and compute the partials. Only what a browser
would post reaches the engine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from crypto import dkg, sealing
from crypto.group import Point, Scalar
from crypto.threshold import ThresholdKey, partial_decrypt
from surveys import ceremony, tally
from surveys.models import Survey


def passphrase_of(trustee_ref: str) -> str:
    return f"the ceremony passphrase of {trustee_ref}"


@dataclass
class PythonTrustee:
    """One trustee's browser. It remembers nothing between steps: each step reads
    what the server offers and opens the personal secret with the passphrase."""

    ref: str
    #: scrypt's parameters for the seal of the personal secret (None: the sealing module's default).
    scrypt: sealing.ScryptParams | None = field(default=None, compare=False)

    @property
    def passphrase(self) -> str:
        return passphrase_of(self.ref)

    def material(self, ceremony_id: int) -> ceremony.TrusteeMaterial:
        return ceremony.material_for(ceremony_id, self.ref)

    def join_message(self, ceremony_id: int) -> dict[str, bytes]:
        material = self.material(ceremony_id)
        secret = Scalar.random()
        public = Point.base_times(secret)
        context = dkg.join_context(material.ceremony_id, material.trustee_index)
        return {"personal_key": public.to_bytes(),
                "possession_proof": dkg.prove_possession(secret, public, context),
                "sealed_secret": sealing.seal_with_passphrase(
                    secret.to_bytes(), self.passphrase, associated_data=context,
                    **({"params": self.scrypt} if self.scrypt is not None else {}))}

    def join(self, ceremony_id: int) -> ceremony.CeremonyStatus:
        return ceremony.join(ceremony_id, self.ref, **self.join_message(ceremony_id))

    def secret(self, material: ceremony.TrusteeMaterial) -> Scalar:
        context = dkg.join_context(material.ceremony_id, material.trustee_index)
        return Scalar.from_bytes(sealing.open_with_passphrase(material.sealed_secret, self.passphrase,
                                                              associated_data=context))

    def dealing(self, ceremony_id: int) -> dkg.Dealing:
        material = self.material(ceremony_id)
        keys = [Point.from_bytes(k) for k in material.personal_keys]
        return dkg.make_dealing(material.context, material.threshold, material.trustee_index, keys,
                                self.secret(material))

    def deal(self, ceremony_id: int, change: Callable[[dkg.Dealing, Scalar], dkg.Dealing] | None = None):
        dealing = self.dealing(ceremony_id)
        if change is not None:
            dealing = change(dealing, self.secret(self.material(ceremony_id)))
        return ceremony.deal(ceremony_id, self.ref, dealing.to_json())

    def check(self, ceremony_id: int) -> ceremony.CeremonyStatus:
        """Acknowledge when every piece matches, complain against the first dealer whose does not."""
        material = self.material(ceremony_id)
        secret = self.secret(material)
        dealings = [dkg.Dealing.from_json(d) for d in material.dealings]
        try:
            signature = dkg.make_acknowledgement(material.context, dealings, material.trustee_index, secret)
        except dkg.DkgError as bad:
            complaint = dkg.make_complaint(material.context, dealings[bad.trustee - 1], material.trustee_index,
                                           secret)
            return ceremony.complain(ceremony_id, self.ref, complaint.to_json())
        return ceremony.acknowledge(ceremony_id, self.ref, signature)

    def partials(self, survey: Survey) -> list[bytes]:
        """The browser's part of a decryption: every approved target, in order."""
        task = tally.browser_decryption(survey, self.ref)
        material = task.ceremony
        dealings = [dkg.Dealing.from_json(d) for d in material.dealings]
        share = dkg.final_share(material.context, dealings, material.trustee_index, self.secret(material))
        key = ThresholdKey.from_bytes(task.threshold_key)
        return [partial_decrypt(key, share, Point.from_bytes(target), task.context).to_bytes()
                for target in task.targets]

    def decrypt(self, survey: Survey) -> int:
        return tally.contribute_partials(survey, self.ref, self.partials(survey))


def run_ceremony(scope: str, refs: Sequence[str], threshold: int, *,
                 scrypt: sealing.ScryptParams | None = None) -> ceremony.CeremonyStatus:
    """A whole ceremony among honest Python trustees, to DONE (their seals at `scrypt`, if given)."""
    started = ceremony.start(scope, refs, threshold)
    trustees = [PythonTrustee(ref, scrypt) for ref in refs]
    for step in (PythonTrustee.join, PythonTrustee.deal, PythonTrustee.check):
        for trustee in trustees:
            status = step(trustee, started.id)
    return status
