// Encode throughput of OpenArc's tokenizer: bench_tokenizer MODEL_DIR DOCS_FILE [REPEATS]
// DOCS_FILE holds one JSON string per line (a document). Prints one JSON line
// {"bytes":..., "tokens":..., "seconds":..., "mb_per_s":...} for the best of REPEATS runs of
// encode(doc, add_special_tokens=false) over every document, one thread. Seconds are CPU time
// of the process, so a busy machine slows the run but not the figure much.
#include <time.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "tokenizer/tokenizer.h"

static double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_tokenizer MODEL_DIR DOCS_FILE [REPEATS]\n";
    return 2;
  }
  try {
    auto t = openarc::tokenizer::Tokenizer::load(argv[1]);
    std::ifstream in(argv[2], std::ios::binary);
    if (!in) openarc::fail("cannot open ", argv[2]);
    std::vector<std::string> docs;
    size_t bytes = 0;
    for (std::string line; std::getline(in, line);) {
      docs.push_back(nlohmann::json::parse(line).get<std::string>());
      bytes += docs.back().size();
    }
    int repeats = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
    double best = 1e30;
    size_t tokens = 0;
    for (int r = 0; r < repeats; ++r) {
      double start = cpu_seconds();
      size_t n = 0;
      for (const std::string& doc : docs) n += t.encode(doc, false).size();
      double sec = cpu_seconds() - start;
      best = std::min(best, sec);
      tokens = n;
    }
    std::cout << "{\"bytes\":" << bytes << ",\"tokens\":" << tokens << ",\"seconds\":" << best
              << ",\"mb_per_s\":" << bytes / best / 1e6 << "}\n";
  } catch (const openarc::Error& e) {
    std::cerr << "bench_tokenizer: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
