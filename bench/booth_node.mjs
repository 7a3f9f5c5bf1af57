// The booth's encryption under node: encrypt and prove one ballot of
// 20 questions × 5 options (100 slot ciphertexts, each with its 0/1 proof, and
// one sum proof per question) with static/js/booth/crypto.js, the code the
// browser runs. Prints one JSON object; the goal is ≤ 1 s in Chromium, which
// the browser bench measures (node runs the same V8, usually a little faster).
//
//   node bench/booth_node.mjs [--runs 5] [--questions 20] [--options 5] [--places 3]
//
// With --places, each question is a ranking instead (crypto.rank): put up to
// that many of the options in order, an options × places matrix of 0/1
// ciphertexts with their proofs, and each ballot ranks the first places options.
//
// "first_ms" includes building the generator's and the key's tables (once per
// page); "encrypt_prove_ms" are the runs after it.

import * as booth from "../static/js/booth/crypto.js";
import { ristretto255 } from "../static/js/vendor/noble.js";

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

const runs = option("runs", 5);
const questions = option("questions", 20);
const options = option("options", 5);
const places = option("places", 0);
const kind = places ? "rank" : "single_choice";

const secret = booth.randomScalar();
const publicKey = ristretto255.Point.BASE.multiply(secret).toBytes();
const context = new TextEncoder().encode("leverage-survey:1:round:1");
const params = {
  version: 1,
  survey_id: 1,
  public_key: booth.toBase64(publicKey),
  context: booth.toBase64(context),
  questions: Array.from({ length: questions }, (_, i) => ({
    question_id: i + 1, kind, options, max_choices: places || 1, allows_cant_say: false,
  })),
  comments: [{ question_id: questions + 1, context: booth.toBase64(new TextEncoder().encode("comment")) }],
  max_comment: 2000,
};
const answers = params.questions.map((_, i) => (places ? Array.from({ length: places }, (_, p) => (i + p) % options)
  : i % options));

async function timed(work) {
  const started = performance.now();
  const result = await work();
  return [performance.now() - started, result];
}

const [firstMs, first] = await timed(() => booth.encryptBallot(params, answers));
const times = [];
for (let i = 0; i < runs; i++) times.push((await timed(() => booth.encryptBallot(params, answers)))[0]);
const [verifyMs, verified] = await timed(() => booth.verifyBallot(params, first.payload));
const [checkMs, checked] = await timed(() => booth.checkOpenedBallot(params, first.payload, first.reveal));
const [sealMs] = await timed(() => booth.sealComment(params, questions + 1, "The night shift needs a second break."));
if (!verified || !checked.ok) throw new Error("the benched ballot does not verify");

times.sort((a, b) => a - b);
const round = (ms) => Math.round(ms * 10) / 10;
process.stdout.write(`${JSON.stringify({
  bench: "booth encryption under node",
  node: process.version,
  questions,
  options,
  ...(places ? { kind, places } : {}),
  slots: questions * options * (places || 1),
  payload_bytes: first.payload.length,
  runs,
  first_ms: round(firstMs),
  encrypt_prove_ms: { median: round(times[Math.floor(times.length / 2)]), min: round(times[0]), max: round(times.at(-1)) },
  verify_ms: round(verifyMs),
  check_opened_ms: round(checkMs),
  seal_comment_ms: round(sealMs),
  goal_ms: 1000,
})}\n`);
