// Content blocks of the canonical model: the superset of what the dialects carry, shaped after
// Anthropic's typed blocks because they lose the least (thinking signatures, cache points,
// citations). Used by requests, responses and stream events alike.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heimdall::schema {

struct CacheControl {
  std::string type = "ephemeral";
  std::optional<std::string> ttl;  // "5m" | "1h"
};

// Where an image's or document's bytes are.
struct MediaSource {
  enum class Kind { Base64, Url, Text, File, Content };
  Kind kind = Kind::Base64;
  std::string media_type;  // "image/png", "application/pdf", "text/plain"
  std::string data;        // Base64: the base64 text; Text: the plain text
  std::string url;         // Url
  std::string file_id;     // File
};

enum class BlockType {
  Text,
  Image,
  Document,
  ToolUse,
  ToolResult,
  Thinking,
  RedactedThinking,
  // A block only one dialect knows (server tool results, search_result, …). `raw` holds it verbatim
  // so the same dialect can replay it; other dialects drop it deliberately.
  Opaque,
};

// The members few blocks have, out of line (ContentBlock::detail): a block is built and destroyed
// for every part of every request, response and stream event, and these (a media source and two
// JSON values with out-of-line destructors) were most of that cost.
struct BlockDetail {
  // Image and Document.
  MediaSource source;
  std::optional<std::string> title;    // Document
  std::optional<std::string> context;  // Document
  // Fields of the block that the canonical model has no slot for (citations, …).
  boost::json::object extra;
  // Opaque: the whole block as received.
  boost::json::value raw;
};

/// What detail() reads for a block without detail.
inline const BlockDetail kNoDetail{};

struct ContentBlock {
  BlockType type = BlockType::Text;

  // Text: the text. Thinking: the reasoning text (may be empty with a signature).
  std::string text;
  // Thinking: the provider's signature, replayed verbatim to the same model family.
  std::string signature;
  // RedactedThinking: the encrypted payload.
  std::string data;

  // ToolUse: id, name and the input, a JSON object as compact text (as boost::json::serialize
  // writes it): encoders only re-emit it, and a Boost.JSON value cost more to build, move and
  // destroy than the rest of the block.
  std::string id;
  std::string name;
  std::string input = "{}";

  // ToolResult: which tool_use it answers, its content (text/image blocks) and whether it failed.
  std::string tool_use_id;
  std::vector<ContentBlock> content;
  bool content_is_string = false;  // the caller sent `content` as a string, not blocks
  bool is_error = false;

  std::optional<CacheControl> cache_control;

  /// Source, title, context, extra and raw: shared empty ones for a block that has none.
  const BlockDetail& detail() const {
    return detail_.get() != nullptr ? *detail_.get() : kNoDetail;
  }
  /// The same, to fill in: allocated on first use.
  BlockDetail& mutable_detail() {
    if (detail_.get() == nullptr) {
      detail_.create();
    }
    return *detail_.get();
  }

  static ContentBlock make_text(std::string text) {
    ContentBlock b;
    b.type = BlockType::Text;
    b.text = std::move(text);
    return b;
  }

 private:
  // Owns the detail and copies it with the block, so that a block stays a value.
  class DetailPtr {
   public:
    DetailPtr() = default;
    DetailPtr(DetailPtr&&) noexcept = default;
    DetailPtr& operator=(DetailPtr&&) noexcept = default;
    DetailPtr(const DetailPtr& other) : p_(copy(other)) {}
    DetailPtr& operator=(const DetailPtr& other) {
      if (this != &other) {
        p_ = copy(other);
      }
      return *this;
    }
    ~DetailPtr() = default;

    BlockDetail* get() const { return p_.get(); }
    void create() { p_ = std::make_unique<BlockDetail>(); }

   private:
    static std::unique_ptr<BlockDetail> copy(const DetailPtr& other) {
      return other.p_ ? std::make_unique<BlockDetail>(*other.p_) : nullptr;
    }
    std::unique_ptr<BlockDetail> p_;
  };
  DetailPtr detail_;
};

/// Appends a text block built in place: a block is large, and moving one into a vector costs more
/// than copying a short text.
inline ContentBlock& append_text(std::vector<ContentBlock>& blocks, std::string_view text) {
  ContentBlock& b = blocks.emplace_back();
  b.text = text;
  return b;
}

}  // namespace heimdall::schema
