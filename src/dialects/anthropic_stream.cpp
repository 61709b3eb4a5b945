// Anthropic SSE (anthropic.md §4) ↔ canonical stream events. The canonical stream is shaped after
// Anthropic's, so both directions are close to 1:1; the work is in the rules of §4.2/§4.3 that SDKs
// depend on (event names, index order, usage in every message_delta, nothing after an error).
#include "dialects/anthropic_content.hpp"
#include "dialects/anthropic_internal.hpp"
#include "dialects/anthropic_json.hpp"
#include "dialects/anthropic_plain_event.hpp"
#include "dialects/json_string_decode.hpp"
#include "schema/sse_event.hpp"

#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace heimdall::dialects::anthropic_detail {

using schema::BlockType;
using schema::DeltaType;
using schema::Error;
using schema::SseEvent;
using schema::StreamEvent;
using schema::StreamEventType;

namespace {

StreamEvent error_event(Error error) {
  StreamEvent ev;
  ev.type = StreamEventType::Error;
  ev.error = std::move(error);
  return ev;
}

Error bad_stream(std::string message) {
  Error e = Error::make(schema::ErrorCode::BadGateway, std::move(message));
  e.upstream_type = "api_error";
  return e;
}

// The canonical event an upstream event's name stands for (Ping aside, which carries no data),
// told apart once per event: comparing the name with each known one, once to filter and once to
// dispatch, was a good part of a text delta's decoding. nullopt for a name this codec does not
// know.
std::optional<StreamEventType> event_kind(std::string_view name) {
  // The most frequent first.
  static constexpr std::pair<std::string_view, StreamEventType> kNames[] = {
      {"content_block_delta", StreamEventType::BlockDelta},
      {"content_block_start", StreamEventType::BlockStart},
      {"content_block_stop", StreamEventType::BlockStop},
      {"message_start", StreamEventType::MessageStart},
      {"message_delta", StreamEventType::MessageDelta},
      {"message_stop", StreamEventType::MessageStop},
      {"error", StreamEventType::Error}};
  for (const auto& [known, kind] : kNames) {
    if (name == known) {
      return kind;
    }
  }
  return std::nullopt;
}

class AnthropicStreamDecoder final : public StreamDecoder {
 public:
  explicit AnthropicStreamDecoder(const TranslationContext& ctx)
      : requested_model_(ctx.requested_model), tool_name_restore_(ctx.tool_name_restore) {}

  // dialects::StreamDecoder
  void feed(const SseEvent& event, std::vector<StreamEvent>& out) override;
  void finish(std::vector<StreamEvent>& out) override {
    if (!done_) {
      // §6.3 rule 7: a stream that stops without message_stop is an error, not a fake end_turn.
      out.push_back(error_event(bad_stream("upstream stream ended before completion")));
      done_ = true;
    }
  }
  bool done() const override { return done_; }

 private:
  void fail(std::vector<StreamEvent>& out, std::string message) {
    out.push_back(error_event(bad_stream(std::move(message))));
    done_ = true;
  }
  void on_event(StreamEventType kind, const Members& o, std::vector<StreamEvent>& out);

  std::string requested_model_;  // echoed instead of the upstream's model when set
  std::unordered_map<std::string, std::string> tool_name_restore_;
  schema::Usage usage_;  // cumulative: message_start's counters, overwritten by message_delta's
  bool done_ = false;
};

void AnthropicStreamDecoder::feed(const SseEvent& event, std::vector<StreamEvent>& out) {
  if (done_) {
    return;
  }
  std::string_view name = event.event;
  if (name == "ping") {
    out.emplace_back().type = StreamEventType::Ping;
    return;
  }
  // §4.1: new event types may appear; unknown ones are skipped without parsing their data.
  std::optional<StreamEventType> kind = event_kind(name);
  if (!name.empty() && !kind) {
    return;
  }
  if (PlainDelta plain;
      kind == StreamEventType::BlockDelta && read_plain_delta(event.data, plain)) {
    StreamEvent& ev = out.emplace_back();
    ev.type = StreamEventType::BlockDelta;
    ev.index = plain.index;
    ev.delta_type = plain.type;
    append_decoded_json_string(ev.delta, plain.text);
    return;
  }
  const JsonDocument doc(event.data, kMaxJsonDepth);
  simdjson::dom::object object;
  if (!doc.root() || doc.root()->get_object().get(object) != simdjson::SUCCESS) {
    fail(out, "invalid JSON in upstream stream event");
    return;
  }
  const Members o(object);
  if (name.empty()) {
    // Some proxies drop `event:` lines; the JSON type says the same thing.
    if (auto t = get_string(o, "type")) {
      name = *t;
    }
    if (name == "ping") {
      out.emplace_back().type = StreamEventType::Ping;
      return;
    }
    kind = event_kind(name);
    if (!kind) {
      return;
    }
  }
  on_event(*kind, o, out);
}

void AnthropicStreamDecoder::on_event(StreamEventType kind, const Members& o,
                                      std::vector<StreamEvent>& out) {
  // Built in place: a StreamEvent holds a whole ContentBlock, and moving one into `out` cost about
  // as much as the rest of a text delta's decoding. An event that fails or is skipped is dropped.
  StreamEvent& ev = out.emplace_back();
  auto fail_event = [&](std::string message) {
    out.pop_back();
    fail(out, std::move(message));
  };
  auto read_index = [&]() -> bool {
    const auto i = find(o, "index");
    const auto n = i ? as_uint(*i) : std::nullopt;
    if (!n) {
      fail_event("upstream stream event without index");
      return false;
    }
    ev.index = static_cast<size_t>(*n);
    return true;
  };

  if (kind == StreamEventType::MessageStart) {
    ev.type = StreamEventType::MessageStart;
    if (const auto mo = get_object(o, "message")) {
      if (auto id = get_string(*mo, "id")) {
        ev.id = *id;
      }
      if (auto model = get_string(*mo, "model")) {
        ev.model = *model;
      }
      if (const auto u = find(*mo, "usage")) {
        read_usage_into(*u, usage_);
      }
    }
    if (!requested_model_.empty()) {
      ev.model = requested_model_;
    }
    ev.usage = usage_;
  } else if (kind == StreamEventType::BlockStart) {
    ev.type = StreamEventType::BlockStart;
    if (!read_index()) {
      return;
    }
    const auto cb = find(o, "content_block");
    if (!cb) {
      fail_event("content_block_start without content_block");
      return;
    }
    if (auto err = decode_block(*cb, Path{nullptr, "content_block", 0}, ev.block)) {
      fail_event("invalid upstream content block: " + err->message);
      return;
    }
    if (ev.block.type == BlockType::ToolUse) {
      if (auto it = tool_name_restore_.find(ev.block.name); it != tool_name_restore_.end()) {
        ev.block.name = it->second;
      }
    }
  } else if (kind == StreamEventType::BlockDelta) {
    ev.type = StreamEventType::BlockDelta;
    if (!read_index()) {
      return;
    }
    const auto dobj = get_object(o, "delta");
    // Read once: the delta's type and then its payload are looked up in it.
    const std::optional<Members> d =
        dobj ? std::optional<Members>(std::in_place, *dobj) : std::nullopt;
    const auto t = d ? get_string(*d, "type") : std::nullopt;
    if (!t) {
      fail_event("content_block_delta without delta type");
      return;
    }
    const std::string_view type = *t;
    auto take = [&](std::string_view key, DeltaType dt) -> bool {
      const auto s = get_string(*d, key);
      if (!s) {
        return false;
      }
      ev.delta_type = dt;
      ev.delta = *s;
      return true;
    };
    bool ok = false;
    if (type == "text_delta") {
      ok = take("text", DeltaType::Text);
    } else if (type == "input_json_delta") {
      ok = take("partial_json", DeltaType::InputJson);
    } else if (type == "thinking_delta") {
      ok = take("thinking", DeltaType::Thinking);
    } else if (type == "signature_delta") {
      ok = take("signature", DeltaType::Signature);
    } else if (type == "citations_delta") {
      if (const auto c = find(*d, "citation"); c && c->is_object()) {
        ev.delta_type = DeltaType::Citation;
        append_json_element(ev.delta, *c);
        ok = true;
      }
    } else {
      out.pop_back();  // a delta kind newer than this codec: skipped like an unknown event
      return;
    }
    if (!ok) {
      fail_event("malformed upstream " + std::string(type));
      return;
    }
  } else if (kind == StreamEventType::BlockStop) {
    ev.type = StreamEventType::BlockStop;
    if (!read_index()) {
      return;
    }
  } else if (kind == StreamEventType::MessageDelta) {
    ev.type = StreamEventType::MessageDelta;
    if (const auto dobj = get_object(o, "delta")) {
      if (auto sr = get_string(*dobj, "stop_reason")) {
        ev.stop_reason = parse_stop_reason(*sr);
      }
      if (auto ss = get_string(*dobj, "stop_sequence")) {
        ev.stop_sequence = std::string(*ss);
      }
    }
    if (const auto u = find(o, "usage")) {
      read_usage_into(*u, usage_);
    }
    ev.usage = usage_;
  } else if (kind == StreamEventType::MessageStop) {
    ev.type = StreamEventType::MessageStop;
    done_ = true;
  } else {  // "error"
    std::string_view type = "api_error", message = "upstream stream error";
    if (const auto eo = get_object(o, "error")) {
      if (auto t = get_string(*eo, "type")) {
        type = *t;
      }
      if (auto m = get_string(*eo, "message")) {
        message = *m;
      }
    }
    ev = error_event(error_from_type(type, message));
    done_ = true;
  }
}

// --- encoder ---

class AnthropicStreamEncoder final : public StreamEncoder {
 public:
  explicit AnthropicStreamEncoder(const StreamEncoderOptions& options) : model_(options.model) {}

  // dialects::StreamEncoder
  void encode(const StreamEvent& event, std::string& out) override;

 private:
  // Frames are written straight into `out`, as schema::append_sse_frame writes them: the head
  // ("event: <name>\ndata: "), the JSON, then end_frame. Building the JSON apart and copying it
  // cost a tenth of a text delta.
  template <size_t N>
  static void begin_frame(std::string& out, const char (&name)[N]) {
    constexpr std::string_view kEvent = "event: ", kData = "\ndata: ";
    char head[kEvent.size() + N - 1 + kData.size()];  // one append, not three
    std::memcpy(head, kEvent.data(), kEvent.size());
    std::memcpy(head + kEvent.size(), name, N - 1);
    std::memcpy(head + kEvent.size() + N - 1, kData.data(), kData.size());
    out.append(head, sizeof head);
  }
  static void end_frame(std::string& out) { out.append("\n\n"); }
  void block_start(const schema::ContentBlock& block, size_t source_index, std::string& out);
  void delta(std::string_view type, std::string_view key, std::string_view text, std::string& out);
  void close_open_block(std::string& out);

  std::string model_;
  bool open_ = false;       // a block is open and being written
  bool skipping_ = false;   // a block is open that this dialect cannot show (e.g. an image)
  size_t open_source_ = 0;  // its canonical index
  size_t open_index_ = 0;   // its index on the wire (dropped blocks leave no gap, §4.2)
  size_t next_index_ = 0;
  std::string pending_signature_;  // a signature that came with the block start, sent before stop
  bool done_ = false;
};

bool stream_encodable(const schema::ContentBlock& b) {
  switch (b.type) {
    case BlockType::Text:
    case BlockType::Thinking:
    case BlockType::ToolUse:
    case BlockType::RedactedThinking:
      return true;
    case BlockType::Opaque:
      return is_encodable(b, BlockShape::Response);
    default:
      return false;
  }
}

void AnthropicStreamEncoder::delta(std::string_view type, std::string_view key,
                                   std::string_view text, std::string& out) {
  begin_frame(out, "content_block_delta");
  JsonWriter w(out);
  w.begin_object();
  w.field("type", "content_block_delta");
  w.field_uint("index", open_index_);
  w.key("delta");
  w.begin_object();
  w.field("type", type);
  if (key == "citation") {
    w.key(key);
    w.raw_json(text);
  } else {
    w.field(key, text);
  }
  w.end_object();
  w.end_object();
  end_frame(out);
}

void AnthropicStreamEncoder::close_open_block(std::string& out) {
  if (!open_) {
    return;
  }
  open_ = false;
  if (skipping_) {
    skipping_ = false;
    return;
  }
  if (!pending_signature_.empty()) {
    delta("signature_delta", "signature", pending_signature_, out);
    pending_signature_.clear();
  }
  begin_frame(out, "content_block_stop");
  JsonWriter w(out);
  w.begin_object();
  w.field("type", "content_block_stop");
  w.field_uint("index", open_index_);
  w.end_object();
  end_frame(out);
}

void AnthropicStreamEncoder::block_start(const schema::ContentBlock& b, size_t source_index,
                                         std::string& out) {
  close_open_block(out);  // the canonical invariant says it is closed; a lenient decoder may not
  open_ = true;
  open_source_ = source_index;
  if (!stream_encodable(b)) {
    skipping_ = true;
    return;
  }
  open_index_ = next_index_++;
  begin_frame(out, "content_block_start");
  JsonWriter w(out);
  w.begin_object();
  w.field("type", "content_block_start");
  w.field_uint("index", open_index_);
  w.key("content_block");
  // Blocks start empty and fill through deltas (§4.1); content that a decoder put in the start
  // event is sent as a first delta so the SDK's accumulator sees it.
  switch (b.type) {
    case BlockType::Text:
      w.raw_json(R"({"type":"text","text":""})");
      break;
    case BlockType::Thinking:
      w.raw_json(R"({"type":"thinking","thinking":"","signature":""})");
      pending_signature_ = b.signature;
      break;
    case BlockType::ToolUse:
      w.begin_object();
      w.field("type", "tool_use");
      write_tool_id(w, "id", b.id, BlockShape::Response);
      w.field("name", b.name);
      w.key("input");
      w.raw_json("{}");
      w.end_object();
      break;
    default:
      // redacted_thinking and server-tool results arrive complete (§4.1).
      encode_block(w, b, BlockShape::Response);
      break;
  }
  w.end_object();
  end_frame(out);

  if (b.type == BlockType::Text && !b.text.empty()) {
    delta("text_delta", "text", b.text, out);
  } else if (b.type == BlockType::Thinking && !b.text.empty()) {
    delta("thinking_delta", "thinking", b.text, out);
  } else if (b.type == BlockType::ToolUse) {
    if (b.input != "{}") {
      delta("input_json_delta", "partial_json", b.input, out);
    }
  }
}

void AnthropicStreamEncoder::encode(const StreamEvent& event, std::string& out) {
  if (done_) {
    return;  // §4.3 rule 8: nothing after message_stop or error
  }
  switch (event.type) {
    case StreamEventType::MessageStart: {
      begin_frame(out, "message_start");
      JsonWriter w(out);
      w.begin_object();
      w.field("type", "message_start");
      w.key("message");
      w.begin_object();
      w.field("id", message_id(event.id));
      w.field("type", "message");
      w.field("role", "assistant");
      w.field("model", model_.empty() ? std::string_view{event.model} : std::string_view{model_});
      w.key("content");
      w.raw_json("[]");
      w.key("stop_reason");
      w.null();
      w.key("stop_sequence");
      w.null();
      write_usage(w, event.usage);
      w.end_object();
      w.end_object();
      end_frame(out);
      break;
    }
    case StreamEventType::BlockStart:
      block_start(event.block, event.index, out);
      break;
    case StreamEventType::BlockDelta:
      if (!open_ || skipping_ || event.index != open_source_) {
        break;
      }
      switch (event.delta_type) {
        case schema::DeltaType::Text:
          delta("text_delta", "text", event.delta, out);
          break;
        case schema::DeltaType::InputJson:
          delta("input_json_delta", "partial_json", event.delta, out);
          break;
        case schema::DeltaType::Thinking:
          delta("thinking_delta", "thinking", event.delta, out);
          break;
        case schema::DeltaType::Signature:
          pending_signature_.clear();  // the streamed one wins over one from the block start
          delta("signature_delta", "signature", event.delta, out);
          break;
        case schema::DeltaType::Citation:
          if (!event.delta.empty()) {
            delta("citations_delta", "citation", event.delta, out);
          }
          break;
      }
      break;
    case StreamEventType::BlockStop:
      if (open_ && event.index == open_source_) {
        close_open_block(out);
      }
      break;
    case StreamEventType::MessageDelta: {
      close_open_block(out);
      begin_frame(out, "message_delta");
      JsonWriter w(out);
      w.begin_object();
      w.field("type", "message_delta");
      w.key("delta");
      w.begin_object();
      // §8.6 #67: the final message_delta always names a stop reason.
      w.field("stop_reason",
              stop_reason_name(event.stop_reason.value_or(schema::StopReason::EndTurn)));
      w.key("stop_sequence");
      if (event.stop_sequence) {
        w.string(*event.stop_sequence);
      } else {
        w.null();
      }
      w.end_object();
      // §4.2: the TS accumulator reads usage.output_tokens unconditionally; the other counters
      // overwrite when present, which lets a translated stream report input tokens only known now.
      const schema::Usage& u = event.usage;
      w.key("usage");
      w.begin_object();
      if (u.input_tokens != 0) {
        w.field_uint("input_tokens", u.input_tokens);
      }
      if (u.cache_creation_input_tokens != 0) {
        w.field_uint("cache_creation_input_tokens", u.cache_creation_input_tokens);
      }
      if (u.cache_read_input_tokens != 0) {
        w.field_uint("cache_read_input_tokens", u.cache_read_input_tokens);
      }
      w.field_uint("output_tokens", u.output_tokens);
      w.end_object();
      w.end_object();
      end_frame(out);
      break;
    }
    case StreamEventType::MessageStop:
      close_open_block(out);
      schema::append_sse_frame(out, "message_stop", R"({"type":"message_stop"})");
      done_ = true;
      break;
    case StreamEventType::Ping:
      schema::append_sse_frame(out, "ping", R"({"type":"ping"})");
      break;
    case StreamEventType::Error: {
      begin_frame(out, "error");
      JsonWriter w(out);
      write_error_head(w, event.error);
      w.end_object();
      end_frame(out);
      done_ = true;
      break;
    }
  }
}

}  // namespace

std::unique_ptr<StreamDecoder> make_stream_decoder(const TranslationContext& ctx) {
  return std::make_unique<AnthropicStreamDecoder>(ctx);
}

std::unique_ptr<StreamEncoder> make_stream_encoder(const StreamEncoderOptions& options) {
  return std::make_unique<AnthropicStreamEncoder>(options);
}

}  // namespace heimdall::dialects::anthropic_detail
