#include "bench_data.hpp"

#include "http/sse_parser.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace heimdall::bench {

namespace {

namespace json = boost::json;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "heimdall_codec_bench: cannot read %s\n", path.c_str());
    std::abort();
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Repeats messages[first, last) until the body reaches `target` bytes, then puts the last message
// back. The spans chosen by load() start with a user turn and end with an assistant turn, so the
// conversation still alternates.
std::string grow(const std::string& body, size_t first, size_t target) {
  json::value root = json::parse(body);
  json::array& messages = root.at("messages").as_array();
  const json::array turns(messages.begin() + static_cast<std::ptrdiff_t>(first),
                          messages.end() - 1);
  const json::value last = messages.back();
  messages.erase(messages.end() - 1);
  while (json::serialize(root).size() < target) {
    for (const auto& t : turns) {
      messages.push_back(t);
    }
  }
  messages.push_back(last);
  return json::serialize(root);
}

// Pieces of a realistic answer: text with unicode and characters that need escaping.
std::vector<std::string> text_pieces() {
  const char* words[] = {
      "The",   " accept", " loop",    " is",       " in",      " `src/",  "http/",     "server",
      ".cpp`", ":",       " one",     " acceptor", " per",     " worker", " (",        "SO_",
      "REUSE", "PORT",    ").",       "\n\n",      "Keep",     "-alive",  " is",       " dropped",
      " when", " `keep",  "_alive()", "`",         " returns", " false",  " —",        " müssen",
      " wir",  " sehen",  ": \"",     "quoted",    "\"",       " and",    " a",        " tab\t",
      "here",  ".",       " Let",     " me",       " read",    " the",    " acceptor", "."};
  return {std::begin(words), std::end(words)};
}

const std::vector<std::string> kArgPieces = {R"({"pa)",     R"(th":)",  R"( "src/)",  R"(http/ac)",
                                             R"(ceptor.c)", R"(pp", )", R"("limit")", R"(: 80})"};

std::string json_string(std::string_view s) {
  return json::serialize(json::value(json::string(s)));
}

std::string anthropic_stream() {
  std::string out;
  auto frame = [&](std::string_view event, const std::string& data) {
    out.append("event: ").append(event).append("\ndata: ").append(data).append("\n\n");
  };
  frame(
      "message_start",
      R"({"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":812,"cache_creation_input_tokens":0,"cache_read_input_tokens":256,"output_tokens":1}}})");
  frame("content_block_start",
        R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})");
  frame("ping", R"({"type": "ping"})");
  for (const auto& p : text_pieces()) {
    frame("content_block_delta",
          R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":)" +
              json_string(p) + "}}");
  }
  frame("content_block_stop", R"({"type":"content_block_stop","index":0})");
  frame(
      "content_block_start",
      R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"read_file","input":{}}})");
  for (const auto& p : kArgPieces) {
    frame(
        "content_block_delta",
        R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":)" +
            json_string(p) + "}}");
  }
  frame("content_block_stop", R"({"type":"content_block_stop","index":1})");
  frame(
      "message_delta",
      R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":96}})");
  frame("message_stop", R"({"type":"message_stop"})");
  return out;
}

std::string openai_stream() {
  std::string out;
  const std::string head =
      R"({"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_06737a9306","choices":[)";
  auto frame = [&](const std::string& data) { out.append("data: ").append(data).append("\n\n"); };
  frame(
      head +
      R"({"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null})");
  for (const auto& p : text_pieces()) {
    frame(head + R"({"index":0,"delta":{"content":)" + json_string(p) +
          R"(},"logprobs":null,"finish_reason":null}],"usage":null})");
  }
  frame(
      head +
      R"({"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_Xp4mGk2w8sQ1nV7bR3tY9LzA","type":"function","function":{"name":"read_file","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null})");
  for (const auto& p : kArgPieces) {
    frame(head + R"({"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":)" +
          json_string(p) + R"(}}]},"logprobs":null,"finish_reason":null}],"usage":null})");
  }
  frame(head +
        R"({"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null})");
  frame(
      R"({"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_06737a9306","choices":[],"usage":{"prompt_tokens":1068,"completion_tokens":96,"total_tokens":1164,"prompt_tokens_details":{"cached_tokens":256,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}})");
  frame("[DONE]");
  return out;
}

Bodies load() {
  Bodies b;
  b.anthropic_2k = read_file(HEIMDALL_BENCH_DATA_DIR "/anthropic_2k.json");
  b.openai_2k = read_file(HEIMDALL_BENCH_DATA_DIR "/openai_2k.json");
  // Anthropic repeats user…assistant pairs; OpenAI keeps its system message in front.
  b.anthropic_50k = grow(b.anthropic_2k, 0, 50 * 1024);
  b.openai_50k = grow(b.openai_2k, 1, 50 * 1024);
  b.anthropic_response = read_file(HEIMDALL_MICRO_DATA_DIR "/anthropic_response.json");
  b.openai_response = read_file(HEIMDALL_MICRO_DATA_DIR "/openai_response.json");
  b.anthropic_stream = anthropic_stream();
  b.openai_stream = openai_stream();
  return b;
}

}  // namespace

const Bodies& bodies() {
  static const Bodies b = load();
  return b;
}

std::vector<schema::SseEvent> parse_events(const std::string& sse) {
  http::SseParser parser;
  std::vector<schema::SseEvent> events;
  parser.feed(sse, events);
  parser.finish(events);
  return events;
}

}  // namespace heimdall::bench
