// What the booth (static/js/booth/crypto.js) and the key ceremony
// (static/js/ceremony/dkg.js) share of crypto/group.py: byte helpers, framing,
// base64, scalars and points of ristretto255, and hashing to a scalar. Each of
// them keeps its own error class for the words shown to people, so nothing
// here throws a message meant for a reader: where input can be bad, it returns
// null and the caller refuses in its own words.
//
// No DOM: it runs in both workers, in a page and under node (>= 20.19).
// docs/browser-crypto.md lists which file does what.

import { ristretto255, sha512 } from "../vendor/noble.js";

export const Point = ristretto255.Point;
export const ORDER = Point.Fn.ORDER;
export const POINT_SIZE = 32;
export const SCALAR_SIZE = 32;

const encoder = new TextEncoder();
export const bytesOf = (text) => encoder.encode(text);

const PROTOCOL_TAG = bytesOf("leverage/crypto/v1");
const GROUP_NAME = bytesOf("ristretto255");

// ---------------------------------------------------------------- bytes

export function concat(parts) {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function uintBE(value, size) {
  const out = new Uint8Array(size);
  let rest = BigInt(value);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** crypto.group.frame: each part preceded by its length, 8 bytes big-endian. */
export function frame(...parts) {
  const pieces = [];
  for (const part of parts) pieces.push(uintBE(part.length, 8), part);
  return concat(pieces);
}

/** Constant time in the contents (not the lengths), for comparing keys and tags. */
export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Lowercase hex. */
export function hex(bytes) {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

export function toBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Padded standard base64 to bytes, or null when the text is not of that
 * alphabet and length (the callers decide how strict to be beyond that). */
export function base64Bytes(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

// ---------------------------------------------------------------- scalars

export function scalarFromLE(bytes) {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

export function scalarToBytes(value) {
  const out = new Uint8Array(SCALAR_SIZE);
  let rest = value;
  for (let i = 0; i < SCALAR_SIZE; i++) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

export const mod = (value) => ((value % ORDER) + ORDER) % ORDER;

/** 32 canonical little-endian bytes, or null when not 32 bytes or not below the order. */
export function canonicalScalar(bytes) {
  if (bytes.length !== SCALAR_SIZE) return null;
  const value = scalarFromLE(bytes);
  return value < ORDER ? value : null;
}

/** A uniformly random non-zero scalar: 64 random bytes reduced mod the order
 * (bias below 2^-250). Python draws by rejection (libsodium); both are uniform
 * for every purpose here. */
export function randomScalar() {
  for (;;) {
    const value = scalarFromLE(crypto.getRandomValues(new Uint8Array(64))) % ORDER;
    if (value !== 0n) return value;
  }
}

/** crypto.group.hash_to_scalar. */
export function hashToScalar(domain, ...parts) {
  return scalarFromLE(sha512(frame(PROTOCOL_TAG, domain, GROUP_NAME, ...parts))) % ORDER;
}

// ---------------------------------------------------------------- points

/** Window of the precomputed tables for fixed bases (the generator, a survey's key). */
export const TABLE_WINDOW = 8;
let generator = null;

/** The generator, with a wide precomputed table built on first use. */
export function G() {
  if (generator === null) generator = Point.fromBytes(Point.BASE.toBytes()).precompute(TABLE_WINDOW, false);
  return generator;
}

/** k·P for a secret k: noble's constant-time multiply (fixed operation
 * sequence), which refuses 0; 0 (probability 2^-252) gives the identity. */
export function mulSecret(point, k) {
  return k === 0n ? Point.ZERO : point.multiply(k);
}

export const mulPublic = (point, k) => point.multiplyUnsafe(k);

/** The point 32 bytes encode canonically, or null for anything else. */
export function decodePoint(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== POINT_SIZE) return null;
  try {
    return Point.fromBytes(bytes);
  } catch {
    return null;
  }
}
