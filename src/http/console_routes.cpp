#include "http/console_routes.h"

#include <string>

#include "http/console_assets.h"

namespace kassa::http {

namespace {

const ConsoleAsset* find_asset(std::string_view name) {
  for (const ConsoleAsset& asset : console_assets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

Reply file_reply(const ConsoleAsset& asset) {
  Reply reply;
  reply.content_type = std::string(asset.content_type);
  reply.raw_body = std::string(asset.bytes);
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return reply;
}

}  // namespace

void add_console_routes(Router& router) {
  router.add(Method::kGet, "/v1/session",
             {Role::kStaff, Role::kBatch, Role::kAuditor, Role::kAdmin},
             [](const RequestContext& req) -> Result<Reply> {
               return Reply(200, nlohmann::json{{"principal", req.principal.name},
                                                {"role", to_string(req.principal.role)}});
             });
  router.add_public(Method::kGet, "/", [](const RequestContext&) -> Result<Reply> {
    const ConsoleAsset* page = find_asset("index.html");
    if (page == nullptr) {
      return Error::not_found("ConsoleAssetNotFound", "this build has no console", "path");
    }
    Reply reply = file_reply(*page);
    // The page shows personal data once signed in: never stored by the
    // browser or a proxy (issue 21).
    reply.headers.emplace_back("Cache-Control", "no-store");
    // The token lives in the page's sessionStorage: no script, style or
    // connection from elsewhere, no framing, no referrer.
    reply.headers.emplace_back("Content-Security-Policy",
                               "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'");
    reply.headers.emplace_back("Referrer-Policy", "no-referrer");
    reply.headers.emplace_back("X-Frame-Options", "DENY");
    return reply;
  });
  router.add_public(
      Method::kGet, "/console/{version}/{file}", [](const RequestContext& req) -> Result<Reply> {
        const ConsoleAsset* asset = nullptr;
        if (req.params.at("version") == console_version()) {
          asset = find_asset(req.params.at("file"));
        }
        if (asset == nullptr || asset->name == "index.html") {
          return Error::not_found(
              "ConsoleAssetNotFound",
              "no such file of this console (a page from an older kassad: reload)", "path");
        }
        Reply reply = file_reply(*asset);
        // The version names these bytes: cacheable for good.
        reply.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
        return reply;
      });
}

}  // namespace kassa::http
