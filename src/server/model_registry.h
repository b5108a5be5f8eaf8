// The models a server has loaded, by name, and the fair queue in front of each: requests to one
// model run one at a time in arrival order; beyond max_queue waiting they are refused (503 with
// Retry-After). A request waiting in a queue holds no lock that /health, /status or another model
// needs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/pipeline.h"

namespace openarc::server {

struct LoadRequest {
  std::string path;   // resolved model folder
  std::string name;   // the name requests use
  std::string device = "CPU";
  nlohmann::json ov_config = nlohmann::json::object();
  llm::PipelineOptions options;  // what ov_config and the server flags ask for
  bool replace = false;
  // What OpenArc 2.x's ModelLoadConfig names and /openarc/status reports back.
  std::string model_type = "llm", engine = "openarc";
  // A folder this load made (export_model's conversion): the entry removes it when it goes.
  std::string owned_dir;
  std::string source;  // the folder the request named, when it is not `path` (export_model's checkpoint)
};

// One loaded (or loading, or failed) model.
class ModelEntry {
 public:
  ModelEntry() = default;
  ModelEntry(const ModelEntry&) = delete;
  ~ModelEntry();
  std::string name, path, device;
  nlohmann::json ov_config;
  std::string model_id;  // a private id per load (2.x's model_id), 32 hex digits
  std::string model_type, engine;
  std::string owned_dir;  // LoadRequest::owned_dir
  std::string source;     // the folder the request named: path, or the checkpoint export_model converted
  std::chrono::system_clock::time_point time_loaded = std::chrono::system_clock::now();
  std::string status = "loading";  // loading | loaded | failed
  std::string error;               // when failed
  std::shared_ptr<llm::Pipeline> pipeline;
  std::atomic<int64_t> requests_served{0};
  // `openarc inspect`'s report of the model, made on the first GET /openarc/model-info.
  std::mutex ir_summary_mu;
  nlohmann::json ir_summary;

  // The model's turn, held by one request at a time; released when destroyed.
  class Turn {
   public:
    Turn() = default;
    Turn(Turn&& o) noexcept : entry_(o.entry_) { o.entry_ = nullptr; }
    Turn& operator=(Turn&&) = delete;
    ~Turn();
    explicit operator bool() const { return entry_ != nullptr; }

   private:
    friend class ModelEntry;
    explicit Turn(ModelEntry* e) : entry_(e) {}
    ModelEntry* entry_ = nullptr;
  };

  // A place in the queue. Destroyed before its turn came (the client left, the response was
  // never sent), it gives the place up.
  class Ticket {
   public:
    Ticket(std::shared_ptr<ModelEntry> entry, uint64_t number) : entry_(std::move(entry)), number_(number) {}
    Ticket(const Ticket&) = delete;
    ~Ticket();
    // Waits for the turn, polling should_give_up every 50 ms; a false Turn when it gave up.
    Turn wait(const std::function<bool()>& should_give_up);

   private:
    std::shared_ptr<ModelEntry> entry_;
    uint64_t number_;
    bool done_ = false;
  };

  // Takes a place in the queue; throws ApiError 503 with Retry-After when max_queue requests
  // already wait.
  static std::shared_ptr<Ticket> enqueue(const std::shared_ptr<ModelEntry>& entry, int64_t max_queue);
  int64_t queued() const;
  bool busy() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_ticket_ = 0;  // given out
  uint64_t serving_ = 0;      // the ticket whose turn it is
  bool running_ = false;
  std::vector<uint64_t> abandoned_;  // tickets whose holders left before their turn
  void advance_locked();
};

class ModelRegistry {
 public:
  explicit ModelRegistry(int64_t max_loaded = 0) : max_loaded_(max_loaded) {}

  // Loads synchronously (the entry shows "loading" meanwhile). Throws ApiError: 409 when the name
  // is taken (unless replace), 400 when the folder cannot be loaded (the entry stays as failed
  // until unloaded or replaced), 503 when max_loaded models are loaded.
  std::shared_ptr<ModelEntry> load(const LoadRequest& request);
  // Throws ApiError 404 listing the loaded names.
  void unload(const std::string& name);
  // The loaded model of that name; ApiError 404 listing the loaded names otherwise. An empty name
  // picks the only loaded model (or fails listing them).
  std::shared_ptr<ModelEntry> get(const std::string& name) const;
  std::vector<std::shared_ptr<ModelEntry>> all() const;
  std::string loaded_names() const;
  bool any_loading() const;

 private:
  int64_t max_loaded_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<ModelEntry>> models_;
};

}  // namespace openarc::server
