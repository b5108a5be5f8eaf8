// The access log: one line per finished request (after a stream's last byte), on stderr.
//   text: req-3 POST /v1/chat/completions 200 41.2 ms model=stories260K tokens=12+30 from=127.0.0.1
//   json: {"id":"req-3","remote":"127.0.0.1","method":"POST","route":"/v1/chat/completions",
//          "status":200,"ms":41.2,"model":"stories260K","prompt_tokens":12,"completion_tokens":30}
// model and tokens appear for generations only (null in JSON otherwise).
#pragma once

#include <string>

#include "server/http_types.h"

namespace openarc::server {

std::string access_log_line(const HttpRequest& request, int status, double ms, bool json);

}  // namespace openarc::server
