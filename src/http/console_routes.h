#pragma once
// kassa::http — serves the staff console (issue 21) from the binary.
//
//   GET /                             the console's page (index.html);
//                                     Cache-Control: no-store, a strict
//                                     Content-Security-Policy (scripts,
//                                     styles and fetches from this origin
//                                     only), no referrer, no framing
//   GET /console/{version}/{file}     its scripts and styles, cacheable for
//                                     good (the version is a hash of every
//                                     file, http/console_assets.h); another
//                                     version or file is 404
//                                     ConsoleAssetNotFound
//
//   GET /v1/session                   who the token is: {"principal",
//                                     "role"} for any role, so the console
//                                     checks a token, names who is signed
//                                     in and offers what the role may do
//
// The first two are public: the files hold no data. The page reads the
// JSON API with the bearer token its user pastes, like any other client.
//
// Thread-safety: the handlers read immutable data.

#include "http/router.h"

namespace kassa::http {

void add_console_routes(Router& router);

}  // namespace kassa::http
