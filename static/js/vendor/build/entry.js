// What the booth and the key ceremony use of noble, bundled into one ES module (static/js/vendor/noble.js).
export { ristretto255 } from "@noble/curves/ed25519.js";
export { sha256, sha512 } from "@noble/hashes/sha2.js";
export { hkdf } from "@noble/hashes/hkdf.js";
export { scrypt, scryptAsync } from "@noble/hashes/scrypt.js";
