#pragma once

#include "server/http_server.h"
#include "server/server_context.h"

namespace openarc::server {

void register_routes(HttpServer& http, ServerContext& ctx);

}  // namespace openarc::server
