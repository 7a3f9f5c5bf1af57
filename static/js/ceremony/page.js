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

const root = document.getElementById("ceremony");
const MIN_PASSPHRASE = 12;
const POLL_EVERY_MS = 15000;

if (root) start(root);

function start(page) {
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
    fingerprint: page.querySelector("[data-ceremony-fingerprint]"),
  };
  let busy = false;

  if (page.dataset.progressUrl) setInterval(() => { if (!busy && !typing()) poll(); }, POLL_EVERY_MS);
  if (!form || !material) return;
  if (!canRunHere()) {
    showError("This step needs a recent browser (one that runs web workers). Open this page in another browser.");
    ui.go.disabled = true;
    return;
  }
  const worker = startWorker(page.dataset.worker);
  if (ui.fingerprint && material.personal_keys) showOwnFingerprint();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const passphrase = readPassphrase();
    if (passphrase === null) return;
    busy = true;
    ui.go.disabled = true;
    showError(null);
    showWorking(0, "Opening your part of the key on this device…");
    try {
      const answer = await STEPS[screen](worker, material, passphrase, showWorking);
      const sent = await post(page.dataset.postUrl, page.dataset.csrf, answer.body);
      if (!sent.ok) throw new Error(sent.message);
      showWorking(100, answer.done);
      if (sent.body.results) window.location.assign(sent.body.results);
      else window.location.reload();
    } catch (error) {
      ui.working.hidden = true;
      showError(error.message);
      busy = false;
      ui.go.disabled = false;
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
      showError(error.message);
    }
  }

  function typing() {
    return ui.passphrase !== null && ui.passphrase.value !== "";
  }

  function readPassphrase() {
    const passphrase = ui.passphrase.value;
    if (ui.again) {
      if (passphrase.length < MIN_PASSPHRASE) {
        showError(`Use a passphrase of at least ${MIN_PASSPHRASE} characters.`);
        ui.passphrase.focus();
        return null;
      }
      if (passphrase !== ui.again.value) {
        showError("The two passphrases differ. Type the same one twice.");
        ui.again.focus();
        return null;
      }
    } else if (passphrase === "") {
      showError("Type your passphrase.");
      ui.passphrase.focus();
      return null;
    }
    // The worker has it now; nothing on the page keeps it.
    ui.passphrase.value = "";
    if (ui.again) ui.again.value = "";
    return passphrase;
  }

  function showWorking(percent, words) {
    ui.working.hidden = false;
    ui.workingBar.value = percent;
    if (words) ui.workingText.textContent = words;
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

// -- what each screen asks the worker, and posts -----------------------------------------------------

const STEP_WORDS = {
  unlock: "Opening your part of the key on this device…",
  protect: "Locking your part of the key with your passphrase…",
  deal: "Making the pieces for the other trustees…",
  check: "Checking the pieces you received…",
  decrypt: "Unlocking your part of the totals…",
};

function progressOf(showWorking) {
  return (step, done, total) => showWorking(total ? Math.round((100 * done) / total) : 0, STEP_WORDS[step]);
}

function ceremonyOf(material) {
  return {
    ceremonyId: material.ceremony_id, trusteeIndex: material.trustee_index, threshold: material.threshold,
    personalKeys: material.personal_keys, sealedSecret: material.sealed_secret,
  };
}

const STEPS = {
  async join(worker, material, passphrase, showWorking) {
    const made = await worker.ask({ type: "join", passphrase, ceremonyId: material.ceremony_id,
      trusteeIndex: material.trustee_index }, progressOf(showWorking));
    return {
      body: { personal_key: made.publicKey, possession_proof: made.possessionProof, sealed_secret: made.sealedSecret },
      done: "Your part of the key is made. Sending its public half…",
    };
  },

  async deal(worker, material, passphrase, showWorking) {
    const dealt = await worker.ask({ type: "deal", ...ceremonyOf(material), passphrase }, progressOf(showWorking));
    return { body: { dealing: dealt.dealing }, done: "Your pieces are made. Sending them…" };
  },

  async check(worker, material, passphrase, showWorking) {
    const checked = await worker.ask({ type: "check", ...ceremonyOf(material), dealings: material.dealings, passphrase },
      progressOf(showWorking));
    if (checked.type === "complaint") {
      return { body: { complaint: checked.complaint },
        done: "A piece you received does not fit. Sending the proof, so that everyone can see it…" };
    }
    return { body: { acknowledgement: checked.acknowledgement }, done: "Every piece fits. Saying so…" };
  },

  async decrypt(worker, task, passphrase, showWorking) {
    const decrypted = await worker.ask({
      type: "decrypt", ...ceremonyOf(task.ceremony), dealings: task.ceremony.dealings, thresholdKey: task.threshold_key,
      targets: task.targets, context: task.context, passphrase,
    }, progressOf(showWorking));
    return { body: { partials: decrypted.partials }, done: "Your part is done. Sending it with its proofs…" };
  },
};

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

/** One worker for the page, asked one thing at a time by id. */
function startWorker(url) {
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
    if (data.type === "error") job.reject(new Error(data.message));
    else job.resolve(data);
  });
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    for (const job of waiting.values()) job.reject(new Error("This page's key code stopped. Reload the page and try again."));
    waiting.clear();
  });
  const ask = (message, onProgress) => new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject, onProgress });
    worker.postMessage({ ...message, id });
  });
  return { ask };
}

async function post(url, csrfToken, body) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body),
    });
  } catch (_) {
    return { ok: false, body: {}, message: "The server could not be reached: check your connection and try again." };
  }
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, body: answer, message: answer.error || `The server refused it (${response.status}).` };
}
