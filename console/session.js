// The signed-in session: the bearer token in sessionStorage (this tab
// only, gone when it closes; never localStorage, never a URL), the
// purpose stated for each opened file, in memory only: a reload asks
// again, and the last write made elsewhere on a file (its min_offset), so
// the file opened next shows it.

const TOKEN_KEY = "kassa.token";
const WHO_KEY = "kassa.who"; // {principal, role} from GET /v1/session: not a secret
const purposes = new Map();
const writes = new Map();

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function signIn(value, who) {
  sessionStorage.setItem(TOKEN_KEY, value);
  sessionStorage.setItem(WHO_KEY, JSON.stringify(who));
}

// Who is signed in: {principal, role}, or null.
export function who() {
  try {
    return JSON.parse(sessionStorage.getItem(WHO_KEY));
  } catch {
    return null;
  }
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(WHO_KEY);
  purposes.clear();
  writes.clear();
}

// The purpose given for `key` (a PartyId, or "work-list"), or undefined.
export function purposeFor(key) {
  return purposes.get(key);
}

export function setPurpose(key, purpose) {
  purposes.set(key, purpose);
}

// A write on `key` (a PartyId) answered `minOffset`: the next read of the
// file waits for it (?min_offset=).
export function noteWrite(key, minOffset) {
  if (Number.isInteger(minOffset)) writes.set(key, minOffset);
}

// The offset noted for `key`, once; undefined when none.
export function takeWrite(key) {
  const offset = writes.get(key);
  writes.delete(key);
  return offset;
}
