// OpenAI chat.completion.chunk streams ↔ canonical stream events. The decoder is the state machine
// of anthropic.md §6.3; the encoder writes the chunks the OpenAI SDKs parse (`data: {json}`, no
// `event:` lines, `data: [DONE]` last).
#include "dialects/json_string_decode.hpp"
#include "dialects/openai_chat_internal.hpp"
#include "dialects/openai_chat_plain_chunk.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace heimdall::dialects::openai_chat {

using schema::BlockType;
using schema::StreamEvent;
using schema::StreamEventType;

namespace {

// Tells when a tool call's streamed arguments form a complete JSON object, so the next parallel
// call can take over without risk of more fragments for this one (a complete object admits no
// more).
class JsonCompleteness {
 public:
  void feed(std::string_view s) {
    for (char c : s) {
      if (in_string_) {
        if (escape_) {
          escape_ = false;
        } else if (c == '\\') {
          escape_ = true;
        } else if (c == '"') {
          in_string_ = false;
        }
      } else if (c == '"') {
        in_string_ = true;
      } else if (c == '{' || c == '[') {
        ++depth_;
        opened_ = true;
      } else if (c == '}' || c == ']') {
        --depth_;
      }
    }
  }
  bool complete() const { return opened_ && depth_ <= 0 && !in_string_; }

 private:
  int depth_ = 0;
  bool opened_ = false;
  bool in_string_ = false;
  bool escape_ = false;
};

// Events are built in place at the end of `out`: a StreamEvent holds a whole ContentBlock, and
// moving one in cost about as much as the rest of a text delta's decoding.
class ChatStreamDecoder final : public StreamDecoder {
 public:
  explicit ChatStreamDecoder(const TranslationContext& ctx)
      : requested_model_(ctx.requested_model), restore_(ctx) {}

  // dialects::StreamDecoder
  void feed(const schema::SseEvent& event, std::vector<StreamEvent>& out) override;
  void finish(std::vector<StreamEvent>& out) override;
  bool done() const override { return done_; }

 private:
  enum class Open { None, Text, Thinking, Tool };
  enum class CallState { Pending, Open, Closed };
  struct ToolCall {
    int64_t upstream_index = 0;
    std::string id;
    std::string name;
    std::string args;  // buffered while Pending
    CallState state = CallState::Pending;
    JsonCompleteness completeness;
  };

  // `chunk`: the first chunk, or nullopt when the stream ended before any.
  void start(const Members* chunk, std::vector<StreamEvent>& out);
  void start_block(BlockType type, std::vector<StreamEvent>& out);
  void delta(schema::DeltaType type, std::string_view text, std::vector<StreamEvent>& out);
  void stop_block(std::vector<StreamEvent>& out);
  void close_open(std::vector<StreamEvent>& out);
  void text(BlockType type, std::string_view text, std::vector<StreamEvent>& out);
  void finish_reason(std::string_view reason, std::vector<StreamEvent>& out);
  // A chunk read by read_plain_chunk, as the full reading would have handled it.
  void feed_plain(const PlainChunk& chunk, std::vector<StreamEvent>& out);
  void tool_fragment(std::optional<int64_t> index, std::string_view id, std::string_view name,
                     std::string_view args, std::vector<StreamEvent>& out);
  void promote(size_t call, std::vector<StreamEvent>& out);
  void advance(std::vector<StreamEvent>& out);
  void finalize(std::vector<StreamEvent>& out);
  void fail(schema::Error error, std::vector<StreamEvent>& out);

  std::string requested_model_;
  TranslationContext restore_;  // only tool_name_restore is used
  bool started_ = false;
  bool done_ = false;
  Open open_ = Open::None;
  size_t next_index_ = 0;
  size_t current_call_ = 0;  // valid while open_ == Tool
  std::vector<ToolCall> calls_;
  bool finish_seen_ = false;
  bool refused_ = false;
  schema::StopReason stop_ = schema::StopReason::EndTurn;
  schema::Usage usage_;
  std::string decoded_;  // a plain chunk's string, decoded (kept: its buffer is reused)
};

void ChatStreamDecoder::start(const Members* chunk, std::vector<StreamEvent>& out) {
  started_ = true;
  StreamEvent& e = out.emplace_back();
  e.type = StreamEventType::MessageStart;
  e.id = message_id_from_openai(chunk ? get_string(*chunk, "id").value_or("") : "");
  e.model = !requested_model_.empty()
                ? requested_model_
                : std::string(chunk ? get_string(*chunk, "model").value_or("") : "");
}

void ChatStreamDecoder::start_block(BlockType type, std::vector<StreamEvent>& out) {
  StreamEvent& e = out.emplace_back();
  e.type = StreamEventType::BlockStart;
  e.index = next_index_++;
  e.block.type = type;
}

void ChatStreamDecoder::delta(schema::DeltaType type, std::string_view text,
                              std::vector<StreamEvent>& out) {
  StreamEvent& e = out.emplace_back();
  e.type = StreamEventType::BlockDelta;
  e.index = next_index_ - 1;  // the open block is always the last one started
  e.delta_type = type;
  e.delta = text;
}

void ChatStreamDecoder::stop_block(std::vector<StreamEvent>& out) {
  StreamEvent& e = out.emplace_back();
  e.type = StreamEventType::BlockStop;
  e.index = next_index_ - 1;
}

// Closes whatever is open. A tool block's close also flushes the parallel calls buffered behind it,
// each as one complete block, so no block is ever interleaved with another (§6.3 step 4).
void ChatStreamDecoder::close_open(std::vector<StreamEvent>& out) {
  if (open_ == Open::None) {
    return;
  }
  stop_block(out);
  if (open_ == Open::Tool) {
    calls_[current_call_].state = CallState::Closed;
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (calls_[i].state == CallState::Pending) {
        promote(i, out);
        stop_block(out);
        calls_[i].state = CallState::Closed;
      }
    }
  }
  open_ = Open::None;
}

// §6.3 steps 2 and 3: empty text never opens or closes anything (agentgateway#2147).
void ChatStreamDecoder::text(BlockType type, std::string_view text, std::vector<StreamEvent>& out) {
  if (text.empty()) {
    return;
  }
  Open wanted = type == BlockType::Thinking ? Open::Thinking : Open::Text;
  if (open_ != wanted) {
    close_open(out);
    start_block(type, out);
    open_ = wanted;
  }
  delta(type == BlockType::Thinking ? schema::DeltaType::Thinking : schema::DeltaType::Text, text,
        out);
}

// Starts call `i`'s block with everything buffered for it so far.
void ChatStreamDecoder::promote(size_t i, std::vector<StreamEvent>& out) {
  ToolCall& call = calls_[i];
  StreamEvent& e = out.emplace_back();
  e.type = StreamEventType::BlockStart;
  e.index = next_index_++;
  e.block.type = BlockType::ToolUse;
  e.block.id = call.id.empty() ? "call_" + std::to_string(call.upstream_index) : call.id;
  e.block.name = restore_tool_name(call.name, restore_);
  if (!call.args.empty()) {
    delta(schema::DeltaType::InputJson, call.args, out);
    call.args.clear();
  }
  call.state = CallState::Open;
  current_call_ = i;
  open_ = Open::Tool;
}

// While the current call's arguments are complete and another call waits, hand over to it.
void ChatStreamDecoder::advance(std::vector<StreamEvent>& out) {
  while (open_ == Open::Tool && calls_[current_call_].completeness.complete()) {
    size_t next = calls_.size();
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (calls_[i].state == CallState::Pending) {
        next = i;
        break;
      }
    }
    if (next == calls_.size()) {
      return;
    }
    stop_block(out);
    calls_[current_call_].state = CallState::Closed;
    promote(next, out);
  }
}

// §6.3 step 4.
void ChatStreamDecoder::tool_fragment(std::optional<int64_t> index, std::string_view id,
                                      std::string_view name, std::string_view args,
                                      std::vector<StreamEvent>& out) {
  if (!index) {
    // Some servers omit the index: a fragment with an id starts a new call, one without continues
    // the last.
    if (!id.empty() || calls_.empty()) {
      index = calls_.empty() ? 0 : calls_.back().upstream_index + 1;
    } else {
      index = calls_.back().upstream_index;
    }
  }
  size_t i = 0;
  while (i < calls_.size() && calls_[i].upstream_index != *index) {
    ++i;
  }
  if (i == calls_.size()) {
    ToolCall call;
    call.upstream_index = *index;
    call.id = std::string(id);
    call.name = std::string(name);
    call.args = std::string(args);
    call.completeness.feed(args);
    calls_.push_back(std::move(call));
    if (open_ != Open::Tool) {
      close_open(out);
      promote(i, out);
    }
    advance(out);
    return;
  }
  ToolCall& call = calls_[i];
  switch (call.state) {
    case CallState::Open:
      if (!args.empty()) {
        call.completeness.feed(args);
        delta(schema::DeltaType::InputJson, args, out);
      }
      break;
    case CallState::Pending:
      if (call.id.empty()) {
        call.id = std::string(id);
      }
      if (call.name.empty()) {
        call.name = std::string(name);
      }
      call.args.append(args);
      call.completeness.feed(args);
      break;
    case CallState::Closed:
      break;  // after a complete object only whitespace can follow
  }
  advance(out);
}

void ChatStreamDecoder::finalize(std::vector<StreamEvent>& out) {
  close_open(out);
  StreamEvent& e = out.emplace_back();
  e.type = StreamEventType::MessageDelta;
  if (refused_) {
    e.stop_reason = schema::StopReason::Refusal;
  } else if (finish_seen_) {
    e.stop_reason = stop_;
  } else {
    e.stop_reason = calls_.empty() ? schema::StopReason::EndTurn : schema::StopReason::ToolUse;
  }
  e.usage = usage_;
  out.emplace_back().type = StreamEventType::MessageStop;
  done_ = true;
}

void ChatStreamDecoder::fail(schema::Error error, std::vector<StreamEvent>& out) {
  StreamEvent& e = out.emplace_back();
  e.type = StreamEventType::Error;
  e.error = std::move(error);
  done_ = true;
}

void ChatStreamDecoder::feed(const schema::SseEvent& event, std::vector<StreamEvent>& out) {
  if (done_) {
    return;
  }
  std::string_view data = event.data;
  while (!data.empty() && (data.front() == ' ' || data.front() == '\n' || data.front() == '\r')) {
    data.remove_prefix(1);
  }
  while (!data.empty() && (data.back() == ' ' || data.back() == '\n' || data.back() == '\r')) {
    data.remove_suffix(1);
  }
  if (data.empty()) {
    return;
  }
  if (data == "[DONE]") {
    // §6.3 step 6: [DONE] ends the stream whether or not a usage chunk came.
    if (!started_) {
      start(nullptr, out);
    }
    finalize(out);
    return;
  }
  if (PlainChunk plain; started_ && read_plain_chunk(data, plain)) {
    feed_plain(plain, out);
    return;
  }

  // Boost.JSON's default nesting limit, which this decoder had before it parsed with simdjson.
  constexpr size_t kMaxDepth = 32;
  const JsonDocument doc(data, kMaxDepth);
  simdjson::dom::object chunk_object;
  if (!doc.root() || doc.root()->get_object().get(chunk_object) != simdjson::SUCCESS) {
    fail(
        schema::Error::make(schema::ErrorCode::BadGateway, "upstream sent an invalid stream chunk"),
        out);
    return;
  }
  const Members chunk(chunk_object);
  if (const auto err = find(chunk, "error"); err && !err->is_null()) {
    // §6.3 step 8. The status is not known mid-stream; the error's own type decides the code.
    fail(decode_error(0, data), out);
    return;
  }
  if (!started_) {
    start(&chunk, out);
  }

  if (const auto choices = get_array(chunk, "choices")) {
    for (const simdjson::dom::element choice_value : *choices) {
      simdjson::dom::object choice_object;
      if (choice_value.get_object().get(choice_object) != simdjson::SUCCESS) {
        continue;
      }
      const Members choice(choice_object);
      if (get_uint(choice, "index").value_or(0) != 0) {
        continue;  // n > 1: only the first choice has a canonical form
      }
      if (const auto delta_object = get_object(choice, "delta")) {
        const Members d(*delta_object);
        for (std::string_view key : {"reasoning_content", "reasoning"}) {
          if (auto reasoning = get_string(d, key)) {
            text(BlockType::Thinking, *reasoning, out);
            break;
          }
        }
        if (auto content = get_string(d, "content")) {
          text(BlockType::Text, *content, out);
        }
        if (auto refusal = get_string(d, "refusal"); refusal && !refusal->empty()) {
          refused_ = true;
          text(BlockType::Text, *refusal, out);
        }
        if (const auto calls = get_array(d, "tool_calls")) {
          for (const simdjson::dom::element call_value : *calls) {
            simdjson::dom::object call_object;
            if (call_value.get_object().get(call_object) != simdjson::SUCCESS) {
              continue;
            }
            const Members call(call_object);
            const auto fn_object = get_object(call, "function");
            const std::optional<Members> fn =
                fn_object ? std::optional<Members>(std::in_place, *fn_object) : std::nullopt;
            std::optional<int64_t> index;
            if (auto n = get_uint(call, "index")) {
              index = static_cast<int64_t>(*n);
            }
            tool_fragment(index, get_string(call, "id").value_or(""),
                          fn ? get_string(*fn, "name").value_or("") : "",
                          fn ? get_string(*fn, "arguments").value_or("") : "", out);
          }
        } else if (const auto fc = get_object(d, "function_call")) {
          // Legacy function calling: one call, streamed like tool call 0.
          tool_fragment(0, "", get_string(*fc, "name").value_or(""),
                        get_string(*fc, "arguments").value_or(""), out);
        }
      }
      if (auto finish = get_string(choice, "finish_reason")) {
        finish_reason(*finish, out);
      }
    }
  }

  if (const auto usage = get_object(chunk, "usage")) {
    usage_ = usage_from_openai(*usage);
    if (finish_seen_) {
      finalize(out);
    }
  }
}

void ChatStreamDecoder::finish_reason(std::string_view reason, std::vector<StreamEvent>& out) {
  // §6.3 step 5: close now, but hold message_delta for the usage chunk.
  close_open(out);
  finish_seen_ = true;
  stop_ = stop_reason_from_finish(reason, !calls_.empty());
}

void ChatStreamDecoder::feed_plain(const PlainChunk& chunk, std::vector<StreamEvent>& out) {
  if (chunk.content) {
    decoded_.clear();
    append_decoded_json_string(decoded_, *chunk.content);
    text(BlockType::Text, decoded_, out);
  }
  if (chunk.finish_reason) {
    decoded_.clear();
    append_decoded_json_string(decoded_, *chunk.finish_reason);
    finish_reason(decoded_, out);
  }
}

void ChatStreamDecoder::finish(std::vector<StreamEvent>& out) {
  if (done_) {
    return;
  }
  if (finish_seen_) {
    // Some servers close after the finish chunk without [DONE]: the answer is complete.
    finalize(out);
    return;
  }
  // §6.3 step 7: never a fake end_turn for a truncated answer.
  fail(
      schema::Error::make(schema::ErrorCode::BadGateway, "upstream stream ended before completion"),
      out);
}

// --- encoder -----------------------------------------------------------------------------------

class ChatStreamEncoder final : public StreamEncoder {
 public:
  explicit ChatStreamEncoder(const StreamEncoderOptions& options) : options_(options) {}

  // dialects::StreamEncoder
  void encode(const StreamEvent& event, std::string& out) override;

 private:
  void begin(const StreamEvent& event);
  // Appends `data: <prefix>"choices":[{…"delta":<delta>…}]}\n\n`. Chunks are written straight
  // into `out`: open_chunk, the delta, close_chunk.
  void chunk(std::string& out, std::string_view delta, std::string_view finish_reason = {});
  void open_chunk(std::string& out) const { out.append(head_); }
  static void close_chunk(std::string& out, std::string_view finish_reason);
  void string_delta(std::string& out, std::string_view field, std::string_view value);

  StreamEncoderOptions options_;
  // `data: {"id":"…","object":"chat.completion.chunk","created":N,"model":"…",` then
  // `"choices":[{"index":0,"delta":`, from choices_at_ on: the same in every chunk.
  std::string head_;
  size_t choices_at_ = 0;
  bool done_ = false;
  size_t tool_calls_ = 0;
  schema::Usage usage_;
};

void ChatStreamEncoder::begin(const StreamEvent& event) {
  int64_t created = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  head_.assign("data: {\"id\":");
  append_json_string(head_, openai_id_from_message(event.id));
  head_.append(",\"object\":\"chat.completion.chunk\",\"created\":");
  head_.append(std::to_string(created));
  head_.append(",\"model\":");
  append_json_string(head_, options_.model.empty() ? event.model : options_.model);
  head_.push_back(',');
  choices_at_ = head_.size();
  head_.append("\"choices\":[{\"index\":0,\"delta\":");
  usage_ = event.usage;
}

void ChatStreamEncoder::chunk(std::string& out, std::string_view delta,
                              std::string_view finish_reason) {
  open_chunk(out);
  out.append(delta);
  close_chunk(out, finish_reason);
}

void ChatStreamEncoder::close_chunk(std::string& out, std::string_view finish_reason) {
  if (finish_reason.empty()) {
    out.append(",\"logprobs\":null,\"finish_reason\":null}]}\n\n");
    return;
  }
  out.append(",\"logprobs\":null,\"finish_reason\":");
  append_json_string(out, finish_reason);
  out.append("}]}\n\n");
}

void ChatStreamEncoder::string_delta(std::string& out, std::string_view field,
                                     std::string_view value) {
  open_chunk(out);
  out.push_back('{');
  append_json_string(out, field);
  out.push_back(':');
  append_json_string(out, value);
  out.push_back('}');
  close_chunk(out, {});
}

void ChatStreamEncoder::encode(const StreamEvent& event, std::string& out) {
  if (done_) {
    return;
  }
  if (head_.empty() && event.type != StreamEventType::MessageStart &&
      event.type != StreamEventType::Error) {
    begin(StreamEvent{});  // a stream without message_start still gets well-formed chunks
  }
  switch (event.type) {
    case StreamEventType::MessageStart:
      begin(event);
      chunk(out, R"({"role":"assistant","content":""})");
      break;
    case StreamEventType::BlockStart:
      if (event.block.type == BlockType::ToolUse) {
        open_chunk(out);
        out.append(R"({"tool_calls":[{"index":)");
        out.append(std::to_string(tool_calls_++));
        out.append(",\"id\":");
        append_json_string(out, event.block.id);
        out.append(R"(,"type":"function","function":{"name":)");
        append_json_string(out, event.block.name);
        out.append(R"(,"arguments":""}}]})");
        close_chunk(out, {});
      }
      break;
    case StreamEventType::BlockDelta:
      if (event.delta.empty()) {
        break;
      }
      switch (event.delta_type) {
        case schema::DeltaType::Text:
          string_delta(out, "content", event.delta);
          break;
        case schema::DeltaType::Thinking:
          string_delta(out, "reasoning_content", event.delta);
          break;
        case schema::DeltaType::InputJson:
          open_chunk(out);
          out.append(R"({"tool_calls":[{"index":)");
          out.append(std::to_string(tool_calls_ == 0 ? 0 : tool_calls_ - 1));
          out.append(R"(,"function":{"arguments":)");
          append_json_string(out, event.delta);
          out.append("}}]}");
          close_chunk(out, {});
          break;
        case schema::DeltaType::Signature:
        case schema::DeltaType::Citation:
          break;  // no OpenAI form
      }
      break;
    case StreamEventType::MessageDelta: {
      // Cumulative usage; fields the delta leaves at 0 keep what message_start said (Anthropic
      // sends input tokens at the start and output tokens at the end).
      const schema::Usage& u = event.usage;
      if (u.input_tokens != 0) {
        usage_.input_tokens = u.input_tokens;
      }
      if (u.cache_read_input_tokens != 0) {
        usage_.cache_read_input_tokens = u.cache_read_input_tokens;
      }
      if (u.cache_creation_input_tokens != 0) {
        usage_.cache_creation_input_tokens = u.cache_creation_input_tokens;
      }
      usage_.output_tokens = u.output_tokens;
      if (u.reasoning_tokens) {
        usage_.reasoning_tokens = u.reasoning_tokens;
      }
      chunk(out, "{}", finish_reason_from_stop(event.stop_reason));
      break;
    }
    case StreamEventType::MessageStop:
      if (options_.include_usage) {
        out.append(head_, 0, choices_at_).append("\"choices\":[],\"usage\":");
        JsonWriter w(out);
        write_usage(w, usage_);
        out.append("}\n\n");
      }
      out.append("data: [DONE]\n\n");
      done_ = true;
      break;
    case StreamEventType::Error:
      out.append(encode_stream_error(event.error));
      done_ = true;  // the engine closes the stream; nothing may follow
      break;
    case StreamEventType::BlockStop:
    case StreamEventType::Ping:
      break;
  }
}

}  // namespace

std::unique_ptr<StreamDecoder> make_stream_decoder(const TranslationContext& ctx) {
  return std::make_unique<ChatStreamDecoder>(ctx);
}

std::unique_ptr<StreamEncoder> make_stream_encoder(const StreamEncoderOptions& options) {
  return std::make_unique<ChatStreamEncoder>(options);
}

}  // namespace heimdall::dialects::openai_chat
