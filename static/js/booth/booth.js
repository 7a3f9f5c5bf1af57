// The booth: the answer page's controller (templates/surveys/answer.html).
//
// The member answers; "Lock my answers" hands the answers to the worker
// (worker.js), which encrypts and proves them away from the page, so the page
// stays usable while a progress bar moves. The locked ballot's code (its
// tracker) is shown before anything is sent, with two choices:
//
// - Send my answers: the ballot and the sealed comments are posted as JSON to
//   the survey's ballot endpoint; the receipt shows the same code.
// - Check this ballot first (Benaloh's challenge): the server is told the
//   code first, and refuses that ballot from then on; then the page opens it
//   (the answers and the random numbers that locked it), checks it in the
//   worker, offers the opening for download, throws the ballot away and locks
//   the answers again, with new random numbers and so a new code. The page
//   keeps no checked ballot: nothing it holds afterwards can be sent.
//
// Nothing leaves the page in the clear: the only requests are the two JSON
// posts (ciphertexts and proofs; a tracker) and the worker's own static files.
// A browser that cannot run the worker gets the server's form where the survey
// allows it, and the reason where it does not.
//
// Every word this script shows comes from the page (the booth-words block), in
// the reader's language; a {name} in them is filled here.

const booth = document.getElementById("booth");
const form = document.getElementById("booth-form");
const parametersElement = document.getElementById("booth-parameters");
const wordsElement = document.getElementById("booth-words");

if (booth && form && parametersElement && wordsElement) start();

/** The page's words for `key`, each {name} in them replaced by values[name]. */
function say(words, key, values = {}) {
  return words[key].replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function start() {
  const params = JSON.parse(parametersElement.textContent);
  const words = JSON.parse(wordsElement.textContent);
  const language = document.documentElement.lang || undefined;
  const ballotSection = document.getElementById("booth-ballot");
  const checkSection = document.getElementById("booth-check");
  const within = (root, name) => root.querySelector(`[data-${name}]`);
  const ui = {
    lock: within(form, "booth-lock"),
    problems: within(form, "booth-problems"),
    beforeLock: within(form, "booth-before-lock"),
    whileLocked: within(form, "booth-while-locked"),
    heading: within(ballotSection, "ballot-heading"),
    progress: within(ballotSection, "ballot-progress"),
    progressBar: ballotSection.querySelector("progress"),
    progressText: within(ballotSection, "ballot-progress-text"),
    locked: within(ballotSection, "ballot-locked"),
    send: within(ballotSection, "ballot-send"),
    check: within(ballotSection, "ballot-check"),
    edit: within(ballotSection, "ballot-edit"),
    error: within(ballotSection, "ballot-error"),
    checkCode: within(checkSection, "check-code"),
    checkHeading: checkSection.querySelector("h2"),
    checkStatus: within(checkSection, "check-status"),
    checkResult: within(checkSection, "check-result"),
    verdict: within(checkSection, "check-verdict"),
    opened: within(checkSection, "check-answers"),
    nonces: within(checkSection, "check-nonces"),
    download: within(checkSection, "check-download"),
  };
  const csrfToken = form.elements.csrf_token ? form.elements.csrf_token.value : "";
  const state = { job: 0, answers: null, comments: null, ballot: null, checks: 0, downloadUrl: null };

  if (!canLockHere()) {
    fallBackToServer();
    return;
  }
  const worker = startWorker(params, words, fallBackToServer);
  document.querySelectorAll("[data-booth-only]").forEach((element) => { element.hidden = false; });
  setAnswersLocked(false);

  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.hasAttribute("data-booth-server")) return;
    event.preventDefault();
    if (!ui.lock.hidden) lock();
  });
  ui.send.addEventListener("click", send);
  ui.check.addEventListener("click", check);
  ui.edit.addEventListener("click", changeAnswers);

  // -- answering --------------------------------------------------------------------------------

  function lock() {
    const { answers, comments, problems } = readAnswers(params, words, language);
    showProblems(problems);
    if (problems.size) return;
    state.answers = answers;
    state.comments = comments;
    setAnswersLocked(true);
    checkSection.hidden = true;
    encrypt();
  }

  function setAnswersLocked(locked) {
    form.querySelectorAll("fieldset.question").forEach((fieldset) => { fieldset.disabled = locked; });
    ui.lock.hidden = locked;
    ui.beforeLock.hidden = locked;
    ui.whileLocked.hidden = !locked;
  }

  function changeAnswers() {
    state.job += 1;  // a locking still running is forgotten when it ends
    state.ballot = null;
    ballotSection.hidden = true;
    checkSection.hidden = true;
    setAnswersLocked(false);
    const first = form.querySelector("fieldset.question input, fieldset.question select, fieldset.question textarea");
    if (first) first.focus();
  }

  async function encrypt() {
    const job = ++state.job;
    state.ballot = null;
    ui.heading.textContent = words[state.checks ? "locking_again" : "locking"];
    ui.progress.hidden = false;
    ui.locked.hidden = true;
    ui.error.hidden = true;
    showProgress(0, 1);
    ballotSection.hidden = false;
    if (!state.checks) ballotSection.focus();
    const started = performance.now();
    try {
      const locked = await worker.ask({
        type: "encrypt", params, answers: state.answers, comments: state.comments, failed: words.encrypt_failed,
      },
        (done, total) => { if (job === state.job) showProgress(done, total); });
      if (job !== state.job) return;
      ballotSection.dataset.lockedInMs = String(Math.round(performance.now() - started));
      state.ballot = locked;
      showLocked(locked.tracker);
    } catch (error) {
      if (job === state.job) showError(say(words, "lock_failed", { reason: error.message }));
    }
  }

  function showProgress(done, total) {
    ui.progressBar.max = total;
    ui.progressBar.value = done;
    // Announced in quarters, not on every step, so that a screen reader is not flooded.
    const quarter = Math.floor((4 * done) / Math.max(total, 1));
    if (ui.progressText.dataset.quarter !== String(quarter)) {
      ui.progressText.dataset.quarter = String(quarter);
      ui.progressText.textContent = words.progress[Math.min(quarter, words.progress.length - 1)];
    }
  }

  function showLocked(tracker) {
    ui.heading.textContent = words[state.checks ? "locked_again" : "locked"];
    ui.progress.hidden = true;
    fillTracker(ui.locked, tracker);
    ui.locked.hidden = false;
    setButtonsBusy(false);
    ballotSection.focus();
    ballotSection.scrollIntoView({ block: "start" });
  }

  function showError(message) {
    ui.progress.hidden = true;
    ui.error.textContent = message;
    ui.error.hidden = false;
    setButtonsBusy(false);
  }

  function setButtonsBusy(busy) {
    ui.send.disabled = busy;
    ui.check.disabled = busy;
  }

  // -- sending ----------------------------------------------------------------------------------

  async function send() {
    const ballot = state.ballot;
    if (!ballot) return;
    setButtonsBusy(true);
    ui.error.hidden = true;
    const answer = await post(form.dataset.ballotUrl, { payload: ballot.payload, comments: ballot.comments });
    if (answer.status === 201 && answer.body.fingerprint === ballot.tracker) {
      showReceipt(ballot.tracker);
      return;
    }
    showError(answer.status === 201
      ? say(words, "other_code", { code: answer.body.fingerprint })
      : answer.message);
  }

  function showReceipt(tracker) {
    const receipt = document.getElementById("booth-receipt").content.querySelector("section").cloneNode(true);
    fillTracker(receipt, tracker);
    booth.replaceChildren(receipt);
    worker.stop();
    if (state.downloadUrl) URL.revokeObjectURL(state.downloadUrl);
    document.title = `${words.receipt} · ${document.title.split(" · ").pop()}`;
    window.scrollTo(0, 0);
    receipt.querySelector("h1").focus();
  }

  // -- checking ---------------------------------------------------------------------------------

  async function check() {
    const ballot = state.ballot;
    if (!ballot) return;
    setButtonsBusy(true);
    ui.error.hidden = true;
    // The server hears the code before anything is opened: once it answers, that ballot can never count.
    const told = await post(form.dataset.checkedUrl, { tracker: ballot.tracker });
    if (told.status !== 201) {
      showError(`${told.message} ${words.not_opened}`);
      return;
    }
    state.ballot = null;
    state.checks += 1;
    showCheckStarted(ballot.tracker);
    let result;
    try {
      result = await worker.ask({ type: "check", params, payload: ballot.payload, reveal: ballot.reveal });
    } catch (error) {
      result = { ok: false, reason: error.message };
    }
    showCheckResult(ballot, result);
    encrypt();
  }

  function showCheckStarted(tracker) {
    ui.checkCode.textContent = shortTracker(tracker);
    ui.checkHeading.firstChild.textContent = `${words.checking} `;
    ui.checkStatus.hidden = false;
    ui.checkStatus.textContent = words.check_status;
    ui.checkResult.hidden = true;
    checkSection.hidden = false;
    checkSection.focus();
    checkSection.scrollIntoView({ block: "start" });
  }

  function showCheckResult(ballot, result) {
    const chosen = JSON.stringify(state.answers);
    const held = result.ok ? result.answers : ballot.reveal.answers;
    const matches = result.ok && JSON.stringify(held) === chosen;
    ui.verdict.className = `booth-verdict ${matches ? "booth-ok" : "booth-bad"}`;
    ui.verdict.textContent = matches ? words.verdict_ok
      : result.ok ? words.verdict_mismatch : say(words, "verdict_bad", { reason: result.reason });
    ui.checkHeading.firstChild.textContent = `${words.checked} `;
    ui.checkStatus.hidden = true;
    ui.opened.replaceChildren(...params.questions.flatMap((question, index) => [
      element("dt", promptOf(question.question_id)),
      element("dd", answerWords(question, held[index])),
    ]));
    ui.nonces.textContent = params.questions.map((question, index) =>
      `${index + 1}. ${promptOf(question.question_id)}\n${ballot.reveal.nonces[index].map((n) => `   ${n}`).join("\n")}`,
    ).join("\n");
    if (state.downloadUrl) URL.revokeObjectURL(state.downloadUrl);
    state.downloadUrl = URL.createObjectURL(new Blob([JSON.stringify(ballot.opening, null, 2)],
      { type: "application/json" }));
    ui.download.href = state.downloadUrl;
    ui.download.download = `ballot-check-${ballot.tracker.slice(0, 16)}.json`;
    ui.checkResult.hidden = false;
  }

  // -- what the form holds, in the worker's terms ------------------------------------------------

  function promptOf(questionId) {
    const legend = form.querySelector(`fieldset[data-question="${questionId}"] legend`);
    return legend ? legend.textContent.trim().replace(/^\d+\.\s*/, "") : say(words, "question", { number: questionId });
  }

  function rankLabelOf(questionId, option) {
    const label = form.querySelector(`label[for="q${questionId}-${option}"]`);
    return label ? label.textContent.trim() : String(option);
  }

  function labelOf(questionId, value) {
    const input = form.querySelector(`input[name="q${questionId}"][value="${value}"]`);
    const label = input && input.labels && input.labels[0];
    return label ? label.textContent.trim() : String(value);
  }

  function answerWords(question, answer) {
    const id = question.question_id;
    if (answer === "cant_say") return labelOf(id, "cant");
    if (question.kind === "rank") {
      // "1st: Pay; 2nd: Benefits", in the page's words for the places and the options.
      return answer.map((option, place) => `${words.places[place]}: ${rankLabelOf(id, option)}`).join("; ");
    }
    if (question.kind === "yes_no") return labelOf(id, answer ? "yes" : "no");
    if (question.kind === "multiple_choice") {
      return answer.length ? answer.map((index) => labelOf(id, index)).join("; ") : words.nothing_chosen;
    }
    return labelOf(id, answer);
  }

  // -- talking to the server ---------------------------------------------------------------------

  async function post(url, body) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify(body),
      });
    } catch (_) {
      return { status: 0, body: {}, message: words.unreachable };
    }
    const answer = await response.json().catch(() => ({}));
    return {
      status: response.status, body: answer, message: answer.error || say(words, "refused", { status: response.status }),
    };
  }

  // -- browsers that cannot lock -----------------------------------------------------------------

  function fallBackToServer() {
    state.job += 1;
    document.querySelectorAll("[data-booth-only]").forEach((element) => { element.hidden = true; });
    ballotSection.hidden = true;
    checkSection.hidden = true;
    setAnswersLocked(false);
    ui.lock.hidden = true;
    ui.beforeLock.hidden = true;
    within(document, "booth-unsupported").hidden = false;
    // Where the survey takes no answer the server locks, there is nothing this browser can send.
    const server = within(form, "booth-server");
    if (server) server.hidden = false;
    else form.querySelectorAll("fieldset.question").forEach((fieldset) => { fieldset.disabled = true; });
  }
}

/** Module workers, WebCrypto and a secure context: what the worker needs. */
function canLockHere() {
  if (!window.isSecureContext || !window.crypto || !window.crypto.subtle || typeof Worker !== "function") return false;
  let moduleWorkers = false;
  try {
    // The options are read before the address, which fails to parse: nothing is fetched.
    new Worker("http://[", { get type() { moduleWorkers = true; return "module"; } });
  } catch (_) { /* expected */ }
  return moduleWorkers;
}

/** One worker for the page, asked one thing at a time by id; `broken` runs if it cannot start. */
function startWorker(params, words, broken) {
  const worker = new Worker(document.getElementById("booth-form").dataset.worker, { type: "module" });
  const waiting = new Map();
  let nextId = 1;
  let started = false;
  worker.addEventListener("message", ({ data }) => {
    started = true;
    const job = waiting.get(data.id);
    if (!job) return;
    if (data.type === "progress") {
      if (job.onProgress) job.onProgress(data.done, data.total);
      return;
    }
    waiting.delete(data.id);
    if (data.type === "error") job.reject(new Error(data.message));
    else job.resolve(data);
  });
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    for (const job of waiting.values()) job.reject(new Error(words.worker_stopped));
    waiting.clear();
    if (!started) broken();
  });
  const ask = (message, onProgress) => new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject, onProgress });
    worker.postMessage({ ...message, id });
  });
  // Builds the key's tables while the member reads the questions.
  ask({ type: "prepare", params }).catch(() => {});
  return { ask, stop: () => worker.terminate() };
}

function readAnswers(params, words, language) {
  const problems = new Map();
  const chosenIn = (id) => [...document.querySelectorAll(`#booth-form input[name="q${id}"]:checked`)].map((i) => i.value);
  const answers = params.questions.map((question) => {
    const id = question.question_id;
    const chosen = chosenIn(id);
    if (question.kind === "rank") return readRanking(question, chosen.includes("cant"), words, problems);
    if (question.kind === "multiple_choice") {
      if (chosen.includes("cant")) {
        if (chosen.length > 1) problems.set(id, words.options_or_cant);
        return "cant_say";
      }
      if (chosen.length > question.max_choices) problems.set(id, say(words, "too_many", { max: question.max_choices }));
      return chosen.map(Number);
    }
    if (chosen.length !== 1) {
      problems.set(id, words.choose_answer);
      return null;
    }
    const [value] = chosen;
    if (value === "cant") return "cant_say";
    if (question.kind === "yes_no") return value === "yes";
    return Number(value);
  });
  const comments = {};
  for (const { question_id: id } of params.comments) {
    const box = document.querySelector(`#booth-form [name="q${id}"]`);
    // As the server's form does: direction overrides dropped, spaces trimmed, blank means no comment.
    const text = (box ? box.value : "").replace(/[\u202A-\u202E\u2066-\u2069]/g, "").trim();
    const length = [...text].length;
    if (length > params.max_comment) {
      problems.set(id, say(words, "too_long", { length: length.toLocaleString(language) }));
    } else if (text) {
      comments[id] = text;
    }
  }
  return { answers, comments, problems };
}

/** A rank question's selects (organizer/unit_surveys/rank_answers.py): the options in order, the first place
 * first, or "cant_say"; what is not a ranking is put in `problems`, in the words the server's form uses. */
function readRanking(question, cantSay, words, problems) {
  const id = question.question_id;
  const placed = new Map();
  const selects = [...document.querySelectorAll(`#booth-form select[name^="q${id}-"]`)];
  selects.forEach((select) => { delete select.dataset.boothFocus; });
  for (const select of selects) {
    if (select.value === "") continue;
    const place = Number(select.value);
    if (!placed.has(place)) placed.set(place, []);
    placed.get(place).push(select);
  }
  // The select to fix gets the focus (showProblems reads the mark), not merely the question's first one.
  const refuse = (message, fix) => {
    problems.set(id, message);
    if (fix) fix.dataset.boothFocus = "";
    return null;
  };
  if (cantSay) return placed.size ? refuse(words.rank_or_cant, selects.find((select) => select.value !== "")) : "cant_say";
  const places = [...placed.keys()].sort((a, b) => a - b);
  const shared = places.find((place) => placed.get(place).length > 1);
  if (shared !== undefined) {
    return refuse(say(words, "rank_same_place", { place: words.places[shared - 1] }), placed.get(shared)[1]);
  }
  const last = places.length ? places[places.length - 1] : 0;
  const unplaced = selects.find((select) => select.value === "");
  for (let place = 1; place <= last; place++) {
    if (!placed.has(place)) return refuse(say(words, "rank_gap", { place: words.places[place - 1] }), unplaced);
  }
  if (!places.length) return refuse(question.allows_cant_say ? words.rank_none_or_cant : words.rank_none);
  return places.map((place) => Number(placed.get(place)[0].dataset.rankOption));
}

function showProblems(problems) {
  const form = document.getElementById("booth-form");
  form.querySelectorAll("[data-booth-error]").forEach((error) => {
    const fieldset = error.closest("fieldset");
    fieldset.classList.remove("has-error");
    fieldset.removeAttribute("aria-describedby");
    error.remove();
  });
  form.querySelector("[data-booth-problems]").hidden = problems.size === 0;
  let first = null;
  for (const [id, message] of problems) {
    const fieldset = form.querySelector(`fieldset[data-question="${id}"]`);
    const error = element("p", message);
    error.className = "error";
    error.id = `q${id}-booth-error`;
    error.dataset.boothError = "";
    fieldset.append(error);
    fieldset.classList.add("has-error");
    fieldset.setAttribute("aria-describedby", error.id);
    first = first || fieldset;
  }
  if (first) {
    first.scrollIntoView({ block: "start" });
    const input = first.querySelector("[data-booth-focus]") || first.querySelector("input, select, textarea");
    if (input) input.focus({ preventScroll: true });
  }
}

function shortTracker(tracker) {
  return tracker.slice(0, 16).match(/.{4}/g).join(" ");
}

function fillTracker(root, tracker) {
  root.querySelector("[data-tracker-short]").textContent = shortTracker(tracker);
  root.querySelector("[data-tracker-text]").textContent = tracker;
  root.querySelector("[data-tracker-full]").value = tracker;
}

function element(tag, text) {
  const made = document.createElement(tag);
  made.textContent = text;
  return made;
}
