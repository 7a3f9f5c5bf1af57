// The trustee's pages of the union's survey key: a step of a key ceremony
// (templates/ceremony/step.html) and a trustee's part of a decryption
// (templates/surveys/decrypt_in_browser.html).
//
// The page hands the passphrase to the worker (worker.js, which runs dkg.js
// away from the page so it stays responsive while scrypt runs) and posts only
// what the worker returns: a personal public key with its proof and the
// secret sealed with the passphrase; a signed dealing; a signed
// acknowledgement or a complaint; partial decryptions with their proofs. The
// passphrase is never posted, stored or put in an address; its field is
// emptied as soon as the worker has it. What the page needs comes from the
// server in #ceremony-material (public parts, and this trustee's sealed
// secret). A page waiting for the other trustees asks where the ceremony
// stands now and then, and reloads when it has moved on.
//
// Before a decryption, as soon as the page opens, the device adds up the
// survey's approved ballots itself (approved.js, spread over a few workers
// for a large survey) and checks that what it is asked to decrypt is exactly
// those sums: until that check has passed nothing is decrypted, and when it
// fails the page says so and sends nothing.
//
// The words shown come from the page (#ceremony-words, in the reader's
// language); the English here is the fallback.

const root = document.getElementById("ceremony");
const MIN_PASSPHRASE = 12;
const POLL_EVERY_MS = 15000;
/** Below this many ballots one worker adds them up; above it, up to MAX_HELPERS share the work. */
const ONE_WORKER_BALLOTS = 1000;
const MAX_HELPERS = 4;

const ENGLISH = {
  old_browser: "This step needs a recent browser (one that runs web workers). Open this page in another browser.",
  opening: "Opening your part of the key on this device…",
  short_passphrase: `Use a passphrase of at least ${MIN_PASSPHRASE} characters.`,
  passphrases_differ: "The two passphrases differ. Type the same one twice.",
  type_passphrase: "Type your passphrase.",
  worker_stopped: "This page's key code stopped. Reload the page and try again.",
  unreachable: "The server could not be reached: check your connection and try again.",
  refused: "The server refused it ({status}).",
  unknown_error: null,
  steps: {
    unlock: "Opening your part of the key on this device…",
    protect: "Locking your part of the key with your passphrase…",
    deal: "Making the pieces for the other trustees…",
    check: "Checking the pieces you received…",
    decrypt: "Unlocking your part of the totals…",
    sum: "Adding up the survey's ballots on this device…",
    comments: "Checking the written comments' proofs on this device…",
  },
  done: {
    join: "Your part of the key is made. Sending its public half…",
    deal: "Your pieces are made. Sending them…",
    complaint: "A piece you received does not fit. Sending the proof, so that everyone can see it…",
    check: "Every piece fits. Saying so…",
    decrypt: "Your part is done. Sending it with its proofs…",
  },
  summed: "This device added up the survey's ballots itself: the totals it is asked to unlock are theirs.",
  errors: {},
};

if (root) start(root);

function readWords() {
  const element = document.getElementById("ceremony-words");
  let given = {};
  try {
    given = element ? JSON.parse(element.textContent) : {};
  } catch (_) { /* the English fallback below */ }
  return {
    ...ENGLISH, ...given, steps: { ...ENGLISH.steps, ...given.steps }, done: { ...ENGLISH.done, ...given.done },
    errors: { ...given.errors },
  };
}

function start(page) {
  const words = readWords();
  const screen = page.dataset.ceremonyScreen;
  const form = page.querySelector("[data-ceremony-form]");
  const materialElement = document.getElementById("ceremony-material");
  const material = materialElement ? JSON.parse(materialElement.textContent) : null;
  const ui = {
    go: page.querySelector("[data-ceremony-go]"),
    passphrase: page.querySelector("[data-passphrase]"),
    again: page.querySelector("[data-passphrase-again]"),
    working: page.querySelector("[data-ceremony-working]"),
    workingBar: page.querySelector("[data-ceremony-working] progress"),
    workingText: page.querySelector("[data-ceremony-working-text]"),
    error: page.querySelector("[data-ceremony-error]"),
    checked: page.querySelector("[data-ceremony-checked]"),
    fingerprint: page.querySelector("[data-ceremony-fingerprint]"),
  };
  let busy = false;

  if (page.dataset.progressUrl) setInterval(() => { if (!busy && !typing()) poll(); }, POLL_EVERY_MS);
  if (!form || !material) return;
  if (!canRunHere()) {
    showError(words.old_browser);
    ui.go.disabled = true;
    return;
  }
  const worker = startWorker(page.dataset.worker, words);
  if (ui.fingerprint && material.personal_keys) showOwnFingerprint();
  // A decryption's check starts at once, while the trustee reads and types.
  const checked = screen === "decrypt" ? checkTotals(worker, material, page.dataset.worker, words, showWorking) : null;
  let refused = false;
  if (checked) {
    checked.then(() => {
      if (ui.checked) {
        ui.checked.hidden = false;
        ui.checked.textContent = words.summed;
      }
      if (!busy) ui.working.hidden = true;
    }, (error) => {
      refused = true;
      ui.working.hidden = true;
      showError(plainWords(error, words));
      ui.go.disabled = true;
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const passphrase = readPassphrase();
    if (passphrase === null) return;
    busy = true;
    ui.go.disabled = true;
    showError(null);
    showWorking(0, words.opening);
    try {
      const partSums = checked ? await checked : null;
      const answer = await STEPS[screen](worker, material, passphrase, progressOf(showWorking, words), words, partSums);
      const sent = await post(page.dataset.postUrl, page.dataset.csrf, answer.body, words);
      if (!sent.ok) throw new Error(sent.message);
      showWorking(100, answer.done);
      if (sent.body.results) window.location.assign(sent.body.results);
      else window.location.reload();
    } catch (error) {
      ui.working.hidden = true;
      showError(plainWords(error, words));
      busy = false;
      ui.go.disabled = refused;
    }
  });

  // The code shown is the one this device computes from the keys it was given
  // (what its dealing or check is bound to), not one the server wrote.
  async function showOwnFingerprint() {
    try {
      const { fingerprint } = await worker.ask({ type: "fingerprint", ceremonyId: material.ceremony_id,
        threshold: material.threshold, personalKeys: material.personal_keys }, () => {});
      ui.fingerprint.textContent = fingerprint;
    } catch (error) {
      showError(plainWords(error, words));
    }
  }

  function typing() {
    return ui.passphrase !== null && ui.passphrase.value !== "";
  }

  function readPassphrase() {
    const passphrase = ui.passphrase.value;
    if (ui.again) {
      if (passphrase.length < MIN_PASSPHRASE) {
        showError(words.short_passphrase);
        ui.passphrase.focus();
        return null;
      }
      if (passphrase !== ui.again.value) {
        showError(words.passphrases_differ);
        ui.again.focus();
        return null;
      }
    } else if (passphrase === "") {
      showError(words.type_passphrase);
      ui.passphrase.focus();
      return null;
    }
    // The worker has it now; nothing on the page keeps it.
    ui.passphrase.value = "";
    if (ui.again) ui.again.value = "";
    return passphrase;
  }

  function showWorking(percent, text) {
    ui.working.hidden = false;
    ui.workingBar.value = percent;
    if (text) ui.workingText.textContent = text;
  }

  function showError(message) {
    if (!ui.error) return;
    ui.error.hidden = message === null;
    ui.error.textContent = message || "";
  }

  async function poll() {
    try {
      const response = await fetch(page.dataset.progressUrl, { credentials: "same-origin", cache: "no-store",
        headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const now = await response.json();
      if (now.state !== page.dataset.state || String(now.done) !== page.dataset.done) window.location.reload();
    } catch (_) { /* offline for a moment: ask again later */ }
  }
}

/** An error in the reader's words. The page's and the server's are already; the worker's English is
 * looked up in the page's table, and one it lacks becomes the table's general sentence. */
function plainWords(error, words) {
  const message = error?.message ?? String(error);
  if (!error?.fromWorker) return message;
  const known = words.errors;
  if (known[message]) return known[message];
  const trustee = error?.trustee;
  if (trustee !== null && trustee !== undefined) {
    const template = known[message.replace(String(trustee), "{trustee}")];
    if (template) return template.replace("{trustee}", String(trustee));
  }
  return words.unknown_error || message;
}

// -- what each screen asks the worker, and posts -----------------------------------------------------

function progressOf(showWorking, words) {
  return (step, done, total) => showWorking(total ? Math.round((100 * done) / total) : 0, words.steps[step]);
}

function ceremonyOf(material) {
  return {
    ceremonyId: material.ceremony_id, trusteeIndex: material.trustee_index, threshold: material.threshold,
    personalKeys: material.personal_keys, sealedSecret: material.sealed_secret,
  };
}

const STEPS = {
  async join(worker, material, passphrase, progress, words) {
    const made = await worker.ask({ type: "join", passphrase, ceremonyId: material.ceremony_id,
      trusteeIndex: material.trustee_index }, progress);
    return {
      body: { personal_key: made.publicKey, possession_proof: made.possessionProof, sealed_secret: made.sealedSecret },
      done: words.done.join,
    };
  },

  async deal(worker, material, passphrase, progress, words) {
    const dealt = await worker.ask({ type: "deal", ...ceremonyOf(material), passphrase }, progress);
    return { body: { dealing: dealt.dealing }, done: words.done.deal };
  },

  async check(worker, material, passphrase, progress, words) {
    const checked = await worker.ask({ type: "check", ...ceremonyOf(material), dealings: material.dealings, passphrase },
      progress);
    if (checked.type === "complaint") return { body: { complaint: checked.complaint }, done: words.done.complaint };
    return { body: { acknowledgement: checked.acknowledgement }, done: words.done.check };
  },

  async decrypt(worker, task, passphrase, progress, words, partSums) {
    const decrypted = await worker.ask({
      type: "decrypt", ...ceremonyOf(task.ceremony), dealings: task.ceremony.dealings, thresholdKey: task.threshold_key,
      targets: task.targets, context: task.context, check: task.check, partSums, passphrase,
    }, progress);
    return { body: { partials: decrypted.partials }, done: words.done.decrypt };
  },
};

// -- adding up the ballots before a decryption -------------------------------------------------------

function bytesOf64(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Add up the approved ballots (each worker a range of them), then have the
 * page's worker check the targets against those sums and the comments'
 * proofs. Resolves to the part sums, which the decryption hands back to the
 * worker (it refuses anything else it is asked to decrypt); rejects in words.
 */
async function checkTotals(worker, task, workerUrl, words, showWorking) {
  const check = task.check;
  const width = check.width;
  const partSizes = check.part_sizes;
  const total = partSizes.reduce((sum, size) => sum + size, 0);
  const alphas = bytesOf64(check.alphas);
  const stride = width * 32;
  // With no total released there is nothing to add up (only the comments' proofs, if any, to check).
  const wanted = check.groups.length > 0 ? total : 0;
  const pieces = wanted < ONE_WORKER_BALLOTS ? 1 : Math.min(MAX_HELPERS, Math.max(1, navigator.hardwareConcurrency || 2));
  const helpers = [worker];
  for (let i = 1; i < pieces; i++) helpers.push(startWorker(workerUrl, words));
  const ranges = [];
  const size = Math.max(1, Math.ceil(wanted / pieces));
  for (let first = 0; first < wanted; first += size) ranges.push({ first, count: Math.min(size, wanted - first) });
  const added = ranges.map(() => 0);
  showWorking(0, words.steps.sum);
  try {
    const summed = await Promise.all(ranges.map((range, i) => helpers[i].ask({
      type: "sum", alphas: alphas.slice(range.first * stride, (range.first + range.count) * stride), width, partSizes,
      first: range.first,
    }, (_, done) => {
      added[i] = done;
      showWorking(Math.round((100 * added.reduce((a, b) => a + b, 0)) / total), words.steps.sum);
    })));
    const partSums = summed.flatMap((answer) => answer.parts);
    await worker.ask({ type: "verify", thresholdKey: task.threshold_key, targets: task.targets,
      check: { ...check, alphas }, partSums }, progressOf(showWorking, words));
    return partSums;
  } finally {
    helpers.slice(1).forEach((helper) => helper.terminate());
  }
}

// -- the worker and the server -----------------------------------------------------------------------

function canRunHere() {
  if (!window.isSecureContext || !window.crypto || !window.crypto.subtle || typeof Worker !== "function") return false;
  let moduleWorkers = false;
  try {
    // The options are read before the address, which fails to parse: nothing is fetched.
    new Worker("http://[", { get type() { moduleWorkers = true; return "module"; } });
  } catch (_) { /* expected */ }
  return moduleWorkers;
}

/** A worker, asked one thing at a time by id. An error keeps the worker's `trustee` (who is at fault). */
function startWorker(url, words) {
  const worker = new Worker(url, { type: "module" });
  const waiting = new Map();
  let nextId = 1;
  worker.addEventListener("message", ({ data }) => {
    const job = waiting.get(data.id);
    if (!job) return;
    if (data.type === "progress") {
      job.onProgress(data.step, data.done, data.total);
      return;
    }
    waiting.delete(data.id);
    if (data.type === "error") {
      job.reject(Object.assign(new Error(data.message), { trustee: data.trustee, fromWorker: true }));
    } else job.resolve(data);
  });
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    for (const job of waiting.values()) job.reject(new Error(words.worker_stopped));
    waiting.clear();
  });
  const ask = (message, onProgress) => new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject, onProgress });
    worker.postMessage({ ...message, id });
  });
  return { ask, terminate: () => worker.terminate() };
}

async function post(url, csrfToken, body, words) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body),
    });
  } catch (_) {
    return { ok: false, body: {}, message: words.unreachable };
  }
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, body: answer, message: answer.error || words.refused.replace("{status}", response.status) };
}
