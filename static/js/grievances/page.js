// The pages of reports of problems at work (templates/grievances/): a steward
// makes their key; a member files a report; the member reads their report and
// the answers and adds to it; a steward reads a report and answers.
//
// What people type is sealed by the worker (worker.js, which runs crypto.js
// away from the page) and only what it returns is posted: envelopes and public
// keys, each with what proves it, and secrets sealed with a passphrase. The
// fields people type in have no name, so a browser never sends them, and the
// passphrase fields are emptied once the worker has them. What is opened is
// shown here and nowhere else: it is written into the page as text, never
// sent back. The page's material (#grievance-material) is what the server
// gives: envelopes and their contexts, sealed secrets, the stewards to seal
// to (a name and a key each).
//
// A message is sealed to exactly the stewards' keys the page shows, and the
// code beside each name is worked out here (by the worker) from that very key,
// never taken from the server: a member who compares codes with a steward in
// person catches a key the server swapped. When the server says the keys
// changed meanwhile, the page shows the new ones and their codes and waits
// for the person to send again. The same holds for a steward passing earlier
// reports on to newer stewards: only to keys shown, with their codes.
//
// The words shown come from the page (#grievance-words, in the reader's
// language); the English here is the fallback.

const root = document.getElementById("grievance");
const MIN_PASSPHRASE = 12;
const MAX_WHAT = 4000;
const MAX_WANTED = 1000;
const MAX_NAME = 120;
const MAX_TEXT = 4000;

const ENGLISH = {
  old_browser: "This page needs a recent browser (one that runs web workers). Open it in another browser: nothing was sent.",
  short_passphrase: `Use a passphrase of at least ${MIN_PASSPHRASE} characters.`,
  passphrases_differ: "The two passphrases differ. Type the same one twice.",
  type_passphrase: "Type your passphrase.",
  worker_stopped: "This page's lock code stopped. Reload the page and try again: nothing was sent.",
  unreachable: "The server could not be reached: check your connection and try again. Nothing was sent.",
  refused: "The server refused it ({status}).",
  choose_kind: "Choose what the problem is about.",
  say_what: "Say what happened, in your own words.",
  too_long: "Keep it under {max} characters: it is {length} now.",
  bad_others: "Give how many others, as a number (0 if none).",
  say_who: "Say whether your steward may know it is you.",
  give_name: "Give the name your steward knows you by.",
  say_something: "Write something to send.",
  working: { protect: "Locking your key with your passphrase…", unlock: "Opening your key on this device…",
    open: "Opening the messages on this device…", seal: "Sealing it on this device…", send: "Sending what was sealed…",
    reseal: "Copying the lock of each message for the other stewards, on this device…" },
  opened: "Opened on this device. Nothing you read here was sent anywhere.",
  not_for_you: "Not sealed to your key: you had no key yet, or a newer one, when it was sent.",
  report_labels: { what: "What happened", when: "When", others: "How many others it happens to", wanted: "What they want done",
    who: "Who", contact: "How to reach them", anonymous: "They chose not to say who they are.", unknown: "Not sure" },
  member_labels: {},
  key_swapped: "The member's key the server gave does not match the one in the member's own words, so this page will not seal an answer to it.",
  key: "key",
  passed_on: "Done: those stewards can open it now.",
  passed_on_all: "Done: those stewards can open these reports now.",
  passed_on_none: "There was nothing this device could pass on: your key opens none of these messages.",
  key_checked: "Checked: your passphrase opens this key, so this code is yours. Read it out to a member who asks.",
  key_not_yours: "Your passphrase opens another key than the one this page shows. Do not read this code out to anyone: tell an organizer.",
  errors: {},
};

function readJson(id) {
  const element = document.getElementById(id);
  try {
    return element ? JSON.parse(element.textContent) : null;
  } catch (_) {
    return null;
  }
}

function readWords() {
  const given = readJson("grievance-words") || {};
  return { ...ENGLISH, ...given, working: { ...ENGLISH.working, ...given.working },
    report_labels: { ...ENGLISH.report_labels, ...given.report_labels }, errors: { ...given.errors } };
}

function start(page) {
  const words = readWords();
  const material = readJson("grievance-material") || {};
  const ui = {
    form: page.querySelector("[data-grievance-form]"),
    go: page.querySelector("[data-grievance-go]"),
    unlock: page.querySelector("[data-grievance-unlock]"),
    working: page.querySelector("[data-grievance-working]"),
    workingBar: page.querySelector("[data-grievance-working] progress"),
    workingText: page.querySelector("[data-grievance-working-text]"),
    error: page.querySelector("[data-grievance-error]"),
    opened: page.querySelector("[data-grievance-opened]"),
  };
  const show = {
    working(percent, text) {
      ui.working.hidden = false;
      ui.workingBar.value = percent;
      if (text) ui.workingText.textContent = text;
    },
    done() {
      ui.working.hidden = true;
    },
    error(message) {
      ui.error.hidden = message === null;
      ui.error.textContent = message || "";
      if (message) ui.error.scrollIntoView({ block: "center" });
    },
  };
  if (!canRunHere()) {
    show.error(words.old_browser);
    page.querySelectorAll("button").forEach((button) => { button.disabled = true; });
    return;
  }
  const worker = startWorker(page.dataset.worker, words, show);
  const csrf = page.dataset.csrf ?? page.querySelector("input[name=csrf_token]")?.value ?? "";
  const context = { page, words, material, ui, show, worker, csrf };
  SCREENS[page.dataset.grievanceScreen](context);
}

// -- the screens -------------------------------------------------------------------------------------

const SCREENS = {
  "steward-key"(c) {
    const code = c.page.querySelector("[data-grievance-fingerprint]");
    if (code && c.material.public_key) {
      codesOf(c, [c.material.public_key]).then(([fingerprint]) => { code.textContent = fingerprint; },
        (error) => c.show.error(plainWords(error, c.words)));
    }
    checkingOwnKey(c);
    guard(c, c.ui.form, async () => {
      const passphrase = readPassphrase(c.ui.form, c.words, true);
      const made = await c.worker.ask({ type: "make_key", passphrase, context: c.material.context });
      setHidden(c.ui.form, { key: made.publicKey, key_proof: made.possessionProof, sealed_secret: made.sealedSecret });
      HTMLFormElement.prototype.submit.call(c.ui.form);
      return "navigating";
    });
  },

  file(c) {
    const form = c.ui.form;
    const when = form.querySelector('[data-report="when-kind"]');
    const known = form.querySelector('[data-report="known"]');
    when.addEventListener("change", () => {
      form.querySelector('[data-when="day"]').hidden = when.value !== "day";
      form.querySelector('[data-when="month"]').hidden = when.value !== "month";
    });
    known.addEventListener("change", () => {
      form.querySelector("[data-known-only]").hidden = known.value !== "yes";
      const name = form.querySelector('[data-report="name"]');
      if (known.value === "yes" && name.value === "") name.value = c.material.name || "";
    });
    showStewards(c);
    // The member's key for this report, once made: sending again after the stewards' keys changed
    // keeps it (and the report's id), since the passphrase fields are emptied once it is made.
    let made = null;
    const reportId = newReportId();
    guard(c, form, async () => {
      const report = readReport(form, c.words);
      if (made === null || form.querySelector("[data-passphrase]").value !== "") {
        const passphrase = readPassphrase(form, c.words, true);
        made = await c.worker.ask({ type: "make_key", passphrase, reportId });
      }
      const text = JSON.stringify({ v: 1, kind: "report", ...report, reply_key: made.publicKey });
      const hidden = { report_id: reportId, member_key: made.publicKey, member_key_proof: made.possessionProof,
        member_sealed_secret: made.sealedSecret };
      return sealAndPost(c, form, text, made.publicKey, { reportId, kind: "report" }, hidden);
    });
  },

  member(c) {
    unlocking(c, "member");
    if (!c.ui.form) return;
    showStewards(c);
    let made = null;
    guard(c, c.ui.form, async () => {
      const text = readText(c.ui.form, c.words);
      const details = c.ui.form.querySelector("[data-grievance-new-key]");
      let replyKey = c.material.member_key;
      const hidden = {};
      if (details && details.open && details.querySelector("[data-passphrase]").value !== "") {
        const passphrase = readPassphrase(details, c.words, true);
        made = await c.worker.ask({ type: "make_key", passphrase, reportId: c.material.report_id });
      }
      if (made !== null && details && details.open) {
        replyKey = made.publicKey;
        Object.assign(hidden, { new_member_key: made.publicKey, new_member_key_proof: made.possessionProof,
          new_member_sealed_secret: made.sealedSecret });
      }
      const body = JSON.stringify({ v: 1, kind: "addition", text, reply_key: replyKey });
      return sealAndPost(c, c.ui.form, body, replyKey, { reportId: c.material.report_id, kind: "addition" }, hidden);
    });
  },

  steward(c) {
    unlocking(c, "steward");
    if (!c.ui.form) return;
    showStewards(c);
    guard(c, c.ui.form, async () => {
      const body = JSON.stringify({ v: 1, kind: "reply", text: readText(c.ui.form, c.words) });
      return sealAndPost(c, c.ui.form, body, c.material.member_key, { reportId: c.material.report_id, kind: "reply" }, {});
    });
  },

  "pass-on"(c) {
    const form = c.page.querySelector("[data-grievance-pass-on-form]");
    const targets = shownTargets(c, c.material.reports.flatMap((report) => report.messages));
    showPassOnList(c, targets);
    guard(c, form, async () => {
      const passphrase = readPassphrase(form, c.words, false);
      await c.worker.ask({ type: "unlock", passphrase, keys: c.material.unlock });
      let copied = 0;
      for (const report of c.material.reports) copied += await passOn(c, report.url, report.messages, targets);
      c.show.done();
      form.hidden = true;
      c.ui.opened.hidden = false;
      c.ui.opened.textContent = copied > 0 ? c.words.passed_on_all : c.words.passed_on_none;
      return "done";
    });
  },
};

// -- the codes of the stewards' keys ---------------------------------------------------------------

/** The codes of `keys` (base64), worked out by the worker from the keys themselves. */
async function codesOf(c, keys) {
  if (keys.length === 0) return [];
  const { fingerprints } = await c.worker.ask({ type: "fingerprints", publicKeys: keys }, { quiet: true });
  return fingerprints;
}

/** Draw `stewards` ({name, key}) into `list`, each with the code of its key. */
async function drawStewards(c, list, stewards) {
  const codes = await codesOf(c, stewards.map((s) => s.key));
  list.replaceChildren(...stewards.map((steward, i) => {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.translate = false;
    name.textContent = steward.name;
    const label = document.createElement("span");
    label.className = "muted";
    const code = document.createElement("span");
    code.className = "tracker-inline";
    code.translate = false;
    code.dataset.stewardCode = "";
    code.textContent = codes[i];
    label.append(`· ${c.words.key} `, code);
    item.append(name, " ", label);
    return item;
  }));
}

/** The page's lists of the stewards a message is sealed to, redrawn from the material. */
function showStewards(c) {
  const lists = [...c.page.querySelectorAll("[data-grievance-stewards]:not([data-grievance-pass-on-list])")];
  return Promise.all(lists.map((list) => drawStewards(c, list, c.material.stewards || [])))
    .catch((error) => c.show.error(plainWords(error, c.words)));
}

/** The keys the material asks to copy messages to, kept only where the page names their steward. */
function shownTargets(c, messages) {
  const named = new Map((c.material.stewards || []).map((s) => [s.key, s]));
  const wanted = new Set(messages.flatMap((m) => m.to || []));
  return (c.material.stewards || []).filter((s) => wanted.has(s.key) && named.has(s.key));
}

function showPassOnList(c, targets) {
  const list = c.page.querySelector("[data-grievance-pass-on-list]");
  return drawStewards(c, list, targets).catch((error) => c.show.error(plainWords(error, c.words)));
}

/** Copy each message's key for the shown stewards who lack it, post the copies in turns, and say how many
 * were kept. `messages`: [{message, sealed, context, copies, to}]. */
async function passOn(c, url, messages, targets) {
  const shown = new Set(targets.map((s) => s.key));
  const wanted = messages.map((m) => ({ ...m, to: (m.to || []).filter((key) => shown.has(key)) }))
    .filter((m) => m.to.length > 0);
  if (wanted.length === 0) return 0;
  const { copies } = await c.worker.ask({ type: "reseal", messages: wanted });
  const posted = [];
  wanted.forEach((m, i) => { for (const copy of copies[i] || []) posted.push({ message: m.message, copy }); });
  let kept = 0;
  for (let at = 0; at < posted.length; at += COPIES_PER_POST) {
    const sent = await postCopies(c, url, posted.slice(at, at + COPIES_PER_POST));
    if (!sent.ok) throw new Refusal(sent.message);
    kept += sent.body.copied || 0;
  }
  return kept;
}

async function postCopies(c, url, copies) {
  const body = new FormData();
  body.set("csrf_token", c.csrf);
  body.set("copies", JSON.stringify(copies));
  c.show.working(100, c.words.working.send);
  let response;
  try {
    response = await fetch(url, { method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { Accept: "application/json" }, body });
  } catch (_) {
    return { ok: false, body: {}, message: c.words.unreachable };
  }
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, body: answer, message: answer.error || c.words.refused.replace("{status}", response.status) };
}

/** The steward's key page: their passphrase opens the key whose code the page shows, or it is not theirs. */
function checkingOwnKey(c) {
  const form = c.page.querySelector("[data-grievance-check]");
  if (!form || !c.material.public_key) return;
  const button = form.querySelector("[data-grievance-check-go]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    c.show.error(null);
    button.disabled = true;
    try {
      const passphrase = readPassphrase(form, c.words, false);
      const { publicKeys } = await c.worker.ask({ type: "unlock", passphrase, keys: c.material.unlock });
      await c.worker.ask({ type: "forget" }, { quiet: true });
      c.show.done();
      if (!publicKeys.includes(c.material.public_key)) throw new Refusal(c.words.key_not_yours);
      c.ui.opened.hidden = false;
      c.ui.opened.textContent = c.words.key_checked;
      form.hidden = true;
    } catch (error) {
      c.show.done();
      c.show.error(plainWords(error, c.words));
      button.disabled = false;
    }
  });
}

/** Run `action` on the form's submit, one at a time; its refusals are shown in the reader's words. */
function guard(c, form, action) {
  let busy = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    c.ui.go.disabled = true;
    c.show.error(null);
    try {
      const outcome = await action();
      if (outcome === "navigating") return;
    } catch (error) {
      c.show.done();
      c.show.error(plainWords(error, c.words));
    }
    busy = false;
    c.ui.go.disabled = false;
  });
}

class Refusal extends Error {}

/** Copies one post carries at most (organizer/grievances/copies.py MOST_COPIES_PER_POST). */
const COPIES_PER_POST = 128;

function newReportId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function field(form, name) {
  return form.querySelector(`[data-report="${name}"]`);
}

function within(text, most, words) {
  const length = [...text].length;
  if (length > most) throw new Refusal(words.too_long.replace("{max}", most).replace("{length}", length));
  return text;
}

function readReport(form, words) {
  const kind = form.querySelector("select[name=kind]");
  if (!kind.value) {
    kind.focus();
    throw new Refusal(words.choose_kind);
  }
  const what = field(form, "what").value.trim();
  if (!what) {
    field(form, "what").focus();
    throw new Refusal(words.say_what);
  }
  const whenKind = field(form, "when-kind").value;
  const when = whenKind === "day" ? field(form, "day").value : whenKind === "month" ? field(form, "month").value : "";
  const othersText = field(form, "others").value.trim();
  const others = othersText === "" ? null : Number(othersText);
  if (others !== null && !(Number.isInteger(others) && others >= 0 && others <= 100000)) {
    field(form, "others").focus();
    throw new Refusal(words.bad_others);
  }
  const known = field(form, "known").value;
  if (known !== "yes" && known !== "no") {
    field(form, "known").focus();
    throw new Refusal(words.say_who);
  }
  const name = known === "yes" ? within(field(form, "name").value.trim(), MAX_NAME, words) : null;
  if (known === "yes" && !name) {
    field(form, "name").focus();
    throw new Refusal(words.give_name);
  }
  const contact = known === "yes" ? within(field(form, "contact").value.trim(), MAX_NAME, words) || null : null;
  return { what: within(what, MAX_WHAT, words), when, others,
    wanted: within(field(form, "wanted").value.trim(), MAX_WANTED, words), name, contact };
}

function readText(form, words) {
  const text = field(form, "text").value.trim();
  if (!text && !form.querySelector("[data-grievance-new-key]")?.open) throw new Refusal(words.say_something);
  return within(text, MAX_TEXT, words);
}

function readPassphrase(scope, words, twice) {
  const input = scope.querySelector("[data-passphrase]");
  const again = scope.querySelector("[data-passphrase-again]");
  const passphrase = input.value;
  if (twice) {
    if ([...passphrase].length < MIN_PASSPHRASE) {
      input.focus();
      throw new Refusal(words.short_passphrase);
    }
    if (passphrase !== again.value) {
      again.focus();
      throw new Refusal(words.passphrases_differ);
    }
  } else if (passphrase === "") {
    input.focus();
    throw new Refusal(words.type_passphrase);
  }
  // The worker has it now; nothing on the page keeps it.
  input.value = "";
  if (again) again.value = "";
  return passphrase;
}

function setHidden(form, values) {
  for (const [name, value] of Object.entries(values)) {
    const input = form.querySelector(`input[type=hidden][name="${name}"]`);
    if (input) input.value = value;
  }
}

/** Seal `text` to the stewards the page shows, then `lastKey` (the member's), post the form's hidden fields,
 * and go on. When the stewards' keys changed meanwhile, show the new ones with their codes and stop: the
 * person sends again once they have seen them. */
async function sealAndPost(c, form, text, lastKey, bound, hidden) {
  const recipients = [...(c.material.stewards || []).map((s) => s.key), lastKey];
  const { sealed } = await c.worker.ask({ type: "seal", recipients, text, ...bound });
  setHidden(form, { ...hidden, envelope: sealed });
  c.show.working(100, c.words.working.send);
  const sent = await post(form, c.words);
  if (sent.ok) {
    window.location.assign(sent.body.next);
    return "navigating";
  }
  if (Array.isArray(sent.body.stewards)) {
    c.material.stewards = sent.body.stewards;
    await showStewards(c);
    // Who had no key is the server's word of before: the list above is now the one that counts.
    c.page.querySelectorAll("[data-grievance-without-key]").forEach((line) => { line.hidden = true; });
  }
  throw new Refusal(sent.message);
}

async function post(form, words) {
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST", credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
      body: new FormData(form),
    });
  } catch (_) {
    return { ok: false, body: {}, message: words.unreachable };
  }
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, body: answer, message: answer.error || words.refused.replace("{status}", response.status) };
}

// -- reading a thread ----------------------------------------------------------------------------------

function unlocking(c, reader) {
  const form = c.ui.unlock;
  if (!form) return;
  const button = form.querySelector("[data-grievance-unlock-go]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    c.show.error(null);
    button.disabled = true;
    try {
      const passphrase = readPassphrase(form, c.words, false);
      await c.worker.ask({ type: "unlock", passphrase, keys: c.material.unlock });
      const { texts } = await c.worker.ask({ type: "open", messages: c.material.messages });
      const replyKey = showThread(c, reader, texts);
      c.show.done();
      c.ui.opened.hidden = false;
      c.ui.opened.textContent = c.words.opened;
      form.hidden = true;
      if (reader === "steward" && c.ui.go) {
        // The answer is sealed to the member's key the server names only if the member named it too.
        if (replyKey === c.material.member_key) {
          c.ui.go.disabled = false;
          c.page.querySelectorAll("[data-until-open]").forEach((hint) => { hint.hidden = true; });
        } else c.show.error(replyKey === null ? c.words.not_for_you : c.words.key_swapped);
      }
      if (reader === "steward") offerToPassOn(c, texts);
    } catch (error) {
      c.show.done();
      c.show.error(plainWords(error, c.words));
      button.disabled = false;
    }
  });
}

/** Once a steward has opened the thread: the messages newer stewards lack and this device opened, offered
 * to them by name and code, passed on when the steward says so. */
function offerToPassOn(c, texts) {
  const box = c.page.querySelector("[data-grievance-pass-on]");
  const missing = (c.material.missing || []).filter((m) => texts[m.message] !== null)
    .map((m) => ({ ...c.material.messages[m.message], message: m.message, to: m.to }));
  if (!box || missing.length === 0) return;
  const targets = shownTargets(c, missing);
  if (targets.length === 0) return;
  box.hidden = false;
  showPassOnList(c, targets);
  const form = box.querySelector("[data-grievance-pass-on-form]");
  const button = box.querySelector("[data-grievance-pass-on-go]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    c.show.error(null);
    button.disabled = true;
    try {
      const copied = await passOn(c, c.material.copies_url, missing, targets);
      c.show.done();
      form.hidden = true;
      box.append(paragraph(copied > 0 ? c.words.passed_on : c.words.passed_on_none));
    } catch (error) {
      c.show.done();
      c.show.error(plainWords(error, c.words));
      button.disabled = false;
    }
  });
}

/** Write each opened message into its place; the reply key the member last named (or null). */
function showThread(c, reader, texts) {
  let replyKey = null;
  texts.forEach((text, index) => {
    const body = c.page.querySelector(`[data-message="${index}"] [data-message-body]`);
    if (!body) return;
    body.replaceChildren();
    if (text === null) {
      body.append(paragraph(c.words.not_for_you, "muted"));
      return;
    }
    let message;
    try {
      message = JSON.parse(text);
    } catch (_) {
      message = { text };
    }
    const kind = c.material.messages[index].kind;
    if (kind !== "reply" && typeof message.reply_key === "string") replyKey = message.reply_key;
    if (kind === "report") body.append(reportList(message, reader === "member" ? { ...c.words.report_labels,
      ...c.words.member_labels } : c.words.report_labels));
    else body.append(...paragraphs(typeof message.text === "string" ? message.text : ""));
  });
  return replyKey;
}

function paragraph(text, className) {
  const p = document.createElement("p");
  p.textContent = text;
  if (className) p.className = className;
  return p;
}

/** What someone typed, a paragraph a line, which browsers' translators leave as it is. */
function paragraphs(text) {
  return text.split(/\n+/).filter((line) => line.trim() !== "").map((line) => userText(line));
}

function userText(text) {
  const p = paragraph(text, "user-text");
  p.translate = false;
  return p;
}

function whenText(value, labels) {
  const lang = document.documentElement.lang || undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${value}T00:00:00Z`));
  }
  if (/^\d{4}-\d{2}$/.test(value)) {
    return new Intl.DateTimeFormat(lang, { year: "numeric", month: "long", timeZone: "UTC" }).format(new Date(`${value}-01T00:00:00Z`));
  }
  return labels.unknown;
}

function reportList(report, labels) {
  const list = document.createElement("dl");
  const add = (label, ...content) => {
    const term = document.createElement("dt");
    const strong = document.createElement("strong");
    strong.textContent = label;
    term.append(strong);
    const detail = document.createElement("dd");
    detail.append(...content);
    list.append(term, detail);
  };
  add(labels.what, ...paragraphs(String(report.what || "")));
  add(labels.when, whenText(String(report.when || ""), labels));
  add(labels.others, report.others === null || report.others === undefined ? labels.unknown : String(report.others));
  if (report.wanted) add(labels.wanted, ...paragraphs(String(report.wanted)));
  add(labels.who, report.name ? userText(String(report.name)) : labels.anonymous);
  if (report.name && report.contact) add(labels.contact, userText(String(report.contact)));
  return list;
}

// -- the worker ------------------------------------------------------------------------------------------

/** An error in the reader's words: the page's own are already; the worker's English is looked up. */
function plainWords(error, words) {
  const message = error?.message ?? String(error);
  return error?.fromWorker ? words.errors[message] || message : message;
}

function canRunHere() {
  if (!window.isSecureContext || !window.crypto || !window.crypto.subtle || typeof Worker !== "function") return false;
  let moduleWorkers = false;
  try {
    // The options are read before the address, which fails to parse: nothing is fetched.
    new Worker("http://[", { get type() { moduleWorkers = true; return "module"; } });
  } catch (_) { /* expected */ }
  return moduleWorkers;
}

function startWorker(url, words, show) {
  const worker = new Worker(url, { type: "module" });
  const waiting = new Map();
  let nextId = 1;
  worker.addEventListener("message", ({ data }) => {
    const job = waiting.get(data.id);
    if (!job) return;
    if (data.type === "progress") {
      if (job.quiet) return;
      show.working(data.total ? Math.round((100 * data.done) / data.total) : 0, words.working[data.step]);
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
  const ask = (message, { quiet = false } = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    if (!quiet) show.working(0, words.working[message.type === "make_key" ? "protect" : message.type]);
    waiting.set(id, { resolve, reject, quiet });
    worker.postMessage({ ...message, id });
  });
  return { ask };
}

// Last, once every screen above is defined.
if (root) start(root);
