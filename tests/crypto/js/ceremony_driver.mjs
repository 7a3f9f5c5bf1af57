// Runs the key ceremony's JavaScript for tests/crypto/test_ceremony_vectors.py:
// reads one JSON request on stdin ({op, ...} or {op: "batch", requests: [...]}),
// writes one JSON answer on stdout. Byte strings travel as base64, scalars as
// base64 of 32 little-endian bytes. The deterministic randomness is the booth's
// (SHA-512 of a tag, a seed and a counter, reduced mod the order), so both
// sides draw the same scalars in the same order.

import * as approved from "../../../static/js/ceremony/approved.js";
import * as dkg from "../../../static/js/ceremony/dkg.js";
import { answerOneRequest, deterministicScalars, runWorker } from "./harness.mjs";

const b64 = dkg.toBase64;
const unb64 = (text) => dkg.fromBase64(text);

function scalarOf(text) {
  const bytes = unb64(text);
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

function scalarText(value) {
  const out = new Uint8Array(32);
  let rest = value;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return b64(out);
}

/** Options for randomness: a seed gives the vectors' stream, none the CSPRNG. */
const drawing = (seed) => (seed == null ? {} : { randomScalar: deterministicScalars(new TextEncoder().encode(seed)) });

function failure(error) {
  if (!(error instanceof dkg.CeremonyError)) throw error;
  return { error: error.message, trustee: error.trustee };
}

async function guarded(action) {
  try {
    return await action();
  } catch (error) {
    return failure(error);
  }
}

const keysOf = (texts) => texts.map(unb64);

const operations = {
  context: ({ ceremony_id: id, threshold, personal_keys: keys }) => {
    const context = dkg.ceremonyContext(id, threshold, keysOf(keys));
    return { context: b64(context), fingerprint: dkg.ceremonyFingerprint(context), parsed: (() => {
      const parsed = dkg.parseCeremonyContext(context);
      return { ceremony_id: parsed.ceremonyId, threshold: parsed.threshold, personal_keys: parsed.personalKeys.map(b64) };
    })() };
  },
  parse: ({ context }) => guarded(() => dkg.parseCeremonyContext(unb64(context)).ceremonyId),
  possession: ({ secret, ceremony_id: id, index, seed }) => {
    const value = scalarOf(secret);
    return b64(dkg.provePossession(value, dkg.publicKeyOf(value), dkg.joinContext(id, index), drawing(seed)));
  },
  verify_possession: ({ public_key: key, proof, ceremony_id: id, index }) =>
    dkg.verifyPossession(unb64(key), unb64(proof), dkg.joinContext(id, index)),
  deal: ({ context, threshold, dealer, personal_keys: keys, secret, seed }) =>
    guarded(() => dkg.makeDealing(unb64(context), threshold, dealer, keysOf(keys), scalarOf(secret), drawing(seed))),
  shape: ({ context, threshold, dealer, trustee_count: count, dealing }) =>
    guarded(() => {
      dkg.verifyDealingShape(unb64(context), threshold, dealer, count, dealing);
      return { ok: true };
    }),
  check: async ({ context, dealings, me, secret, seed }) => {
    const progress = [];
    const result = await guarded(() => dkg.checkDealings(unb64(context), dealings, me, scalarOf(secret), {
      ...drawing(seed), onProgress: (done, total) => progress.push([done, total]),
    }));
    return { result, progress };
  },
  complain: ({ context, dealing, accuser, secret, seed }) =>
    guarded(() => dkg.makeComplaint(unb64(context), dealing, accuser, scalarOf(secret), drawing(seed))),
  final: ({ context, dealings, me, secret }) =>
    guarded(async () => {
      const share = await dkg.finalShare(unb64(context), dealings, me, scalarOf(secret));
      return { index: share.index, scalar: scalarText(share.scalar) };
    }),
  joint: ({ threshold, trustee_count: count, dealings }) => b64(dkg.jointKey(threshold, count, dealings).bytes),
  verification_key: ({ key, index }) => b64(dkg.verificationKey(unb64(key), index)),
  partial: ({ key, share, target, context, seed }) =>
    guarded(() => b64(dkg.partialDecrypt(unb64(key), { index: share.index, scalar: scalarOf(share.scalar) },
      unb64(target), unb64(context), drawing(seed)))),
  partials: ({ key, share, targets, context }) =>
    guarded(() => dkg.partialDecryptMany(unb64(key), { index: share.index, scalar: scalarOf(share.scalar) },
      targets.map(unb64), unb64(context)).map(b64)),
  seal: async ({ secret, passphrase, aad, params, salt, nonce }) => b64(await dkg.sealWithPassphrase(unb64(secret), passphrase, {
    associatedData: unb64(aad), params: { log2N: params[0], r: params[1], p: params[2] },
    salt: salt == null ? null : unb64(salt), nonce: nonce == null ? null : unb64(nonce),
  })),
  open: ({ sealed, passphrase, aad }) =>
    guarded(async () => b64(await dkg.openWithPassphrase(unb64(sealed), passphrase, { associatedData: unb64(aad) }))),
  personal: async ({ passphrase, ceremony_id: id, index, params, seed }) => {
    const made = await dkg.makePersonalKey(passphrase, id, index, {
      params: { log2N: params[0], r: params[1], p: params[2] }, ...drawing(seed),
    });
    return { public_key: b64(made.publicKey), possession_proof: b64(made.possessionProof), sealed_secret: b64(made.sealedSecret) };
  },
  open_personal: ({ sealed, passphrase, ceremony_id: id, index }) =>
    guarded(async () => scalarText(await dkg.openPersonalKey(unb64(sealed), passphrase, id, index))),
  points: ({ encodings }) => encodings.map((e) => dkg.isCanonicalPoint(Uint8Array.from(Buffer.from(e, "hex")))),
  comment_points: ({ public_key: key, comments }) => comments.map(({ sealed, context }) => {
    const point = approved.provenCommentPoint(unb64(key), unb64(sealed), unb64(context));
    return point === null ? null : b64(point);
  }),
  sum_ballots: ({ alphas, width, part_sizes: partSizes, first }) =>
    guarded(() => approved.sumBallots({ alphas: unb64(alphas), width, partSizes, first })
      .map(([part, sums]) => [part, b64(sums)])),
  worker,
};

/** The worker's message protocol, with a stand-in for the worker's global scope. */
function worker({ messages }) {
  return runWorker(() => import("../../../static/js/ceremony/worker.js"), messages);
}

async function run(request) {
  if (request.op === "batch") {
    const results = [];
    for (const one of request.requests) results.push(await run(one));
    return results;
  }
  return operations[request.op](request);
}

await answerOneRequest(run);
