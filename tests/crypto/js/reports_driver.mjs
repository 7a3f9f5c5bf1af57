// Runs the reports' JavaScript (static/js/grievances/crypto.js and its worker)
// for tests/crypto/test_report_vectors.py: one JSON request on stdin ({op, ...}
// or {op: "batch", requests: [...]}), one JSON answer on stdout. Byte strings
// travel as base64, scalars as base64 of 32 little-endian bytes; the
// deterministic randomness is the other drivers' (harness.mjs).

import { base64Bytes, toBase64 } from "../../../static/js/crypto/common.js";
import * as reports from "../../../static/js/grievances/crypto.js";
import { answerOneRequest, deterministicScalars, runWorker } from "./harness.mjs";

const b64 = toBase64;
const unb64 = (text) => base64Bytes(text);

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

const drawing = (seed) => (seed == null ? {} : { randomScalar: deterministicScalars(new TextEncoder().encode(seed)) });

async function guarded(action) {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof reports.ReportError)) throw error;
    return { error: error.message };
  }
}

const operations = {
  contexts: ({ account_ref: account, report_id: report, kind }) => ({
    steward: b64(reports.stewardKeyContext(account)),
    member: b64(reports.memberKeyContext(report)),
    message: b64(reports.messageContext(report, kind)),
  }),
  fingerprint: ({ public_key: key }) => reports.keyFingerprint(unb64(key)),
  seal: ({ recipients, text, context, seed, content_key: contentKey }) => guarded(async () => b64(
    await reports.sealMessage(recipients.map(unb64), text, unb64(context), {
      ...drawing(seed), contentKey: contentKey == null ? null : unb64(contentKey),
    }))),
  open: ({ secret, sealed, context }) => guarded(() => reports.openMessage(scalarOf(secret), unb64(sealed), unb64(context))),
  verify: ({ sealed, context, recipients }) =>
    reports.verifyMessage(unb64(sealed), unb64(context), recipients == null ? null : recipients.map(unb64)),
  recipients: ({ sealed }) => (reports.messageRecipients(unb64(sealed)) || []).map(b64),
  digest: ({ sealed }) => b64(reports.messageDigest(unb64(sealed))),
  content_key: ({ secret, sealed, context }) =>
    guarded(async () => b64(await reports.contentKey(scalarOf(secret), unb64(sealed), unb64(context)))),
  rewrap: ({ holder, content_key: key, sealed, context, recipient, seed }) => guarded(async () => b64(
    await reports.rewrap(scalarOf(holder), unb64(key), unb64(sealed), unb64(context), unb64(recipient), drawing(seed)))),
  verify_rewrap: ({ copy, sealed, context }) => reports.verifyRewrap(unb64(copy), unb64(sealed), unb64(context)),
  open_rewrapped: ({ secret, copy, sealed, context }) =>
    guarded(() => reports.openRewrapped(scalarOf(secret), unb64(copy), unb64(sealed), unb64(context))),
  make_key: ({ passphrase, context, params, seed }) => guarded(async () => {
    const made = await reports.makeKey(passphrase, unb64(context), {
      params: { log2N: params[0], r: params[1], p: params[2] }, ...drawing(seed),
    });
    return { public_key: b64(made.publicKey), possession_proof: b64(made.possessionProof),
      sealed_secret: b64(made.sealedSecret) };
  }),
  open_key: ({ sealed, passphrase, context }) =>
    guarded(async () => scalarText(await reports.openKey(unb64(sealed), passphrase, unb64(context)))),
  worker: ({ messages }) => runWorker(() => import("../../../static/js/grievances/worker.js"), messages),
};

async function run(request) {
  if (request.op === "batch") {
    const results = [];
    for (const one of request.requests) results.push(await run(one));
    return results;
  }
  return operations[request.op](request);
}

await answerOneRequest(run);
