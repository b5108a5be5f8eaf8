// GBNF, the grammar format of llama.cpp (grammars/README.md there), read into rule definitions:
//
//   root  ::= greeting (" " name)? "!"      # rules; `root` is where matching starts
//   name  ::= [A-Z] [a-z]* | "you"          # alternatives, classes, repetition
//   digit ::= [0-9]{1,3}                    # {m} {m,} {m,n} {,n} counted repetition
//
// Terminals: "literals" and [classes] with the escapes \t \n \r \\ \" \[ \] \xHH \uHHHH
// \UHHHHHHHH (a code point each), [^...] negation, `.` for any character. A rule ends at the
// end of its line unless the line ends inside parentheses or right after `::=` or `|`.
// Malformed text throws Error with "line:column". llama.cpp's token terminals (<...>, !) are
// refused with that message.
#pragma once

#include <string_view>
#include <vector>

#include "grammar/expr.h"
#include "grammar/grammar.h"

namespace openarc::grammar {

std::vector<RuleDef> parse_gbnf(std::string_view text);

// parse_gbnf + Grammar::compile.
Grammar compile_gbnf(std::string_view text, std::string_view root = "root");

}  // namespace openarc::grammar
