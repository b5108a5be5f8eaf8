#include "llm/pipeline.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>

#include "chat/chat_template.h"
#include "core/error.h"
#include "core/mapped_file.h"
#include "grammar/lazy_grammar.h"
#include "grammar/token_matcher.h"
#include "ir/reader.h"
#include "llm/generation_config_json.h"
#include "llm/lazy_grammar_spec.h"
#include "llm/model_info.h"
#include "llm/reasoning.h"
#include "llm/speculative_decoder.h"
#include "llm/stop_rules.h"
#include "llm/tool_call_grammar.h"
#include "llm/tool_parser.h"
#include "tokenizer/incremental_decoder.h"
#include "tokenizer/tokenizer.h"

namespace openarc::llm {
namespace fs = std::filesystem;

namespace {

std::vector<int64_t> widen(const std::vector<tokenizer::TokenId>& ids) { return {ids.begin(), ids.end()}; }

}  // namespace

struct Pipeline::Impl {
  std::shared_ptr<runtime::CompiledModel> compiled;
  std::unique_ptr<runtime::InferRequest> request;
  std::unique_ptr<tokenizer::Tokenizer> tokenizer;
  std::unique_ptr<chat::ChatTemplate> chat_template;
  std::optional<ReasoningMarkers> reasoning_markers;
  const ToolParser* tool_parser = nullptr;
  std::vector<tokenizer::TokenId> tool_marker_ids;  // special tokens among the format's markers
  // What each token adds to the text, for grammar masks: built on first use, once with the tool
  // markers as text (their decoding keeps them) and once without.
  std::shared_ptr<const grammar::TokenVocabulary> grammar_vocab[2];
  std::mutex grammar_vocab_mutex;

  std::shared_ptr<const grammar::TokenVocabulary> grammar_vocabulary(bool tool_markers) {
    std::lock_guard<std::mutex> lock(grammar_vocab_mutex);
    auto& v = grammar_vocab[tool_markers];
    if (!v)
      v = grammar::TokenVocabulary::from_tokenizer(*tokenizer, static_cast<size_t>(vocab),
                                                   tool_markers ? tool_marker_ids : std::vector<tokenizer::TokenId>{});
    return v;
  }
  size_t in_ids = 0, in_mask = 0, in_pos = 0, in_beam = 0, in_keep = 0, out_logits = 0;
  bool has_mask = false, has_pos = false, has_beam = false, has_keep = false;
  int64_t vocab = 0;

  // Runs `ids` (positions start..start+len) through the model with `past` tokens already in the
  // KV state; returns the logits row of the last position.
  std::vector<float> forward(const std::vector<int64_t>& ids, int64_t past) {
    return std::move(forward_rows(ids, past, 1).front());
  }

  // The same, returning the logits rows of the last `rows` positions ([rows][vocab]).
  std::vector<std::vector<float>> forward_rows(const std::vector<int64_t>& ids, int64_t past, int64_t rows) {
    int64_t s = static_cast<int64_t>(ids.size());
    Tensor input_ids(ElementType::i64, {1, s});
    std::copy(ids.begin(), ids.end(), input_ids.data<int64_t>());
    request->set_input(in_ids, input_ids);
    if (has_mask) {
      Tensor mask(ElementType::i64, {1, past + s});
      std::fill_n(mask.data<int64_t>(), past + s, 1);
      request->set_input(in_mask, mask);
    }
    if (has_pos) {
      Tensor pos(ElementType::i64, {1, s});
      for (int64_t i = 0; i < s; ++i) pos.data<int64_t>()[i] = past + i;
      request->set_input(in_pos, pos);
    }
    if (has_beam) {
      Tensor beam(compiled->inputs()[in_beam].type, {1});
      beam.set_i64(0, 0);
      request->set_input(in_beam, beam);
    }
    if (has_keep) {
      Tensor keep(compiled->inputs()[in_keep].type, {});
      keep.set_i64(0, rows);
      request->set_input(in_keep, keep);
    }
    request->infer();
    const Tensor& logits = request->output(out_logits);
    // [1, s, vocab], or [1, rows, vocab] when the runtime computes the last positions only.
    const int64_t got = logits.rank() == 3 ? logits.shape()[1] : 0;
    check(logits.rank() == 3 && got >= rows && got <= s && logits.shape()[2] == vocab, "the model's logits have shape ",
          openarc::to_string(logits.shape()), ", expected [1,", s, ",", vocab, "]");
    std::vector<std::vector<float>> out(static_cast<size_t>(rows), std::vector<float>(static_cast<size_t>(vocab)));
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t offset = (got - rows + r) * vocab;
      std::vector<float>& row = out[r];
      if (logits.type() == ElementType::f32) {
        std::copy_n(logits.data<float>() + offset, vocab, row.begin());
      } else {
        for (int64_t v = 0; v < vocab; ++v) row[v] = static_cast<float>(logits.get_f64(offset + v));
      }
    }
    return out;
  }
};

Pipeline::~Pipeline() = default;

std::unique_ptr<Pipeline> Pipeline::open(const std::string& dir, PipelineOptions options) {
  auto start = std::chrono::steady_clock::now();
  check(fs::is_directory(dir), "model folder '", dir, "' does not exist");
  std::unique_ptr<Pipeline> p(new Pipeline());
  p->options_ = options;
  p->impl_ = std::make_unique<Impl>();
  Impl& impl = *p->impl_;

  auto model = std::make_shared<ir::Model>(ir::read_model(ir::resolve_model_xml(dir)));
  runtime::CompileOptions compile = options.compile;
  compile.last_position_logits = true;  // generation reads the last row only
  impl.compiled = runtime::CompiledModel::compile(model, compile);
  impl.request = std::make_unique<runtime::InferRequest>(impl.compiled->create_infer_request());
  const auto& inputs = impl.compiled->inputs();
  auto find_input = [&](const char* name, size_t& index) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].name == name ||
          std::find(inputs[i].names.begin(), inputs[i].names.end(), name) != inputs[i].names.end()) {
        index = i;
        return true;
      }
    }
    return false;
  };
  check(find_input("input_ids", impl.in_ids), dir, ": the model has no input_ids input (not a text LLM export)");
  impl.has_mask = find_input("attention_mask", impl.in_mask);
  impl.has_pos = find_input("position_ids", impl.in_pos);
  impl.has_beam = find_input("beam_idx", impl.in_beam);
  impl.has_keep = find_input(graph::kLogitsToKeep, impl.in_keep);
  impl.out_logits = 0;
  for (size_t i = 0; i < impl.compiled->outputs().size(); ++i)
    if (impl.compiled->outputs()[i].name == "logits") impl.out_logits = i;
  const PartialShape& logits_shape = impl.compiled->outputs().at(impl.out_logits).shape;
  check(logits_shape.rank() == 3 && logits_shape[2] > 0, dir, ": the model's first output has shape ",
        logits_shape.to_string(), ", expected logits [batch, sequence, vocab]");
  impl.vocab = logits_shape[2];

  impl.tokenizer = std::make_unique<tokenizer::Tokenizer>(tokenizer::Tokenizer::load(dir));
  try {
    impl.chat_template = std::make_unique<chat::ChatTemplate>(chat::ChatTemplate::load(dir));
    impl.reasoning_markers = detect_reasoning_markers(impl.chat_template->source());
  } catch (const chat::TemplateError&) {
    throw;  // a template that does not parse is a broken model folder
  } catch (const Error&) {
    impl.chat_template.reset();  // no template: completions work, chat routes say so
  }

  if (!options.tool_parser.empty()) {
    impl.tool_parser = find_tool_parser(options.tool_parser);
    if (!impl.tool_parser) {
      std::string names;
      for (auto n : tool_parser_names()) names += std::string(names.empty() ? "" : ", ") + std::string(n);
      fail("tool_parser: unknown parser \"", options.tool_parser, "\" (one of ", names, ")");
    }
  } else if (impl.chat_template) {
    const chat::ChatTemplate& ct = *impl.chat_template;
    impl.tool_parser = &detect_tool_parser(ct.has("tool_use") ? ct.source("tool_use") : ct.source());
  } else {
    impl.tool_parser = find_tool_parser("generic");
  }
  for (const std::string& marker : impl.tool_parser->format_markers())
    if (auto id = impl.tokenizer->token_to_id(marker); id && impl.tokenizer->is_special(*id))
      impl.tool_marker_ids.push_back(*id);

  p->defaults_ = read_generation_config(dir);
  if (p->defaults_.eos_token_ids.empty())  // neither config names one: the tokenizer's own
    if (auto eos = impl.tokenizer->eos_id()) p->defaults_.eos_token_ids.push_back(*eos);
  // The load request's overrides, checked against the vocabulary the logits span.
  for (auto [name, id] : {std::pair{"eos_token_id", options.eos_token_id}, std::pair{"bos_token_id", options.bos_token_id},
                          std::pair{"pad_token_id", options.pad_token_id}})
    if (id && (*id < 0 || *id >= impl.vocab))
      throw SettingError(name, std::string(name) + " " + std::to_string(*id) + " is outside the vocabulary (0.." +
                                   std::to_string(impl.vocab - 1) + ")");
  if (options.eos_token_id) p->defaults_.eos_token_ids = {*options.eos_token_id};
  if (options.speculative_draft >= 0) p->defaults_.speculative_draft = options.speculative_draft;
  p->info_ = read_model_info(dir, *model);
  if (options.ctx_size > 0) p->info_.context_length = options.ctx_size;
  p->info_.load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return p;
}

const tokenizer::Tokenizer& Pipeline::tokenizer() const { return *impl_->tokenizer; }
bool Pipeline::has_chat_template() const { return impl_->chat_template != nullptr; }
const ToolParser& Pipeline::tool_parser() const { return *impl_->tool_parser; }

std::vector<runtime::ProfilingInfo> Pipeline::profiling_info() const { return impl_->request->profiling_info(); }

void Pipeline::reset_profiling() { impl_->request->reset_profiling(); }

void Pipeline::reset_cache() {
  impl_->request->reset_states();
  cached_.clear();
}

std::string Pipeline::apply_chat_template(const nlohmann::ordered_json& messages, const nlohmann::ordered_json& tools,
                                          bool add_generation_prompt,
                                          const nlohmann::ordered_json& template_kwargs) const {
  check(impl_->chat_template != nullptr, "this model has no chat template (",
        "tokenizer_config.json has no chat_template and there is no chat_template.jinja); use completions instead");
  return impl_->chat_template->render(messages, tools, add_generation_prompt, template_kwargs);
}

GenerationResult Pipeline::generate(const GenerationRequest& req, const StreamCallback& on_event,
                                    const CancellationToken& cancel) {
  return generate(prepare(req), req.config, on_event, cancel);
}

GenerationResult Pipeline::generate(const PreparedPrompt& prompt, const GenerationConfig& config,
                                    const StreamCallback& on_event, const CancellationToken& cancel) {
  try {
    return run(prompt, config, on_event, cancel);
  } catch (...) {
    reset_cache();  // the KV state may no longer match cached_
    throw;
  }
}

PreparedPrompt Pipeline::prepare(const GenerationRequest& req) const {
  const auto began = PerfRecorder::Clock::now();
  const Impl& impl = *impl_;
  req.config.validate(impl.vocab);
  PreparedPrompt out;
  int sources = req.prompt.has_value() + req.messages.has_value() + req.prompt_ids.has_value();
  check(sources == 1, "a generation request needs exactly one of prompt, messages or prompt_ids");
  if (req.messages) {
    out.text = apply_chat_template(*req.messages, req.tools, req.add_generation_prompt, req.template_kwargs);
    // The template writes the special tokens itself, as transformers' apply_chat_template does.
    out.ids = widen(impl.tokenizer->encode(out.text, false));
    out.chat = true;
    if (impl.reasoning_markers) out.opens_reasoning = prompt_opens_reasoning(out.text, *impl.reasoning_markers);
  } else if (req.prompt) {
    out.text = *req.prompt;
    out.ids = widen(impl.tokenizer->encode(*req.prompt, req.add_special_tokens));
  } else {
    out.ids = *req.prompt_ids;
    for (int64_t id : out.ids)
      check(id >= 0 && id < impl.vocab, "prompt token id ", id, " is outside the vocabulary (0..", impl.vocab - 1, ")");
  }
  check(!out.ids.empty(), "the prompt is empty: it encodes to no tokens");
  // A bos_token_id override takes the place of the BOS the tokenizer or the template wrote.
  if (options_.bos_token_id && !req.prompt_ids)
    if (auto bos = impl.tokenizer->bos_id(); bos && out.ids.front() == *bos) out.ids.front() = *options_.bos_token_id;
  out.keep_tool_markers = req.keep_tool_markers;
  out.grammar = req.grammar;
  if (req.forced_tool_call) {
    check(!req.grammar, "a request cannot force tool calls and carry its own grammar");
    check(req.keep_tool_markers, "forced tool calls are parsed: keep_tool_markers must be set");
    const tokenizer::Tokenizer& tok = *impl.tokenizer;
    out.grammar = std::make_shared<const grammar::Grammar>(
        tool_call_grammar(*impl.tool_parser, req.tools.is_null() ? nlohmann::ordered_json::array() : req.tools,
                          *req.forced_tool_call, [&](std::string_view t) { return tok.token_to_id(t).has_value(); }));
  }
  if (out.grammar && out.opens_reasoning && impl.reasoning_markers) {
    // The model finishes the reasoning the prompt opened; the constrained text follows it.
    out.lazy_grammar = std::make_shared<const grammar::LazyGrammarSpec>(after_reasoning(*out.grammar, *impl.reasoning_markers));
    out.grammar = nullptr;
  } else if (!out.grammar && req.keep_tool_markers && req.tools.is_array() && !req.tools.empty()) {
    // tool_choice "auto": free text, and every call the model begins is well formed.
    const tokenizer::Tokenizer& tok = *impl.tokenizer;
    std::vector<grammar::LazyTrigger> triggers = tool_call_triggers(
        *impl.tool_parser, req.tools, req.parallel_tool_calls, [&](std::string_view t) { return tok.token_to_id(t).has_value(); });
    if (!triggers.empty())
      out.lazy_grammar = std::make_shared<const grammar::LazyGrammarSpec>(
          auto_tool_calls(std::move(triggers), out.chat ? impl.reasoning_markers : std::nullopt, out.opens_reasoning,
                          req.parallel_tool_calls));
  }
  int64_t ctx = info_.context_length;
  if (req.truncate && ctx > 0) {
    int64_t want = req.config.max_new_tokens > 0 ? req.config.max_new_tokens : 0;
    int64_t keep = std::max<int64_t>(1, ctx - want);
    if (static_cast<int64_t>(out.ids.size()) > keep) out.ids.erase(out.ids.begin(), out.ids.end() - keep);
  }
  out.max_new_tokens = req.config.new_token_limit(static_cast<int64_t>(out.ids.size()), ctx);
  out.prepare_ms = std::chrono::duration<double, std::milli>(PerfRecorder::Clock::now() - began).count();
  return out;
}

GenerationResult Pipeline::run(const PreparedPrompt& prepared, const GenerationConfig& config,
                               const StreamCallback& on_event, const CancellationToken& cancel) {
  Impl& impl = *impl_;
  // The clock starts when the prompt began to be prepared, less any wait in between (a queue).
  const auto prepare_time = std::chrono::duration_cast<PerfRecorder::Clock::duration>(
      std::chrono::duration<double, std::milli>(prepared.prepare_ms));
  PerfRecorder perf(PerfRecorder::Clock::now() - prepare_time, info_.load_ms);
  config.validate(impl.vocab);
  GenerationResult result;
  result.prompt_ids = prepared.ids;
  result.prompt_text = prepared.text;
  const std::vector<int64_t>& prompt = result.prompt_ids;
  int64_t limit = prepared.max_new_tokens;
  bool opens_reasoning = prepared.opens_reasoning;

  // Reuse the KV state of the common prefix; at least one token is run to get logits.
  size_t common = 0;
  if (options_.prefix_reuse) {
    while (common < cached_.size() && common < prompt.size() && cached_[common] == prompt[common]) ++common;
    if (common == prompt.size()) --common;
  }
  if (common == 0) impl.request->reset_states();
  else impl.request->trim_states(static_cast<int64_t>(common));
  cached_.assign(prompt.begin(), prompt.begin() + static_cast<std::ptrdiff_t>(common));
  perf.tokenized(static_cast<int64_t>(prompt.size()), static_cast<int64_t>(common));

  std::vector<int64_t> rest(prompt.begin() + static_cast<std::ptrdiff_t>(common), prompt.end());
  std::vector<float> prompt_logits = impl.forward(rest, static_cast<int64_t>(common));
  cached_ = prompt;

  // The output continues the prompt's text, unless the prompt is special tokens only (a bare BOS):
  // then it starts the text, and a SentencePiece decoder drops its leading space, as decoding
  // prompt + output would.
  const bool continues_text = std::any_of(prompt.begin(), prompt.end(), [&](int64_t id) {
    return !impl.tokenizer->is_special(static_cast<tokenizer::TokenId>(id));
  });
  uint64_t seed = config.seed ? *config.seed : Sampler::random_seed();
  // One grammar automaton and mask cache for the n samples; end tokens are eos and stop ids.
  std::shared_ptr<grammar::TokenGrammar> token_grammar;
  std::shared_ptr<grammar::LazyGrammar> lazy_grammar;
  if (prepared.grammar || prepared.lazy_grammar) {
    std::vector<int32_t> ends;
    if (!config.ignore_eos)
      for (int64_t id : config.eos_token_ids) ends.push_back(static_cast<int32_t>(id));
    for (int64_t id : config.stop_token_ids) ends.push_back(static_cast<int32_t>(id));
    auto vocabulary = impl.grammar_vocabulary(prepared.keep_tool_markers);
    if (prepared.grammar)
      token_grammar = std::make_shared<grammar::TokenGrammar>(prepared.grammar, std::move(vocabulary), std::move(ends));
    else
      lazy_grammar = std::make_shared<grammar::LazyGrammar>(*prepared.lazy_grammar, std::move(vocabulary), std::move(ends));
  }
  for (int64_t index = 0; index < config.n; ++index) {
    if (index > 0) {  // each sample starts again from the prompt's state
      impl.request->trim_states(static_cast<int64_t>(prompt.size()));
      cached_ = prompt;
    }
    SequenceResult seq;
    Sampler sampler(config, impl.vocab, Sampler::sequence_seed(seed, index));
    sampler.set_prompt(prompt);
    std::unique_ptr<grammar::TokenConstraint> matcher;
    if (token_grammar) matcher = std::make_unique<grammar::TokenMatcher>(token_grammar, limit);
    if (lazy_grammar) matcher = std::make_unique<grammar::LazyMatcher>(lazy_grammar, limit);
    if (matcher) sampler.set_grammar(matcher.get());
    StopRules stop(config, limit);
    // Under a grammar the text is exactly the tokens' bytes: no clean-up rewrites it.
    tokenizer::IncrementalDecoder decoder(*impl.tokenizer, true, matcher ? std::optional<bool>(false) : std::nullopt,
                                          continues_text,
                                          prepared.keep_tool_markers ? impl.tool_marker_ids
                                                                     : std::vector<tokenizer::TokenId>{});
    std::optional<ReasoningParser> reasoning;
    if (impl.reasoning_markers && prepared.chat) reasoning.emplace(*impl.reasoning_markers, opens_reasoning);

    auto emit = [&](const std::string& shown, std::optional<SampledToken> token) {
      StreamEvent ev;
      ev.index = index;
      ev.token = std::move(token);
      seq.raw_text += shown;
      if (reasoning) {
        ReasoningDelta d = reasoning->feed(shown);
        ev.text = std::move(d.content);
        ev.reasoning = std::move(d.reasoning);
      } else {
        ev.text = shown;
      }
      seq.text += ev.text;
      seq.reasoning += ev.reasoning;
      if (on_event && (!ev.text.empty() || !ev.reasoning.empty() || ev.token)) on_event(ev);
    };

    std::optional<SpeculativeDecoder> speculative;
    if (config.speculative_draft > 0)
      speculative.emplace(
          PromptLookupOptions{config.speculative_draft, config.speculative_max_ngram, config.speculative_min_ngram},
          [&](const std::vector<int64_t>& ids, int64_t past) {
            return impl.forward_rows(ids, past, static_cast<int64_t>(ids.size()));
          },
          [&](int64_t length) { impl.request->trim_states(length); });

    std::vector<float> logits = prompt_logits;
    while (true) {
      if (cancel.cancelled()) {
        stop.cancel();
        break;
      }
      SampledToken tok = sampler.sample(logits, stop.suppressed_tokens());
      perf.token();
      seq.token_ids.push_back(tok.token);
      if (config.logprobs) seq.logprobs.push_back(tok);
      bool shown = stop.on_token(tok.token);
      std::string text = shown ? stop.on_text(decoder.step(tok.token)) : std::string();
      emit(text, tok);
      // A grammar that matched a whole text and allows nothing more ends the sequence (no eos needed).
      if (matcher && matcher->is_complete()) stop.end_of_grammar();
      if (stop.finished()) break;
      cached_.push_back(tok.token);
      logits = speculative ? speculative->next(cached_, limit - stop.generated())
                           : impl.forward({tok.token}, static_cast<int64_t>(cached_.size()) - 1);
    }
    if (speculative) {
      speculative->finish(static_cast<int64_t>(cached_.size()));
      perf.drafts(speculative->drafted(), speculative->accepted());
    }
    std::string tail = stop.on_text(decoder.flush());  // nothing once a stop string matched
    tail += stop.flush();
    emit(tail, std::nullopt);
    if (reasoning) {
      ReasoningDelta d = reasoning->flush();
      seq.text += d.content;
      seq.reasoning += d.reasoning;
      if (on_event && !d.empty()) on_event(StreamEvent{index, d.content, d.reasoning, std::nullopt});
    }
    seq.finish_reason = stop.finish_reason();
    result.sequences.push_back(std::move(seq));
  }
  result.metrics = perf.finish(result.sequences.back().finish_reason);
  return result;
}

}  // namespace openarc::llm
