// The booth's worker: encrypts a ballot and its comments, or checks an opened
// ballot, away from the page so it stays responsive. Started as
// new Worker(url, {type: "module"}); the messages are the booth's interface:
//
// in  {id, type: "encrypt", params, answers, comments: {question_id: text}, failed}
// out {id, type: "progress", done, total} (repeated), then
//     {id, type: "encrypted", payload: base64, tracker, reveal,
//      comments: {question_id: base64}, opening}
// in  {id, type: "check", params, payload: base64, reveal}
// out {id, type: "checked", ok, answers, reason}
// in  {id, type: "prepare", params}   (optional: builds the key's tables early)
// out {id, type: "prepared"}
// any failure: {id, type: "error", message} (`failed`, the page's words, when the
// failure is not one the booth names itself)
//
// `opening` is the document to offer for download when the member checks the
// ballot (crypto.ballot.read_opening reads it). Blank comments are left out.

import {
  BoothError, checkOpenedBallot, encryptBallot, openingDocument, prepareKey, sealComment, toBase64,
} from "./crypto.js";

const scope = globalThis.self;

function commentsToSeal(comments) {
  return Object.entries(comments || {}).filter(([, text]) => typeof text === "string" && text.trim() !== "");
}

async function encrypt({ id, params, answers, comments }) {
  const toSeal = commentsToSeal(comments);
  const total = 2 * (params.questions || []).length + toSeal.length;
  const progress = (done) => scope.postMessage({ id, type: "progress", done, total });
  const ballot = await encryptBallot(params, answers, { onProgress: progress });
  const sealed = {};
  let done = total - toSeal.length;
  for (const [questionId, text] of toSeal) {
    sealed[questionId] = toBase64(await sealComment(params, Number(questionId), text));
    progress(++done);
  }
  const payload = toBase64(ballot.payload);
  return {
    id, type: "encrypted", payload, tracker: ballot.tracker, reveal: ballot.reveal, comments: sealed,
    opening: openingDocument(params, payload, ballot.reveal),
  };
}

function check({ id, params, payload, reveal }) {
  const { ok, answers = null, reason = null } = checkOpenedBallot(params, payload, reveal);
  return { id, type: "checked", ok, answers, reason };
}

function prepare({ id, params }) {
  prepareKey(params);
  return { id, type: "prepared" };
}

const handlers = { encrypt, check, prepare };

function plainWords(error, failed) {
  if (error instanceof BoothError) return error.message;
  return failed || "Your answers could not be encrypted on this device. Reload the page and try again.";
}

scope.addEventListener("message", async (event) => {
  const message = event.data || {};
  const handler = handlers[message.type];
  try {
    if (handler === undefined) throw new BoothError("The booth was asked to do something it does not know.");
    scope.postMessage(await handler(message));
  } catch (error) {
    scope.postMessage({ id: message.id, type: "error", message: plainWords(error, message.failed) });
  }
});
