// The conversions the server is running (POST /openarc/convert): one at a time, since a
// conversion takes every core; each can be followed (GET /openarc/convert) and cancelled.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "convert/converter.h"

namespace openarc::server {

class Conversions {
 public:
  struct Job {
    std::string id, source, output, weight_format;
    std::atomic<bool> cancel{false};
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    convert::ConvertProgress progress;  // guarded by Conversions::mu_
  };

  // Holds a job's place while its response lives; the destructor ends it.
  class Lease {
   public:
    Lease(Conversions& owner, std::shared_ptr<Job> job) : owner_(owner), job_(std::move(job)) {}
    Lease(const Lease&) = delete;
    ~Lease() { owner_.finish(job_); }
    Job& job() { return *job_; }
    void update(const convert::ConvertProgress& p);

   private:
    Conversions& owner_;
    std::shared_ptr<Job> job_;
  };

  // ApiError 409 while another conversion runs.
  std::shared_ptr<Lease> start(const std::string& source, const std::string& output, const std::string& weight_format);
  // Asks the job `id` (empty: the running one) to stop; its id, or empty when there is none.
  std::string cancel(const std::string& id);
  // {"conversions": [{"id", "source", "output", "weight_format", "seconds", progress...}]}
  nlohmann::json list() const;

 private:
  void finish(const std::shared_ptr<Job>& job);
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Job>> jobs_;
  uint64_t next_id_ = 1;
};

// A progress report as its JSON event fields.
nlohmann::json progress_json(const convert::ConvertProgress& p);

}  // namespace openarc::server
