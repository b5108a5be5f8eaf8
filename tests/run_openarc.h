// Runs the built `openarc` binary as a user's shell would, for the CLI suites.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace openarc {

struct CliOutput {
  int status = -1;  // the exit code; -1 when killed by a signal
  std::string out;  // stdout, and stderr when asked
};

// `openarc ARGS` with stdin from input_file (else empty); stderr joins stdout only when asked,
// so that JSON lines stay parseable.
inline CliOutput run_openarc(const std::string& args, bool with_stderr = true, const std::string& input_file = "") {
  std::string cmd = std::string(OPENARC_BINARY) + " " + args + " < " + (input_file.empty() ? "/dev/null" : input_file);
  cmd += with_stderr ? " 2>&1" : " 2>/dev/null";
  CliOutput r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int rc = pclose(p);
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return r;
}

}  // namespace openarc
