// Runs the escrow's JavaScript (static/js/escrow/) for tests/crypto/test_escrow.py:
// reads one JSON request on stdin ({op, ...} or {op: "batch", requests: [...]}),
// writes one JSON answer on stdout. Byte strings travel as base64, scalars as
// base64 of 32 little-endian bytes. `now` (milliseconds since 1970) stands in
// for the device's clock: the driver sets Date.now to it, as the worker reads
// the time from nowhere else.

import * as dkg from "../../../static/js/ceremony/dkg.js";
import * as story from "../../../static/js/escrow/story.js";
import { answerOneRequest, deterministicScalars, runWorker } from "./harness.mjs";

const b64 = dkg.toBase64;
const unb64 = (text) => dkg.fromBase64(text);
const realNow = Date.now;

function scalarOf(text) {
  const bytes = unb64(text);
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

function refused(action) {
  try {
    return { ok: action() ?? true };
  } catch (error) {
    if (!(error instanceof story.EscrowError)) throw error;
    return { error: error.message };
  }
}

const operations = {
  terms: ({ terms }) => refused(() => {
    const read = story.readTerms(terms);
    return { context: b64(story.termsContext(read)), partials_context: b64(story.partialsContext(read)) };
  }),
  point: ({ public_key: key, sealed, terms }) => {
    const point = story.provenStoryPoint(unb64(key), unb64(sealed), story.readTerms(terms));
    return point === null ? null : b64(point);
  },
  partial: ({ threshold_key: key, share, target, context, seed }) => b64(dkg.partialDecrypt(
    unb64(key), { index: share.index, scalar: scalarOf(share.scalar) }, unb64(target), unb64(context),
    { randomScalar: deterministicScalars(new TextEncoder().encode(seed)) })),
  today: ({ time_zone: zone, now }) => refused(() => story.localToday(zone, now)),
  due: ({ terms, recognised_on: recognisedOn, confirmed, now }) =>
    refused(() => story.checkDue(story.readTerms(terms), recognisedOn, confirmed, now)),
  worker: async ({ messages, now }) => {
    Date.now = now == null ? realNow : () => now;
    try {
      // The worker keeps the stand-in scope it was first loaded with: one "worker" request per run.
      return await runWorker(() => import("../../../static/js/escrow/worker.js"), messages);
    } finally {
      Date.now = realNow;
    }
  },
  batch: async ({ requests }) => {
    const answers = [];
    for (const request of requests) answers.push(await operations[request.op](request));
    return answers;
  },
};

answerOneRequest((request) => operations[request.op](request));
