#include "server/conversions.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "server/api_error.h"

namespace openarc::server {

nlohmann::json progress_json(const convert::ConvertProgress& p) {
  return {{"tensors_done", p.done_tensors}, {"tensors_total", p.total_tensors}, {"bytes_done", p.done_bytes},
          {"bytes_total", p.total_bytes},   {"tensor", p.tensor}};
}

std::shared_ptr<Conversions::Lease> Conversions::start(const std::string& source, const std::string& output,
                                                       const std::string& weight_format) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!jobs_.empty())
    throw ApiError(409, "conflict",
                   "a conversion is already running (" + jobs_.front()->id + ": " + jobs_.front()->source + " to " +
                       jobs_.front()->output + "); wait for it or cancel it",
                   "", "conversion_running");
  auto job = std::make_shared<Job>();
  job->id = "conv-" + std::to_string(next_id_++);
  job->source = source;
  job->output = output;
  job->weight_format = weight_format;
  jobs_.push_back(job);
  return std::make_shared<Lease>(*this, job);
}

void Conversions::Lease::update(const convert::ConvertProgress& p) {
  std::lock_guard<std::mutex> lock(owner_.mu_);
  job_->progress = p;
}

void Conversions::finish(const std::shared_ptr<Job>& job) {
  std::lock_guard<std::mutex> lock(mu_);
  jobs_.erase(std::remove(jobs_.begin(), jobs_.end(), job), jobs_.end());
}

std::string Conversions::cancel(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& j : jobs_)
    if (id.empty() || j->id == id) {
      j->cancel = true;
      return j->id;
    }
  return "";
}

nlohmann::json Conversions::list() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& j : jobs_) {
    nlohmann::json e = progress_json(j->progress);
    e["id"] = j->id;
    e["source"] = j->source;
    e["output"] = j->output;
    e["weight_format"] = j->weight_format;
    e["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - j->started).count();
    e["cancelling"] = j->cancel.load();
    out.push_back(e);
  }
  return {{"conversions", out}};
}

}  // namespace openarc::server
