// The booth's cryptography: the ballots and sealed comments of crypto/ballot.py
// and crypto/sealing.py, made on the member's device, byte for byte the same
// format, so the server (and anyone with the election record) verifies them with
// the Python code unchanged. Those modules' docstrings describe every byte; this
// file follows them and docs/browser-crypto.md says how the two are kept equal.
//
// No DOM: it runs in the booth's worker, in a page and under node (>= 20.19).
// ristretto255 and SHA-2 come from the vendored noble libraries; AES-GCM and
// HKDF from WebCrypto; randomness from crypto.getRandomValues.

import { sha256 } from "../vendor/noble.js";
import {
  G, POINT_SIZE, Point, SCALAR_SIZE, TABLE_WINDOW, base64Bytes, bytesOf, canonicalScalar, concat, decodePoint,
  frame, hashToScalar, hex, mod, mulPublic, mulSecret, randomScalar, scalarToBytes, toBase64, uintBE,
} from "../crypto/common.js";

export { randomScalar, toBase64 };

const MEMBERSHIP_DOMAIN = bytesOf("proof/ciphertext-holds-one-of");
const EPHEMERAL_KEY_DOMAIN = bytesOf("proof/knowledge-of-sealed-text-ephemeral-key/v2");
const TEXT_KDF_DOMAIN = bytesOf("leverage/sealing/text/v2");
const SLOT_LABEL = bytesOf("slot");
const SUM_LABEL = bytesOf("weighted-sum");
const QUESTION_LABEL = bytesOf("ballot-question");
const BALLOT_LABEL = bytesOf("ballot-ciphertexts");
const RANK_OPTION_LABEL = bytesOf("rank-option");
const RANK_PLACE_LABEL = bytesOf("rank-place");

export const BALLOT_VERSION = 2;
export const TEXT_SEAL_VERSION = 2;
export const REVEAL_VERSION = 1;
export const OPENING_FORMAT = "leverage-ballot-opening";
export const CANT_SAY = "cant_say";
const MAX_QUESTIONS = 1000;
const MAX_OPTIONS = 64;
const MAX_SCALE_POINTS = 11;
// crypto.rank.MAX_CELLS: a ballot's header gives an answer's slot count in one byte.
const MAX_RANK_CELLS = 255;
const CIPHERTEXT_SIZE = 64;
const SLOT_PROOF_SIZE = 128;
const BRANCH_SIZE = 64;
const TEXT_PADDING_BLOCK = 64;
const KINDS = { scale: 1, yes_no: 2, single_choice: 3, multiple_choice: 4, rank: 5 };

/** An answer or a parameter that does not fit: the message is for the member. */
export class BoothError extends Error {}

// ---------------------------------------------------------------- bytes

export function fromBase64(text) {
  const out = base64Bytes(text);
  if (out === null) throw new BoothError("not valid base64");
  return out;
}

// ---------------------------------------------------------------- points

// The generator and each survey's key get wide precomputed tables: a booth
// multiplies nothing else by a secret (see proveMembership), so every
// multiplication of the prover is a fixed-base one.
const keyTables = new Map();

function publicKeyOf(params) {
  const text = params.public_key;
  let key = keyTables.get(text);
  if (key === undefined) {
    const bytes = fromBase64(text);
    const point = bytes.length === POINT_SIZE ? decodePoint(bytes) : null;
    if (point === null || point.is0()) throw new BoothError("The survey's public key is not valid.");
    key = { bytes, point: point.precompute(TABLE_WINDOW, false) };
    keyTables.clear(); // one survey at a time
    keyTables.set(text, key);
  }
  return key;
}

/** Decode the survey's key and build the tables now (about 50 ms), rather
 * than when the member presses the button. */
export function prepareKey(params) {
  publicKeyOf(params);
  G();
}

const smallMultiples = new Map();
function valuePoint(value) {
  let point = smallMultiples.get(value);
  if (point === undefined) {
    point = value === 0 ? Point.ZERO : G().multiplyUnsafe(BigInt(value));
    smallMultiples.set(value, point);
  }
  return point;
}

// ---------------------------------------------------------------- questions

/** crypto.ballot.QuestionSpec, from the page's parameters. */
function specOf(question, index) {
  const where = `Question ${index + 1}`;
  const kind = Object.hasOwn(KINDS, question.kind) ? KINDS[question.kind] : undefined;
  const { options, max_choices: maxChoices, allows_cant_say: cantSay } = question;
  if (kind === undefined) throw new BoothError(`${where} is of an unknown kind.`);
  if (!Number.isInteger(options) || !Number.isInteger(maxChoices) || typeof cantSay !== "boolean") {
    throw new BoothError(`${where} is described wrongly.`);
  }
  if (options < 2 || options > MAX_OPTIONS) throw new BoothError(`${where} has too few or too many options.`);
  if (kind === KINDS.yes_no && options !== 2) throw new BoothError(`${where} must have two options.`);
  if (kind === KINDS.scale && options > MAX_SCALE_POINTS) throw new BoothError(`${where} has too many points.`);
  const takesMany = kind === KINDS.multiple_choice || kind === KINDS.rank;
  if (takesMany ? maxChoices < 1 || maxChoices > options : maxChoices !== 1) {
    throw new BoothError(`${where} allows an impossible number of choices.`);
  }
  const bytes = Uint8Array.of(kind, options, maxChoices, cantSay ? 1 : 0);
  if (kind === KINDS.rank) {
    // crypto.rank: an options × places matrix, proven line by line.
    if (options * maxChoices > MAX_RANK_CELLS) throw new BoothError(`${where} has too many places to rank.`);
    const lines = [
      ...Array(options).fill([0, 1]), cantSay ? [0, 1] : [1], ...Array(maxChoices - 1).fill([0, 1]),
    ];
    return {
      kind, name: question.kind, options, maxChoices, places: maxChoices, cantSay, slotCount: options * maxChoices,
      lines, branches: lines.reduce((total, allowed) => total + allowed.length, 0), bytes,
    };
  }
  const slotCount = options + (cantSay ? 1 : 0);
  const weights = new Array(slotCount).fill(1);
  if (kind === KINDS.multiple_choice && cantSay) weights[options] = maxChoices;
  const allowedSums = kind === KINDS.multiple_choice ? Array.from({ length: maxChoices + 1 }, (_, i) => i) : [1];
  return {
    kind, name: question.kind, options, maxChoices, cantSay, slotCount, weights, allowedSums,
    branches: allowedSums.length, bytes,
  };
}

function specsOf(params) {
  const questions = params.questions;
  if (!Array.isArray(questions) || questions.length < 1 || questions.length > MAX_QUESTIONS) {
    throw new BoothError("The survey has no questions to encrypt.");
  }
  return questions.map(specOf);
}

/** QuestionSpec.slot_values: the 0/1 vector of an answer, or a BoothError. */
function slotValues(spec, answer, index) {
  const where = `Answer ${index + 1}`;
  const values = new Array(spec.slotCount).fill(0);
  if (answer === CANT_SAY) {
    if (!spec.cantSay) throw new BoothError(`${where}: this question does not offer "can't say".`);
    if (spec.kind !== KINDS.rank) values[spec.options] = 1;  // a rank's "can't say" is the empty matrix
    return values;
  }
  if (spec.kind === KINDS.rank) {
    if (!Array.isArray(answer) || answer.some((i) => !Number.isInteger(i) || i < 0 || i >= spec.options)) {
      throw new BoothError(`${where}: put options in order.`);
    }
    if (new Set(answer).size !== answer.length) throw new BoothError(`${where}: an option is put in two places.`);
    if (answer.length > spec.places) throw new BoothError(`${where}: put at most ${spec.places} options in order.`);
    if (answer.length === 0) throw new BoothError(`${where}: put at least one option first.`);
    answer.forEach((option, place) => { values[cell(spec, option, place)] = 1; });
    return values;
  }
  if (spec.kind === KINDS.yes_no) {
    if (typeof answer !== "boolean") throw new BoothError(`${where}: choose yes or no.`);
    values[answer ? 0 : 1] = 1;
  } else if (spec.kind === KINDS.scale) {
    if (!Number.isInteger(answer) || answer < 1 || answer > spec.options) {
      throw new BoothError(`${where}: choose a point from 1 to ${spec.options}.`);
    }
    values[answer - 1] = 1;
  } else if (spec.kind === KINDS.single_choice) {
    if (!Number.isInteger(answer) || answer < 0 || answer >= spec.options) {
      throw new BoothError(`${where}: choose one of the options.`);
    }
    values[answer] = 1;
  } else {
    if (!Array.isArray(answer) || answer.some((i) => !Number.isInteger(i) || i < 0 || i >= spec.options)) {
      throw new BoothError(`${where}: choose among the options.`);
    }
    if (new Set(answer).size !== answer.length) throw new BoothError(`${where}: an option is chosen twice.`);
    if (answer.length > spec.maxChoices) {
      throw new BoothError(`${where}: choose at most ${spec.maxChoices} options.`);
    }
    for (const i of answer) values[i] = 1;
  }
  return values;
}

/** crypto.rank.cell: the slot of option `option` in place `place`. */
const cell = (spec, option, place) => option * spec.places + place;

/** crypto.rank.ranking_of: the options in order, or null for a matrix that is no ranking. */
function rankingOf(spec, values) {
  const order = [];
  for (let place = 0; place < spec.places; place++) {
    const held = [];
    for (let option = 0; option < spec.options; option++) if (values[cell(spec, option, place)] === 1) held.push(option);
    if (held.length > 1) return null;
    if (held.length === 0) {
      for (let later = place; later < spec.places; later++) {
        for (let option = 0; option < spec.options; option++) if (values[cell(spec, option, later)] !== 0) return null;
      }
      break;
    }
    order.push(held[0]);
  }
  return new Set(order).size === order.length ? order : null;
}

/** QuestionSpec.answer_of: the answer a valid slot vector stands for, or null. */
function answerOf(spec, values) {
  if (spec.kind === KINDS.rank) {
    const order = rankingOf(spec, values);
    if (order === null) return null;
    if (order.length === 0) return spec.cantSay ? CANT_SAY : null;
    return order;
  }
  const ones = [];
  values.forEach((v, i) => v === 1 && ones.push(i));
  let answer;
  if (spec.cantSay && ones.length === 1 && ones[0] === spec.options) answer = CANT_SAY;
  else if (spec.kind === KINDS.multiple_choice) answer = ones;
  else if (ones.length !== 1) return null;
  else if (spec.kind === KINDS.yes_no) answer = ones[0] === 0;
  else if (spec.kind === KINDS.scale) answer = ones[0] + 1;
  else answer = ones[0];
  try {
    const again = slotValues(spec, answer, 0);
    return again.every((v, i) => v === values[i]) ? answer : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- transcripts

const u64List = (values) => concat(values.map((v) => uintBE(v, 8)));

function definitionDigest(specs) {
  return sha256(frame(...specs.map((spec) => spec.bytes)));
}

/** B: every ciphertext of the ballot, framed per answer. */
function ballotDigest(answerCiphertextBytes) {
  return sha256(frame(BALLOT_LABEL, ...answerCiphertextBytes));
}

function questionContext(context, definition, ballot, index, spec) {
  return frame(QUESTION_LABEL, context, definition, ballot, uintBE(index, 2), spec.bytes);
}

const slotContext = (context, index) => frame(SLOT_LABEL, context, uintBE(index, 4));
const rankOptionContext = (context, option) => frame(RANK_OPTION_LABEL, context, uintBE(option, 4));
const rankPlaceContext = (context, place) => frame(RANK_PLACE_LABEL, context, uintBE(place, 4));
const sumContext = (context, weights, ciphertextBytes) =>
  frame(SUM_LABEL, context, u64List(weights), ciphertextBytes);

/** crypto.rank's lines of anything that adds (points, values, nonces): every
 * option's row sum, the first place's column, then each column minus the next. */
function rankLines(spec, cells, add, subtract, zero) {
  const rows = [];
  for (let option = 0; option < spec.options; option++) {
    let total = zero;
    for (let place = 0; place < spec.places; place++) total = add(total, cells[cell(spec, option, place)]);
    rows.push(total);
  }
  const columns = [];
  for (let place = 0; place < spec.places; place++) {
    let total = zero;
    for (let option = 0; option < spec.options; option++) total = add(total, cells[cell(spec, option, place)]);
    columns.push(total);
  }
  return [...rows, columns[0], ...columns.slice(1).map((column, j) => subtract(columns[j], column))];
}

const addPoints = (a, b) => ({ alpha: a.alpha.add(b.alpha), beta: a.beta.add(b.beta) });
const subtractPoints = (a, b) => ({ alpha: a.alpha.subtract(b.alpha), beta: a.beta.subtract(b.beta) });
const NO_POINTS = { alpha: Point.ZERO, beta: Point.ZERO };

function rankLineContexts(spec, questionCtx) {
  return [
    ...Array.from({ length: spec.options }, (_, option) => rankOptionContext(questionCtx, option)),
    ...Array.from({ length: spec.places }, (_, place) => rankPlaceContext(questionCtx, place)),
  ];
}

function membershipChallenge(key, context, allowed, alpha, beta, commitments) {
  return hashToScalar(MEMBERSHIP_DOMAIN, key.bytes, context, u64List(allowed), alpha, beta, concat(commitments));
}

// ---------------------------------------------------------------- proving

/** crypto.proofs.prove_membership, for a ciphertext the prover made itself:
 * (alpha, beta) = (R·G, m·G + R·h) with R and m known. A simulated branch's
 * commitments z·G - c·alpha and z·h - c·(beta - v·G) are then
 * (z - cR)·G and (z - cR)·h - c(m - v)·G: the same points as Python computes,
 * without multiplying the ciphertext itself. Random scalars are drawn in
 * Python's order: the witness, then each other branch's challenge and response. */
function proveMembership(key, alphaBytes, betaBytes, value, nonce, allowed, context, draw) {
  const real = allowed.indexOf(value);
  const challenges = [];
  const responses = [];
  const commitments = [];
  const witness = draw();
  allowed.forEach((candidate, j) => {
    if (j === real) {
      challenges.push(0n);
      responses.push(0n);
      commitments.push(mulSecret(G(), witness).toBytes(), mulSecret(key.point, witness).toBytes());
    } else {
      const challenge = draw();
      const response = draw();
      challenges.push(challenge);
      responses.push(response);
      const t = mod(response - challenge * nonce);
      const offset = mod(challenge * BigInt(value - candidate));
      commitments.push(
        mulSecret(G(), t).toBytes(),
        mulSecret(key.point, t).subtract(mulSecret(G(), offset)).toBytes(),
      );
    }
  });
  let realChallenge = membershipChallenge(key, context, allowed, alphaBytes, betaBytes, commitments);
  challenges.forEach((c, j) => {
    if (j !== real) realChallenge = mod(realChallenge - c);
  });
  challenges[real] = realChallenge;
  responses[real] = mod(witness + realChallenge * nonce);
  return concat(challenges.flatMap((c, j) => [scalarToBytes(c), scalarToBytes(responses[j])]));
}

function noProgress() {}

/**
 * Encrypt and prove one ballot (crypto.ballot.encrypt_ballot, version 2).
 * answers: one per ballot question, as the page gives them (see the booth's
 * interface). Resolves to {payload, tracker, reveal}; rejects with a BoothError
 * before encrypting anything when an answer does not fit its question.
 * onProgress(done, total) is called after each question is encrypted and after
 * each is proven (total = 2 × questions). randomScalar is for test vectors only.
 */
export async function encryptBallot(params, answers, { onProgress = noProgress, randomScalar: draw = randomScalar } = {}) {
  const specs = specsOf(params);
  const key = publicKeyOf(params);
  const context = fromBase64(params.context);
  if (!Array.isArray(answers) || answers.length !== specs.length) {
    throw new BoothError(`Expected ${specs.length} answers, got ${Array.isArray(answers) ? answers.length : 0}.`);
  }
  const allValues = specs.map((spec, i) => slotValues(spec, answers[i], i));
  const total = 2 * specs.length;
  let done = 0;
  onProgress(done, total);
  // Every nonce first, then every ciphertext: the proofs cover the digest of all of them.
  const allNonces = allValues.map((values) => values.map(() => draw()));
  const encrypted = allValues.map((values, q) => {
    const slots = values.map((v, s) => {
      const r = allNonces[q][s];
      // Add v·G even when v is 0 (the identity), as Python does.
      const alphaPoint = mulSecret(G(), r);
      const betaPoint = mulSecret(key.point, r).add(valuePoint(v));
      const alpha = alphaPoint.toBytes();
      const beta = betaPoint.toBytes();
      return { alpha, beta, alphaPoint, betaPoint, bytes: concat([alpha, beta]) };
    });
    onProgress(++done, total);
    return { slots, bytes: concat(slots.map((slot) => slot.bytes)) };
  });
  const definition = definitionDigest(specs);
  const digest = ballotDigest(encrypted.map((answer) => answer.bytes));
  const parts = [Uint8Array.of(BALLOT_VERSION), uintBE(specs.length, 2)];
  specs.forEach((spec, q) => {
    const { slots, bytes } = encrypted[q];
    const values = allValues[q];
    const nonces = allNonces[q];
    const questionCtx = questionContext(context, definition, digest, q, spec);
    const slotProofs = slots.map((slot, s) =>
      proveMembership(key, slot.alpha, slot.beta, values[s], nonces[s], [0, 1], slotContext(questionCtx, s), draw),
    );
    if (spec.kind === KINDS.rank) {
      const lines = rankLines(spec, slots.map((slot) => ({ alpha: slot.alphaPoint, beta: slot.betaPoint })),
        addPoints, subtractPoints, NO_POINTS);
      const lineValues = rankLines(spec, values, (a, b) => a + b, (a, b) => a - b, 0);
      const lineNonces = rankLines(spec, nonces, (a, b) => mod(a + b), (a, b) => mod(a - b), 0n);
      const contexts = rankLineContexts(spec, questionCtx);
      const lineProofs = lines.map((line, l) => proveMembership(
        key, line.alpha.toBytes(), line.beta.toBytes(), lineValues[l], lineNonces[l], spec.lines[l], contexts[l], draw,
      ));
      parts.push(Uint8Array.of(spec.slotCount, spec.branches), bytes, ...slotProofs, ...lineProofs);
      onProgress(++done, total);
      return;
    }
    let sumAlpha = Point.ZERO;
    let sumBeta = Point.ZERO;
    let sumValue = 0;
    let sumNonce = 0n;
    spec.weights.forEach((weight, s) => {
      const { alphaPoint: alpha, betaPoint: beta } = slots[s];
      const w = BigInt(weight);
      sumAlpha = sumAlpha.add(weight === 1 ? alpha : mulPublic(alpha, w));
      sumBeta = sumBeta.add(weight === 1 ? beta : mulPublic(beta, w));
      sumValue += weight * values[s];
      sumNonce = mod(sumNonce + w * nonces[s]);
    });
    const sumProof = proveMembership(
      key, sumAlpha.toBytes(), sumBeta.toBytes(), sumValue, sumNonce, spec.allowedSums,
      sumContext(questionCtx, spec.weights, bytes), draw,
    );
    parts.push(Uint8Array.of(spec.slotCount, spec.allowedSums.length), bytes, ...slotProofs, sumProof);
    onProgress(++done, total);
  });
  const payload = concat(parts);
  const tracker = ballotTracker(payload);
  const reveal = {
    version: REVEAL_VERSION,
    survey_id: params.survey_id,
    tracker,
    // A multiple choice's options are written sorted, as Python writes them; a ranking keeps its order.
    answers: answers.map((answer, q) => (!Array.isArray(answer) ? answer
      : specs[q].kind === KINDS.rank ? [...answer] : [...answer].sort((a, b) => a - b))),
    nonces: allNonces.map((row) => row.map((r) => toBase64(scalarToBytes(r)))),
  };
  return { payload, tracker, reveal };
}

/** The receipt: lowercase hex SHA-256 of the serialized ballot. */
export function ballotTracker(payload) {
  return hex(sha256(payload));
}

// ---------------------------------------------------------------- reading and verifying

/** crypto.ballot.deserialize: strict (canonical points and scalars, no
 * trailing bytes); null for anything else. */
function decodeBallot(payload) {
  if (!(payload instanceof Uint8Array) || payload.length < 3 || payload[0] !== BALLOT_VERSION) return null;
  const count = (payload[1] << 8) | payload[2];
  if (count < 1 || count > MAX_QUESTIONS) return null;
  let at = 3;
  const answers = [];
  const scalars = (from, n) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const value = canonicalScalar(payload.subarray(from + i * SCALAR_SIZE, from + (i + 1) * SCALAR_SIZE));
      if (value === null) return null;
      out.push(value);
    }
    return out;
  };
  for (let q = 0; q < count; q++) {
    if (at + 2 > payload.length) return null;
    const slotCount = payload[at];
    const branches = payload[at + 1];
    // One byte each, so at most 255 (a ranking's cells and line proofs reach past MAX_OPTIONS).
    if (slotCount < 1 || branches < 1) return null;
    const end = at + 2 + slotCount * (CIPHERTEXT_SIZE + SLOT_PROOF_SIZE) + branches * BRANCH_SIZE;
    if (end > payload.length) return null;
    let cursor = at + 2;
    const ciphertextBytes = payload.slice(cursor, cursor + slotCount * CIPHERTEXT_SIZE);
    const slots = [];
    for (let s = 0; s < slotCount; s++) {
      const alphaBytes = payload.slice(cursor, cursor + POINT_SIZE);
      const betaBytes = payload.slice(cursor + POINT_SIZE, cursor + CIPHERTEXT_SIZE);
      const alpha = decodePoint(alphaBytes);
      const beta = decodePoint(betaBytes);
      if (alpha === null || beta === null) return null;
      slots.push({ alpha, beta, alphaBytes, betaBytes });
      cursor += CIPHERTEXT_SIZE;
    }
    const slotProofs = [];
    for (let s = 0; s < slotCount; s++) {
      const proof = scalars(cursor, 4);
      if (proof === null) return null;
      slotProofs.push({ challenges: [proof[0], proof[2]], responses: [proof[1], proof[3]] });
      cursor += SLOT_PROOF_SIZE;
    }
    const sum = scalars(cursor, 2 * branches);
    if (sum === null) return null;
    const sumProof = { challenges: sum.filter((_, i) => i % 2 === 0), responses: sum.filter((_, i) => i % 2 === 1) };
    answers.push({ slots, ciphertextBytes, slotProofs, sumProof });
    at = end;
  }
  return at === payload.length ? { answers } : null;
}

/** crypto.proofs.verify_membership. */
function verifyMembership(key, alpha, beta, alphaBytes, betaBytes, proof, allowed, context) {
  if (proof.challenges.length !== allowed.length) return false;
  const commitments = [];
  let challengeSum = 0n;
  allowed.forEach((candidate, j) => {
    const c = proof.challenges[j];
    const z = proof.responses[j];
    const shifted = candidate === 0 ? beta : beta.subtract(valuePoint(candidate));
    commitments.push(
      mulPublic(G(), z).subtract(mulPublic(alpha, c)).toBytes(),
      mulPublic(key.point, z).subtract(mulPublic(shifted, c)).toBytes(),
    );
    challengeSum = mod(challengeSum + c);
  });
  return challengeSum === membershipChallenge(key, context, allowed, alphaBytes, betaBytes, commitments);
}

function verifyDecoded(params, specs, ballot) {
  const key = publicKeyOf(params);
  const context = fromBase64(params.context);
  if (ballot.answers.length !== specs.length) return false;
  if (ballot.answers.some((answer, q) => answer.slots.length !== specs[q].slotCount)) return false;
  const definition = definitionDigest(specs);
  const digest = ballotDigest(ballot.answers.map((answer) => answer.ciphertextBytes));
  return ballot.answers.every((answer, q) => {
    const spec = specs[q];
    const questionCtx = questionContext(context, definition, digest, q, spec);
    const slotsHold01 = answer.slots.every((slot, s) =>
      verifyMembership(key, slot.alpha, slot.beta, slot.alphaBytes, slot.betaBytes, answer.slotProofs[s], [0, 1],
        slotContext(questionCtx, s)),
    );
    if (!slotsHold01) return false;
    if (spec.kind === KINDS.rank) {
      if (answer.sumProof.challenges.length !== spec.branches) return false;
      const contexts = rankLineContexts(spec, questionCtx);
      let at = 0;
      return rankLines(spec, answer.slots, addPoints, subtractPoints, NO_POINTS).every((line, l) => {
        const allowed = spec.lines[l];
        const proof = {
          challenges: answer.sumProof.challenges.slice(at, at + allowed.length),
          responses: answer.sumProof.responses.slice(at, at + allowed.length),
        };
        at += allowed.length;
        return verifyMembership(key, line.alpha, line.beta, line.alpha.toBytes(), line.beta.toBytes(), proof, allowed,
          contexts[l]);
      });
    }
    let sumAlpha = Point.ZERO;
    let sumBeta = Point.ZERO;
    spec.weights.forEach((weight, s) => {
      const { alpha, beta } = answer.slots[s];
      sumAlpha = sumAlpha.add(weight === 1 ? alpha : mulPublic(alpha, BigInt(weight)));
      sumBeta = sumBeta.add(weight === 1 ? beta : mulPublic(beta, BigInt(weight)));
    });
    return verifyMembership(key, sumAlpha, sumBeta, sumAlpha.toBytes(), sumBeta.toBytes(), answer.sumProof,
      spec.allowedSums, sumContext(questionCtx, spec.weights, answer.ciphertextBytes));
  });
}

/** crypto.ballot.verify_ballot on serialized bytes: true only if the ballot
 * decodes strictly and every proof verifies for these parameters. */
export function verifyBallot(params, payload) {
  try {
    const ballot = decodeBallot(payload);
    return ballot !== null && verifyDecoded(params, specsOf(params), ballot);
  } catch {
    return false;
  }
}

/**
 * Benaloh's check: {ok: true, answers} when every ciphertext of the payload is
 * exactly (r·G, v·G + r·h) under the revealed nonce r with v the 0 or 1 the
 * revealed answers give, and every proof verifies; else {ok: false, reason}.
 * payload may be bytes or base64.
 */
export function checkOpenedBallot(params, payload, reveal) {
  const refuse = (reason) => ({ ok: false, reason });
  try {
    const bytes = typeof payload === "string" ? fromBase64(payload) : payload;
    if (!reveal || reveal.version !== REVEAL_VERSION) return refuse("This is not a ballot check this page knows.");
    if (reveal.survey_id !== params.survey_id) return refuse("The check is for another survey.");
    if (reveal.tracker !== ballotTracker(bytes)) return refuse("The tracker is not this ballot's fingerprint.");
    const specs = specsOf(params);
    const ballot = decodeBallot(bytes);
    if (ballot === null || ballot.answers.length !== specs.length) return refuse("The ballot does not decode.");
    const { answers, nonces } = reveal;
    if (!Array.isArray(answers) || answers.length !== specs.length) return refuse("The check reveals a different number of answers.");
    if (!Array.isArray(nonces) || nonces.length !== specs.length) return refuse("The check reveals a different number of nonces.");
    const key = publicKeyOf(params);
    const held = [];
    for (let q = 0; q < specs.length; q++) {
      const spec = specs[q];
      const slots = ballot.answers[q].slots;
      if (slots.length !== spec.slotCount || !Array.isArray(nonces[q]) || nonces[q].length !== spec.slotCount) {
        return refuse(`Answer ${q + 1} has the wrong number of nonces.`);
      }
      let shown;
      try {
        shown = slotValues(spec, answers[q], q);
      } catch (bad) {
        return refuse(bad.message);
      }
      const values = [];
      for (let s = 0; s < spec.slotCount; s++) {
        const nonceBytes = fromBase64(nonces[q][s]);
        const r = nonceBytes.length === SCALAR_SIZE ? canonicalScalar(nonceBytes) : null;
        if (r === null) return refuse(`A nonce of answer ${q + 1} is not a valid number.`);
        if (!mulPublic(G(), r).equals(slots[s].alpha)) return refuse(`Answer ${q + 1} was not encrypted with the revealed nonces.`);
        const message = slots[s].beta.subtract(mulPublic(key.point, r));
        if (message.is0()) values.push(0);
        else if (message.equals(G())) values.push(1);
        else return refuse(`Answer ${q + 1} holds something other than 0 or 1.`);
      }
      if (!values.every((v, s) => v === shown[s])) return refuse(`Answer ${q + 1} is not the one the ballot holds.`);
      const answer = answerOf(spec, values);
      if (answer === null) return refuse(`Answer ${q + 1} is not an answer its question allows.`);
      held.push(answer);
    }
    if (!verifyDecoded(params, specs, ballot)) return refuse("The ballot's proofs do not verify.");
    return { ok: true, answers: held };
  } catch (bad) {
    return refuse(bad instanceof BoothError ? bad.message : "The check could not be read.");
  }
}

/** The document a member downloads to check an opened ballot elsewhere
 * (crypto.ballot.read_opening reads it; `python -m crypto.verify check-ballot`). */
export function openingDocument(params, payload, reveal) {
  return {
    format: OPENING_FORMAT,
    version: REVEAL_VERSION,
    parameters: params,
    payload: typeof payload === "string" ? payload : toBase64(payload),
    reveal,
  };
}

// ---------------------------------------------------------------- sealed comments

function pad(text) {
  const data = bytesOf(text);
  const framed = concat([uintBE(data.length, 4), data]);
  const padded = new Uint8Array(Math.ceil(framed.length / TEXT_PADDING_BLOCK) * TEXT_PADDING_BLOCK);
  padded.set(framed);
  return padded;
}

function codePoints(text) {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Seal one free-text answer (crypto.sealing.seal_text, version 2) to the
 * survey's key, bound to the question's context, with the Schnorr proof of its
 * ephemeral key. Resolves to the sealed bytes. randomScalar is for test vectors.
 */
export async function sealComment(params, questionId, text, { randomScalar: draw = randomScalar } = {}) {
  const entry = (params.comments || []).find((c) => c.question_id === Number(questionId));
  if (entry === undefined) throw new BoothError("That question takes no comment.");
  if (typeof text !== "string") throw new BoothError("A comment is text.");
  if (codePoints(text) > params.max_comment) {
    throw new BoothError(`Keep comments under ${params.max_comment} characters.`);
  }
  const key = publicKeyOf(params);
  const context = fromBase64(entry.context);
  const r = draw();
  const ephemeral = mulSecret(G(), r).toBytes();
  const shared = mulSecret(key.point, r).toBytes();
  const ikm = await crypto.subtle.importKey("raw", concat([ephemeral, shared]), "HKDF", false, ["deriveBits"]);
  const okm = new Uint8Array(await crypto.subtle.deriveBits(
    // An empty salt is HMAC's all-zero key, as Python's salt=None (RFC 5869).
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: frame(TEXT_KDF_DOMAIN, key.bytes, context) },
    ikm, 44 * 8,
  ));
  const aes = await crypto.subtle.importKey("raw", okm.slice(0, 32), "AES-GCM", false, ["encrypt"]);
  const header = concat([Uint8Array.of(TEXT_SEAL_VERSION), ephemeral]);
  const body = new Uint8Array(await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: okm.slice(32, 44), additionalData: frame(header, context), tagLength: 128 },
    aes, pad(text),
  ));
  const witness = draw();
  const commitment = mulSecret(G(), witness).toBytes();
  const challenge = hashToScalar(EPHEMERAL_KEY_DOMAIN, key.bytes, context, ephemeral, body, commitment);
  const response = mod(witness + challenge * r);
  return concat([header, scalarToBytes(challenge), scalarToBytes(response), body]);
}

/** Points a byte string decodes to (tests compare the decoder with Python's). */
export function isCanonicalPoint(bytes) {
  return bytes instanceof Uint8Array && bytes.length === POINT_SIZE && decodePoint(bytes) !== null;
}
