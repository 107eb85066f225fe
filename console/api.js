// The console's one way to the JSON API (src/http/openapi.json).
//
// Every call carries the session's bearer token; reads of a person carry
// X-Kassa-Purpose; writes carry an Idempotency-Key chosen by the caller.
// Answers are never put in the browser's cache (cache: "no-store").
// A 4xx/5xx throws ApiError with the API's rule ("error"), field and
// message; a 401 also ends the session (onUnauthorized).

import { token } from "./session.js";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.rule = (body && body.error) || "";
    this.field = (body && body.field) || "";
    this.kind = (body && body.kind) || "";
  }
}

let unauthorized = () => {};
export function onUnauthorized(callback) {
  unauthorized = callback;
}

// Header values travel as bytes: the purpose's UTF-8 bytes, one
// character each, so "Appel téléphonique" arrives as UTF-8 (fetch would
// send é as one Latin-1 byte, and refuse any character past U+00FF).
export function headerText(text) {
  return String.fromCharCode(...new TextEncoder().encode(text));
}

export function utf8Length(text) {
  return new TextEncoder().encode(text).length;
}

// The URL with its query (empty values left out) and the headers every
// call carries: Accept, the bearer token, the purpose.
function request(path, query, accept, purpose, bearer) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, String(value));
  }
  const headers = { Accept: accept, Authorization: `Bearer ${bearer ?? token() ?? ""}` };
  if (purpose) headers["X-Kassa-Purpose"] = headerText(purpose);
  return { url, headers };
}

// `body` is sent as JSON; `bytes` (a file, with its `contentType`) as is.
export async function call(method, path, { query, body, bytes, contentType, purpose, idempotencyKey, bearer } = {}) {
  const { url, headers } = request(path, query, "application/json", purpose, bearer);
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (bytes !== undefined) headers["Content-Type"] = contentType;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: bytes !== undefined ? bytes : body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
      redirect: "error",
    });
  } catch (e) {
    throw new ApiError(0, { error: "NetworkError", message: String(e.message || e) });
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { error: "NotJson", message: text.slice(0, 200) };
  }
  if (!response.ok) {
    if (response.status === 401 && bearer === undefined) unauthorized();
    throw new ApiError(response.status, json);
  }
  return { status: response.status, body: json };
}

// A file the API answers (Accept: `accept`, e.g. text/csv), saved by the
// browser under the name the answer gives (Content-Disposition).
// `language`: the Accept-Language of a file whose words kassad writes (a
// statement's descriptions in CSV), the console's own, not the browser's.
export async function download(path, { query, purpose, accept, language }) {
  const { url, headers } = request(path, query, accept, purpose);
  if (language) headers["Accept-Language"] = language;
  let response;
  try {
    response = await fetch(url, { headers, cache: "no-store", credentials: "omit", redirect: "error" });
  } catch (e) {
    throw new ApiError(0, { error: "NetworkError", message: String(e.message || e) });
  }
  if (!response.ok) {
    let json = null;
    try {
      json = await response.json();
    } catch {
      json = null;
    }
    if (response.status === 401) unauthorized();
    throw new ApiError(response.status, json);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "")?.[1] || "kassa-download";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  return name;
}

// 128 random bits as hex (crypto.randomUUID needs https, or localhost).
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "console-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
