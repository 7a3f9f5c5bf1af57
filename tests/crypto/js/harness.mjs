// What the two drivers (driver.mjs for the booth, ceremony_driver.mjs for the
// key ceremony) share: the tests' deterministic randomness, a stand-in for a
// worker's global scope, and the one-request-in, one-answer-out protocol.
// The randomness is written out here rather than taken from the code under
// test, so a change there cannot move both sides of a vector at once.

import { readFileSync } from "node:fs";
import { sha512 } from "../../../static/js/vendor/noble.js";

const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
const RANDOMNESS_TAG = new TextEncoder().encode("leverage/test-vectors/randomness");

function u64(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

function frame(...parts) {
  const out = [];
  for (const part of parts) out.push(...u64(part.length), ...part);
  return Uint8Array.from(out);
}

/** The Python tests' stream: SHA-512 of a tag, the seed (bytes) and a
 * counter, reduced mod the order, zero skipped. */
export function deterministicScalars(seed) {
  let counter = 0;
  return () => {
    for (;;) {
      const digest = sha512(frame(RANDOMNESS_TAG, seed, u64(counter++)));
      let value = 0n;
      for (let i = digest.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(digest[i]);
      value %= ORDER;
      if (value !== 0n) return value;
    }
  };
}

/** A worker's message protocol, with a stand-in for its global scope:
 * loadWorker imports the worker module, then each message is sent once the
 * previous one has its answer. Resolves to everything the worker posted. */
export async function runWorker(loadWorker, messages) {
  const posted = [];
  let listener = null;
  let wake = () => {};
  globalThis.self = {
    addEventListener: (type, handler) => {
      if (type === "message") listener = handler;
    },
    postMessage: (message) => {
      posted.push(structuredClone(message));
      wake();
    },
  };
  await loadWorker();
  const finished = (id) => posted.some((m) => m.id === id && m.type !== "progress");
  for (const message of messages) {
    const arrived = new Promise((resolve) => {
      wake = () => finished(message.id) && resolve();
    });
    listener({ data: structuredClone(message) });
    await arrived;
  }
  return posted;
}

/** Read one JSON request on stdin, answer with {result, ms} on stdout. */
export async function answerOneRequest(run) {
  const request = JSON.parse(readFileSync(0, "utf8"));
  const started = performance.now();
  const result = await run(request);
  process.stdout.write(JSON.stringify({ result, ms: performance.now() - started }));
}
