// Runs the booth's JavaScript for tests/crypto/test_browser_vectors.py: reads
// one JSON request on stdin, writes one JSON answer on stdout. Byte strings
// travel as base64. The deterministic randomness is the one the Python test
// defines (SHA-512 of a tag, a seed and a counter, reduced mod the order), so
// both sides draw the same scalars in the same order.

import * as booth from "../../../static/js/booth/crypto.js";
import { answerOneRequest, deterministicScalars, runWorker } from "./harness.mjs";

const b64 = booth.toBase64;
const unb64 = booth.fromBase64;

async function reproduce({ params, ballots, comments }) {
  const made = [];
  for (const { seed, answers } of ballots) {
    const { payload, tracker, reveal } = await booth.encryptBallot(params, answers, {
      randomScalar: deterministicScalars(unb64(seed)),
    });
    made.push({ payload: b64(payload), tracker, reveal });
  }
  const sealed = [];
  for (const { seed, question_id: questionId, text } of comments) {
    sealed.push(b64(await booth.sealComment(params, questionId, text, { randomScalar: deterministicScalars(unb64(seed)) })));
  }
  return { ballots: made, comments: sealed };
}

async function encrypt({ params, answer_sets: answerSets }) {
  const made = [];
  for (const answers of answerSets) {
    const progress = [];
    const { payload, tracker, reveal } = await booth.encryptBallot(params, answers, {
      onProgress: (done, total) => progress.push([done, total]),
    });
    made.push({ payload: b64(payload), tracker, reveal, progress, opening: booth.openingDocument(params, payload, reveal) });
  }
  return made;
}

async function seal({ params, comments }) {
  const sealed = [];
  for (const { question_id: questionId, text } of comments) {
    sealed.push(b64(await booth.sealComment(params, questionId, text)));
  }
  return sealed;
}

async function refusals({ params, answer_sets: answerSets, comments }) {
  const messages = [];
  for (const answers of answerSets) {
    try {
      await booth.encryptBallot(params, answers);
      messages.push(null);
    } catch (error) {
      messages.push({ booth_error: error instanceof booth.BoothError, message: error.message });
    }
  }
  for (const { question_id: questionId, text } of comments) {
    try {
      await booth.sealComment(params, questionId, text);
      messages.push(null);
    } catch (error) {
      messages.push({ booth_error: error instanceof booth.BoothError, message: error.message });
    }
  }
  return messages;
}

function verify({ params, payloads }) {
  return payloads.map((payload) => booth.verifyBallot(params, unb64(payload)));
}

function check({ params, cases }) {
  return cases.map(({ payload, reveal }) => booth.checkOpenedBallot(params, unb64(payload), reveal));
}

function points({ encodings }) {
  return encodings.map((encoding) => booth.isCanonicalPoint(Uint8Array.from(Buffer.from(encoding, "hex"))));
}

function trackers({ payloads }) {
  return payloads.map((payload) => booth.ballotTracker(unb64(payload)));
}

/** The worker's message protocol, with a stand-in for the worker's global scope. */
function worker({ messages }) {
  return runWorker(() => import("../../../static/js/booth/worker.js"), messages);
}

const operations = { reproduce, encrypt, seal, refusals, verify, check, points, trackers, worker };

await answerOneRequest((request) => operations[request.op](request));
