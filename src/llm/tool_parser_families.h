// The family parsers, one tool_parser_<family>.cpp each; tool_parser.cpp registers them by name.
#pragma once

#include <memory>

#include "llm/tool_parser.h"

namespace openarc::llm {

std::unique_ptr<ToolParser> make_hermes_parser();       // hermes
std::unique_ptr<ToolParser> make_qwen3_coder_parser();  // qwen3_coder
std::unique_ptr<ToolParser> make_llama3_json_parser();  // llama3_json
std::unique_ptr<ToolParser> make_pythonic_parser();     // pythonic
std::unique_ptr<ToolParser> make_mistral_parser();      // mistral
std::unique_ptr<ToolParser> make_deepseek_r1_parser();  // deepseek_r1
std::unique_ptr<ToolParser> make_deepseek_v31_parser(); // deepseek_v31
std::unique_ptr<ToolParser> make_granite_parser();      // granite
std::unique_ptr<ToolParser> make_phi4_mini_parser();    // phi4_mini
std::unique_ptr<ToolParser> make_command_r7b_parser();  // command_r7b
std::unique_ptr<ToolParser> make_generic_parser();      // generic
std::unique_ptr<ToolParser> make_none_parser();         // none

}  // namespace openarc::llm
