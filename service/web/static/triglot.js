/* Triglot's pages: the key a person enters (kept for this browser tab only), errors worded
   for people on htmx requests, copy buttons and the file translation form. */
"use strict";
const KEY = "triglot-api-key";

function savedKey() { return sessionStorage.getItem(KEY) || ""; }

function showKeyState() {
  const state = document.getElementById("key-state");
  if (state) state.textContent = savedKey() ? "A key is set for this browser tab." : "No key is set.";
}

function openKeyPanel() {
  const box = document.getElementById("key-box");
  if (box) { box.open = true; document.getElementById("api-key").focus(); }
}

function messageNode(text, kind) {
  const p = document.createElement("p");
  p.className = `msg ${kind}`;
  p.setAttribute("role", kind === "error" ? "alert" : "status");
  p.textContent = text;
  return p;
}

function forPeople(status, body, retryAfter) {
  switch (body.code) {
    case "key_required":
      return "Changes on this service need a key. Enter yours under “Your key” at the top of "
        + "the page (an administrator makes keys with `triglot keys add NAME`).";
    case "invalid_key":
      return "This key was not accepted: it is unknown or has been revoked. Check it under "
        + "“Your key” at the top of the page.";
    case "rate_limited":
      return `Too many requests just now: wait ${retryAfter || "a few"} seconds and try again.`;
    case "too_large":
      return `Too large for this service: ${body.error}`;
    default:
      return body.error || `The service could not do this (status ${status}).`;
  }
}

/* A list that is shown only with a key (the review page when keys are required): loaded
   with the key this tab holds, now and whenever a key is entered. */
function loadKeyedList() {
  const box = document.getElementById("review-list");
  if (box && box.dataset.src && savedKey()) {
    htmx.ajax("GET", box.dataset.src, {target: box, swap: "innerHTML"});
  }
}

document.addEventListener("DOMContentLoaded", () => {
  loadKeyedList();
  const form = document.getElementById("key-form");
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const input = document.getElementById("api-key");
      const value = input.value.trim();
      if (value) sessionStorage.setItem(KEY, value); else sessionStorage.removeItem(KEY);
      input.value = "";
      showKeyState();
      loadKeyedList();
    });
    document.getElementById("key-forget").addEventListener("click", () => {
      sessionStorage.removeItem(KEY);
      showKeyState();
    });
    showKeyState();
  }
});

document.addEventListener("htmx:configRequest", (event) => {
  const key = savedKey();
  if (key) event.detail.headers["X-API-Key"] = key;
});

document.addEventListener("htmx:beforeSwap", (event) => {
  const xhr = event.detail.xhr;
  if (xhr.status < 400) return;
  const type = xhr.getResponseHeader("Content-Type") || "";
  if (type.includes("application/json")) {
    let body = {};
    try { body = JSON.parse(xhr.responseText); } catch (_) { body = {}; }
    event.detail.serverResponse = messageNode(
      forPeople(xhr.status, body, xhr.getResponseHeader("Retry-After")), "error").outerHTML;
    if (body.code === "key_required" || body.code === "invalid_key") openKeyPanel();
  }
  event.detail.shouldSwap = true;
  event.detail.isError = false;
});

document.addEventListener("htmx:sendError", (event) => {
  const target = event.detail.target;
  if (target) target.replaceChildren(
    messageNode("The service could not be reached. Check that it is running, then try again.", "error"));
});

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  const text = source.innerText;
  try {
    await navigator.clipboard.writeText(text);
  } catch (_) {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    document.execCommand("copy");
  }
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = button.dataset.label || "Copy"; }, 2000);
});

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (form.id !== "file-form") return;
  event.preventDefault();
  const out = document.getElementById("file-result");
  out.replaceChildren(messageNode("Translating the file…", "info"));
  const headers = savedKey() ? {"X-API-Key": savedKey()} : {};
  try {
    const res = await fetch(form.action, {method: "POST", body: new FormData(form), headers});
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      out.replaceChildren(messageNode(forPeople(res.status, body, res.headers.get("Retry-After")), "error"));
      return;
    }
    const link = document.createElement("a");
    link.href = body.translatedFileUrl;
    link.textContent = "Download the translated file";
    const p = messageNode("The file is translated. ", "ok");
    p.append(link);
    out.replaceChildren(p);
  } catch (_) {
    out.replaceChildren(messageNode("The service could not be reached. Try again.", "error"));
  }
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-fill]");
  if (!button) return;
  const values = JSON.parse(button.dataset.fill);
  for (const [name, value] of Object.entries(values)) {
    const input = document.getElementById(name);
    if (input) input.value = value;
  }
  const first = document.getElementById("concept");
  if (first) { first.scrollIntoView({block: "center"}); first.focus(); }
});
