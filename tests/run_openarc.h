// Runs the built `openarc` binary as a user's shell would, for the CLI suites.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace openarc {

struct CliOutput {
  int status = -1;  // the exit code; -1 when it did not exit (a signal) or could not start
  std::string out;  // stdout, and stderr when joined
  std::string err;  // stderr when kept apart
};

// `openarc ARGS` with stdin from input_file (else empty). With with_stderr, stderr joins stdout
// (as a user sees it); without, it is kept apart in `err`, so that JSON lines stay parseable.
inline CliOutput run_openarc(const std::string& args, bool with_stderr = true, const std::string& input_file = "") {
  char err_path[] = "/tmp/openarc_cli_err_XXXXXX";
  const int err_fd = with_stderr ? -1 : mkstemp(err_path);
  std::string cmd = std::string(OPENARC_BINARY) + " " + args + " < " + (input_file.empty() ? "/dev/null" : input_file);
  cmd += err_fd >= 0 ? std::string(" 2> ") + err_path : std::string(" 2>&1");
  CliOutput r;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int rc = pclose(p);
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  if (err_fd >= 0) {
    std::ifstream e(err_path, std::ios::binary);
    std::stringstream s;
    s << e.rdbuf();
    r.err = s.str();
    ::close(err_fd);
    std::remove(err_path);
  }
  return r;
}

// The same with `input` as stdin.
inline CliOutput run_openarc_with_input(const std::string& args, const std::string& input, bool with_stderr = true) {
  char in_path[] = "/tmp/openarc_cli_in_XXXXXX";
  const int fd = mkstemp(in_path);
  if (fd < 0) return {};
  std::ofstream(in_path, std::ios::binary) << input;
  CliOutput r = run_openarc(args, with_stderr, in_path);
  ::close(fd);
  std::remove(in_path);
  return r;
}

}  // namespace openarc
