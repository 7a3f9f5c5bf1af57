// A trustee's page for opening a story kept in escrow (templates/escrow/open.html).
//
// As soon as the page opens, the worker (worker.js) checks, with nothing typed
// yet, that the story's day has come by this device's clock (read here and
// handed to it) and that the
// sealed story is the one its stated terms were sealed with; a story that is
// not due keeps the button disabled. On submit the passphrase goes to the
// worker (its field emptied at once), and only what the worker returns is
// posted: one partial decryption with its proof. The passphrase is never
// posted, stored or put in an address.
//
// The words shown come from the page (#escrow-words, in the reader's
// language); the English here is the fallback.

const root = document.getElementById("escrow");

const ENGLISH = {
  old_browser: "This step needs a recent browser (one that runs web workers). Open this page in another browser.",
  opening: "Opening your part of the key on this device…",
  type_passphrase: "Type your passphrase.",
  worker_stopped: "This page's key code stopped. Reload the page and try again.",
  unreachable: "The server could not be reached: check your connection and try again.",
  refused: "The server refused it ({status}).",
  checked: "This device checked for itself: the story's day has come, and it is the story sealed for that day.",
  sending: "Your part is done. Sending it with its proof…",
  unknown_error: null,
  errors: {},
};

if (root) start(root);

function readWords() {
  const element = document.getElementById("escrow-words");
  let given = {};
  try {
    given = element ? JSON.parse(element.textContent) : {};
  } catch (_) { /* the English fallback */ }
  return { ...ENGLISH, ...given, errors: { ...given.errors } };
}

function start(page) {
  const form = page.querySelector("[data-escrow-form]");
  const taskElement = document.getElementById("escrow-task");
  if (!form || !taskElement) return;
  const words = readWords();
  const task = JSON.parse(taskElement.textContent);
  const ui = {
    go: page.querySelector("[data-escrow-go]"),
    passphrase: page.querySelector("[data-passphrase]"),
    confirm: page.querySelector("[data-escrow-confirm]"),
    working: page.querySelector("[data-escrow-working]"),
    bar: page.querySelector("[data-escrow-working] progress"),
    workingText: page.querySelector("[data-escrow-working-text]"),
    checked: page.querySelector("[data-escrow-checked]"),
    error: page.querySelector("[data-escrow-error]"),
  };
  const showError = (message) => {
    ui.error.hidden = message === null;
    ui.error.textContent = message || "";
  };
  const showWorking = (percent, text) => {
    ui.working.hidden = false;
    ui.bar.value = percent;
    if (text) ui.workingText.textContent = text;
  };
  if (typeof Worker !== "function" || !window.isSecureContext || !window.crypto?.subtle) {
    showError(words.old_browser);
    ui.go.disabled = true;
    return;
  }
  const worker = startWorker(page.dataset.worker, words);
  const confirmed = () => (ui.confirm ? ui.confirm.checked : false);
  let busy = false;

  // The first check needs no passphrase: a story that is not due, or not the one its terms name,
  // is refused before anyone types. A recognised story's box is ticked later, so it is checked then.
  worker.ask({ type: "check", task, confirmed: Boolean(ui.confirm), now: Date.now() }, () => {}).then(() => {
    ui.checked.hidden = false;
    ui.checked.textContent = words.checked;
  }, (error) => {
    showError(plainWords(error, words));
    ui.go.disabled = true;
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const passphrase = ui.passphrase.value;
    if (passphrase === "") {
      showError(words.type_passphrase);
      ui.passphrase.focus();
      return;
    }
    ui.passphrase.value = "";
    busy = true;
    ui.go.disabled = true;
    showError(null);
    showWorking(0, words.opening);
    try {
      const answer = await worker.ask({ type: "open", task, confirmed: confirmed(), now: Date.now(), passphrase },
        (done, total) => showWorking(total ? Math.round((100 * done) / total) : 0, words.opening));
      showWorking(100, words.sending);
      const sent = await post(page.dataset.postUrl, page.dataset.csrf, { partial: answer.partial }, words);
      if (!sent.ok) throw new Error(sent.message);
      if (sent.body.story) window.location.assign(sent.body.story);
      else window.location.reload();
    } catch (error) {
      ui.working.hidden = true;
      showError(plainWords(error, words));
      busy = false;
      ui.go.disabled = false;
    }
  });
}

/** An error in the reader's words: the worker's English looked up in the page's table. */
function plainWords(error, words) {
  const message = error?.message ?? String(error);
  if (!error?.fromWorker) return message;
  return words.errors[message] || words.unknown_error || message;
}

function startWorker(url, words) {
  const worker = new Worker(url, { type: "module" });
  const waiting = new Map();
  let nextId = 1;
  worker.addEventListener("message", ({ data }) => {
    const job = waiting.get(data.id);
    if (!job) return;
    if (data.type === "progress") {
      job.onProgress(data.done, data.total);
      return;
    }
    waiting.delete(data.id);
    if (data.type === "error") job.reject(Object.assign(new Error(data.message), { fromWorker: true }));
    else job.resolve(data);
  });
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    for (const job of waiting.values()) job.reject(new Error(words.worker_stopped));
    waiting.clear();
  });
  return {
    ask: (message, onProgress) => new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject, onProgress });
      worker.postMessage({ ...message, id });
    }),
  };
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
