#include "server/model_registry.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "core/error.h"
#include "server/api_error.h"

namespace openarc::server {

ModelEntry::~ModelEntry() {
  // A generation still running holds the entry, so its mapped weights outlive any request.
  if (owned_dir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(owned_dir, ec);
}

namespace {
std::string new_model_id() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mu);
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}
}  // namespace

ModelEntry::Turn::~Turn() {
  if (!entry_) return;
  std::lock_guard<std::mutex> lock(entry_->mu_);
  entry_->running_ = false;
  ++entry_->serving_;
  entry_->advance_locked();
  entry_->cv_.notify_all();
}

void ModelEntry::advance_locked() {
  // Skip the tickets of requests that left the queue.
  while (true) {
    auto it = std::find(abandoned_.begin(), abandoned_.end(), serving_);
    if (it == abandoned_.end()) break;
    abandoned_.erase(it);
    ++serving_;
  }
}

std::shared_ptr<ModelEntry::Ticket> ModelEntry::enqueue(const std::shared_ptr<ModelEntry>& entry, int64_t max_queue) {
  std::lock_guard<std::mutex> lock(entry->mu_);
  int64_t waiting = static_cast<int64_t>(entry->next_ticket_ - entry->serving_) - (entry->running_ ? 1 : 0) -
                    static_cast<int64_t>(entry->abandoned_.size());
  if (max_queue > 0 && waiting >= max_queue) {
    ApiError e(503, "server_error",
               "model '" + entry->name + "' has " + std::to_string(waiting) + " requests waiting (the limit is " +
                   std::to_string(max_queue) + "); retry later",
               "", "queue_full");
    e.headers.emplace_back("Retry-After", "1");
    throw e;
  }
  return std::make_shared<Ticket>(entry, entry->next_ticket_++);
}

ModelEntry::Ticket::~Ticket() {
  if (done_) return;
  std::lock_guard<std::mutex> lock(entry_->mu_);
  entry_->abandoned_.push_back(number_);
  entry_->advance_locked();
  entry_->cv_.notify_all();
}

ModelEntry::Turn ModelEntry::Ticket::wait(const std::function<bool()>& should_give_up) {
  ModelEntry& e = *entry_;
  std::unique_lock<std::mutex> lock(e.mu_);
  while (!(e.serving_ == number_ && !e.running_)) {
    if (should_give_up && should_give_up()) {
      done_ = true;
      e.abandoned_.push_back(number_);
      e.advance_locked();
      e.cv_.notify_all();
      return Turn();
    }
    e.cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
  done_ = true;
  e.running_ = true;
  return Turn(&e);
}

int64_t ModelEntry::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(next_ticket_ - serving_) - (running_ ? 1 : 0) - static_cast<int64_t>(abandoned_.size());
}

bool ModelEntry::busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

std::shared_ptr<ModelEntry> ModelRegistry::load(const LoadRequest& req) {
  auto entry = std::make_shared<ModelEntry>();
  entry->name = req.name;
  entry->path = req.path;
  entry->device = req.device;
  entry->ov_config = req.ov_config;
  entry->model_id = new_model_id();
  entry->model_type = req.model_type;
  entry->engine = req.engine;
  entry->owned_dir = req.owned_dir;
  entry->source = req.source.empty() ? req.path : req.source;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = models_.find(req.name);
    if (it != models_.end()) {
      if (it->second->status == "loading")
        throw ApiError(409, "conflict", "model '" + req.name + "' is still loading", "model_name", "model_loading");
      if (!req.replace && it->second->status == "loaded")
        throw ApiError(409, "conflict", "a model named '" + req.name + "' is already loaded; unload it or pass \"replace\": true",
                       "model_name", "model_exists");
    }
    int64_t loaded = 0;
    for (const auto& [n, m] : models_) loaded += n != req.name && m->status != "failed";
    if (max_loaded_ > 0 && loaded >= max_loaded_)
      throw ApiError(503, "server_error",
                     std::to_string(loaded) + " models are loaded, the limit (--max-loaded) is " +
                         std::to_string(max_loaded_) + "; unload one first",
                     "", "too_many_models");
    models_[req.name] = entry;
  }
  try {
    entry->pipeline = llm::Pipeline::open(req.path, req.options);
    std::lock_guard<std::mutex> lock(mu_);
    entry->status = "loaded";
  } catch (const std::exception& e) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      entry->status = "failed";
      entry->error = e.what();
    }
    // A setting of the request the model refuses (a token id outside its vocabulary) is named.
    auto* setting = dynamic_cast<const llm::SettingError*>(&e);
    throw ApiError(400, "invalid_request_error", std::string("cannot load model '") + req.name + "': " + e.what(),
                   setting ? setting->setting() : "model", "model_load_failed");
  }
  return entry;
}

void ModelRegistry::unload(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = models_.find(name);
  if (it == models_.end()) {
    std::string names;
    for (const auto& [n, m] : models_) names += (names.empty() ? "" : ", ") + n;
    throw not_found("model '" + name + "' is not loaded (loaded: " + (names.empty() ? "none" : names) + ")",
                    "model_name", "model_not_found");
  }
  if (it->second->status == "loading")
    throw ApiError(409, "conflict", "model '" + name + "' is still loading", "model_name", "model_loading");
  models_.erase(it);  // a generation in flight keeps its pipeline alive until it ends
}

std::string ModelRegistry::loaded_names() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string names;
  for (const auto& [n, m] : models_)
    if (m->status == "loaded") names += (names.empty() ? "" : ", ") + n;
  return names.empty() ? "none" : names;
}

std::shared_ptr<ModelEntry> ModelRegistry::get(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (name.empty()) {
    std::vector<std::shared_ptr<ModelEntry>> loaded;
    for (const auto& [n, m] : models_)
      if (m->status == "loaded") loaded.push_back(m);
    if (loaded.size() == 1) return loaded.front();
  } else {
    auto it = models_.find(name);
    if (it != models_.end() && it->second->status == "loaded") return it->second;
    if (it != models_.end() && it->second->status == "loading")
      throw ApiError(409, "conflict", "model '" + name + "' is still loading", "model", "model_loading");
  }
  std::string names;
  for (const auto& [n, m] : models_)
    if (m->status == "loaded") names += (names.empty() ? "" : ", ") + n;
  throw not_found((name.empty() ? std::string("no model named in the request") : "model '" + name + "' is not loaded") +
                      " (loaded: " + (names.empty() ? "none" : names) + ")",
                  "model", "model_not_found");
}

std::vector<std::shared_ptr<ModelEntry>> ModelRegistry::all() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<ModelEntry>> out;
  for (const auto& [n, m] : models_) out.push_back(m);
  return out;
}

bool ModelRegistry::any_loading() const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [n, m] : models_)
    if (m->status == "loading") return true;
  return false;
}

}  // namespace openarc::server
