#include "schema/stream_replay.hpp"

#include <boost/json/serialize.hpp>

namespace heimdall::schema {

namespace {

StreamEvent event_of(StreamEventType type) {
  StreamEvent event;
  event.type = type;
  return event;
}

StreamEvent delta_of(size_t index, DeltaType type, std::string text) {
  StreamEvent event = event_of(StreamEventType::BlockDelta);
  event.index = index;
  event.delta_type = type;
  event.delta = std::move(text);
  return event;
}

}  // namespace

std::vector<StreamEvent> replay_as_stream(const CanonicalResponse& response) {
  std::vector<StreamEvent> events;
  StreamEvent start = event_of(StreamEventType::MessageStart);
  start.id = response.id;
  start.model = response.model;
  start.usage = response.usage;
  start.usage.output_tokens = 0;
  events.push_back(std::move(start));
  for (size_t index = 0; index < response.content.size(); ++index) {
    const auto& block = response.content[index];
    StreamEvent block_start = event_of(StreamEventType::BlockStart);
    block_start.index = index;
    block_start.block = block;
    switch (block.type) {
      case BlockType::Text:
        block_start.block.text.clear();
        events.push_back(std::move(block_start));
        if (!block.text.empty()) events.push_back(delta_of(index, DeltaType::Text, block.text));
        break;
      case BlockType::Thinking:
        block_start.block.text.clear();
        block_start.block.signature.clear();
        events.push_back(std::move(block_start));
        if (!block.text.empty()) events.push_back(delta_of(index, DeltaType::Thinking, block.text));
        if (!block.signature.empty()) {
          events.push_back(delta_of(index, DeltaType::Signature, block.signature));
        }
        break;
      case BlockType::ToolUse:
        block_start.block.input = "{}";
        events.push_back(std::move(block_start));
        events.push_back(delta_of(index, DeltaType::InputJson, block.input));
        break;
      default:
        // Redacted thinking and opaque blocks arrive complete in their start event.
        events.push_back(std::move(block_start));
        break;
    }
    StreamEvent stop = event_of(StreamEventType::BlockStop);
    stop.index = index;
    events.push_back(std::move(stop));
  }
  StreamEvent delta = event_of(StreamEventType::MessageDelta);
  delta.stop_reason = response.stop_reason.value_or(StopReason::EndTurn);
  delta.stop_sequence = response.stop_sequence;
  delta.usage = response.usage;
  events.push_back(std::move(delta));
  events.push_back(event_of(StreamEventType::MessageStop));
  return events;
}

}  // namespace heimdall::schema
