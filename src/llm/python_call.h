// Python call expressions with literal keyword arguments, `get_weather(city="Paris", days=3)`,
// as pythonic tool calls (Llama 3.2 alternative template, Llama 4) and Llama 3.1's built-in tools
// write them; the arguments become a JSON object (True/False/None -> true/false/null, single
// quotes allowed, tuples as lists). Anything that is not a literal rejects the call.
#pragma once

#include <string>
#include <string_view>

#include "llm/json_scan.h"

namespace openarc::llm {

struct PythonCall {
  ScanStatus status;
  size_t end;             // complete: one past the ')'
  std::string name;       // may be dotted (brave_search.call)
  std::string arguments;  // compact JSON object
};

// The call at text[pos]; incomplete when the text ends inside it.
PythonCall scan_python_call(std::string_view text, size_t pos);

size_t skip_python_space(std::string_view text, size_t pos);

}  // namespace openarc::llm
