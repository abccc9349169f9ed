// Loki's push endpoints on the store's HTTP server: POST /loki/api/v1/push and /api/prom/push,
// answering with Loki's status codes and plain-text messages.
#pragma once

#include "common/http/router.h"

#include "store/ingest/distributor.h"

namespace skald::api {

// Registers both push routes and caps the server's request payload at
// limits.max_push_body_bytes. `distributor` must outlive `server`.
void RegisterPushRoutes(http::Router& server, ingest::Distributor& distributor, bool auth_enabled);

// Writes Loki's http.Error-style answer: `text/plain; charset=utf-8`, body `msg\n`.
void WritePlainError(http::Response& res, int status, const std::string& msg);

}  // namespace skald::api
