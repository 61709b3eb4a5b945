// The canonical stream: events shaped like Anthropic's SSE events. Dialect StreamDecoders turn provider
// chunks into these; StreamEncoders turn them into the caller's chunks. Invariants every decoder keeps
// (and every encoder may rely on): one MessageStart first; block indices 0,1,2… in start order, each
// started once, deltas only while open, stopped once; at most one block open at a time; MessageDelta
// (with stop reason and cumulative usage) then MessageStop last; or Error, after which nothing follows.
#pragma once

#include "schema/content.hpp"
#include "schema/error.hpp"
#include "schema/response.hpp"
#include "schema/usage.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace heimdall::schema {

enum class StreamEventType {
  MessageStart,
  BlockStart,
  BlockDelta,
  BlockStop,
  MessageDelta,
  MessageStop,
  Ping,
  Error,
};

enum class DeltaType { Text, InputJson, Thinking, Signature, Citation };

struct StreamEvent {
  StreamEventType type = StreamEventType::Ping;

  // MessageStart: message id and model; usage known so far (input tokens when the provider says).
  std::string id;
  std::string model;
  // MessageStart and MessageDelta: cumulative usage.
  Usage usage;

  // BlockStart / BlockDelta / BlockStop.
  size_t index = 0;
  // BlockStart: the block with empty text/input (tool_use carries id and name; redacted thinking and
  // opaque blocks arrive complete here).
  ContentBlock block;
  // BlockDelta: the kind and its payload (text, partial JSON, thinking text, signature, or a citation
  // serialised as JSON).
  DeltaType delta_type = DeltaType::Text;
  std::string delta;

  // MessageDelta.
  std::optional<StopReason> stop_reason;
  std::optional<std::string> stop_sequence;

  // Error.
  Error error;
};

}  // namespace heimdall::schema
