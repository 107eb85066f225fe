// The signed-in session: the bearer token in sessionStorage (this tab
// only, gone when it closes; never localStorage, never a URL), and the
// purpose stated for each opened file, in memory only: a reload asks again.

const TOKEN_KEY = "kassa.token";
const purposes = new Map();

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function signIn(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  purposes.clear();
}

// The purpose given for `key` (a PartyId, or "work-list"), or undefined.
export function purposeFor(key) {
  return purposes.get(key);
}

export function setPurpose(key, purpose) {
  purposes.set(key, purpose);
}
