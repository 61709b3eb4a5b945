#include "dialects/anthropic_content.hpp"

#include <boost/json/string.hpp>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace heimdall::dialects::anthropic_detail {

namespace dom = simdjson::dom;
using schema::BlockType;
using schema::ContentBlock;
using schema::MediaSource;

std::string Path::str() const {
  std::vector<const Path*> chain;
  for (const Path* p = this; p != nullptr; p = p->parent) {
    chain.push_back(p);
  }
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!out.empty()) {
      out.push_back('.');
    }
    if ((*it)->key.empty()) {
      out.append(std::to_string((*it)->index));
    } else {
      out.append((*it)->key);
    }
  }
  return out;
}

schema::Error field_required(const Path& path) {
  return schema::Error::invalid(path.str() + ": Field required");
}

schema::Error wrong_kind(const Path& path, std::string_view kind) {
  std::string msg = path.str();
  msg.append(": Input should be ").append(kind);
  return schema::Error::invalid(std::move(msg));
}

std::optional<schema::CacheControl> decode_cache_control(dom::element v) {
  dom::object o;
  if (v.get_object().get(o) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  const Members m(o);
  schema::CacheControl cc;
  if (auto t = get_string(m, "type")) {
    cc.type = *t;
  }
  if (auto ttl = get_string(m, "ttl")) {
    cc.ttl = std::string(*ttl);
  }
  return cc;
}

void write_cache_control(JsonWriter& w, const schema::CacheControl& cc) {
  w.begin_object();
  w.field("type", cc.type);
  if (cc.ttl) {
    w.field("ttl", *cc.ttl);
  }
  w.end_object();
}

namespace {

// Reads a required string member into `out`, where the block keeps it (returned in a Result, it
// cost a construction, a move and the Result's destruction); on failure returns the
// Anthropic-worded error and leaves `out` as it was.
std::optional<schema::Error> required_string(const Members& o, std::string_view key,
                                             const Path& path, std::string& out) {
  const auto v = find(o, key);
  if (!v) {
    return field_required(path.child(key));
  }
  std::string_view s;
  if (v->get_string().get(s) != simdjson::SUCCESS) {
    return wrong_kind(path.child(key), "a valid string");
  }
  out = s;
  return std::nullopt;
}

std::optional<std::string> optional_string(const Members& o, std::string_view key) {
  if (auto s = get_string(o, key)) {
    return std::string(*s);
  }
  return std::nullopt;
}

// Discards what was read of the block so far.
void make_opaque(dom::element v, ContentBlock& b) {
  b = ContentBlock{};
  b.type = BlockType::Opaque;
  b.mutable_detail().raw = to_boost(v);
}

// Decodes the blocks of a `content` array into `out`.
std::optional<schema::Error> decode_blocks(dom::array arr, const Path& path,
                                           std::vector<ContentBlock>& out) {
  out.reserve(out.size() + arr.size());
  size_t i = 0;
  for (const dom::element v : arr) {
    if (auto err = decode_block(v, path.at(i++), out.emplace_back())) {
      return err;
    }
  }
  return std::nullopt;
}

// A source the canonical model has a slot for; nullopt for a kind it does not know (the block is
// then kept Opaque so a newer Anthropic source type survives a round trip).
schema::Result<std::optional<MediaSource>> decode_source(const Members& block, const Path& path,
                                                         ContentBlock& out) {
  const Path source_path = path.child("source");
  const auto sv = find(block, "source");
  if (!sv) {
    return field_required(source_path);
  }
  dom::object source_object;
  if (sv->get_object().get(source_object) != simdjson::SUCCESS) {
    return wrong_kind(source_path, "a valid dictionary");
  }
  const Members so(source_object);
  const auto tv = find(so, "type");
  if (!tv) {
    return field_required(source_path.child("type"));
  }
  std::string_view type;
  if (tv->get_string().get(type) != simdjson::SUCCESS) {
    return std::optional<MediaSource>{};
  }
  MediaSource src;
  const Path typed = source_path.child(type);
  if (type == "base64" || type == "text") {
    src.kind = type == "base64" ? MediaSource::Kind::Base64 : MediaSource::Kind::Text;
    if (auto err = required_string(so, "data", typed, src.data)) {
      return *err;
    }
    if (auto mt = optional_string(so, "media_type")) {
      src.media_type = std::move(*mt);
    } else if (src.kind == MediaSource::Kind::Base64) {
      return field_required(typed.child("media_type"));
    }
  } else if (type == "url") {
    src.kind = MediaSource::Kind::Url;
    if (auto err = required_string(so, "url", typed, src.url)) {
      return *err;
    }
  } else if (type == "file") {
    src.kind = MediaSource::Kind::File;
    if (auto err = required_string(so, "file_id", typed, src.file_id)) {
      return *err;
    }
  } else if (type == "content") {
    src.kind = MediaSource::Kind::Content;
    const auto cv = find(so, "content");
    if (!cv) {
      return field_required(typed.child("content"));
    }
    std::string_view text;
    dom::array arr;
    if (cv->get_string().get(text) == simdjson::SUCCESS) {
      schema::append_text(out.content, text);
      out.content_is_string = true;
    } else if (cv->get_array().get(arr) == simdjson::SUCCESS) {
      if (auto err = decode_blocks(arr, typed.child("content"), out.content)) {
        return *err;
      }
    } else {
      return wrong_kind(typed.child("content"), "a valid list");
    }
  } else {
    return std::optional<MediaSource>{};
  }
  return std::optional<MediaSource>{std::move(src)};
}

// The members every block type may carry besides its own.
bool is_common_key(std::string_view k) { return equals(k, "type") || equals(k, "cache_control"); }

// Keeps the members of a block that are neither common nor `known` in its extra. The known names
// are literals, compared inline (see equals).
template <size_t... N>
void keep_unknown(const Members& o, ContentBlock& b, const char (&... known)[N]) {
  for (const auto [k, value] : o) {
    if (is_common_key(k) || (equals(k, known) || ...)) {
      continue;
    }
    // Members lists each key once, and the keys set before this are known ones.
    b.mutable_detail().extra.emplace(k, to_boost(value));
  }
}

}  // namespace

std::optional<schema::Error> decode_block(dom::element v, const Path& path, ContentBlock& b) {
  dom::object object;
  if (v.get_object().get(object) != simdjson::SUCCESS) {
    return wrong_kind(path, "a valid dictionary");
  }
  const Members o(object);
  const auto tv = find(o, "type");
  if (!tv) {
    return field_required(path.child("type"));
  }
  std::string_view type;
  if (tv->get_string().get(type) != simdjson::SUCCESS) {
    return wrong_kind(path.child("type"), "a valid string");
  }
  const Path typed = path;  // Anthropic names members directly under the block index

  if (equals(type, "text")) {
    b.type = BlockType::Text;
    if (auto err = required_string(o, "text", typed, b.text)) {
      return *err;
    }
    keep_unknown(o, b, "text");
  } else if (equals(type, "image") || equals(type, "document")) {
    b.type = equals(type, "image") ? BlockType::Image : BlockType::Document;
    HEIMDALL_TRY(auto src, decode_source(o, typed, b));
    if (!src) {
      make_opaque(v, b);
      return std::nullopt;
    }
    schema::BlockDetail& detail = b.mutable_detail();
    detail.source = std::move(*src);
    if (b.type == BlockType::Document) {
      detail.title = optional_string(o, "title");
      detail.context = optional_string(o, "context");
    }
    if (b.type == BlockType::Document) {
      keep_unknown(o, b, "source", "title", "context");
    } else {
      keep_unknown(o, b, "source");
    }
  } else if (equals(type, "tool_use")) {
    b.type = BlockType::ToolUse;
    if (auto err = required_string(o, "id", typed, b.id)) {
      return *err;
    }
    if (auto err = required_string(o, "name", typed, b.name)) {
      return *err;
    }
    const auto in = find(o, "input");
    if (!in) {
      return field_required(typed.child("input"));
    }
    if (!in->is_object()) {
      return wrong_kind(typed.child("input"), "a valid dictionary");
    }
    b.input.clear();
    append_json_element(b.input, *in);
    keep_unknown(o, b, "id", "name", "input");
  } else if (equals(type, "tool_result")) {
    b.type = BlockType::ToolResult;
    if (auto err = required_string(o, "tool_use_id", typed, b.tool_use_id)) {
      return *err;
    }
    if (const auto cv = find(o, "content"); cv && !cv->is_null()) {
      std::string_view text;
      dom::array arr;
      if (cv->get_string().get(text) == simdjson::SUCCESS) {
        schema::append_text(b.content, text);
        b.content_is_string = true;
      } else if (cv->get_array().get(arr) == simdjson::SUCCESS) {
        if (auto err = decode_blocks(arr, typed.child("content"), b.content)) {
          return *err;
        }
      } else {
        return wrong_kind(typed.child("content"), "a valid list");
      }
    }
    if (const auto ev = find(o, "is_error"); ev && !ev->is_null()) {
      bool is_error = false;
      if (ev->get_bool().get(is_error) != simdjson::SUCCESS) {
        return wrong_kind(typed.child("is_error"), "a valid boolean");
      }
      b.is_error = is_error;
      if (!b.is_error) {
        b.mutable_detail().extra["is_error"] =
            false;  // explicit false is rare; kept so the bytes round-trip
      }
    }
    keep_unknown(o, b, "tool_use_id", "content", "is_error");
  } else if (equals(type, "thinking")) {
    b.type = BlockType::Thinking;
    if (auto err = required_string(o, "thinking", typed, b.text)) {
      return *err;
    }
    if (auto err = required_string(o, "signature", typed, b.signature)) {
      return *err;
    }
    keep_unknown(o, b, "thinking", "signature");
  } else if (equals(type, "redacted_thinking")) {
    b.type = BlockType::RedactedThinking;
    if (auto err = required_string(o, "data", typed, b.data)) {
      return *err;
    }
    keep_unknown(o, b, "data");
  } else {
    // server_tool_use, web_search_tool_result, search_result, container_upload, mcp_* … (§2.1).
    make_opaque(v, b);
    return std::nullopt;
  }
  if (const auto cc = find(o, "cache_control")) {
    b.cache_control = decode_cache_control(*cc);
  }
  return std::nullopt;
}

namespace {

// "data:<media type>;base64,<payload>" → (media type, payload); other dialects carry inline images
// as data URLs, Anthropic wants a base64 source (§6.1 reversed).
bool split_data_url(std::string_view url, std::string_view& media_type, std::string_view& data) {
  constexpr std::string_view kPrefix = "data:";
  constexpr std::string_view kMarker = ";base64,";
  if (url.substr(0, kPrefix.size()) != kPrefix) {
    return false;
  }
  const auto pos = url.find(kMarker);
  if (pos == std::string_view::npos) {
    return false;
  }
  media_type = url.substr(kPrefix.size(), pos - kPrefix.size());
  data = url.substr(pos + kMarker.size());
  return true;
}

void write_blocks(JsonWriter& w, const std::vector<ContentBlock>& blocks, BlockShape shape) {
  w.begin_array();
  for (const auto& b : blocks) {
    if (is_encodable(b, shape)) {
      encode_block(w, b, shape);
    }
  }
  w.end_array();
}

// A string-valued `content` re-encodes as a string when it is still a single plain text block.
bool writes_as_string(const std::vector<ContentBlock>& blocks, bool content_is_string) {
  if (!content_is_string) {
    return false;
  }
  if (blocks.empty()) {
    return true;
  }
  return blocks.size() == 1 && blocks[0].type == BlockType::Text && !blocks[0].cache_control &&
         blocks[0].detail().extra.empty();
}

void write_content_value(JsonWriter& w, const std::vector<ContentBlock>& blocks,
                         bool content_is_string, BlockShape shape) {
  if (writes_as_string(blocks, content_is_string)) {
    w.string(blocks.empty() ? std::string_view{} : std::string_view{blocks[0].text});
  } else {
    write_blocks(w, blocks, shape);
  }
}

void write_source(JsonWriter& w, const ContentBlock& b, BlockShape shape) {
  const MediaSource& s = b.detail().source;
  w.key("source");
  w.begin_object();
  switch (s.kind) {
    case MediaSource::Kind::Base64:
      w.field("type", "base64");
      w.field("media_type", s.media_type);
      w.field("data", s.data);
      break;
    case MediaSource::Kind::Url: {
      std::string_view media_type, data;
      if (split_data_url(s.url, media_type, data)) {
        w.field("type", "base64");
        w.field("media_type", media_type);
        w.field("data", data);
      } else {
        w.field("type", "url");
        w.field("url", s.url);
      }
      break;
    }
    case MediaSource::Kind::Text:
      w.field("type", "text");
      w.field("media_type", s.media_type.empty() ? std::string_view{"text/plain"}
                                                 : std::string_view{s.media_type});
      w.field("data", s.data);
      break;
    case MediaSource::Kind::File:
      w.field("type", "file");
      w.field("file_id", s.file_id);
      break;
    case MediaSource::Kind::Content:
      w.field("type", "content");
      w.key("content");
      write_content_value(w, b.content, b.content_is_string, shape);
      break;
  }
  w.end_object();
}

void write_extra(JsonWriter& w, const ContentBlock& b, BlockShape shape) {
  if (shape == BlockShape::RequestSameDialect) {
    for (const auto& kv : b.detail().extra) {
      w.key(kv.key());
      w.value(kv.value());
    }
  }
}

}  // namespace

// Ids must match Anthropic's `^[a-zA-Z0-9_-]+$` (§2.1). Ids from other providers may
// hold other characters; mapping each to '_' is deterministic, so a tool_use and its tool_result
// still pair up. Anthropic's own ids are already valid and pass unchanged.
void write_tool_id(JsonWriter& w, std::string_view key, std::string_view id, BlockShape shape) {
  // A table: ids are checked on every translated tool block, a byte at a time.
  static constexpr auto kValid = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) {
      t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-';
    }
    return t;
  }();
  auto valid = [](char c) { return kValid[static_cast<unsigned char>(c)]; };
  if (shape == BlockShape::RequestSameDialect || std::all_of(id.begin(), id.end(), valid)) {
    w.field(key, id);
    return;
  }
  std::string fixed(id);
  std::replace_if(
      fixed.begin(), fixed.end(), [&](char c) { return !valid(c); }, '_');
  w.field(key, fixed);
}

bool is_encodable(const ContentBlock& b, BlockShape shape) {
  switch (b.type) {
    case BlockType::Text:
      // Anthropic rejects empty text blocks; a caller of this dialect sent them on purpose (and
      // gets Anthropic's own error), another dialect's empty parts are just absent content.
      return shape != BlockShape::RequestOtherDialect || !b.text.empty();
    case BlockType::Thinking:
      // In a request, an unsigned thinking block cannot be verified by Anthropic and is rejected
      // (§6.9): it is another model family's reasoning. Signature-only blocks (empty text) are
      // valid and kept. A response shows another model's reasoning with signature "" (§6.2).
      return shape == BlockShape::Response || !b.signature.empty();
    case BlockType::Opaque:
      // Raw JSON of another dialect means nothing here; responses carry no origin, so an object
      // with a string `type` is taken as an Anthropic block (server tools, §3).
      if (shape == BlockShape::RequestOtherDialect) {
        return false;
      }
      if (const auto* o = b.detail().raw.if_object()) {
        const auto* t = find(*o, "type");
        return t != nullptr && t->is_string();
      }
      return false;
    default:
      return true;
  }
}

void encode_block(JsonWriter& w, const ContentBlock& b, BlockShape shape) {
  if (b.type == BlockType::Opaque) {
    w.value(b.detail().raw);
    return;
  }
  w.begin_object();
  switch (b.type) {
    case BlockType::Text:
      w.field("type", "text");
      w.field("text", b.text);
      if (shape == BlockShape::Response) {
        // The SDK types declare `citations: TextCitation[] | null` on every response text block.
        w.key("citations");
        const auto* c = find(b.detail().extra, "citations");
        if (c != nullptr && c->is_array()) {
          w.value(*c);
        } else {
          w.null();
        }
      }
      break;
    case BlockType::Image:
    case BlockType::Document:
      w.field("type", b.type == BlockType::Image ? "image" : "document");
      write_source(w, b, shape);
      if (const schema::BlockDetail& detail = b.detail(); detail.title) {
        w.field("title", *detail.title);
      }
      if (const schema::BlockDetail& detail = b.detail(); detail.context) {
        w.field("context", *detail.context);
      }
      break;
    case BlockType::ToolUse:
      w.field("type", "tool_use");
      write_tool_id(w, "id", b.id, shape);
      w.field("name", b.name);
      w.key("input");
      // Always an object: another dialect's unparsable arguments became {} (§6.2).
      w.raw_json(b.input);
      break;
    case BlockType::ToolResult:
      w.field("type", "tool_result");
      write_tool_id(w, "tool_use_id", b.tool_use_id, shape);
      if (b.content_is_string || !b.content.empty()) {
        w.key("content");
        write_content_value(w, b.content, b.content_is_string, shape);
      }
      if (b.is_error) {
        w.field_bool("is_error", true);
      }
      break;
    case BlockType::Thinking:
      w.field("type", "thinking");
      w.field("thinking", b.text);
      w.field("signature", b.signature);
      break;
    case BlockType::RedactedThinking:
      w.field("type", "redacted_thinking");
      w.field("data", b.data);
      break;
    case BlockType::Opaque:
      break;
  }
  if (b.cache_control && shape != BlockShape::Response) {
    w.key("cache_control");
    write_cache_control(w, *b.cache_control);
  }
  write_extra(w, b, shape);
  w.end_object();
}

}  // namespace heimdall::dialects::anthropic_detail
