"""Leverage's cryptography: a pure library (no Flask, no database).

Modules, bottom up: ``libsodium`` (rbcl's library, loaded without a
temporary copy), ``group`` (ristretto255 values and hashing), ``dlog``
(discrete logs of small sums), ``elgamal`` (exponential ElGamal and tallying),
``proofs`` (zero-knowledge proofs), ``ballot`` (questions, encrypted ballots),
``threshold`` (trustee and server-key decryption), ``sealing`` (passphrase
sealing and free text). Keys are always passed in; nothing here keeps a secret.
"""

# First, so that rbcl finds libsodium already loaded and writes no copy of it to the temporary folder.
from crypto import libsodium  # noqa: F401
